import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is in `local/`). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The part of `infra/build-app.ts` the local runtime calls. */
interface BuildAppModule {
  buildApp(options?: { outdir?: string; municipalityId?: string }): { app: { synth(): { directory: string } } };
}

/**
 * Synthesizes the project's CDK app in this process (`buildApp({ outdir })` from `infra/build-app.ts`,
 * then `app.synth()`), into a clean `outdir` so no stale asset directories linger. Returns the assembly
 * directory. This runs the same esbuild bundling as `cdk deploy`.
 */
export async function synthesizeApp(options: { outdir: string; municipalityId?: string }): Promise<string> {
  const modulePath = join(projectRoot, 'infra', 'build-app.ts');
  if (!existsSync(modulePath)) throw new Error(`${modulePath} does not exist: the local runtime runs the CDK app it exports`);
  await rm(options.outdir, { recursive: true, force: true });
  const { buildApp } = (await import(pathToFileURL(modulePath).href)) as BuildAppModule;
  const { app } = buildApp({ outdir: options.outdir, ...(options.municipalityId ? { municipalityId: options.municipalityId } : {}) });
  return app.synth().directory;
}
