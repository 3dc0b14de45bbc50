import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** One resource of a CloudFormation template, as synthesized. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

/** The parts of a CloudFormation template the local runtime reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** A stack of the cloud assembly: its deployed name, its template and where its assets live. */
export interface StackTemplate {
  readonly stackName: string;
  readonly artifactId: string;
  readonly template: CfnTemplate;
  /** The directory of the (possibly nested) assembly that holds the template and its `asset.*` dirs. */
  readonly assemblyDir: string;
  /** Asset hash → absolute asset directory, from the stack's asset manifest. */
  readonly assetDirs: ReadonlyMap<string, string>;
}

/** A resource with the stack it belongs to. */
export interface StackResource {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; directoryName?: string; file?: string };
}

/**
 * Reads a synthesized cloud assembly (`manifest.json`, the stack templates and their asset manifests),
 * descending into nested assemblies (CDK stages).
 */
export async function readCloudAssembly(dir: string): Promise<StackTemplate[]> {
  const root = resolve(dir);
  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const assetDirs = new Map<string, string>();
  for (const [, artifact] of artifacts) {
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      await readAssetManifest(root, artifact.properties.file, assetDirs);
    }
  }
  const stacks: StackTemplate[] = [];
  for (const [artifactId, artifact] of artifacts) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const template = JSON.parse(await readFile(join(root, artifact.properties.templateFile), 'utf8')) as CfnTemplate;
      stacks.push({ stackName: artifact.properties.stackName ?? artifactId, artifactId, template, assemblyDir: root, assetDirs });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...(await readCloudAssembly(join(root, artifact.properties.directoryName))));
    }
  }
  return stacks;
}

async function readAssetManifest(root: string, file: string, into: Map<string, string>): Promise<void> {
  const manifest = JSON.parse(await readFile(join(root, file), 'utf8')) as {
    files?: Record<string, { source?: { path?: string; packaging?: string } }>;
  };
  for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
    const path = asset.source?.path;
    if (path && asset.source?.packaging === 'zip') into.set(hash, isAbsolute(path) ? path : join(root, path));
  }
}

/** Every resource of the given CloudFormation type across all stacks. */
export function resourcesOfType(stacks: readonly StackTemplate[], type: string): StackResource[] {
  const found: StackResource[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type === type) found.push({ stack, logicalId, resource });
    }
  }
  return found;
}

/**
 * The directory holding a Lambda function's bundle: from the `aws:asset:path` metadata when the app
 * enables asset metadata, else from the asset manifest through the code's S3 key (`<hash>.zip`).
 */
export function functionAssetDir(stack: StackTemplate, resource: CfnResource): string | undefined {
  const path = resource.Metadata?.['aws:asset:path'];
  if (typeof path === 'string') {
    const dir = isAbsolute(path) ? path : join(stack.assemblyDir, path);
    if (existsSync(dir)) return dir;
  }
  const code = resource.Properties?.['Code'] as { S3Key?: unknown } | undefined;
  if (typeof code?.S3Key === 'string') {
    const hash = code.S3Key.replace(/\.zip$/, '');
    return stack.assetDirs.get(hash);
  }
  return undefined;
}

/** The construct path of a resource without the trailing `/Resource` (e.g. `Stateful/Table`), if known. */
export function constructPath(resource: CfnResource): string | undefined {
  const path = resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path.replace(/\/(Resource|Default)$/, '') : undefined;
}
