import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allStates, capTimeouts, MAX_TIMER_SECONDS, type AslState, type StateMachineDefinition } from './state-machines.js';

// aws-local-stepfunctions 3 uses Promise.withResolvers, which Node 20 lacks: without it every Task fails
// with a TypeError that a Catch may swallow.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** An error of the Step Functions API, answered as `{ __type, message }` with HTTP 400. */
export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One event of an execution's history, in the service's shape. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** An execution as the local endpoint keeps it (and persists it in its data dir). */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: number;
  stopDate?: number;
  readonly events: HistoryEvent[];
}

/** Invokes a local Lambda function by name (RequestResponse); rejects with an error named after the Lambda error type. */
export type InvokeFunction = (functionName: string, payload: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  /** Where execution records are kept between runs. @default - memory only */
  readonly dataDir?: string;
  readonly quiet?: boolean;
}

interface PendingTask {
  readonly executionArn: string;
  readonly stateName: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The value `$$.Task.Token` resolves to; each callback task replaces it in its payload with a token of its own. */
const TOKEN_PLACEHOLDER = '__local_task_token__';
const INTERRUPTED_ERROR = 'Local.RuntimeRestarted';

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return value;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]` or a bare name → the function name. */
export function functionNameOf(functionName: string): string {
  const match = /:function:([^:]+)/.exec(functionName);
  return match ? match[1]! : functionName;
}

/**
 * Step Functions for the local runtime: runs the templates' state machines on aws-local-stepfunctions,
 * with Lambda tasks invoking the local functions and callback tasks (`.waitForTaskToken`) that wait for
 * SendTaskSuccess/Failure. Executions that a restart interrupted are reported as ABORTED with the error
 * `Local.RuntimeRestarted`, never silently lost.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, StateMachineDefinition>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborts = new Map<string, () => void>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly timedOut = new Set<string>();
  private invokeFunction?: InvokeFunction;
  private saving?: Promise<void>;
  private saveAgain = false;
  private readonly runs = new Set<Promise<unknown>>();

  constructor(
    machines: readonly StateMachineDefinition[],
    private readonly options: LocalStepFunctionsOptions = {},
  ) {
    for (const machine of machines) this.machines.set(machine.arn, machine);
  }

  /** Connects the function runtime (it starts after this service, whose URL it needs). */
  useFunctions(invoke: InvokeFunction): void {
    this.invokeFunction = invoke;
  }

  /** Loads the execution records of earlier runs; those that were running are reported as interrupted. */
  async load(): Promise<void> {
    const file = this.file();
    if (!file || !existsSync(file)) return;
    const records = JSON.parse(await readFile(file, 'utf8')) as ExecutionRecord[];
    for (const record of records) {
      if (record.status === 'RUNNING') {
        record.status = 'ABORTED';
        record.error = INTERRUPTED_ERROR;
        record.cause = 'The local runtime stopped while this execution ran; local executions do not survive a restart.';
        record.stopDate = Date.now() / 1000;
        this.addEvent(record, 'ExecutionAborted', { executionAbortedEventDetails: { error: record.error, cause: record.cause } });
      }
      this.executions.set(record.executionArn, record);
    }
    await this.save();
  }

  get stateMachines(): readonly StateMachineDefinition[] {
    return [...this.machines.values()];
  }

  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }): { executionArn: string; startDate: number } {
    const machine = this.machines.get(request.stateMachineArn ?? '');
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const executionArn = machine.arn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Standard workflows: a repeat with the same name and input while it runs is idempotent.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = { executionArn, stateMachineArn: machine.arn, name, status: 'RUNNING', input, startDate: Date.now() / 1000, events: [] };
    this.executions.set(executionArn, record);
    this.run(machine, record, parsed);
    void this.save();
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionRecord[] {
    if (!this.machines.has(stateMachineArn)) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
  }

  sendTaskSuccess(taskToken: string, output: string | undefined): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output ?? '');
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid output: not JSON');
    }
    this.takeTask(taskToken).resolve(parsed);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.takeTask(taskToken).reject(namedError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  sendTaskHeartbeat(taskToken: string): void {
    // HeartbeatSeconds is not enforced locally; a heartbeat only checks that the task still waits.
    this.pendingTask(taskToken);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: number } {
    const record = this.describeExecution(executionArn);
    if (record.status === 'RUNNING') {
      this.finish(record, 'ABORTED', { error, cause });
      this.aborts.get(executionArn)?.();
    }
    return { stopDate: record.stopDate ?? Date.now() / 1000 };
  }

  /** Stops every running execution (they will be reported as interrupted at the next start) and saves. */
  async stop(): Promise<void> {
    for (const task of this.tasks.values()) clearTimeout(task.timer);
    this.tasks.clear();
    await this.save();
  }

  /** Resolves when no execution is running (tests). */
  async settled(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }

  private pendingTask(token: string): PendingTask {
    const task = this.tasks.get(token);
    if (task) return task;
    if (this.timedOut.has(token)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    if (!token.startsWith('local-')) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private takeTask(token: string): PendingTask {
    const task = this.pendingTask(token);
    this.tasks.delete(token);
    clearTimeout(task.timer);
    return task;
  }

  private run(machine: StateMachineDefinition, record: ExecutionRecord, input: unknown): void {
    const states = allStates(machine.definition);
    const handlers = Object.fromEntries(
      [...states].filter(([, state]) => state.Type === 'Task').map(([name, state]) => [name, (taskInput: unknown) => this.runTask(record, name, state, taskInput)]),
    );
    const started = (async () => {
      const { StateMachine } = await import('aws-local-stepfunctions');
      const interpreter = new StateMachine(capTimeouts(machine.definition) as never, { validationOptions: { checkArn: false } });
      this.addEvent(record, 'ExecutionStarted', { executionStartedEventDetails: { input: record.input, roleArn: '' } });
      const execution = interpreter.run(input as never, {
        overrides: { taskResourceLocalHandlers: handlers as never },
        noThrowOnAbort: true,
        context: {
          Execution: { Id: record.executionArn, Name: record.name, StartTime: new Date(record.startDate * 1000).toISOString(), Input: input as never },
          StateMachine: { Id: machine.arn, Name: machine.name },
          Task: { Token: TOKEN_PLACEHOLDER },
        },
      });
      this.aborts.set(record.executionArn, execution.abort);
      const logging = (async () => {
        for await (const event of execution.eventLogs) this.logEvent(record, event as unknown as Record<string, unknown>);
      })().catch(() => undefined);
      try {
        const output = await execution.result;
        await logging;
        if (record.status === 'RUNNING') this.finish(record, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      } catch (error) {
        await logging;
        const err = error as Error & { cause?: unknown };
        const timeout = err.name === 'ExecutionTimeoutError';
        const inner = (err.cause as Error | undefined) ?? err;
        if (record.status === 'RUNNING') this.finish(record, timeout ? 'TIMED_OUT' : 'FAILED', { error: timeout ? 'States.Timeout' : inner.name, cause: inner.message });
      }
    })()
      .catch((error: unknown) => {
        if (record.status === 'RUNNING') this.finish(record, 'FAILED', { error: 'States.Runtime', cause: (error as Error).message });
      })
      .finally(() => {
        this.aborts.delete(record.executionArn);
        this.runs.delete(started);
      });
    this.runs.add(started);
  }

  /** A Task state: a Lambda invoke of a local function, or a callback that waits for its token. */
  private async runTask(record: ExecutionRecord, stateName: string, state: AslState, input: unknown): Promise<unknown> {
    const resource = state.Resource ?? '';
    if (!this.invokeFunction) throw namedError('States.Runtime', 'the local function runtime is not connected');
    const lambdaIntegration = /:states:::lambda:invoke(\.waitForTaskToken)?$/.exec(resource);
    let functionName: string;
    let payload: unknown;
    if (lambdaIntegration) {
      const parameters = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
      functionName = functionNameOf(String(parameters.FunctionName ?? ''));
      payload = parameters.Payload ?? {};
    } else if (/^arn:[^:]+:lambda:/.test(resource)) {
      functionName = functionNameOf(resource);
      payload = input;
    } else {
      throw namedError('States.Runtime', `the local Step Functions endpoint runs only Lambda tasks, not ${resource}`);
    }
    if (lambdaIntegration?.[1]) {
      const token = `local-${randomBytes(32).toString('base64url')}`;
      const seconds = Math.min(state.TimeoutSeconds ?? 60, MAX_TIMER_SECONDS);
      const waiting = new Promise<unknown>((resolve, reject) => {
        // The interpreter times the state out itself; this only retires the token at the same moment.
        const timer = setTimeout(() => {
          this.tasks.delete(token);
          this.timedOut.add(token);
        }, seconds * 1000);
        this.tasks.set(token, { executionArn: record.executionArn, stateName, resolve, reject, timer });
      });
      try {
        await this.invokeFunction(functionName, replaceDeep(payload, TOKEN_PLACEHOLDER, token));
      } catch (error) {
        const task = this.tasks.get(token);
        if (task) {
          this.tasks.delete(token);
          clearTimeout(task.timer);
        }
        throw error;
      }
      return waiting;
    }
    const result = await this.invokeFunction(functionName, payload);
    return lambdaIntegration ? { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: result } : result;
  }

  private logEvent(record: ExecutionRecord, event: Record<string, unknown>): void {
    const state = event.state as { name: string; type: string; input?: unknown; output?: unknown } | undefined;
    switch (event.type) {
      case 'StateEntered':
        this.addEvent(record, `${state!.type}StateEntered`, { stateEnteredEventDetails: { name: state!.name, input: JSON.stringify(state!.input ?? null) } });
        break;
      case 'StateExited':
        this.addEvent(record, `${state!.type}StateExited`, { stateExitedEventDetails: { name: state!.name, output: JSON.stringify(state!.output ?? null) } });
        break;
      case 'StateFailed':
        if (state!.type === 'Task') this.addEvent(record, 'TaskFailed', { taskFailedEventDetails: { error: String(event.Error), cause: String(event.Cause ?? '') } });
        break;
      default:
        // Execution events are written by finish(); branch and iteration events have no service counterpart here.
        break;
    }
  }

  private addEvent(record: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    const id = record.events.length + 1;
    record.events.push({ id, previousEventId: id - 1, timestamp: Date.now() / 1000, type, ...details });
  }

  private finish(record: ExecutionRecord, status: Exclude<ExecutionStatus, 'RUNNING'>, result: { output?: string; error?: string; cause?: string }): void {
    record.status = status;
    record.stopDate = Date.now() / 1000;
    if (result.output !== undefined) record.output = result.output;
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    const type = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status];
    const details =
      status === 'SUCCEEDED'
        ? { executionSucceededEventDetails: { output: result.output } }
        : { [`${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`]: { error: result.error, cause: result.cause } };
    this.addEvent(record, type, details);
    for (const [token, task] of this.tasks) {
      if (task.executionArn !== record.executionArn) continue;
      clearTimeout(task.timer);
      this.tasks.delete(token);
    }
    if (!this.options.quiet && status !== 'SUCCEEDED') console.warn(`[step-functions] ${record.name}: ${status} ${result.error ?? ''} ${result.cause ?? ''}`);
    void this.save();
  }

  private file(): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, 'executions.json') : undefined;
  }

  /** Writes the records (one write at a time; a write requested meanwhile follows). */
  private save(): Promise<void> {
    const file = this.file();
    if (!file) return Promise.resolve();
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    this.saving = (async () => {
      do {
        this.saveAgain = false;
        await mkdir(this.options.dataDir!, { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify([...this.executions.values()]));
        await rename(`${file}.tmp`, file);
      } while (this.saveAgain);
    })().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }
}
