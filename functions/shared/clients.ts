import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * The AWS clients, built once per module (per Lambda instance). Endpoints come from the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code runs locally and on AWS.
 */
const dynamodb = new DynamoDBClient({});

export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

export const s3 = new S3Client({
  // Path-style only for a local endpoint; AWS uses virtual-hosted style.
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  // Checksums only where S3 requires them: presigned PUT URLs must not carry the checksum of an empty body.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export const ses = new SESv2Client({});
