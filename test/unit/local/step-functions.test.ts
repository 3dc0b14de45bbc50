import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../local/step-functions/service.js';
import { StepFunctionsServer } from '../../../local/step-functions/server.js';
import type { StateMachineDefinition } from '../../../local/step-functions/state-machines.js';

const FN = 'arn:aws:lambda:eu-north-1:000000000000:function:worker';
const machine: StateMachineDefinition = {
  name: 'approval',
  arn: 'arn:aws:states:eu-north-1:000000000000:stateMachine:approval',
  logicalId: 'Approval',
  type: 'STANDARD',
  definition: {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: FN, Payload: { 'caseId.$': '$.caseId', 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 2,
        ResultPath: '$.answer',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Late' }],
        Next: 'Letter',
      },
      Late: { Type: 'Pass', Result: { late: true }, ResultPath: '$.answer', Next: 'Letter' },
      Letter: { Type: 'Task', Resource: FN, Parameters: { 'caseId.$': '$.caseId', action: 'letter' }, ResultPath: '$.letter', End: true },
    },
  },
};

interface Harness {
  client: SFNClient;
  service: LocalStepFunctions;
  invocations: { name: string; payload: Record<string, unknown> }[];
  close: () => Promise<void>;
}

const started: Harness[] = [];
async function start(dataDir?: string): Promise<Harness> {
  const service = new LocalStepFunctions([machine], { quiet: true, ...(dataDir ? { dataDir } : {}) });
  await service.load();
  const invocations: Harness['invocations'] = [];
  service.useFunctions(async (name, payload) => {
    invocations.push({ name, payload: payload as Record<string, unknown> });
    return { written: true };
  });
  const server = new StepFunctionsServer(service);
  const port = await server.listen(0, '127.0.0.1');
  const client = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const harness = { client, service, invocations, close: async () => (client.destroy(), await server.close(), await service.stop()) };
  started.push(harness);
  return harness;
}
afterEach(async () => {
  for (const h of started.splice(0)) await h.close();
});

const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('local Step Functions endpoint', () => {
  it('runs a callback task until SendTaskSuccess, then the Lambda task, through the SDK client', async () => {
    // Prepare
    const { client, invocations, service } = await start();
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'case-1', input: JSON.stringify({ caseId: 'C1' }) }));
    await until(() => invocations.length === 1);
    const token = String(invocations[0]!.payload.token);
    expect(invocations[0]).toEqual({ name: 'worker', payload: { caseId: 'C1', token: expect.stringMatching(/^local-/) } });
    // Act
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ outcome: 'approve' }) }));
    await service.settled();
    // Assess
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ caseId: 'C1', answer: { outcome: 'approve' }, letter: { written: true } });
    expect(invocations[1]).toEqual({ name: 'worker', payload: { caseId: 'C1', action: 'letter' } });
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: machine.arn }));
    expect(listed.executions!.map((e) => e.name)).toEqual(['case-1']);
  });

  it('fails when a token is used twice, is unknown, or timed out', async () => {
    const { client, invocations } = await start();
    await client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, input: JSON.stringify({ caseId: 'C2' }) }));
    await until(() => invocations.length === 1);
    const token = String(invocations[0]!.payload.token);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(client.send(new SendTaskFailureCommand({ taskToken: 'nonsense' }))).rejects.toMatchObject({ name: 'InvalidToken' });

    await client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'late', input: JSON.stringify({ caseId: 'C3' }) }));
    await until(() => invocations.length === 3);
    const lateToken = String(invocations[2]!.payload.token);
    await new Promise((r) => setTimeout(r, 2300));
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: lateToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('fails when an execution name is reused with another input', async () => {
    const { client } = await start();
    await client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'same', input: '{"caseId":"A"}' }));
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'same', input: '{"caseId":"B"}' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('stops an execution, and reports executions interrupted by a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    try {
      const first = await start(dataDir);
      const stopped = await first.client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'stopped', input: '{"caseId":"S"}' }));
      const running = await first.client.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name: 'running', input: '{"caseId":"R"}' }));
      await first.client.send(new StopExecutionCommand({ executionArn: stopped.executionArn }));
      expect((await first.client.send(new DescribeExecutionCommand({ executionArn: stopped.executionArn }))).status).toBe('ABORTED');
      await first.close();
      started.splice(started.indexOf(first), 1);

      const second = await start(dataDir);
      const described = await second.client.send(new DescribeExecutionCommand({ executionArn: running.executionArn }));
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Local.RuntimeRestarted' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
