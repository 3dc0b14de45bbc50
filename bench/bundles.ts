import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** The AWS SDK packages (clients and their helpers) in a bundle, read from the sources of its source map. */
export function sdkPackagesOf(bundleFile: string): string[] {
  const map = readJson<{ sources: string[] }>(`${bundleFile}.map`);
  const packages = new Set<string>();
  for (const source of map.sources) {
    const match = /node_modules\/(@aws-sdk\/(?:client-[^/]+|lib-dynamodb|s3-request-presigner))\//.exec(source);
    if (match) packages.add(match[1]!);
  }
  return [...packages].sort();
}

const constructors: Record<string, string> = {
  '@aws-sdk/client-dynamodb': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; globalThis.c1 = new DynamoDBClient({});",
  '@aws-sdk/lib-dynamodb': "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; globalThis.c2 = DynamoDBDocumentClient.from(globalThis.c1);",
  '@aws-sdk/client-s3': "import { S3Client } from '@aws-sdk/client-s3'; globalThis.c3 = new S3Client({});",
  '@aws-sdk/s3-request-presigner': "import { getSignedUrl } from '@aws-sdk/s3-request-presigner'; globalThis.c4 = getSignedUrl;",
  '@aws-sdk/client-sesv2': "import { SESv2Client } from '@aws-sdk/client-sesv2'; globalThis.c5 = new SESv2Client({});",
};

/**
 * The reference bundle of a function: only the same AWS SDK clients, constructed, bundled with the same
 * esbuild settings as the deployed functions. Its init time is what the SDK alone costs.
 */
export async function buildReferenceBundle(packages: readonly string[], dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const source = packages.map((p) => constructors[p] ?? `import '${p}';`).join('\n') + '\nexport const handler = async () => undefined;\n';
  const entry = join(dir, 'reference.mjs');
  writeFileSync(entry, source);
  const outfile = join(dir, 'index.mjs');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    outfile,
    nodePaths: [join(process.cwd(), 'node_modules')],
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
}

export function bundleSize(file: string): number {
  return statSync(file).size;
}

/**
 * CPU milliseconds (user + system) that importing a module takes, in a fresh Node process each time.
 * CPU time rather than wall time: it barely moves when other processes compete for the cores.
 */
export function initTimes(file: string, environment: Record<string, string>, runs: number): number[] {
  const script = `const c = process.cpuUsage(); await import(${JSON.stringify(file)}); const d = process.cpuUsage(c); process.stdout.write(String((d.user + d.system) / 1000));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-north-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', ...environment },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
    times.push(Number(child.stdout));
  }
  return times;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
