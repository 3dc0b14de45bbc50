import { findPermitType, permitsRoutes } from '../../schemas/permits/index.js';
import { createApiHandler } from '../shared/api-handler.js';
import { accessCodeOf } from '../shared/case-access.js';
import { dynamoCaseRepository } from '../shared/case-repository.js';
import { documentClient, ses, sfn } from '../shared/clients.js';
import { loadMunicipality, requireEnv } from '../shared/config.js';
import { NotFoundError } from '../shared/errors.js';
import { dynamoIdempotencyStore } from '../shared/idempotency-store.js';
import { sesMailer } from '../shared/mail.js';
import { stepFunctionsWorkflows } from './adapters.js';
import { applyForPermit } from './apply-for-permit.js';
import { permitMessages } from './messages.js';
import { dynamoPermitStore } from './permit-store.js';
import { addSupplement } from './supplements.js';
import { taskPage } from './task-page.js';
import { decideTask, readTask } from './tasks.js';

const municipality = loadMunicipality();
const tableName = requireEnv('TABLE_NAME');
const cases = dynamoCaseRepository(documentClient(), tableName);
const permits = dynamoPermitStore(documentClient(), tableName);
const workflows = stepFunctionsWorkflows(sfn(), JSON.parse(requireEnv('STATE_MACHINE_ARNS')) as Record<string, string>);
const sendMail = sesMailer(ses(), municipality.mailFrom);
const now = () => new Date();

export const handler = createApiHandler({
  routes: permitsRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  idempotencyStore: dynamoIdempotencyStore(documentClient(), tableName),
  operations: {
    applyForPermit: async ({ params, body, caller, log }) => {
      const declaration = findPermitType(params.permitType);
      if (!declaration) throw new NotFoundError(permitMessages.permitTypeNotFound, { permitType: params.permitType });
      const receipt = await applyForPermit({ cases, workflows, sendMail, municipality, now, log }, { declaration, application: body as Record<string, unknown>, caller });
      return { status: 201, body: receipt, headers: { Location: `/cases/${receipt.caseId}` } };
    },
    getTask: async ({ params, caller, headers, language, log }) => {
      const view = await readTask({ cases, permits, workflows, now, log }, { taskId: params.taskId, caller });
      // A browser (the link in the mail) gets the confirm page; API clients get JSON.
      if (/text\/html/.test(headers.accept ?? '')) return { status: 200, body: taskPage(view, language), contentType: 'text/html' };
      return { status: 200, body: view };
    },
    decideTask: async ({ params, caller, body, log }) => ({
      status: 200,
      body: await decideTask({ cases, permits, workflows, now, log }, { taskId: params.taskId, caller, decision: body }),
    }),
    addSupplement: async ({ params, query, headers, caller, body }) => ({
      status: 200,
      body: await addSupplement({ cases, permits, workflows, now }, { caseId: params.caseId, caller, accessCode: accessCodeOf(headers, query), supplement: body }),
    }),
  },
});
