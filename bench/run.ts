// `npm run bench`: bundle size and init time per function, AWS calls per request, latency under load.
// Figures are ratios and counts where possible: this machine is noisy.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildApp } from '../infra/build-app.js';
import { AwsCallLog, type AwsCall } from '../local/aws-call-log.js';
import { startLocalPlatform } from '../local/platform.js';
import { validAnswers } from '../test/events/answers.js';
import { bundleSize, buildReferenceBundle, initTimes, median, readJson, sdkPackagesOf } from './bundles.js';
import { open311 } from './open311.js';
import { permits } from './permits.js';

const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 15);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
}

/** A stand-in for an intrinsic: references become fixed names, joins are joined. */
function placeholder(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(placeholder).join(separator);
  }
  if ('Fn::Sub' in intrinsic) {
    const template = intrinsic['Fn::Sub'];
    return (Array.isArray(template) ? String(template[0]) : String(template)).replace(/\$\{[^}]+\}/g, 'bench');
  }
  return 'bench';
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function bundles(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-assembly-'));
  try {
    const { app } = buildApp({ outdir, cloudFormationValidation: false });
    app.synth();
    console.log(`\n## Functions (init: median of ${INIT_RUNS} fresh processes each)\n`);
    console.log('| function | bundle | target 250 KB | SDK packages | reference bundle | init CPU ms | reference init CPU ms | init ratio (target <= 1.5) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const file of readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
      const template = readJson<Template>(join(outdir, file));
      for (const resource of Object.values(template.Resources)) {
        const assetPath = resource.Metadata?.['aws:asset:path'];
        if (resource.Type !== 'AWS::Lambda::Function' || typeof assetPath !== 'string') continue;
        const name = String(resource.Metadata?.['aws:cdk:path']).replace(/\/Resource$/, '');
        const bundle = join(outdir, assetPath, 'index.mjs');
        const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        // Values CloudFormation would resolve; init needs them set and shaped (a joined JSON stays JSON).
        const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, placeholder(v)]));
        const packages = sdkPackagesOf(bundle);
        const reference = await buildReferenceBundle(packages, mkdtempSync(join(outdir, 'reference-')));
        const own = median(initTimes(bundle, environment, INIT_RUNS));
        const base = median(initTimes(reference, {}, INIT_RUNS));
        const size = bundleSize(bundle);
        console.log(
          `| ${name} | ${size} B (${kb(size)}) | ${size <= 250 * 1024 ? 'met' : 'not met'} | ${packages.join(', ') || 'none'} | ${kb(bundleSize(reference))} | ${own.toFixed(1)} | ${base.toFixed(1)} | ${(own / base).toFixed(2)} |`,
        );
      }
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function load(url: string, options: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> } = {}) {
  const result = await autocannon({ url, connections: 20, duration: LOAD_SECONDS, ...options });
  return result;
}

const summarize = (calls: readonly AwsCall[]) => {
  const counts = new Map<string, number>();
  for (const { service, operation } of calls) counts.set(`${service} ${operation}`, (counts.get(`${service} ${operation}`) ?? 0) + 1);
  return [...counts].map(([call, n]) => `${n} × ${call}`).join(', ') || 'none';
};

async function traffic(): Promise<void> {
  const awsCallLog = new AwsCallLog();
  const platform = await startLocalPlatform({ quiet: true, awsCallLog });
  try {
    const submit = () =>
      fetch(`${platform.apiUrl}/forms/synpunkt/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validAnswers.synpunkt),
      }).then((r) => r.json() as Promise<{ caseId: string; accessCode: string }>);
    // Warm both functions first: the calls counted are those of a warm instance.
    const { caseId, accessCode } = await submit();
    const readCase = () => fetch(`${platform.apiUrl}/cases/${caseId}`, { headers: { 'X-Access-Code': accessCode } }).then((r) => r.json());
    await readCase();

    console.log('\n## AWS calls per request (warm instance, counted at the emulators)\n');
    console.log('| route | calls | target |');
    console.log('| --- | --- | --- |');
    console.log(`| GET /cases/{caseId} | ${summarize(await awsCallLog.during(readCase))} | 1 × dynamodb Query |`);
    console.log(`| POST /forms/{formId}/submissions | ${summarize(await awsCallLog.during(submit))} | 1 × dynamodb TransactWriteItems + 1 × sesv2 SendEmail |`);
    const keyed = () =>
      fetch(`${platform.apiUrl}/forms/synpunkt/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `bench-${Date.now()}` },
        body: JSON.stringify(validAnswers.synpunkt),
      });
    console.log(`| POST … with Idempotency-Key | ${summarize(await awsCallLog.during(keyed))} | + the key's claim and its answer |`);

    console.log(`\n## Latency through the local runtime (autocannon, 20 connections, ${LOAD_SECONDS} s each)\n`);
    console.log('| route | requests | non-2xx | p50 ms | p99 ms | req/s |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const read = await load(`${platform.apiUrl}/cases/${caseId}`, { headers: { 'X-Access-Code': accessCode } });
    const write = await load(`${platform.apiUrl}/forms/synpunkt/submissions`, {
      method: 'POST',
      body: JSON.stringify(validAnswers.synpunkt),
      headers: { 'Content-Type': 'application/json' },
    });
    for (const [route, r] of [
      ['GET /cases/{caseId}', read],
      ['POST /forms/{formId}/submissions', write],
    ] as const) {
      console.log(`| ${route} | ${r.requests.total} | ${r.non2xx} | ${r.latency.p50} | ${r.latency.p99} | ${r.requests.average} |`);
    }
  } finally {
    await platform.stop();
  }
}

// `npm run bench -- bundles` or `-- traffic` runs one part.
const only = process.argv[2];
if (!only || only === 'bundles') await bundles();
if (!only || only === 'traffic') await traffic();
if (!only || only === 'permits') await permits();
if (!only || only === 'open311') await open311();
