/**
 * `npm start`: the whole platform on this machine, from the synthesized CDK app, with data kept in
 * `.local/` between runs. Ports: API 4100, DynamoDB 4101, S3 4102, SES inbox 4103, Step Functions 4104
 * (override with LOCAL_API_PORT, LOCAL_DYNAMODB_PORT, LOCAL_S3_PORT, LOCAL_SES_PORT, LOCAL_SFN_PORT). The app is synthesized into
 * `cdk.out/local` and reused while no source changes (LOCAL_SYNTH=always to force a synth).
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { issueApiKey } from '../functions/fault-reports/api-keys.js';
import { startLocalPlatform } from './platform.js';
import { projectRoot } from './synth.js';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new Error(`${name} must be a port number, got ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  let stopping = false;
  const shutdown = (signal: string): void => {
    // One Ctrl-C reaches this process twice (from the terminal and relayed by tsx): stop once.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local platform...`);
    setTimeout(() => {
      console.error('the local platform did not stop within 15 s: exiting');
      process.exit(1);
    }, 15_000).unref();
    // A signal during start stops what has started once the start settles.
    void starting.then((platform) => platform.stop(), () => undefined).then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const starting = startLocalPlatform({
    dataDir: process.env['LOCAL_DATA_DIR'] ?? join(projectRoot, '.local'),
    apiPort: port('LOCAL_API_PORT', 4100),
    dynamoPort: port('LOCAL_DYNAMODB_PORT', 4101),
    s3Port: port('LOCAL_S3_PORT', 4102),
    sesPort: port('LOCAL_SES_PORT', 4103),
    stepFunctionsPort: port('LOCAL_SFN_PORT', 4104),
    // A restart without changes skips the synth; LOCAL_SYNTH=always forces it.
    reuseSynth: process.env['LOCAL_SYNTH'] !== 'always',
    ...(process.env['MUNICIPALITY'] ? { municipalityId: process.env['MUNICIPALITY'] } : {}),
  });
  const platform = await starting;
  if (stopping) return;
  // From process start, so module loading and the synth count too.
  const readyMs = Math.round(performance.now());
  const { timings } = platform;
  // A fresh Open311 key per start: keys are stored only as hashes, so an earlier one cannot be shown again.
  const { apiKey } = await issueApiKey(
    DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbUrl, region: platform.env.region, credentials: platform.env.credentials })),
    platform.tables['Stateful/Table']!,
    { clientName: 'local development', ratePerMinute: 600 },
  );
  console.log(
    [
      '',
      `Local platform ready in ${readyMs} ms (${
        timings['synth'] === undefined ? 'app unchanged: synth reused' : `synth ${timings['synth']} ms`
      }; DynamoDB Local up at ${timings['dynamodb']} ms)`,
      `  API          ${platform.apiUrl}/`,
      `  OpenAPI      ${platform.apiUrl}/openapi.json`,
      `  Mail inbox   ${platform.inboxUrl}`,
      `  DynamoDB     ${platform.dynamodbUrl}   tables: ${unique(platform.tables).join(', ')}`,
      `  S3           ${platform.s3Url}   buckets: ${unique(platform.buckets).join(', ')}`,
      `  Step Functions ${platform.stepFunctionsUrl}   state machines: ${unique(platform.stateMachines).map((arn) => arn.slice(arn.lastIndexOf(':') + 1)).join(', ')}`,
      `  Sign in      npm run token -- resident 199001011239   |   npm run token -- officer miljo`,
      `  Open311      api_key=${apiKey}   (more: npm run open311-key -- "<client>" --local)`,
      '',
      'Ctrl-C stops everything; data stays in .local/.',
    ].join('\n'),
  );
}

function unique(names: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.values(names))];
}

main().catch((error: unknown) => {
  console.error(`The local platform did not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack && process.env['DEBUG']) console.error(error.stack);
  process.exit(1);
});
