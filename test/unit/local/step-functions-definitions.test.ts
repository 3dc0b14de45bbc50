import { describe, expect, it } from 'vitest';
import { IntrinsicResolver } from '../../../local/intrinsics.js';
import { allStates, capTimeouts, MAX_TIMER_SECONDS, readStateMachines } from '../../../local/step-functions/state-machines.js';
import { functionNameOf } from '../../../local/step-functions/service.js';
import { stack } from './fixtures.js';

const definition = {
  StartAt: 'Parts',
  TimeoutSeconds: 40_000_000,
  States: {
    Parts: {
      Type: 'Parallel',
      End: true,
      Branches: [
        {
          StartAt: 'Wait for officer',
          States: {
            'Wait for officer': {
              Type: 'Task',
              Resource: 'arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: '${Fn.Arn}', Payload: { 'token.$': '$$.Task.Token' } },
              TimeoutSeconds: 2_592_000,
              HeartbeatSeconds: 3_000_000,
              End: true,
            },
          },
        },
      ],
    },
  },
};
const app = stack('app-api', {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', FunctionName: 'workflow' } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineType: 'STANDARD',
        // As CDK synthesizes it: the definition as Fn::Join with Ref and Fn::GetAtt.
        DefinitionString: {
          'Fn::Join': [
            '',
            JSON.stringify(definition)
              .split(/(\$\{AWS::Partition\}|\$\{Fn\.Arn\})/)
              .map((part) => (part === '${AWS::Partition}' ? { Ref: 'AWS::Partition' } : part === '${Fn.Arn}' ? { 'Fn::GetAtt': ['Fn', 'Arn'] } : part)),
          ],
        },
      },
      Metadata: { 'aws:cdk:path': 'Api/Permits/Workflow-x/Resource/Resource' },
    },
  },
});

describe('state machines of the templates', () => {
  it('reads a state machine with its definition resolved to local names', () => {
    const [machine] = readStateMachines([app], new IntrinsicResolver([app], { region: 'eu-north-1' }));
    expect(machine).toMatchObject({ logicalId: 'Machine', type: 'STANDARD', path: 'Api/Permits/Workflow-x/Resource' });
    expect(machine!.arn).toMatch(/^arn:aws:states:eu-north-1:000000000000:stateMachine:/);
    const task = allStates(machine!.definition).get('Wait for officer')!;
    expect(task.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(task.Parameters).toEqual({ FunctionName: 'arn:aws:lambda:eu-north-1:000000000000:function:workflow', Payload: { 'token.$': '$$.Task.Token' } });
    expect(functionNameOf(String((task.Parameters as { FunctionName: string }).FunctionName))).toBe('workflow');
  });

  it("caps timeouts that Node's timers cannot wait, in branches too, without changing the original", () => {
    const capped = capTimeouts(definition as never);
    expect(capped.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    // 30 days (a permit's answer time) is above Node's limit of about 24.8 days.
    expect(allStates(capped).get('Wait for officer')).toMatchObject({ TimeoutSeconds: MAX_TIMER_SECONDS, HeartbeatSeconds: MAX_TIMER_SECONDS });
    expect(definition.TimeoutSeconds).toBe(40_000_000);
  });
});
