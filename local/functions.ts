import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionWorkerData, InvokeMessage, LambdaErrorPayload, ResultMessage } from './function-worker.js';
import type { IntrinsicResolver } from './intrinsics.js';
import { constructPath, functionAssetDir, resourcesOfType, type StackTemplate } from './template.js';

/** A Lambda function of the templates that the local runtime can run. */
export interface FunctionDefinition {
  readonly name: string;
  readonly logicalId: string;
  readonly stackName: string;
  /** Construct path without `/Resource`, e.g. `Api/Forms/Function`. */
  readonly path?: string;
  readonly arn: string;
  readonly bundleDir: string;
  /** e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** `Environment.Variables`, resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

/** A function that failed: its Lambda error type and message (e.g. `Sandbox.Timedout`). */
export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: readonly string[] = [],
  ) {
    super(`${functionName}: ${errorType}: ${errorMessage}`);
  }
}

/**
 * Reads every Node.js `AWS::Lambda::Function` with a bundle: name, handler, timeout and its environment
 * resolved. Functions without a local bundle (inline code, Python, the CDK's bucket notification handler)
 * are left out: the runtime does their job itself or has no use for them.
 */
export function readFunctions(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): FunctionDefinition[] {
  const definitions: FunctionDefinition[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(stacks, 'AWS::Lambda::Function')) {
    if (!resolver.isActive(stack, resource)) continue;
    const props = resource.Properties ?? {};
    const runtime = props['Runtime'] === undefined ? '' : resolver.resolveString(stack, props['Runtime']);
    const bundleDir = functionAssetDir(stack, resource);
    if (!runtime.startsWith('nodejs') || !bundleDir) continue;
    const variables = (resolver.resolve(stack, (props['Environment'] as { Variables?: unknown } | undefined)?.Variables) ?? {}) as Record<
      string,
      unknown
    >;
    const path = constructPath(resource);
    definitions.push({
      name: resolver.resolveString(stack, { Ref: logicalId }),
      logicalId,
      stackName: stack.stackName,
      ...(path ? { path } : {}),
      arn: resolver.resolveString(stack, { 'Fn::GetAtt': [logicalId, 'Arn'] }),
      bundleDir,
      handler: props['Handler'] === undefined ? 'index.handler' : resolver.resolveString(stack, props['Handler']),
      timeoutSeconds: Number(resolver.resolve(stack, props['Timeout']) ?? 3),
      memorySize: Number(resolver.resolve(stack, props['MemorySize']) ?? 128),
      environment: Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
      ),
    });
  }
  return definitions;
}

/** Options of the function runtime. */
export interface FunctionRuntimeOptions {
  /** Variables set on top of each function's own environment (endpoints, credentials, local URLs). */
  readonly environment: Readonly<Record<string, string>>;
  /** Directory for the compiled worker entry. */
  readonly workDir: string;
  /** Drop the functions' console output. @default false */
  readonly quiet?: boolean;
  /** Delays between the attempts of an async invocation (Lambda: 2 retries). @default [200, 400] */
  readonly retryDelaysMs?: readonly number[];
}

interface Pending {
  readonly resolve: (payload: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One worker thread running one function: a warm sandbox. */
interface Sandbox {
  readonly name: string;
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** After a timeout the sandbox takes no new invocations and ends when its last one settles. */
  retired: boolean;
}

/**
 * Runs the functions in worker threads, each with its own environment, started on first use and kept warm.
 * Synchronous invocations resolve to the handler's result; asynchronous ones are retried twice like
 * Lambda's async invoke and tracked so that `idle()` can wait for them.
 */
export class FunctionRuntime {
  private readonly byName = new Map<string, FunctionDefinition>();
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly retired = new Set<Sandbox>();
  private workerFile?: Promise<string>;
  private nextId = 1;
  private asyncInFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    definitions: readonly FunctionDefinition[],
    private readonly options: FunctionRuntimeOptions,
  ) {
    for (const definition of definitions) this.byName.set(definition.name, definition);
  }

  /** Every function by name. */
  get definitions(): ReadonlyMap<string, FunctionDefinition> {
    return this.byName;
  }

  /** Invokes a function and waits for its result (RequestResponse); rejects with a `FunctionError`. */
  async invoke(functionName: string, event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    const definition = this.byName.get(functionName);
    if (!definition) throw new FunctionError(functionName, 'ResourceNotFoundException', `Function not found: ${functionName}`);
    if (this.stopped) throw new FunctionError(functionName, 'ServiceException', 'the local runtime is stopping');
    const sandbox = await this.sandbox(definition);
    const id = this.nextId++;
    const timeoutMs = definition.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sandbox.pending.delete(id);
        reject(new FunctionError(functionName, 'Sandbox.Timedout', `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`));
        // Like Lambda, a timed-out sandbox is not reused: the next invocation gets a fresh worker.
        this.retire(definition.name, sandbox);
      }, timeoutMs);
      sandbox.pending.set(id, { resolve, reject, timer });
      const message: InvokeMessage = {
        type: 'invoke',
        id,
        event: JSON.stringify(event),
        awsRequestId: requestId,
        deadline: Date.now() + timeoutMs,
      };
      sandbox.worker.postMessage(message);
    });
  }

  /** Invokes a function asynchronously (Event): up to three attempts; failures are logged, never thrown. */
  invokeAsync(functionName: string, event: unknown): void {
    this.asyncInFlight++;
    void (async () => {
      const delays = this.options.retryDelaysMs ?? [200, 400];
      for (let attempt = 0; ; attempt++) {
        try {
          await this.invoke(functionName, event);
          return;
        } catch (error) {
          const delay = delays[attempt];
          if (delay === undefined || this.stopped) {
            if (!this.options.quiet) console.error(`[${functionName}] async invocation failed after ${attempt + 1} attempts: ${(error as Error).message}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    })().finally(() => {
      this.asyncInFlight--;
      if (this.asyncInFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    });
  }

  /** Asynchronous invocations in flight (attempts and retries). */
  get pendingAsync(): number {
    return this.asyncInFlight;
  }

  /** Resolves when no asynchronous invocation is in flight. */
  idle(): Promise<void> {
    if (this.asyncInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Terminates every worker; pending invocations fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.sandboxes.values(), ...this.retired];
    this.sandboxes.clear();
    this.retired.clear();
    await Promise.all(all.map((sandbox) => this.terminate(sandbox, 'the local runtime stopped')));
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private async sandbox(definition: FunctionDefinition): Promise<Sandbox> {
    const existing = this.sandboxes.get(definition.name);
    if (existing) return existing;
    const workerFile = await this.compiledWorker();
    const raced = this.sandboxes.get(definition.name);
    if (raced) return raced;
    const sandbox = this.startWorker(definition, workerFile);
    this.sandboxes.set(definition.name, sandbox);
    return sandbox;
  }

  private startWorker(definition: FunctionDefinition, workerFile: string): Sandbox {
    const dot = definition.handler.lastIndexOf('.');
    const moduleBase = join(definition.bundleDir, definition.handler.slice(0, dot));
    const modulePath = ['.mjs', '.js', '.cjs'].map((ext) => moduleBase + ext).find((path) => existsSync(path)) ?? `${moduleBase}.mjs`;
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      ...definition.environment,
      AWS_LAMBDA_FUNCTION_NAME: definition.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: definition.bundleDir,
      _HANDLER: definition.handler,
      ...this.options.environment,
    };
    const workerData: FunctionWorkerData = {
      modulePath,
      exportName: definition.handler.slice(dot + 1),
      functionName: definition.name,
      invokedFunctionArn: definition.arn,
      memoryLimitInMB: definition.memorySize,
      logGroupName: env['AWS_LAMBDA_LOG_GROUP_NAME']!,
      logStreamName: env['AWS_LAMBDA_LOG_STREAM_NAME']!,
      enableSourceMaps: (definition.environment['NODE_OPTIONS'] ?? '').includes('--enable-source-maps'),
    };
    // Own env per worker; stdout/stderr piped so every line gets the function's name.
    const worker = new Worker(workerFile, { env, workerData, stdout: true, stderr: true, name: definition.name });
    const sandbox: Sandbox = { name: definition.name, worker, pending: new Map(), retired: false };
    this.prefixOutput(worker.stdout, process.stdout, definition.name);
    this.prefixOutput(worker.stderr, process.stderr, definition.name);
    worker.on('message', (message: ResultMessage) => {
      const pending = sandbox.pending.get(message.id);
      if (!pending) return; // already timed out
      sandbox.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(JSON.parse(message.payload));
      else pending.reject(errorFrom(definition.name, message.error));
      if (sandbox.retired && sandbox.pending.size === 0) void this.terminate(sandbox, 'retired');
    });
    worker.on('error', (error) => {
      // An uncaught exception ends the sandbox, as in Lambda: every invocation in it fails.
      if (!this.options.quiet) console.error(`[${definition.name}] ${error.stack ?? error.message}`);
      this.fail(sandbox, new FunctionError(definition.name, 'Runtime.ExitError', `worker ended: ${error.message}`));
    });
    worker.on('exit', (code) => {
      this.fail(sandbox, new FunctionError(definition.name, 'Runtime.ExitError', `worker exited with code ${code}`));
      if (this.sandboxes.get(definition.name) === sandbox) this.sandboxes.delete(definition.name);
      this.retired.delete(sandbox);
    });
    worker.unref();
    return sandbox;
  }

  private prefixOutput(stream: NodeJS.ReadableStream, target: NodeJS.WritableStream, name: string): void {
    if (this.options.quiet) {
      stream.resume();
      return;
    }
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`[${name}] ${line}\n`));
  }

  private retire(name: string, sandbox: Sandbox): void {
    if (sandbox.retired) return;
    sandbox.retired = true;
    if (this.sandboxes.get(name) === sandbox) this.sandboxes.delete(name);
    this.retired.add(sandbox);
    if (sandbox.pending.size === 0) void this.terminate(sandbox, 'retired');
  }

  private fail(sandbox: Sandbox, error: FunctionError): void {
    for (const pending of sandbox.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    sandbox.pending.clear();
  }

  private async terminate(sandbox: Sandbox, reason: string): Promise<void> {
    this.fail(sandbox, new FunctionError(sandbox.name, 'Runtime.ExitError', reason));
    this.retired.delete(sandbox);
    await sandbox.worker.terminate();
  }

  /** The worker entry compiled from TypeScript to `.mjs` once (esbuild, milliseconds), so it runs under any loader. */
  private compiledWorker(): Promise<string> {
    this.workerFile ??= (async () => {
      const { transform } = await import('esbuild');
      const source = await readFile(fileURLToPath(new URL('./function-worker.ts', import.meta.url)), 'utf8');
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
      const file = join(this.options.workDir, 'function-worker.mjs');
      await writeFile(file, code);
      return file;
    })();
    return this.workerFile;
  }
}

function errorFrom(functionName: string, payload: LambdaErrorPayload): FunctionError {
  return new FunctionError(functionName, payload.errorType, payload.errorMessage, payload.trace);
}
