import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepFunctionsError, type ExecutionRecord, type ExecutionStatus, type LocalStepFunctions } from './service.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

function page<T>(items: readonly T[], maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  const start = typeof nextToken === 'string' && nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, 1000) : 1000;
  const slice = items.slice(start, start + size);
  return { items: slice, ...(start + size < items.length ? { nextToken: Buffer.from(String(start + size)).toString('base64url') } : {}) };
}

function describe(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
    input: record.input,
    ...(record.output !== undefined ? { output: record.output } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

/** The operations of the Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`). */
function operations(service: LocalStepFunctions): Record<string, (body: Record<string, unknown>) => unknown> {
  const str = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    StartExecution: (b) => service.startExecution({ stateMachineArn: str(b.stateMachineArn), ...(b.name ? { name: str(b.name) } : {}), ...(b.input !== undefined ? { input: str(b.input) } : {}) }),
    DescribeExecution: (b) => describe(service.describeExecution(str(b.executionArn))),
    GetExecutionHistory: (b) => {
      const events = [...service.describeExecution(str(b.executionArn)).events];
      if (b.reverseOrder === true) events.reverse();
      const { items, nextToken } = page(events, b.maxResults, b.nextToken);
      return { events: items, ...(nextToken ? { nextToken } : {}) };
    },
    ListExecutions: (b) => {
      const all = service.listExecutions(str(b.stateMachineArn), (b.statusFilter as ExecutionStatus | undefined) ?? undefined);
      const { items, nextToken } = page(all, b.maxResults, b.nextToken);
      return {
        executions: items.map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: e.startDate, ...(e.stopDate !== undefined ? { stopDate: e.stopDate } : {}) })),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    SendTaskSuccess: (b) => (service.sendTaskSuccess(str(b.taskToken), typeof b.output === 'string' ? b.output : undefined), {}),
    SendTaskFailure: (b) => (service.sendTaskFailure(str(b.taskToken), b.error as string | undefined, b.cause as string | undefined), {}),
    SendTaskHeartbeat: (b) => (service.sendTaskHeartbeat(str(b.taskToken)), {}),
    StopExecution: (b) => service.stopExecution(str(b.executionArn), b.error as string | undefined, b.cause as string | undefined),
    ListStateMachines: () => ({
      stateMachines: service.stateMachines.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: 0 })),
    }),
    DescribeStateMachine: (b) => {
      const machine = service.stateMachines.find((m) => m.arn === b.stateMachineArn);
      if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${str(b.stateMachineArn)}'`);
      return { stateMachineArn: machine.arn, name: machine.name, status: 'ACTIVE', type: machine.type, definition: JSON.stringify(machine.definition), roleArn: '', creationDate: 0 };
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': crypto.randomUUID() });
  response.end(text);
}

/** Serves the local Step Functions over HTTP, so that `@aws-sdk/client-sfn` works unchanged (`AWS_ENDPOINT_URL_SFN`). */
export class StepFunctionsServer {
  private readonly server: Server;

  constructor(service: LocalStepFunctions) {
    const ops = operations(service);
    this.server = createServer((request, response) => {
      void (async () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('AWSStepFunctions.') ? ops[target.slice('AWSStepFunctions.'.length)] : undefined;
        if (request.method !== 'POST' || !operation) {
          answer(response, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
          return;
        }
        try {
          const text = await readBody(request);
          answer(response, 200, await operation(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
        } catch (error) {
          if (error instanceof StepFunctionsError) answer(response, 400, { __type: `com.amazonaws.swf.service.v2.model#${error.code}`, message: error.message });
          else answer(response, 500, { __type: 'InternalFailure', message: (error as Error).message });
        }
      })();
    });
  }

  /** Listens on the port (0: a free one) and returns it. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
