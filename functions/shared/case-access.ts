import type { CaseRecord } from './case-model.js';
import type { Caller } from './http.js';
import { accessCodeMatches } from './ids.js';

/**
 * Who may see a case: its signed-in owner, an officer of its department, or anyone holding its access code.
 * Everyone else is told the case does not exist (404, so case ids cannot be probed).
 */
export function mayReadCase(caller: Caller, record: CaseRecord, accessCode: string | undefined): boolean {
  if (caller.kind === 'resident' && record.ownerSub !== undefined && caller.sub === record.ownerSub) return true;
  if (caller.kind === 'officer' && caller.departments.includes(record.departmentId)) return true;
  return accessCodeMatches(accessCode, record.accessCodeHash);
}

/** Who may add to a case (attachments, answers): its owner or the holder of its access code. */
export function mayAddToCase(caller: Caller, record: CaseRecord, accessCode: string | undefined): boolean {
  if (caller.kind === 'resident' && record.ownerSub !== undefined && caller.sub === record.ownerSub) return true;
  return accessCodeMatches(accessCode, record.accessCodeHash);
}

/** The access code from the `X-Access-Code` header or the `accessCode` query parameter (links in mails). */
export function accessCodeOf(headers: Readonly<Record<string, string>>, query: { accessCode?: string }): string | undefined {
  return headers['x-access-code'] ?? query.accessCode;
}
