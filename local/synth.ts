import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../infra/build-app.js';

/** The repository root (this file is in `local/`). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Everything the synthesized assembly depends on: the app, the bundled code, config and dependencies. */
const SOURCES = ['infra', 'functions', 'schemas', 'workflows', 'config', 'package-lock.json', 'cdk.json'];
const HASH_FILE = '.local-sources.sha256';

/** Options of `synthesizeApp`. */
export interface SynthOptions {
  readonly outdir: string;
  readonly municipalityId?: string;
  /** Reuse the assembly in `outdir` when no source changed since it was synthesized. @default false */
  readonly reuse?: boolean;
  /** CDK context over cdk.json's (e.g. test time scales). @default - none */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * Synthesizes the project's CDK app in this process (`buildApp({ outdir })` from `infra/build-app.ts`,
 * then `app.synth()`) into a clean `outdir`, running the same esbuild bundling as `cdk deploy`. Returns
 * the assembly directory and whether it was reused.
 */
export async function synthesizeApp(options: SynthOptions): Promise<{ directory: string; reused: boolean }> {
  const hash = await sourcesHash(options.municipalityId, options.context);
  if (options.reuse) {
    const previous = await readFile(join(options.outdir, HASH_FILE), 'utf8').catch(() => undefined);
    if (previous === hash && existsSync(join(options.outdir, 'manifest.json'))) return { directory: options.outdir, reused: true };
  }
  await rm(options.outdir, { recursive: true, force: true });
  // cdk-nag runs as in every synth; CloudFormation's schema check (about 5 s) is left to `npm run synth`.
  const { app } = buildApp({
    outdir: options.outdir,
    cloudFormationValidation: false,
    ...(options.municipalityId ? { municipalityId: options.municipalityId } : {}),
    ...(options.context ? { context: { ...options.context } } : {}),
  });
  const directory = app.synth().directory;
  await writeFile(join(directory, HASH_FILE), hash);
  return { directory, reused: false };
}

/** A hash of every source file (path and content) and of the environment the app reads. */
async function sourcesHash(municipalityId: string | undefined, context: Readonly<Record<string, unknown>> | undefined): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([municipalityId, process.env['MUNICIPALITY'], process.env['CDK_DEFAULT_REGION'], process.env['CDK_DEFAULT_ACCOUNT'], context ?? null]));
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      if (existsSync(path)) files.push(path);
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  for (const source of SOURCES) await walk(join(projectRoot, source));
  for (const file of files.sort()) {
    hash.update(relative(projectRoot, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}
