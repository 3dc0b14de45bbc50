import type { RouteSpec } from './api.js';
import { casesRoutes } from './cases.js';
import { faultReportsRoutes } from './fault-reports.js';
import { formsRoutes } from './forms/index.js';
import { permitsRoutes } from './permits/index.js';
import { platformRoutes } from './platform.js';

/** Every route of the public API, per e-service function. */
export const routesByService = {
  platform: platformRoutes,
  forms: formsRoutes,
  cases: casesRoutes,
  faultReports: faultReportsRoutes,
  permits: permitsRoutes,
} as const satisfies Record<string, readonly RouteSpec[]>;
export type ServiceName = keyof typeof routesByService;
