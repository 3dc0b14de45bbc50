/**
 * Entry of the worker thread that runs one Lambda function from its bundle, like a warm Lambda sandbox:
 * the module is imported once, then every `invoke` message runs the handler (several may run at once).
 * It imports nothing but Node built-ins, so the runtime can compile it to a plain `.mjs` on the fly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

/** What the runtime passes to the worker when it starts. */
export interface FunctionWorkerData {
  readonly modulePath: string;
  readonly exportName: string;
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly enableSourceMaps: boolean;
}

/** Runtime → worker. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  /** The event as JSON, as Lambda hands it over. */
  readonly event: string;
  readonly awsRequestId: string;
  /** Epoch ms when the invocation times out. */
  readonly deadline: number;
}

/** Worker → runtime. */
export type ResultMessage =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly payload: string }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: LambdaErrorPayload };

/** Lambda's error shape. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

const data = workerData as FunctionWorkerData;
if (data.enableSourceMaps) process.setSourceMapsEnabled(true);

let handler: Promise<Handler> | undefined;

function loadHandler(): Promise<Handler> {
  handler ??= import(pathToFileURL(data.modulePath).href).then(
    (mod: Record<string, unknown>) => {
      const fn = mod[data.exportName] ?? (mod['default'] as Record<string, unknown> | undefined)?.[data.exportName];
      if (typeof fn !== 'function') {
        throw Object.assign(new Error(`${data.modulePath} does not export a function ${data.exportName}`), {
          name: 'Runtime.HandlerNotFound',
        });
      }
      return fn as Handler;
    },
    (error: unknown) => {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { name: 'Runtime.ImportModuleError' });
    },
  );
  return handler;
}

function toErrorPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error), trace: [] };
}

async function invoke(message: InvokeMessage): Promise<void> {
  const port = parentPort!;
  try {
    const fn = await loadHandler();
    const context = {
      functionName: data.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: data.invokedFunctionArn,
      memoryLimitInMB: String(data.memoryLimitInMB),
      awsRequestId: message.awsRequestId,
      logGroupName: data.logGroupName,
      logStreamName: data.logStreamName,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    };
    const event: unknown = JSON.parse(message.event);
    // Callback-style handlers declare a third parameter; async handlers return a promise.
    const result =
      fn.length >= 3
        ? await new Promise((resolve, reject) => {
            const returned = fn(event, context, (error, value) => (error ? reject(error) : resolve(value)));
            if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
          })
        : await fn(event, context);
    port.postMessage({ type: 'result', id: message.id, ok: true, payload: JSON.stringify(result ?? null) } satisfies ResultMessage);
  } catch (error) {
    port.postMessage({ type: 'result', id: message.id, ok: false, error: toErrorPayload(error) } satisfies ResultMessage);
  }
}

parentPort?.on('message', (message: InvokeMessage) => {
  if (message.type === 'invoke') void invoke(message);
});
