/**
 * Child process that runs s3rver. It is a process of its own because s3rver's paged ListObjectsV2 needs
 * DES (`--openssl-legacy-provider`), a flag that may only be set for a whole process. Talks to the
 * runtime over IPC: ready, S3 events, bucket creation, ping (ordering barrier) and stop.
 */
import S3rver from 's3rver';

/** Runtime → S3 process. */
export type S3ServerCommand =
  | { readonly type: 'ensure-buckets'; readonly id: number; readonly names: readonly string[] }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'stop' };

/** S3 process → runtime. */
export type S3ServerMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'done'; readonly id: number; readonly error?: string }
  | { readonly type: 'event'; readonly event: unknown };

/** How the runtime configures the S3 process (JSON in argv[2]). */
export interface S3ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly directory: string;
}

const send = (message: S3ServerMessage): void => {
  process.send?.(message);
};

// Ctrl-C reaches the whole process group; the runtime decides when this process stops.
process.on('SIGINT', () => undefined);
// Never outlive the runtime.
process.on('disconnect', () => process.exit(0));

const config = JSON.parse(process.argv[2] ?? '{}') as S3ServerConfig;
const server = new S3rver({ address: config.host, port: config.port, directory: config.directory, silent: true });
server.on('event', (event: unknown) => send({ type: 'event', event }));

process.on('message', (command: S3ServerCommand) => {
  void (async () => {
    if (command.type === 'ensure-buckets') {
      try {
        for (const name of command.names) if (!(await server.store.getBucket(name))) await server.store.putBucket(name);
        send({ type: 'done', id: command.id });
      } catch (error) {
        send({ type: 'done', id: command.id, error: (error as Error).message });
      }
    } else if (command.type === 'ping') {
      send({ type: 'done', id: command.id });
    } else if (command.type === 'stop') {
      // close() waits for keep-alive sockets: drop them first.
      server.httpServer?.closeAllConnections();
      await server.close().catch(() => undefined);
      process.exit(0);
    }
  })();
});

server.run().then(
  ({ port }) => send({ type: 'ready', port }),
  (error: Error) => {
    send({ type: 'failed', message: error.message });
    process.exit(1);
  },
);
