import type { IAuthorizer, IRequestValidator, IRestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { routesByService } from '../../schemas/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { addServiceRoutes } from '../constructs/service-routes.js';
import { tokenEnvironment } from '../constructs/token-environment.js';

export interface FormsServiceProps {
  readonly api: IRestApi;
  readonly requestValidator: IRequestValidator;
  readonly authorizer: IAuthorizer;
  readonly municipality: Municipality;
  readonly table: ITable;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The SES identity of the municipality's sender address; receipts are sent from it. */
  readonly mailIdentity: IEmailIdentity;
}

/** E-service S1: forms and their submissions, each of which becomes a case. */
export class FormsService extends Construct {
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: FormsServiceProps) {
    super(scope, id);
    const routes = routesByService.forms;
    this.function = new ServiceFunction(this, 'Function', {
      entry: 'functions/forms/handler.ts',
      description: 'Forms: list, describe and submit forms',
      municipality: props.municipality,
      environment: {
        TABLE_NAME: props.table.tableName,
        ...tokenEnvironment(routes, props.userPool, props.userPoolClient),
      },
    });
    this.function.grantTableReadWrite(props.table);
    props.mailIdentity.grantSendEmail(this.function);
    addServiceRoutes({
      api: props.api,
      handler: this.function.function,
      routes,
      requestValidator: props.requestValidator,
      authorizer: props.authorizer,
    });
  }
}
