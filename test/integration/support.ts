import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { createTokenIssuer, type TokenRequest } from '../../local/identity.js';

/** What the integration tests reach: the local runtime started by global-setup.ts, with fresh in-memory state. */
export const apiUrl = inject('apiUrl').replace(/\/+$/, '');
export const inboxUrl = inject('inboxUrl').replace(/\/+$/, '');
export const tableName = inject('tableName');
export const attachmentsBucket = inject('attachmentsBucket');

const credentials = { accessKeyId: inject('awsAccessKeyId'), secretAccessKey: inject('awsSecretAccessKey') };
const region = inject('awsRegion');

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region, credentials }));
export const s3 = new S3Client({
  endpoint: inject('s3Endpoint'),
  region,
  credentials,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Calls the local API like a client would. A plain object body is sent as JSON. */
export async function call(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: RequestInit['body'];
  if (options.body instanceof Uint8Array || typeof options.body === 'string') body = options.body as RequestInit['body'];
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const response = await fetch(apiUrl + path, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const issueToken: (request: TokenRequest) => Promise<string> = createTokenIssuer(inject('tokenSigning'));

/** An ID token for a resident, signed by the local identity provider. */
export async function residentToken(personnummer: string): Promise<string> {
  return issueToken({ kind: 'resident', personnummer });
}

/** An ID token for an officer of a department. */
export async function officerToken(departmentId: string): Promise<string> {
  return issueToken({ kind: 'officer', departmentId });
}

export interface SentMail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Mails the local SES has received, newest last. */
export async function mailbox(): Promise<SentMail[]> {
  const response = await fetch(`${inboxUrl}/store`);
  const { emails } = (await response.json()) as { emails: SentMail[] };
  return emails;
}

/** Every item of the table (tests only: request paths never scan). */
export async function allItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The cases of a register series and year, by number. */
export async function casesInSeries(series: string, year: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :series',
        ExpressionAttributeValues: { ':series': `SERIES#${series}#${year}` },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export const thisYear = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Stockholm', year: 'numeric' }).format(new Date()));
