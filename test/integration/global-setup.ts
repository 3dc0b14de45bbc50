import type { TestProject } from 'vitest/node';
import type { TokenSigningSettings } from '../../local/identity.js';
import { startLocalPlatform } from '../../local/platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The local API, without trailing slash. */
    apiUrl: string;
    /** The SES server: web inbox at `/`, sent mails at `/store`. */
    inboxUrl: string;
    sesEndpoint: string;
    s3Endpoint: string;
    dynamodbEndpoint: string;
    awsRegion: string;
    awsAccessKeyId: string;
    awsSecretAccessKey: string;
    tableName: string;
    attachmentsBucket: string;
    archiveBucket: string;
    /** The local Step Functions endpoint (JSON protocol). */
    stepFunctionsEndpoint: string;
    /** State machine ARNs by construct path, e.g. `Api/Permits/Workflow-restaurant/Resource`. */
    stateMachines: Record<string, string>;
    /** Seconds of a permit day in this run (deadlines are declared in days). */
    permitSecondsPerDay: number;
    /**
     * Issuer, audience and private key of the local identity provider, fresh for this run. Tests sign
     * tokens with `createTokenIssuer(inject('tokenSigning'))` from `local/identity.ts`; the API itself never
     * issues tokens.
     */
    tokenSigning: TokenSigningSettings;
  }
}

/**
 * Starts one local platform for the integration tests: in memory, on free ports, from the synthesized CDK
 * app. Set LOCAL_VERBOSE=1 to see requests and function output.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Permit deadlines are declared in days; here a day lasts two seconds, so missed deadlines can be tested.
  const permitSecondsPerDay = 2;
  const platform = await startLocalPlatform({ quiet: !process.env['LOCAL_VERBOSE'], context: { permitSecondsPerDay } });
  try {
    const one = (names: Readonly<Record<string, string>>, path: string): string => {
      const name = names[path];
      if (!name) throw new Error(`the app has no ${path}; it has ${Object.keys(names).join(', ')}`);
      return name;
    };
    project.provide('apiUrl', platform.apiUrl);
    project.provide('inboxUrl', platform.inboxUrl);
    project.provide('sesEndpoint', platform.sesUrl);
    project.provide('s3Endpoint', platform.s3Url);
    project.provide('dynamodbEndpoint', platform.dynamodbUrl);
    project.provide('awsRegion', platform.env.region);
    project.provide('awsAccessKeyId', platform.env.credentials.accessKeyId);
    project.provide('awsSecretAccessKey', platform.env.credentials.secretAccessKey);
    project.provide('tableName', one(platform.tables, 'Stateful/Table'));
    project.provide('attachmentsBucket', one(platform.buckets, 'Stateful/AttachmentsBucket'));
    project.provide('archiveBucket', one(platform.buckets, 'Stateful/ArchiveBucket'));
    project.provide('stepFunctionsEndpoint', platform.stepFunctionsUrl);
    project.provide('stateMachines', { ...platform.stateMachines });
    project.provide('permitSecondsPerDay', permitSecondsPerDay);
    project.provide('tokenSigning', { issuer: platform.identity.issuer, audience: platform.identity.audience, privateJwk: platform.identity.privateJwk });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  return () => platform.stop();
}
