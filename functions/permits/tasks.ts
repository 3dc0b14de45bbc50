import type { DecisionRequest, TaskView } from '../../schemas/permits/index.js';
import { findPermitType, MAX_SUPPLEMENTS_SHOWN } from '../../schemas/permits/index.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { ConflictError, NotFoundError, ProblemError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import type { Logger } from '../shared/logger.js';
import type { PermitWorkflows } from './apply-for-permit.js';
import { permitMessages } from './messages.js';
import { PartStateConflictError, hashTaskId, type PartState, type PermitStore, type TaskRecord } from './permit-store.js';

export interface TaskDeps {
  readonly cases: CaseRepository;
  readonly permits: PermitStore;
  readonly workflows: PermitWorkflows;
  readonly now: () => Date;
  readonly log: Logger;
  /** Pause between attempts to hand a decision to the workflow while its token is being renewed. @default 200 */
  readonly retryDelayMs?: number;
}

/** 410 Gone: the task has expired. */
export class TaskExpiredError extends ProblemError {
  override name = 'TaskExpiredError';
  constructor() {
    super(410, 'gone', permitMessages.taskExpired);
  }
}

const notFound = () => new NotFoundError(permitMessages.taskNotFound);
const isOfficerOf = (caller: Caller, departmentId: string) => caller.kind === 'officer' && caller.departments.includes(departmentId);

function taskStatus(task: TaskRecord, part: PartState | undefined, now: Date): TaskView['status'] {
  if (!part || part.status === 'expired' || now.toISOString() >= task.expiresAt) return 'expired';
  if (part.round !== task.round || part.status !== 'open') return 'decided';
  return 'open';
}

/** What a task asks; reading never decides. Another department's officer is told it does not exist. */
export async function readTask(deps: TaskDeps, input: { taskId: string; caller: Caller }): Promise<TaskView> {
  const task = await deps.permits.getTask(hashTaskId(input.taskId));
  if (!task) throw notFound();
  if (input.caller.kind === 'officer' && !isOfficerOf(input.caller, task.departmentId)) throw notFound();
  const declaration = findPermitType(task.permitType);
  const part = declaration?.parts.find((p) => p.partId === task.partId);
  const found = await deps.cases.getCase(task.caseId);
  if (!declaration || !part || !found) throw notFound();
  const officer = isOfficerOf(input.caller, task.departmentId);
  const supplements = found.events
    .filter((e) => e.type === 'supplement-received')
    .slice(-MAX_SUPPLEMENTS_SHOWN)
    .map((e) => ({ at: e.at, text: String(e.data?.text ?? '') }));
  return {
    taskId: input.taskId,
    caseId: task.caseId,
    diarienummer: found.record.diarienummer,
    permitType: task.permitType,
    title: { sv: declaration.title.sv, en: declaration.title.en },
    part: { partId: part.partId, title: { sv: part.title.sv, en: part.title.en }, departmentId: part.departmentId },
    status: taskStatus(task, await deps.permits.getPart(task.caseId, task.partId), deps.now()),
    expiresAt: task.expiresAt,
    ...(officer ? { application: { ...found.record.answers }, supplements } : {}),
    decide: { method: 'POST', href: `/tasks/${input.taskId}/decision`, outcomes: ['approve', 'reject', 'request-info'] },
  };
}

const TOKEN_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Decides a task, once: the conditional write on the part lets exactly one decision through, which alone
 * resumes the workflow. Decided: 409; expired: 410; another department's officer: 404.
 */
export async function decideTask(deps: TaskDeps, input: { taskId: string; caller: Caller; decision: DecisionRequest }) {
  const task = await deps.permits.getTask(hashTaskId(input.taskId));
  if (!task || !isOfficerOf(input.caller, task.departmentId)) throw notFound();
  if (deps.now().toISOString() >= task.expiresAt) throw new TaskExpiredError();
  const { decision } = input;
  let part: PartState;
  try {
    part = await deps.permits.decide(task.caseId, task.partId, task.round, {
      outcome: decision.outcome,
      reason: decision.outcome === 'request-info' ? undefined : decision.reason,
      question: decision.outcome === 'request-info' ? decision.question : undefined,
    });
  } catch (error) {
    if (!(error instanceof PartStateConflictError)) throw error;
    if (!error.current || error.current.status === 'expired') throw new TaskExpiredError();
    throw new ConflictError('conflict', permitMessages.taskDecided);
  }

  if (decision.outcome !== 'request-info') {
    await deps.cases.appendEvents(task.caseId, [
      {
        type: 'part-decided',
        at: deps.now().toISOString(),
        actor: { kind: 'officer', sub: input.caller.kind === 'officer' ? input.caller.sub : undefined },
        data: { partId: task.partId, departmentId: task.departmentId, outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}) },
      },
    ]);
  }
  await deliver(deps, part, { outcome: decision.outcome });
  return { taskId: input.taskId, caseId: task.caseId, partId: task.partId, outcome: decision.outcome };
}

/**
 * Hands the decision to the workflow. A reminder may be renewing the token at this moment (the old one
 * timed out): then the new token is read and the decision sent with it.
 */
async function deliver(deps: TaskDeps, part: PartState, output: Record<string, unknown>): Promise<void> {
  let token = part.token!;
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.workflows.sendTaskSuccess(token, output);
      await deps.permits.markDelivered(part.caseId, part.partId, part.round);
      return;
    } catch (error) {
      if (!TOKEN_GONE.has((error as Error).name) || attempt >= 25) throw error;
      await new Promise((resolve) => setTimeout(resolve, deps.retryDelayMs ?? 200));
      const current = await deps.permits.getPart(part.caseId, part.partId);
      // The expiry step takes a stored decision over when it runs.
      if (!current?.token || current.round !== part.round || current.status !== 'decided') return;
      token = current.token;
    }
  }
}
