import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IAuthorizer, IRequestValidator, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { routesByService } from '../../schemas/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { addServiceRoutes } from '../constructs/service-routes.js';
import { acknowledgeBucketNotificationsHandler, acknowledgeWildcardResource } from '../constructs/nag.js';
import { tokenEnvironment } from '../constructs/token-environment.js';

/** Attachments are stored under this key prefix, `cases/<caseId>/<attachmentId>`. */
export const CASE_ATTACHMENTS_PREFIX = 'cases/';

const ATTACHMENT_KEYS_REASON =
  'Object keys are cases/<caseId>/<attachmentId>, made at run time; the grant is limited to the cases/ prefix of the attachments bucket.';

export interface CasesServiceProps {
  readonly api: IRestApi;
  readonly requestValidator: IRequestValidator;
  readonly authorizer: IAuthorizer;
  readonly municipality: Municipality;
  readonly table: ITable;
  readonly attachmentsBucket: IBucket;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The SES identity of the municipality's sender: the attachment check tells departments of new photos. */
  readonly mailIdentity: IEmailIdentity;
}

/**
 * Cases across all e-services: status and history, "my cases", attachment uploads. A second function
 * checks each uploaded attachment (size, sniffed type) and records it on the case or removes it.
 */
export class CasesService extends Construct {
  readonly function: ServiceFunction;
  readonly attachmentsFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: CasesServiceProps) {
    super(scope, id);
    const routes = routesByService.cases;
    const { table, attachmentsBucket } = props;

    this.function = new ServiceFunction(this, 'Function', {
      entry: 'functions/cases/handler.ts',
      description: 'Cases: status and history, my cases, attachment uploads',
      municipality: props.municipality,
      environment: {
        TABLE_NAME: table.tableName,
        ATTACHMENTS_BUCKET: attachmentsBucket.bucketName,
        ...tokenEnvironment(routes, props.userPool, props.userPoolClient),
      },
    });
    this.function.grantTableReadWrite(table);
    // The function presigns PUT URLs; S3 checks the signer's own permission when the browser uploads.
    attachmentsBucket.grantPut(this.function, `${CASE_ATTACHMENTS_PREFIX}*`);
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: "From attachmentsBucket.grantPut: s3:AbortMultipartUpload lets an interrupted presigned upload be cleaned up; limited to the bucket's cases/ prefix.",
    });
    acknowledgeWildcardResource(this.function.role, attachmentsBucket.arnForObjects(`${CASE_ATTACHMENTS_PREFIX}*`), ATTACHMENT_KEYS_REASON);
    addServiceRoutes({
      api: props.api,
      handler: this.function.function,
      routes,
      requestValidator: props.requestValidator,
      authorizer: props.authorizer,
    });

    this.attachmentsFunction = new ServiceFunction(this, 'AttachmentsFunction', {
      entry: 'functions/attachments/handler.ts',
      description: 'Checks each uploaded attachment and records it on its case',
      municipality: props.municipality,
      // Reads up to 10 MB objects to check their content.
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: table.tableName,
        ATTACHMENTS_BUCKET: attachmentsBucket.bucketName,
      },
    });
    this.attachmentsFunction.grantTableReadWrite(table);
    props.mailIdentity.grantSendEmail(this.attachmentsFunction);
    // Reads each upload to check it, and removes a refused one.
    attachmentsBucket.grantRead(this.attachmentsFunction, `${CASE_ATTACHMENTS_PREFIX}*`);
    attachmentsBucket.grantDelete(this.attachmentsFunction, `${CASE_ATTACHMENTS_PREFIX}*`);
    const readDeleteReason =
      "From attachmentsBucket.grantRead/grantDelete: CDK's action families for reading and deleting objects (with their versions and tags); limited to the bucket's cases/ prefix.";
    Validations.of(this.attachmentsFunction.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: readDeleteReason },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: readDeleteReason },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: readDeleteReason },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: readDeleteReason },
    );
    acknowledgeWildcardResource(this.attachmentsFunction.role, attachmentsBucket.arnForObjects(`${CASE_ATTACHMENTS_PREFIX}*`), ATTACHMENT_KEYS_REASON);
    // Subscribed through a reference imported by name: added to the bucket object of the stateful stack,
    // the notification would live in that stack and point at this function, a cycle between the stacks.
    const notifyingBucket =
      Stack.of(attachmentsBucket) === Stack.of(this)
        ? attachmentsBucket
        : Bucket.fromBucketName(this, 'AttachmentsBucketNotifications', attachmentsBucket.bucketName);
    notifyingBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.attachmentsFunction.function), {
      prefix: CASE_ATTACHMENTS_PREFIX,
    });
    acknowledgeBucketNotificationsHandler(Stack.of(this));
  }
}
