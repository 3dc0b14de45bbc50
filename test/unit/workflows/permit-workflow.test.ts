import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { outdoorSeatingPermit, restaurantPermit, type PermitTypeDeclaration } from '../../../schemas/permits/index.js';
import { PermitWorkflow } from '../../../workflows/permits/permit-workflow.js';

type State = Record<string, unknown> & { Type: string };
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

/** The state machine's definition with its intrinsics resolved to readable placeholders. */
function definitionOf(declaration: PermitTypeDeclaration, secondsPerDay?: number): { definition: Definition; template: Template } {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-north-1' } });
  const workflowFunction = new LambdaFunction(stack, 'WorkflowFunction', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('x') });
  new PermitWorkflow(stack, 'Workflow', { declaration, workflowFunction, ...(secondsPerDay ? { secondsPerDay } : {}) });
  const template = Template.fromStack(stack);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as { Properties: { DefinitionString: unknown } };
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if (node['Fn::Join']) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    if (node.Ref) return `<${String(node.Ref)}>`;
    if (node['Fn::GetAtt']) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
    throw new Error(`unexpected ${JSON.stringify(value)}`);
  };
  return { definition: JSON.parse(resolve(machine.Properties.DefinitionString)) as Definition, template };
}

const allStates = (definition: Definition): Record<string, State> => {
  const out: Record<string, State> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    out[name] = state;
    for (const branch of (state.Branches as Definition[] | undefined) ?? []) Object.assign(out, allStates(branch));
  }
  return out;
};
const callbackStates = (definition: Definition) =>
  Object.entries(allStates(definition)).filter(([, s]) => s.Type === 'Task' && String(s.Resource).endsWith(':states:::lambda:invoke.waitForTaskToken'));

describe('PermitWorkflow', () => {
  it('decides every part of the restaurant permit in a parallel branch, then writes the letter', () => {
    // Prepare
    const { definition } = definitionOf(restaurantPermit);
    // Act
    const parallel = definition.States[definition.StartAt]!;
    // Assess
    expect(parallel).toMatchObject({ Type: 'Parallel', ResultPath: null, Next: 'Decision letter' });
    const branches = parallel.Branches as Definition[];
    expect(branches.map((b) => b.StartAt)).toEqual(['livsmedel: applies?', 'servering: applies?', 'bygglov: applies?', 'brandskydd: applies?']);
    expect(branches[1]!.States['servering: applies?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.parts.servering', BooleanEquals: true, Next: 'servering: open task' }],
      Default: 'servering: not applicable',
    });
    expect(definition.States['Decision letter']).toMatchObject({
      Type: 'Task',
      Resource: '<WorkflowFunction9B932173.Arn>',
      Parameters: { action: 'finalize', 'caseId.$': '$.caseId', permitType: 'restaurant' },
      End: true,
    });
  });

  it('gives every callback state a TimeoutSeconds from the declared days', () => {
    const { definition } = definitionOf(restaurantPermit);
    const callbacks = callbackStates(definition);
    expect(callbacks).toHaveLength(4 * 4);
    for (const [name, state] of callbacks) expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    const states = allStates(definition);
    const day = 86400;
    expect(states['livsmedel: open task']!.TimeoutSeconds).toBe((14 - 3) * day);
    expect(states['livsmedel: remind']!.TimeoutSeconds).toBe(3 * day);
    expect(states['livsmedel: escalate']!.TimeoutSeconds).toBe(5 * day);
    expect(states['livsmedel: ask applicant']!.TimeoutSeconds).toBe(30 * day);
  });

  it('passes the task token and ids only, never the application', () => {
    const { definition } = definitionOf(restaurantPermit);
    const [, open] = callbackStates(definition).find(([name]) => name === 'bygglov: open task')!;
    expect(open.Parameters).toEqual({
      FunctionName: '<WorkflowFunction9B932173.Arn>',
      Payload: { action: 'open', 'caseId.$': '$.caseId', permitType: 'restaurant', partId: 'bygglov', 'token.$': '$$.Task.Token' },
    });
  });

  it('reminds before the deadline, escalates at it, expires after, and loops through the applicant on request-info', () => {
    const states = allStates(definitionOf(restaurantPermit).definition);
    const timeoutTarget = (name: string) => (states[name]!.Catch as { ErrorEquals: string[]; Next: string }[]).find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next;
    expect(timeoutTarget('brandskydd: open task')).toBe('brandskydd: remind');
    expect(timeoutTarget('brandskydd: remind')).toBe('brandskydd: escalate');
    expect(timeoutTarget('brandskydd: escalate')).toBe('brandskydd: expire');
    expect(timeoutTarget('brandskydd: ask applicant')).toBe('brandskydd: no answer');
    expect(states['brandskydd: decided?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.outcome', StringEquals: 'request-info', Next: 'brandskydd: ask applicant' }],
      Default: 'brandskydd: done',
    });
    expect(states['brandskydd: ask applicant']!.Next).toBe('brandskydd: open task');
    expect(states['brandskydd: expire']).toMatchObject({ Parameters: { action: 'expire', reason: 'deadline' }, Next: 'brandskydd: decided?' });
  });

  it('shortens only the timeouts when a test shortens the day', () => {
    const normal = definitionOf(restaurantPermit).definition;
    const fast = definitionOf(restaurantPermit, 1).definition;
    const withoutTimeouts = (d: Definition) => JSON.stringify(d).replace(/"TimeoutSeconds":\d+/g, '"TimeoutSeconds":0');
    expect(withoutTimeouts(fast)).toBe(withoutTimeouts(normal));
    expect(allStates(fast)['servering: open task']!.TimeoutSeconds).toBe(28 - 5);
  });

  it('builds a second permit type from its declaration alone', () => {
    const { definition } = definitionOf(outdoorSeatingPermit);
    const branches = definition.States['Decide parts']!.Branches as Definition[];
    expect(branches).toHaveLength(1);
    expect(callbackStates(definition).map(([name]) => name).sort()).toEqual(
      ['markupplatelse: ask applicant', 'markupplatelse: escalate', 'markupplatelse: open task', 'markupplatelse: remind'],
    );
  });

  it('is a Standard state machine that logs all events and traces', () => {
    const { template } = definitionOf(outdoorSeatingPermit);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });
});
