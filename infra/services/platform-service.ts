import type { IRequestValidator, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { routesByService } from '../../schemas/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { addServiceRoutes } from '../constructs/service-routes.js';

export interface PlatformServiceProps {
  readonly api: IRestApi;
  readonly requestValidator: IRequestValidator;
  readonly municipality: Municipality;
}

/** The platform function: `GET /health`, `GET /openapi.json`, and every route no e-service claims (404). */
export class PlatformService extends Construct {
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: PlatformServiceProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Function', {
      entry: 'functions/platform/handler.ts',
      description: 'Platform: health, OpenAPI document, 404 for unknown routes',
      municipality: props.municipality,
    });
    addServiceRoutes({
      api: props.api,
      handler: this.function.function,
      routes: routesByService.platform,
      requestValidator: props.requestValidator,
      catchAll: true,
    });
  }
}
