import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable, IPrincipal, IRole } from 'aws-cdk-lib/aws-iam';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Municipality } from '../../schemas/municipality.js';
import { municipalityConfigPath, projectRoot } from '../municipality.js';
import { acknowledgeTableGrant } from './nag.js';

/**
 * The Lambda runtime of every e-service: the newest Node.js that aws-cdk-lib knows (cdk-nag L1 asks for
 * the newest). Bundles target Node 20 syntax so the same files also run in the local runtime.
 */
export const SERVICE_RUNTIME = Runtime.NODEJS_26_X;

/** Defines `require` in the ESM bundle, for CommonJS dependencies that call it. */
const REQUIRE_BANNER =
  "import { createRequire as __platformCreateRequire } from 'node:module'; const require = __platformCreateRequire(import.meta.url);";

export interface ServiceFunctionProps {
  /** The handler module, relative to the project root, e.g. `functions/forms/handler.ts`; it exports `handler`. */
  readonly entry: string;
  /** The municipality this deployment serves; its config file is bundled as `municipality.json`. */
  readonly municipality: Municipality;
  /** @default - no description */
  readonly description?: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Merged over the platform defaults (`NODE_OPTIONS`, `MUNICIPALITY_ID`, `PUBLIC_BASE_URL`, `LOG_LEVEL`). @default - the defaults only */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.SIX_MONTHS */
  readonly logRetention?: RetentionDays;
}

/**
 * A NodejsFunction with the platform's Lambda defaults: newest Node.js runtime, arm64, X-Ray, JSON logs to
 * its own log group with retention, an ESM bundle with the AWS SDK inside and the municipality config beside it.
 */
export class ServiceFunction extends Construct implements IGrantable {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** The execution role; acknowledge cdk-nag findings of grants here, where the policy is. */
  readonly role: IRole;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { municipality } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may only write to this function's log group.
    const role = new Role(this, 'ServiceRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(role);
    this.role = role;

    const configFile = municipalityConfigPath(municipality.id);
    this.function = new NodejsFunction(this, 'Resource', {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: SERVICE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        MUNICIPALITY_ID: municipality.id,
        PUBLIC_BASE_URL: municipality.publicBaseUrl,
        LOG_LEVEL: 'info',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node20',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle @aws-sdk/* too: the version is pinned by our lock file, not by the Lambda runtime.
        externalModules: [],
        banner: REQUIRE_BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The functions read ./municipality.json beside index.mjs when the module loads.
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp "${path.join(inputDir, configFile)}" "${path.join(outputDir, 'municipality.json')}"`,
          ],
        },
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (Resource must be *).',
    });
  }

  /** Read and write on the platform table, with the cdk-nag findings this grant always raises acknowledged. */
  grantTableReadWrite(table: ITable): void {
    table.grantReadWriteData(this);
    acknowledgeTableGrant(this.role, table.tableArn);
  }
}
