import type { SupplementRequest } from '../../schemas/permits/index.js';
import { mayAddToCase } from '../shared/case-access.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { attachmentsOf } from '../shared/case-view.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import { messages } from '../shared/i18n.js';
import type { PermitWorkflows } from './apply-for-permit.js';
import { permitMessages } from './messages.js';
import { PartStateConflictError, type PermitStore } from './permit-store.js';

export interface SupplementDeps {
  readonly cases: CaseRepository;
  readonly permits: PermitStore;
  readonly workflows: Pick<PermitWorkflows, 'sendTaskSuccess'>;
  readonly now: () => Date;
}

/** The applicant answers the open requests for information; each department that asked resumes. */
export async function addSupplement(deps: SupplementDeps, input: { caseId: string; caller: Caller; accessCode?: string; supplement: SupplementRequest }) {
  const found = await deps.cases.getCase(input.caseId);
  if (!found || !mayAddToCase(input.caller, found.record, input.accessCode)) throw new NotFoundError(messages.caseNotFound);
  // Attachments go through POST /cases/{caseId}/attachments; an answer may only point at this case's own.
  const usable = new Set(attachmentsOf(found.events).filter((a) => a.status !== 'rejected').map((a) => a.attachmentId));
  const unknown = (input.supplement.attachmentIds ?? []).flatMap((id, index) => (usable.has(id) ? [] : [{ path: `body.attachmentIds.${index}`, message: 'not an attachment of this case' }]));
  if (unknown.length > 0) throw new ValidationError(unknown);
  const waiting = (await deps.permits.listParts(input.caseId)).filter((p) => p.status === 'waiting-for-applicant');
  const answered = [];
  for (const part of waiting) {
    try {
      answered.push(await deps.permits.answer(input.caseId, part.partId));
    } catch (error) {
      if (!(error instanceof PartStateConflictError)) throw error;
    }
  }
  if (answered.length === 0) throw new ConflictError('conflict', permitMessages.noQuestion);
  const record = await deps.cases.appendEvents(input.caseId, [
    {
      type: 'supplement-received',
      at: deps.now().toISOString(),
      actor: { kind: 'resident', sub: input.caller.kind === 'resident' ? input.caller.sub : undefined },
      data: { text: input.supplement.text, partIds: answered.map((p) => p.partId), attachmentIds: input.supplement.attachmentIds ?? [] },
    },
  ]);
  for (const part of answered) await deps.workflows.sendTaskSuccess(part.token!, { answered: true });
  return { caseId: input.caseId, resumedParts: answered.map((p) => p.partId), status: record.status };
}
