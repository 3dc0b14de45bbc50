import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalApiGateway } from './api-gateway.js';
import type { AwsCallLog } from './aws-call-log.js';
import { buildRestApis, type RestApi } from './api-routes.js';
import { LOCAL_CREDENTIALS, assertPortFree, freePort, startDynamoDb, startS3, startSes, type Emulator, type S3Emulator } from './emulators.js';
import { FunctionError, FunctionRuntime, readFunctions } from './functions.js';
import {
  JWKS_PATH,
  LOCAL_CLIENT_ID,
  LocalIdentityProvider,
  generateSigningKey,
  loadSigningKey,
  type TokenRequest,
  type TokenSigningSettings,
} from './identity.js';
import { IntrinsicResolver } from './intrinsics.js';
import { deliveriesFor, readBucketSubscriptions, type BucketSubscription } from './notifications.js';
import { provisionTables, readBuckets, readTables } from './provision.js';
import { projectRoot, synthesizeApp } from './synth.js';
import { LocalStepFunctions } from './step-functions/service.js';
import { StepFunctionsServer } from './step-functions/server.js';
import { readStateMachines } from './step-functions/state-machines.js';
import { readCloudAssembly } from './template.js';

/** Options of the local platform. */
export interface LocalPlatformOptions {
  /** Where data persists between runs (DynamoDB, S3 objects, the identity key). @default - in memory / a temp dir removed at stop */
  readonly dataDir?: string;
  /** Port of the API; 0 or undefined: a free port. */
  readonly apiPort?: number;
  readonly dynamoPort?: number;
  readonly s3Port?: number;
  readonly sesPort?: number;
  /** Port of the Step Functions endpoint; 0 or undefined: a free port. */
  readonly stepFunctionsPort?: number;
  /** CDK context for the synth, e.g. `{ permitSecondsPerDay: 1 }` to shorten permit deadlines in tests. @default - none */
  readonly context?: Readonly<Record<string, unknown>>;
  /** No request log and no function output. @default false */
  readonly quiet?: boolean;
  /** @default env AWS_REGION, else 'eu-north-1' */
  readonly region?: string;
  /** @default env MUNICIPALITY, else the CDK app's default */
  readonly municipalityId?: string;
  /** Where the CDK app is synthesized. @default `cdk.out/local` with a dataDir, else inside the temp dir */
  readonly outdir?: string;
  /** Counts the AWS calls functions make (benchmarks): the functions reach the emulators through it. */
  readonly awsCallLog?: AwsCallLog;
  /** Serve an assembly that is already synthesized instead of synthesizing `infra/build-app.ts`. */
  readonly assemblyDir?: string;
  /** Reuse the assembly in `outdir` when no source of the app changed since its synth. @default false */
  readonly reuseSynth?: boolean;
}

/** Endpoints and credentials for AWS SDK clients that talk to the local emulators. */
export interface LocalAwsEnvironment {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly sesv2: string; readonly sfn: string };
  /** The same as environment variables (`AWS_ENDPOINT_URL_*`, `AWS_REGION`, credentials). */
  readonly variables: Readonly<Record<string, string>>;
}

/** The running local platform. */
export interface LocalPlatform {
  /** The API, without stage prefix and without trailing slash, e.g. `http://127.0.0.1:4100`. */
  readonly apiUrl: string;
  /** The SES web inbox (`GET /`); sent mails as JSON at `<sesUrl>/store`. */
  readonly inboxUrl: string;
  readonly sesUrl: string;
  readonly s3Url: string;
  readonly dynamodbUrl: string;
  /** The Step Functions endpoint (JSON protocol), also the functions' `AWS_ENDPOINT_URL_SFN`. */
  readonly stepFunctionsUrl: string;
  readonly env: LocalAwsEnvironment;
  /** State machine ARNs by logical id and by construct path (e.g. `Api/Permits/Workflow-restaurant/Resource`). */
  readonly stateMachines: Readonly<Record<string, string>>;
  /** Local table names by logical id and by construct path (e.g. `Stateful/Table`). */
  readonly tables: Readonly<Record<string, string>>;
  /** Local bucket names by logical id and by construct path (e.g. `Stateful/AttachmentsBucket`). */
  readonly buckets: Readonly<Record<string, string>>;
  /** Function names by logical id and by construct path. */
  readonly functions: Readonly<Record<string, string>>;
  /** Issuer, audience and signing key of the local identity provider. */
  readonly identity: TokenSigningSettings & { readonly jwksUrl: string };
  /** Milliseconds from the start call until each phase was done (synth or synthReused, dynamodb, s3, ses, provision, ready). */
  readonly timings: Readonly<Record<string, number>>;
  /** Signs an ID token as the platform's user pool would issue it. */
  issueToken(request: TokenRequest): Promise<string>;
  /** Invokes a function directly (RequestResponse). */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Resolves when no asynchronous invocation (S3 notification) is in flight or on its way. */
  idle(): Promise<void>;
  /** Stops every emulator, worker and server; removes temporary data. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts the whole platform locally from the synthesized CDK app: DynamoDB Local, s3rver and
 * aws-ses-v2-local provisioned from the templates, the functions in worker threads, the API Gateway
 * stand-in with the local identity provider, and S3 notifications. The emulators start while the app
 * synthesizes.
 */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const mark = (name: string): void => {
    timings[name] = Math.round(performance.now() - started);
  };
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent ? resolve(options.dataDir!) : await mkdtemp(join(tmpdir(), 'kommun-local-'));
  const region = options.region ?? process.env['AWS_REGION'] ?? 'eu-north-1';
  const quiet = options.quiet ?? false;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => console.error('[local] stop failed:', error));
  };
  if (!persistent) stops.push(() => rm(dataDir, { recursive: true, force: true }));

  try {
    await mkdir(join(dataDir, 's3'), { recursive: true });
    await mkdir(join(dataDir, 'runtime'), { recursive: true });
    if (persistent) await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
    const fixed = (port: number | undefined): port is number => port !== undefined && port !== 0;
    await Promise.all(
      (
        [
          [options.apiPort, 'the API'],
          [options.dynamoPort, 'DynamoDB Local'],
          [options.s3Port, 'S3'],
          [options.sesPort, 'SES'],
        ] as const
      ).flatMap(([port, what]) => (fixed(port) ? [assertPortFree(port, HOST, what)] : [])),
    );

    const gateway = new LocalApiGateway({ quiet });
    const apiPort = await gateway.listen(options.apiPort ?? 0, HOST);
    stops.push(() => gateway.close());
    const apiUrl = `http://${HOST}:${apiPort}`;

    // The emulators start now and come up while the CDK app synthesizes (which blocks this thread).
    // S3 events may come before the functions exist (an upload during start): they have no subscriber yet.
    const delivery: { subscriptions: readonly BucketSubscription[]; functions?: FunctionRuntime } = { subscriptions: [] };
    const onS3Event = (event: unknown): void => {
      for (const { functionName, event: s3Event } of deliveriesFor(event, delivery.subscriptions, region)) {
        delivery.functions?.invokeAsync(functionName, s3Event);
      }
    };
    const dynamoPort = fixed(options.dynamoPort) ? options.dynamoPort : await freePort(HOST);
    const dynamoStarting = startDynamoDb({ host: HOST, port: dynamoPort, ...(persistent ? { dataDir: join(dataDir, 'dynamodb') } : {}) });
    const s3Starting = startS3({ host: HOST, port: options.s3Port ?? 0, directory: join(dataDir, 's3'), onEvent: onS3Event });
    const sesStarting = startSes({ host: HOST, port: options.sesPort ?? 0 });
    const keyLoading = persistent ? loadSigningKey(join(dataDir, 'keys')) : generateSigningKey();
    // Register the stops as each emulator comes up, so a failed start still cleans up the others.
    const track = <T extends Emulator>(starting: Promise<T>, name: string): Promise<T> =>
      starting.then((emulator) => {
        mark(name);
        stops.push(() => emulator.stop());
        return emulator;
      });
    const emulators = Promise.allSettled([track(dynamoStarting, 'dynamodb'), track(s3Starting, 's3'), track(sesStarting, 'ses')]);

    let assemblyDir = options.assemblyDir;
    try {
      if (!assemblyDir) {
        const outdir = options.outdir ?? (persistent ? join(projectRoot, 'cdk.out', 'local') : join(dataDir, 'cdk.out'));
        const synth = await synthesizeApp({
          outdir,
          reuse: options.reuseSynth ?? false,
          ...(options.municipalityId ? { municipalityId: options.municipalityId } : {}),
          ...(options.context ? { context: options.context } : {}),
        });
        assemblyDir = synth.directory;
        mark(synth.reused ? 'synthReused' : 'synth');
      }
    } finally {
      await emulators;
    }
    const [dynamodb, s3, ses] = (await emulators).map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }) as [Emulator, S3Emulator, Emulator];

    const stacks = await readCloudAssembly(assemblyDir);
    const resolver = new IntrinsicResolver(stacks, { region, userPoolClientId: LOCAL_CLIENT_ID });
    const tables = readTables(stacks, resolver);
    const buckets = readBuckets(stacks, resolver);
    const definitions = readFunctions(stacks, resolver);
    const apis = buildRestApis(stacks, resolver);
    const stateMachines = readStateMachines(stacks, resolver);

    const client = new DynamoDBClient({ endpoint: dynamodb.url, region, credentials: LOCAL_CREDENTIALS });
    try {
      await Promise.all([provisionTables(client, tables), s3.ensureBuckets(buckets.map((bucket) => bucket.name))]);
    } finally {
      client.destroy();
    }
    mark('provision');

    // Step Functions: executions are kept in the data dir, so that a restart reports the interrupted ones.
    const stepFunctions = new LocalStepFunctions(stateMachines, { quiet, ...(persistent ? { dataDir: join(dataDir, 'stepfunctions') } : {}) });
    await stepFunctions.load();
    const stepFunctionsServer = new StepFunctionsServer(stepFunctions);
    const sfnUrl = `http://${HOST}:${await stepFunctionsServer.listen(options.stepFunctionsPort ?? 0, HOST)}`;
    stops.push(async () => {
      await stepFunctionsServer.close();
      await stepFunctions.stop();
    });

    const identitySettings: TokenSigningSettings = { issuer: `${apiUrl}/local-idp`, audience: LOCAL_CLIENT_ID, privateJwk: await keyLoading };
    const identity = new LocalIdentityProvider(identitySettings);
    const variables: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ENDPOINT_URL_SES: ses.url,
      AWS_ENDPOINT_URL_SFN: sfnUrl,
    };
    const callLog = options.awsCallLog;
    const functionEndpoints: Record<string, string> = callLog
      ? {
          AWS_ENDPOINT_URL_DYNAMODB: await callLog.proxy('dynamodb', dynamodb.url),
          AWS_ENDPOINT_URL_S3: await callLog.proxy('s3', s3.url),
          AWS_ENDPOINT_URL_SESV2: await callLog.proxy('sesv2', ses.url),
        }
      : {};
    if (callLog) stops.push(() => callLog.close());
    const runtime = new FunctionRuntime(definitions, {
      quiet,
      workDir: join(dataDir, 'runtime'),
      environment: {
        ...variables,
        ...functionEndpoints,
        // No instance metadata or X-Ray daemon here: do not let SDKs look for them.
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
        PUBLIC_BASE_URL: apiUrl,
        TOKEN_ISSUER: identity.issuer,
        TOKEN_JWKS_URL: `${apiUrl}${JWKS_PATH}`,
        TOKEN_AUDIENCE: identity.audience,
      },
    });
    stops.push(() => runtime.stop());
    delivery.functions = runtime;
    // Lambda tasks of the state machines run the local functions; a function error keeps its Lambda error type as name.
    stepFunctions.useFunctions(async (functionName, payload) => {
      try {
        return await runtime.invoke(functionName, payload);
      } catch (error) {
        if (error instanceof FunctionError) throw Object.assign(new Error(error.errorMessage), { name: error.errorType });
        throw error;
      }
    });
    delivery.subscriptions = readBucketSubscriptions(stacks, resolver);

    const api = pickApi(apis, quiet);
    if (api && !quiet) warnAboutMissingFunctions(api, runtime);
    gateway.serve({ ...(api ? { api } : {}), functions: runtime, identity });
    mark('ready');

    const byKey = <T extends { logicalId: string; path?: string }>(items: readonly T[], value: (item: T) => string): Record<string, string> =>
      Object.fromEntries(items.flatMap((item) => [[item.logicalId, value(item)], ...(item.path ? [[item.path, value(item)]] : [])]));
    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      inboxUrl: `${ses.url}/`,
      sesUrl: ses.url,
      s3Url: s3.url,
      dynamodbUrl: dynamodb.url,
      stepFunctionsUrl: sfnUrl,
      stateMachines: byKey(stateMachines, (machine) => machine.arn),
      env: {
        region,
        credentials: { ...LOCAL_CREDENTIALS },
        endpoints: { dynamodb: dynamodb.url, s3: s3.url, sesv2: ses.url, sfn: sfnUrl },
        variables,
      },
      tables: byKey(tables, (table) => table.input.TableName),
      buckets: byKey(buckets, (bucket) => bucket.name),
      functions: byKey(definitions, (definition) => definition.name),
      identity: { ...identitySettings, jwksUrl: `${apiUrl}${JWKS_PATH}` },
      timings,
      issueToken: (request) => identity.issueToken(request),
      invoke: (functionName, event) => runtime.invoke(functionName, event),
      idle: async () => {
        // An S3 event may still be on its way from the S3 process; a delivered one may cause another.
        for (;;) {
          await s3.flush();
          if (runtime.pendingAsync === 0) return;
          await runtime.idle();
        }
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The REST API to serve: the one with most methods when the app has several. */
function pickApi(apis: readonly RestApi[], quiet: boolean): RestApi | undefined {
  const count = (api: RestApi): number => {
    let methods = 0;
    const visit = (node: RestApi['root']): void => {
      methods += node.methods.size;
      node.children.forEach(visit);
    };
    visit(api.root);
    return methods;
  };
  const sorted = [...apis].sort((a, b) => count(b) - count(a));
  if (sorted.length > 1 && !quiet) console.warn(`[local] ${sorted.length} REST APIs in the app; serving ${sorted[0]!.name}`);
  return sorted[0];
}

/** A method whose function has no local bundle would answer 502 on every call: say so at start. */
function warnAboutMissingFunctions(api: RestApi, runtime: FunctionRuntime): void {
  const missing = new Set<string>();
  const visit = (node: RestApi['root']): void => {
    for (const method of node.methods.values()) {
      if (method.integration.type === 'AWS_PROXY' && !runtime.definitions.has(method.integration.functionName)) {
        missing.add(method.integration.functionName);
      }
    }
    node.children.forEach(visit);
  };
  visit(api.root);
  for (const name of missing) console.warn(`[local] the API calls ${name}, which has no Node.js bundle in the assembly: its routes answer 502`);
}
