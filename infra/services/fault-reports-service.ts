import { Validations } from 'aws-cdk-lib';
import type { IAuthorizer, IRequestValidator, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { routesByService } from '../../schemas/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { addServiceRoutes } from '../constructs/service-routes.js';
import { acknowledgeWildcardResource } from '../constructs/nag.js';
import { tokenEnvironment } from '../constructs/token-environment.js';
import { CASE_ATTACHMENTS_PREFIX } from './cases-service.js';

export interface FaultReportsServiceProps {
  readonly api: IRestApi;
  readonly requestValidator: IRequestValidator;
  /** Guards the officers' status route. */
  readonly authorizer: IAuthorizer;
  readonly municipality: Municipality;
  readonly table: ITable;
  /** Photos of reports are case attachments; the function presigns downloads of accepted ones. */
  readonly attachmentsBucket: IBucket;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The SES identity of the municipality's sender address: department notices and reporter mails. */
  readonly mailIdentity: IEmailIdentity;
}

/**
 * E-service S2 (fault reports) and S7's map data: Open311 GeoReport v2 under `/open311/v2/`, the officers'
 * status route, the reporters' unsubscribe and `GET /map/reports.geojson`. Each report is a case.
 */
export class FaultReportsService extends Construct {
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: FaultReportsServiceProps) {
    super(scope, id);
    const routes = routesByService.faultReports;
    const { table, attachmentsBucket } = props;
    this.function = new ServiceFunction(this, 'Function', {
      entry: 'functions/fault-reports/handler.ts',
      description: 'Fault reports: Open311 GeoReport v2, status changes, unsubscribe, map data',
      municipality: props.municipality,
      environment: {
        TABLE_NAME: table.tableName,
        ATTACHMENTS_BUCKET: attachmentsBucket.bucketName,
        ...tokenEnvironment(routes, props.userPool, props.userPoolClient),
      },
    });
    this.function.grantTableReadWrite(table);
    props.mailIdentity.grantSendEmail(this.function);
    // Presigned downloads of accepted photos (media_url); S3 checks the signer's permission.
    attachmentsBucket.grantRead(this.function, `${CASE_ATTACHMENTS_PREFIX}*`);
    const readReason = "From attachmentsBucket.grantRead: CDK's action family for reading objects; limited to the bucket's cases/ prefix, where report photos are.";
    Validations.of(this.function.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: readReason },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: readReason },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: readReason },
    );
    acknowledgeWildcardResource(
      this.function.role,
      attachmentsBucket.arnForObjects(`${CASE_ATTACHMENTS_PREFIX}*`),
      'Object keys are cases/<caseId>/<attachmentId>, made at run time; the grant is limited to the cases/ prefix of the attachments bucket.',
    );
    addServiceRoutes({
      api: props.api,
      handler: this.function.function,
      routes,
      requestValidator: props.requestValidator,
      authorizer: props.authorizer,
    });
  }
}
