import { applicableParts, type PermitTypeDeclaration } from '../../schemas/permits/index.js';
import type { SubmissionReceipt } from '../../schemas/forms/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { registerYear, submitterOf, valueAt } from '../shared/case-model.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { departmentById, publicBaseUrl } from '../shared/config.js';
import type { Caller } from '../shared/http.js';
import { hashAccessCode, newAccessCode, newUlid } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { SendMail } from '../shared/mail.js';

/** The permit workflows as the API sees them (Step Functions). */
export interface PermitWorkflows {
  /** Starts the permit type's state machine for a case; the execution is named after the case (one per case). */
  start(permitType: string, caseId: string, input: { caseId: string; permitType: string; parts: Record<string, boolean> }): Promise<void>;
  /** Resumes a waiting callback state. Throws when the token is no longer valid (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`). */
  sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<void>;
}

export interface ApplyForPermitDeps {
  readonly cases: CaseRepository;
  readonly workflows: PermitWorkflows;
  readonly sendMail: SendMail;
  readonly municipality: Municipality;
  readonly now: () => Date;
  readonly log: Logger;
}

/**
 * A permit application becomes a case in the coordinating department's series, starts the permit type's
 * workflow with the parts that apply, and the applicant gets a receipt.
 */
export async function applyForPermit(
  deps: ApplyForPermitDeps,
  input: { declaration: PermitTypeDeclaration; application: Record<string, unknown>; caller: Caller },
): Promise<SubmissionReceipt> {
  const { declaration, application, caller } = input;
  const department = departmentById(deps.municipality, declaration.departmentId);
  const now = deps.now();
  const at = now.toISOString();
  const accessCode = newAccessCode();
  const contactEmail = valueAt(application, declaration.contactEmailPath);
  const parts = applicableParts(declaration, application);
  const caseId = newUlid(now.getTime());

  // The workflow starts before the case is written: if Step Functions cannot take the application, nothing
  // is registered and a retry starts afresh (no case without a workflow). The workflow's first step waits
  // for its case; if the case is never written, the execution fails and nothing is left behind.
  await deps.workflows.start(declaration.permitType, caseId, { caseId, permitType: declaration.permitType, parts });
  const record = await deps.cases.createCase(
    {
      caseId,
      series: department.registerSeries,
      year: registerYear(now, deps.municipality.timeZone),
      kind: 'permit',
      subject: declaration.permitType,
      title: declaration.title,
      departmentId: department.id,
      ownerSub: caller.kind === 'resident' ? caller.sub : undefined,
      accessCodeHash: hashAccessCode(accessCode),
      answers: { ...application },
      secretPaths: [],
      contactEmail: typeof contactEmail === 'string' ? contactEmail : undefined,
      createdAt: at,
    },
    {
      type: 'submitted',
      at,
      actor: submitterOf(caller),
      data: { permitType: declaration.permitType, permitVersion: declaration.version, parts },
    },
  );

  await deps.cases.appendEvents(record.caseId, [
    { type: 'workflow-started', at: deps.now().toISOString(), actor: { kind: 'system' }, data: { parts: Object.keys(parts).filter((p) => parts[p]) } },
  ]);

  const caseUrl = `${publicBaseUrl(deps.municipality)}/cases/${record.caseId}?accessCode=${encodeURIComponent(accessCode)}`;
  if (record.contactEmail) {
    const applying = declaration.parts.filter((p) => parts[p.partId]);
    await deps
      .sendMail({
        to: [record.contactEmail],
        subject: `Vi har tagit emot din ansökan ${record.diarienummer} / Application received`,
        text: [
          `Hej!`,
          ``,
          `${deps.municipality.name.sv} har tagit emot din ansökan "${declaration.title.sv}".`,
          `Diarienummer: ${record.diarienummer}`,
          `Delar som prövas: ${applying.map((p) => `${p.title.sv} (${departmentById(deps.municipality, p.departmentId).name.sv})`).join('; ')}`,
          `Följ ärendet: ${caseUrl}`,
          `Din åtkomstkod: ${accessCode} (spara den; den visas inte igen)`,
          ``,
          `---`,
          `${deps.municipality.name.en} has received your application "${declaration.title.en}", case number ${record.diarienummer}. Follow it: ${caseUrl}`,
        ].join('\n'),
      })
      .catch((error: unknown) => deps.log.error('receipt mail failed', { caseId: record.caseId, error }));
  }
  return { caseId: record.caseId, diarienummer: record.diarienummer, accessCode, status: record.status, caseUrl };
}
