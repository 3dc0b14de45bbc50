import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionError, FunctionRuntime, type FunctionDefinition } from '../../../local/functions.js';

// A bundle like the ones esbuild writes: index.mjs exporting the handlers.
const BUNDLE = `
let calls = 0;
export const echo = async (event, context) => ({
  event,
  calls: ++calls,
  env: { TABLE: process.env.TABLE, AWS_REGION: process.env.AWS_REGION, NAME: process.env.AWS_LAMBDA_FUNCTION_NAME },
  context: { functionName: context.functionName, awsRequestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() },
});
export const fail = async () => { throw new TypeError('no such case'); };
export const slow = () => new Promise((resolve) => setTimeout(() => resolve('late'), 5000));
export const callback = (event, context, done) => { setTimeout(() => done(null, { ok: true }), 1); };
let attempts = 0;
export const flaky = async () => { attempts++; if (attempts < 3) throw new Error('not yet'); return attempts; };
`;

let dir: string;
let runtime: FunctionRuntime;

const definition = (name: string, handler: string, timeoutSeconds = 3): FunctionDefinition => ({
  name,
  logicalId: name,
  stackName: 'test',
  arn: `arn:aws:lambda:eu-north-1:000000000000:function:${name}`,
  bundleDir: dir,
  handler,
  timeoutSeconds,
  memorySize: 128,
  environment: { TABLE: 'cases', AWS_REGION: 'us-east-1' },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-functions-'));
  await writeFile(join(dir, 'index.mjs'), BUNDLE);
  runtime = new FunctionRuntime(
    [
      definition('echo', 'index.echo'),
      definition('fail', 'index.fail'),
      definition('slow', 'index.slow', 0.3),
      definition('callback', 'index.callback'),
      definition('flaky', 'index.flaky'),
      definition('missing', 'index.nothing'),
    ],
    { environment: { AWS_REGION: 'eu-north-1' }, workDir: dir, quiet: true, retryDelaysMs: [10, 10] },
  );
});

afterAll(async () => {
  await runtime.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('FunctionRuntime', () => {
  it("runs the handler with the function's own environment, local overrides on top, and a Lambda context", async () => {
    // Act
    const result = (await runtime.invoke('echo', { a: 1 }, 'req-1')) as Record<string, Record<string, unknown>>;
    // Assess
    expect(result['event']).toEqual({ a: 1 });
    expect(result['env']).toEqual({ TABLE: 'cases', AWS_REGION: 'eu-north-1', NAME: 'echo' });
    expect(result['context']).toMatchObject({ functionName: 'echo', awsRequestId: 'req-1' });
    expect(result['context']!['remaining']).toBeGreaterThan(2000);
  });

  it('keeps the worker warm between invocations and runs invocations concurrently', async () => {
    const results = (await Promise.all([1, 2, 3].map(() => runtime.invoke('echo', {})))) as { calls: number }[];
    expect(Math.max(...results.map((r) => r.calls))).toBeGreaterThanOrEqual(4);
  });

  it('supports callback handlers', async () => {
    expect(await runtime.invoke('callback', {})).toEqual({ ok: true });
  });

  it('fails with the error type and message of a throwing handler', async () => {
    await expect(runtime.invoke('fail', {})).rejects.toMatchObject({ errorType: 'TypeError', errorMessage: 'no such case' });
  });

  it('fails when the function runs past its timeout', async () => {
    // Act
    const error = await runtime.invoke('slow', {}).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  it('fails when the bundle does not export the handler', async () => {
    await expect(runtime.invoke('missing', {})).rejects.toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  it('retries an asynchronous invocation twice, and idle() waits for it', async () => {
    // Act
    runtime.invokeAsync('flaky', {});
    await runtime.idle();
    // Assess
    expect(runtime.pendingAsync).toBe(0);
    expect(await runtime.invoke('flaky', {})).toBe(4);
  });
});
