import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  Parallel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { PermitPartDeclaration, PermitTypeDeclaration } from '../../schemas/permits/permit-type.js';

/** The context key with which tests shorten a permit day (e.g. to one second), without touching the definition's logic. */
export const PERMIT_SECONDS_PER_DAY_CONTEXT = 'permitSecondsPerDay';

/** What the workflow function is asked to do; the callback actions get the task token in `token`. */
export type WorkflowAction = 'open' | 'remind' | 'escalate' | 'expire' | 'request-info' | 'finalize';

export interface PermitWorkflowProps {
  /** The permit type: its parts become parallel branches. */
  readonly declaration: PermitTypeDeclaration;
  /** Opens, reminds, escalates and expires tasks, asks the applicant, and writes the decision letter. */
  readonly workflowFunction: IFunction;
  /** Length of a permit day in seconds: deadlines are declared in days. @default 86400 */
  readonly secondsPerDay?: number;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Turns a permit type declaration into a Step Functions Standard state machine (JSONPath): one parallel
 * branch per part, each a department task by callback with a reminder, an escalation to the department
 * head at the deadline and an expiry, and a loop through the applicant while information is requested;
 * then the decision letter. Every callback state has TimeoutSeconds. The execution input is
 * `{ caseId, permitType, parts: { <partId>: boolean } }`: ids, never documents.
 */
export class PermitWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PermitWorkflowProps) {
    super(scope, id);
    const { declaration, workflowFunction } = props;
    const secondsPerDay = props.secondsPerDay ?? 86400;
    const seconds = (days: number) => Duration.seconds(Math.max(1, Math.round(days * secondsPerDay)));

    const callback = (stateName: string, action: WorkflowAction, part: PermitPartDeclaration, days: number, resultPath: string) =>
      new LambdaInvoke(this, stateName, {
        stateName,
        lambdaFunction: workflowFunction,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          action,
          caseId: JsonPath.stringAt('$.caseId'),
          permitType: declaration.permitType,
          partId: part.partId,
          token: JsonPath.taskToken,
        }),
        taskTimeout: Timeout.duration(seconds(days)),
        resultPath,
      });
    const invoke = (stateName: string, payload: Record<string, unknown>, resultPath: string) =>
      new LambdaInvoke(this, stateName, {
        stateName,
        lambdaFunction: workflowFunction,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject(payload),
        resultPath,
      });

    const branches = declaration.parts.map((part) => {
      const name = (what: string) => `${part.partId}: ${what}`;
      const open = callback(name('open task'), 'open', part, part.deadlineDays - part.reminderDaysBefore, '$.decision');
      const remind = callback(name('remind'), 'remind', part, part.reminderDaysBefore, '$.decision');
      const escalate = callback(name('escalate'), 'escalate', part, part.escalationDays, '$.decision');
      const askApplicant = callback(name('ask applicant'), 'request-info', part, part.answerDays, '$.supplement');
      const expire = invoke(name('expire'), { action: 'expire', 'caseId.$': '$.caseId', permitType: declaration.permitType, partId: part.partId, reason: 'deadline' }, '$.decision');
      const noAnswer = invoke(name('no answer'), { action: 'expire', 'caseId.$': '$.caseId', permitType: declaration.permitType, partId: part.partId, reason: 'no-answer' }, '$.decision');
      const done = new Pass(this, name('done'), { stateName: name('done'), parameters: { partId: part.partId, 'outcome.$': '$.decision.outcome' } });
      const decided = new Choice(this, name('decided?'), { stateName: name('decided?') })
        .when(Condition.stringEquals('$.decision.outcome', 'request-info'), askApplicant)
        .otherwise(done);

      open.addCatch(remind, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      remind.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      escalate.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      askApplicant.addCatch(noAnswer, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
      open.next(decided);
      remind.next(decided);
      escalate.next(decided);
      expire.next(decided);
      noAnswer.next(decided);
      askApplicant.next(open);

      const notApplicable = new Pass(this, name('not applicable'), {
        stateName: name('not applicable'),
        result: Result.fromObject({ partId: part.partId, outcome: 'not-applicable' }),
      });
      const applies: IChainable = new Choice(this, name('applies?'), { stateName: name('applies?') })
        .when(Condition.booleanEquals(`$.parts.${part.partId}`, true), open)
        .otherwise(notApplicable);
      return applies;
    });

    const parts = new Parallel(this, 'Decide parts', { stateName: 'Decide parts', resultPath: JsonPath.DISCARD });
    for (const branch of branches) parts.branch(branch);
    const letter = invoke('Decision letter', { action: 'finalize', 'caseId.$': '$.caseId', permitType: declaration.permitType }, '$.letter');

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineType: StateMachineType.STANDARD,
      comment: `Permit ${declaration.permitType} v${declaration.version}: ${declaration.title.en}`,
      definitionBody: DefinitionBody.fromChainable(parts.next(letter)),
      tracingEnabled: true,
      // Every event is logged; execution data stays out of the logs (decision reasons may name people).
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Step Functions logging and X-Ray tracing need log delivery and xray:Put* actions, which support no resource-level permissions.',
      },
    );
  }
}
