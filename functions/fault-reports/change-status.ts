import type { StatusChange } from '../../schemas/fault-reports.js';
import type { Municipality } from '../../schemas/municipality.js';
import type { CaseStatus } from '../../schemas/cases.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { NotFoundError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import { messages } from '../shared/i18n.js';
import type { Logger } from '../shared/logger.js';
import { oneClickUnsubscribe, type SendMail } from '../shared/mail.js';
import { unsubscribeLink } from './create-report.js';
import { FAULT_REPORT_KIND, open311Status, statusLabel, summaryOf } from './open311-views.js';
import type { ReportIndex } from './report-index.js';
import { indexWrites } from './report-index.js';

export interface ChangeStatusDeps {
  readonly cases: CaseRepository;
  readonly reports: Pick<ReportIndex, 'notification'>;
  readonly sendMail: SendMail;
  readonly municipality: Municipality;
  readonly now: () => Date;
  readonly log: Logger;
}

const CASE_STATUS: Record<StatusChange['status'], CaseStatus> = { open: 'received', 'in-progress': 'in-progress', closed: 'closed' };

/**
 * An officer of the report's department sets its status. The event, the case's status and the public
 * indexes move in one transaction; the reporter, unless unsubscribed, is mailed the change.
 */
export async function changeStatus(deps: ChangeStatusDeps, input: { caseId: string; caller: Caller; change: StatusChange }) {
  const { municipality } = deps;
  const found = await deps.cases.getCase(input.caseId);
  // Not a report, or not the caller's department: the same 404, so case ids cannot be probed.
  if (!found || found.record.kind !== FAULT_REPORT_KIND || input.caller.kind !== 'officer' || !input.caller.departments.includes(found.record.departmentId)) {
    throw new NotFoundError(messages.caseNotFound);
  }
  const at = deps.now().toISOString();
  const status = CASE_STATUS[input.change.status];
  const event = {
    type: 'status-changed' as const,
    at,
    actor: { kind: 'officer' as const, sub: input.caller.sub },
    data: { status, ...(input.change.statusNotes ? { statusNotes: input.change.statusNotes } : {}) },
  };
  const previous = summaryOf(found.record, found.events, municipality);
  const updated = await deps.cases.appendEvents(input.caseId, [event], {
    extraWrites: (record) => {
      const report = summaryOf(record, [...found.events, { ...event, eventId: 'pending' }], municipality);
      return indexWrites(report, {
        previous,
        update: { updateId: `${record.caseId}-${record.version}`, caseId: record.caseId, status: report.status, at, description: input.change.statusNotes, mediaUrl: report.mediaUrl },
      });
    },
  });

  const notification = await deps.reports.notification(input.caseId);
  if (notification) {
    const label = { sv: statusLabel(status, 'sv'), en: statusLabel(status, 'en') };
    const unsubscribe = unsubscribeLink(municipality, input.caseId, notification.token);
    const notes = input.change.statusNotes ? `\n${input.change.statusNotes}\n` : '';
    await deps
      .sendMail({
        to: [notification.email],
        subject: `Felanmälan ${updated.diarienummer}: ${label.sv} / ${label.en}`,
        text: [
          `Din felanmälan ${updated.diarienummer} har fått status: ${label.sv}.${notes}`,
          `Your report ${updated.diarienummer} is now: ${label.en}.`,
          ``,
          `Sluta få mejl om den här anmälan / Stop these mails: ${unsubscribe}`,
        ].join('\n'),
        headers: oneClickUnsubscribe(unsubscribe),
      })
      .catch((error: unknown) => deps.log.error('status mail failed', { caseId: input.caseId, error }));
  }
  return { caseId: input.caseId, status: updated.status, open311Status: open311Status(updated), reporterNotified: Boolean(notification) };
}
