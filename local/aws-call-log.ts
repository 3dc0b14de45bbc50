import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS API call a function made, as the emulator received it. */
export interface AwsCall {
  readonly service: string;
  readonly operation: string;
}

/** The operation of a request: DynamoDB's `X-Amz-Target`, SES v2's REST path, S3's method and key shape. */
export function operationOf(service: string, req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  const path = (req.url ?? '/').split('?')[0]!;
  if (service === 'sesv2' && path.endsWith('/outbound-emails')) return 'SendEmail';
  if (service === 's3') {
    const onObject = path.split('/').filter(Boolean).length > 1;
    const kind = { GET: 'GetObject', PUT: 'PutObject', HEAD: 'HeadObject', DELETE: 'DeleteObject', POST: 'PostObject' }[req.method ?? ''] ?? req.method;
    return onObject ? kind! : `${req.method} bucket`;
  }
  return `${req.method} ${path}`;
}

/**
 * Counts the AWS calls functions make, by standing between them and the emulators (benchmarks: "calls per
 * request"). Each emulator gets a forwarding proxy; `calls` lists what passed, in order.
 */
export class AwsCallLog {
  readonly calls: AwsCall[] = [];
  private readonly servers: Server[] = [];

  /** Starts a proxy to `target` and returns its URL, to be given to functions instead of the emulator's. */
  async proxy(service: string, target: string): Promise<string> {
    const upstream = new URL(target);
    const server = createServer((req, res) => {
      this.calls.push({ service, operation: operationOf(service, req) });
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The calls made while `action` ran. */
  async during(action: () => Promise<unknown>): Promise<AwsCall[]> {
    const from = this.calls.length;
    await action();
    return this.calls.slice(from);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }
}
