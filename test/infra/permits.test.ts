import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permitCatalogue } from '../../schemas/permits/index.js';
import { buildTestApp, logicalIdByPath, resources, type TestApp } from './support.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** A definition string with every intrinsic replaced by a readable placeholder. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  if (node.Ref) return `<${String(node.Ref)}>`;
  if (node['Fn::GetAtt']) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  return JSON.stringify(value);
}

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Branches?: { States: Record<string, State> }[];
}
function states(definition: { States: Record<string, State> }): [string, State][] {
  return Object.entries(definition.States).flatMap(([name, state]) => [[name, state] as [string, State], ...(state.Branches ?? []).flatMap(states)]);
}

describe('PermitsService', () => {
  let built: TestApp;
  let template: Template;
  const machineId = (permitType: string) => logicalIdByPath(template, 'AWS::StepFunctions::StateMachine', `Api/Permits/Workflow-${permitType}/Resource/Resource`);
  const statementsOf = (rolePath: string): Statement[] => {
    const roleId = logicalIdByPath(template, 'AWS::IAM::Role', rolePath);
    return Object.values(resources(template, 'AWS::IAM::Policy'))
      .filter((p) => (p.Properties?.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

  beforeAll(() => {
    built = buildTestApp();
    template = built.apiTemplate;
  });
  afterAll(() => built.cleanup());

  it.each(permitCatalogue.map((p) => p.permitType))('runs the %s permit as a Standard state machine with all events logged and tracing', (permitType) => {
    const machine = resources(template, 'AWS::StepFunctions::StateMachine')[machineId(permitType)]!;
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } }] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it.each(permitCatalogue.map((p) => p.permitType))('gives every callback state of the %s permit a TimeoutSeconds', (permitType) => {
    const machine = resources(template, 'AWS::StepFunctions::StateMachine')[machineId(permitType)]!;
    const definition = JSON.parse(flatten(machine.Properties!.DefinitionString)) as { States: Record<string, State> };
    const callbacks = states(definition).filter(([, s]) => s.Resource?.endsWith('lambda:invoke.waitForTaskToken'));
    expect(callbacks.length).toBeGreaterThanOrEqual(4);
    for (const [name, state] of callbacks) expect(state.TimeoutSeconds, name).toBeGreaterThanOrEqual(86400);
  });

  it('lets the permits function send task responses and start executions only for its state machines', () => {
    const statements = statementsOf('Api/Permits/Function/ServiceRole/Resource').filter((s) => actions(s).some((a) => a.startsWith('states:')));
    const machines = permitCatalogue.map((p) => ({ Ref: machineId(p.permitType) }));
    const taskResponse = statements.filter((s) => actions(s).includes('states:SendTaskSuccess'));
    expect(taskResponse.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const resourceList = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resourceList) expect(machines).toContainEqual(resource);
    }
    expect(taskResponse.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))).toEqual(expect.arrayContaining(machines));
    expect([...new Set(statements.flatMap(actions))].sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess', 'states:StartExecution']);
  });

  it('lets the workflow function put decision letters only under permits/ in the archive bucket, and not answer tasks', () => {
    const statements = statementsOf('Api/Permits/WorkflowFunction/ServiceRole/Resource');
    const json = JSON.stringify(statements);
    expect(json).toContain('s3:PutObject');
    expect(json).toContain('/permits/*');
    expect(json).not.toContain('states:');
    expect(json).not.toContain('s3:GetObject');
    expect(json).not.toContain('s3:DeleteObject');
  });

  it('lets each state machine invoke only the workflow function', () => {
    const fnId = logicalIdByPath(template, 'AWS::Lambda::Function', 'Api/Permits/WorkflowFunction/Resource/Resource');
    for (const p of permitCatalogue) {
      const invoke = statementsOf(`Api/Permits/Workflow-${p.permitType}/Resource/Role/Resource`).filter((s) => actions(s).includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invoke)).toContain(fnId);
      for (const s of invoke) for (const r of Array.isArray(s.Resource) ? s.Resource : [s.Resource]) expect(JSON.stringify(r)).toContain(fnId);
    }
  });
});
