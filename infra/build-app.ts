import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Municipality } from '../schemas/municipality.js';
import { ApiStack } from './api-stack.js';
import { formCatalogue } from '../schemas/forms/index.js';
import { assertFormsHaveDepartments, loadMunicipality, projectRoot } from './municipality.js';
import { StatefulStack } from './stateful-stack.js';

export interface BuildAppOptions {
  /** Where the cloud assembly is written. @default - the CLI's outdir, else a temporary directory */
  readonly outdir?: string;
  /** @default - env `MUNICIPALITY`, else context `municipality` (cdk.json) */
  readonly municipalityId?: string;
  /** Context over cdk.json's and the platform's defaults. @default - none */
  readonly context?: Record<string, unknown>;
  /**
   * CDK's built-in check of the templates against the CloudFormation resource schemas (about 5 s per
   * synth); cdk-nag runs either way. Tests that only assert properties may turn it off.
   * @default true
   */
  readonly cloudFormationValidation?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly api: ApiStack;
  readonly municipality: Municipality;
}

/** The region when `CDK_DEFAULT_REGION` is not set. */
export const DEFAULT_REGION = 'eu-north-1';

/**
 * Context the infra code relies on, so that the CLI (`cdk synth`) and an in-process synth (tests, the
 * local runtime) produce the same template. cdk.json may override it deliberately.
 */
export const PLATFORM_CONTEXT: Readonly<Record<string, unknown>> = {
  // The local runtime finds each function's bundle through Metadata['aws:asset:path'].
  'aws:cdk:enable-asset-metadata': true,
  // Metadata['aws:cdk:path'] on every resource, as the CLI writes it.
  'aws:cdk:enable-path-metadata': true,
  // Exports and Fn::ImportValue between the stacks: the stateful stack cannot lose a value the API uses.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  // Notifications added from another stack must not be wiped by this bucket's own notifications.
  '@aws-cdk/aws-s3:keepNotificationInImportedBucket': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
  '@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId': true,
  '@aws-cdk/aws-apigateway:requestValidatorUniqueId': true,
  '@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard': true,
};

/**
 * Builds the CDK app of one municipality: the stateful stack and the API stack, checked by cdk-nag's
 * AWS Solutions rules as a validation plugin, so that any unacknowledged finding fails synth.
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    context: { ...PLATFORM_CONTEXT, ...cdkJsonContext(), ...options.context },
  });
  const municipalityId =
    options.municipalityId ?? process.env.MUNICIPALITY ?? (app.node.tryGetContext('municipality') as string | undefined);
  if (!municipalityId) {
    throw new Error('No municipality chosen: pass municipalityId, set MUNICIPALITY, or set the context value "municipality"');
  }
  const municipality = loadMunicipality(municipalityId);
  assertFormsHaveDepartments(municipality, formCatalogue);

  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? DEFAULT_REGION };
  const stateful = new StatefulStack(app, 'Stateful', {
    env,
    stackName: `eservices-${municipality.id}-stateful`,
    description: `E-services of ${municipality.name.en}: data (table, buckets, key, user pool)`,
    terminationProtection: true,
    municipality,
  });
  const api = new ApiStack(app, 'Api', {
    env,
    stackName: `eservices-${municipality.id}-api`,
    description: `E-services of ${municipality.name.en}: public API and functions`,
    municipality,
    table: stateful.table,
    attachmentsBucket: stateful.attachmentsBucket,
    archiveBucket: stateful.archiveBucket,
    userPool: stateful.userPool,
  });

  // Cost allocation per municipality (the programme asks for the cloud cost per case).
  Tags.of(app).add('project', 'kommun-e-services');
  Tags.of(app).add('municipality', municipality.id);

  addComplianceChecks(app);
  return { app, stateful, api, municipality };
}

/**
 * Runs cdk-nag's AWS Solutions rules when the app synthesizes. As a validation plugin (not an Aspect) a
 * finding that is not acknowledged with `Validations.of(scope).acknowledge({ id, reason })` fails synth.
 */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** cdk.json's context, which the CLI passes but an in-process `new App()` would not see. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
