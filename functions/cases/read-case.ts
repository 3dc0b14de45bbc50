import type { CaseView, MyCasesPage } from '../../schemas/cases.js';
import type { Municipality } from '../../schemas/municipality.js';
import { mayReadCase } from '../shared/case-access.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { caseSummary, caseView } from '../shared/case-view.js';
import { NotFoundError, UnauthorizedError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import { messages } from '../shared/i18n.js';

export interface ReadCaseDeps {
  readonly cases: CaseRepository;
  readonly municipality: Municipality;
}

/** A case's status and history, for those who may see it; 404 for everyone else. */
export async function readCase(deps: ReadCaseDeps, input: { caseId: string; caller: Caller; accessCode?: string }): Promise<CaseView> {
  const found = await deps.cases.getCase(input.caseId);
  if (!found || !mayReadCase(input.caller, found.record, input.accessCode)) throw new NotFoundError(messages.caseNotFound);
  return caseView(found.record, found.events, deps.municipality);
}

/** The signed-in resident's cases, newest first, a page at a time. */
export async function listMyCases(deps: Pick<ReadCaseDeps, 'cases'>, input: { caller: Caller; limit: number; cursor?: string }): Promise<MyCasesPage> {
  if (input.caller.kind === 'anonymous') throw new UnauthorizedError(messages.signInRequired);
  const page = await deps.cases.listByOwner(input.caller.sub, input.limit, input.cursor);
  return { items: page.items.map(caseSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
