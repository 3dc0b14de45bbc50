import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PermitWorkflows } from './apply-for-permit.js';
import type { ArchiveDocument } from './workflow-steps.js';

/** The permit types' state machines through Step Functions; `stateMachineArns` by permit type. */
export function stepFunctionsWorkflows(client: SFNClient, stateMachineArns: Readonly<Record<string, string>>): PermitWorkflows {
  return {
    async start(permitType, caseId, input) {
      const stateMachineArn = stateMachineArns[permitType];
      if (!stateMachineArn) throw new Error(`no state machine for permit type ${permitType}`);
      try {
        // Named after the case: a retried start cannot run the workflow twice.
        await client.send(new StartExecutionCommand({ stateMachineArn, name: `case-${caseId}`, input: JSON.stringify(input) }));
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
    async sendTaskSuccess(token, output) {
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    },
  };
}

/** Archives a document with its SHA-256 as S3 checksum and as metadata (Object Lock keeps it). */
export function s3Archive(client: S3Client, bucket: string): ArchiveDocument {
  return async ({ key, body, contentType, sha256, metadata }) => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        Metadata: metadata,
      }),
    );
  };
}
