import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IAuthorizer, IRequestValidator, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { routesByService } from '../../schemas/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { permitCatalogue } from '../../schemas/permits/index.js';
import { PERMIT_SECONDS_PER_DAY_CONTEXT, PermitWorkflow } from '../../workflows/permits/permit-workflow.js';
import { acknowledgeWildcardResource } from '../constructs/nag.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { addServiceRoutes } from '../constructs/service-routes.js';
import { tokenEnvironment } from '../constructs/token-environment.js';

/** Decision letters are archived under this prefix, `permits/<caseId>/<file>`. */
export const PERMIT_ARCHIVE_PREFIX = 'permits/';

export interface PermitsServiceProps {
  readonly api: IRestApi;
  readonly requestValidator: IRequestValidator;
  readonly authorizer: IAuthorizer;
  readonly municipality: Municipality;
  readonly table: ITable;
  /** The Object Lock archive bucket; decision letters are stored there. */
  readonly archiveBucket: IBucket;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly mailIdentity: IEmailIdentity;
  /**
   * Length of a permit day in seconds (deadlines are declared in days). Tests shorten it.
   * @default - the context value `permitSecondsPerDay`, else 86400
   */
  readonly secondsPerDay?: number;
}

/**
 * E-service S3: permit applications decided by several departments. One state machine per permit type
 * (from its declaration), the workflow function that its tasks call, and the API function: apply, read
 * and decide tasks, answer requests for information.
 */
export class PermitsService extends Construct {
  readonly function: ServiceFunction;
  readonly workflowFunction: ServiceFunction;
  readonly workflows: Readonly<Record<string, PermitWorkflow>>;

  constructor(scope: Construct, id: string, props: PermitsServiceProps) {
    super(scope, id);
    const { table, archiveBucket } = props;
    const routes = routesByService.permits;
    const contextDay = this.node.tryGetContext(PERMIT_SECONDS_PER_DAY_CONTEXT) as number | string | undefined;
    const secondsPerDay = props.secondsPerDay ?? (contextDay === undefined ? 86400 : Number(contextDay));

    this.workflowFunction = new ServiceFunction(this, 'WorkflowFunction', {
      entry: 'functions/permits/workflow-handler.ts',
      description: 'Permit workflows: department tasks, reminders, escalations, requests for information, decision letters',
      municipality: props.municipality,
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: table.tableName,
        ARCHIVE_BUCKET: archiveBucket.bucketName,
        PERMIT_SECONDS_PER_DAY: String(secondsPerDay),
      },
    });
    this.workflowFunction.grantTableReadWrite(table);
    props.mailIdentity.grantSendEmail(this.workflowFunction);
    archiveBucket.grantPut(this.workflowFunction, `${PERMIT_ARCHIVE_PREFIX}*`);
    Validations.of(this.workflowFunction.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: "From archiveBucket.grantPut: CDK's put grant includes s3:AbortMultipartUpload; limited to the archive bucket's permits/ prefix.",
    });
    acknowledgeWildcardResource(
      this.workflowFunction.role,
      archiveBucket.arnForObjects(`${PERMIT_ARCHIVE_PREFIX}*`),
      'Decision letters are archived as permits/<caseId>/<file>, named at run time; the grant is limited to the permits/ prefix of the archive bucket.',
    );

    const workflows: Record<string, PermitWorkflow> = {};
    for (const declaration of permitCatalogue) {
      const workflow = new PermitWorkflow(this, `Workflow-${declaration.permitType}`, {
        declaration,
        workflowFunction: this.workflowFunction.function,
        secondsPerDay,
      });
      acknowledgeWildcardResource(
        workflow.stateMachine.role,
        `${this.workflowFunction.function.functionArn}:*`,
        "From the Lambda task integration: CDK grants invoking the workflow function's versions and aliases (<function ARN>:*), of this one function only.",
      );
      workflows[declaration.permitType] = workflow;
    }
    this.workflows = workflows;

    this.function = new ServiceFunction(this, 'Function', {
      entry: 'functions/permits/handler.ts',
      description: 'Permits: applications, department tasks and decisions, supplements',
      municipality: props.municipality,
      // A decision waits for the workflow to take it, also while a reminder renews the task token.
      timeout: Duration.seconds(15),
      environment: {
        TABLE_NAME: table.tableName,
        STATE_MACHINE_ARNS: Stack.of(this).toJsonString(Object.fromEntries(Object.entries(workflows).map(([type, w]) => [type, w.stateMachine.stateMachineArn]))),
        ...tokenEnvironment(routes, props.userPool, props.userPoolClient),
      },
    });
    this.function.grantTableReadWrite(table);
    props.mailIdentity.grantSendEmail(this.function);
    for (const workflow of Object.values(workflows)) {
      workflow.stateMachine.grantStartExecution(this.function);
      // SendTaskSuccess/Failure/Heartbeat on this state machine only.
      workflow.stateMachine.grantTaskResponse(this.function);
    }
    addServiceRoutes({
      api: props.api,
      handler: this.function.function,
      routes,
      requestValidator: props.requestValidator,
      authorizer: props.authorizer,
    });
  }
}
