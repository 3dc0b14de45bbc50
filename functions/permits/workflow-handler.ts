import { dynamoCaseRepository } from '../shared/case-repository.js';
import { documentClient, s3, ses } from '../shared/clients.js';
import { loadMunicipality, requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { sesMailer } from '../shared/mail.js';
import { s3Archive } from './adapters.js';
import { dynamoPermitStore } from './permit-store.js';
import { expirePart, finalizePermit, openTask, remindOrEscalate, requestInformation, type WorkflowDeps, type WorkflowEvent } from './workflow-steps.js';

const municipality = loadMunicipality();
const tableName = requireEnv('TABLE_NAME');
const baseDeps: WorkflowDeps = {
  cases: dynamoCaseRepository(documentClient(), tableName),
  permits: dynamoPermitStore(documentClient(), tableName),
  sendMail: sesMailer(ses(), municipality.mailFrom),
  archive: s3Archive(s3(), requireEnv('ARCHIVE_BUCKET')),
  municipality,
  now: () => new Date(),
  log: logger,
  dayMs: Number(requireEnv('PERMIT_SECONDS_PER_DAY')) * 1000,
};

/**
 * The steps of the permit state machines. Callback steps (`open`, `remind`, `escalate`, `request-info`)
 * get the task token; their return value is ignored, the workflow resumes on SendTaskSuccess.
 */
export async function handler(event: WorkflowEvent): Promise<unknown> {
  const log = logger.child({ caseId: event.caseId, action: event.action, partId: event.partId });
  log.info('workflow step');
  const deps = { ...baseDeps, log };
  switch (event.action) {
    case 'open':
      return openTask(deps, event);
    case 'remind':
    case 'escalate':
      return remindOrEscalate(deps, event);
    case 'expire':
      return expirePart(deps, event);
    case 'request-info':
      return requestInformation(deps, event);
    case 'finalize':
      return finalizePermit(deps, event);
    default:
      throw new Error(`unknown workflow action ${String((event as { action?: unknown }).action)}`);
  }
}
