import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The AWS clients, each built once per Lambda instance on first use (a function bundles only the clients it
 * calls for). Endpoints come from the standard `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code runs
 * locally and on AWS.
 */
let dynamodb: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let sesClient: SESv2Client | undefined;
let sfnClient: SFNClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  dynamodb ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return dynamodb;
}

export function s3(): S3Client {
  s3Client ??= new S3Client({
    // Path-style only for a local endpoint; AWS uses virtual-hosted style.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    // Checksums only where S3 requires them: presigned PUT URLs must not carry the checksum of an empty body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3Client;
}

export function ses(): SESv2Client {
  sesClient ??= new SESv2Client({});
  return sesClient;
}

export function sfn(): SFNClient {
  sfnClient ??= new SFNClient({});
  return sfnClient;
}
