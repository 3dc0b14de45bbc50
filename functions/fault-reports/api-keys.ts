import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ForbiddenError, TooManyRequestsError } from '../shared/errors.js';
import type { ApiKeyVerifier } from '../shared/middleware/api-key.js';

/**
 * Open311 API keys: one per client (an app, a partner's system), 160 random bits, stored only as a
 * SHA-256 hash in item `APIKEY#<hash>` / `KEY`, each with its own rate limit per minute, counted in
 * `APIKEY#<hash>` / `RATE#<minute>` (expires after two minutes).
 */

export const DEFAULT_RATE_PER_MINUTE = 60;

export interface ApiClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly ratePerMinute: number;
  readonly createdAt: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(`open311-api-key:${key}`).digest('hex');

const keyItemKey = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'KEY' });

/** Issues a key for a client: returns the key (shown once) and stores its hash. */
export async function issueApiKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: { clientName: string; ratePerMinute?: number; now?: Date },
): Promise<{ apiKey: string; client: ApiClient }> {
  const apiKey = `o311_${randomBytes(20).toString('base64url')}`;
  const hash = hashApiKey(apiKey);
  const apiClient: ApiClient = {
    clientId: hash.slice(0, 12),
    clientName: input.clientName,
    ratePerMinute: input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
    createdAt: (input.now ?? new Date()).toISOString(),
  };
  await client.send(new PutCommand({ TableName: tableName, Item: { ...keyItemKey(hash), entity: 'api-key', ...apiClient }, ConditionExpression: 'attribute_not_exists(pk)' }));
  return { apiKey, client: apiClient };
}

const invalidKey = { sv: 'api_key saknas eller är ogiltig.', en: 'The api_key is missing or not valid.' };
const overLimit = { sv: 'För många förfrågningar med den här api_key. Försök igen om en stund.', en: 'Too many requests with this api_key. Try again shortly.' };

/** Verifies keys against the table and counts each request in the key's current minute. */
export function dynamoApiKeyVerifier(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): ApiKeyVerifier {
  // Known keys are cached for a minute per instance: a revoked key stops working within a minute.
  const cache = new Map<string, { client: ApiClient | undefined; until: number }>();
  return async (apiKey) => {
    const hash = hashApiKey(apiKey);
    let cached = cache.get(hash);
    if (!cached || cached.until < now()) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keyItemKey(hash) }));
      cached = { client: Item && !Item.revokedAt ? (Item as unknown as ApiClient) : undefined, until: now() + 60_000 };
      cache.set(hash, cached);
    }
    const apiClient = cached.client;
    if (!apiClient) throw new ForbiddenError(invalidKey);
    const minute = Math.floor(now() / 60_000);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `APIKEY#${hash}`, sk: `RATE#${minute}` },
          UpdateExpression: 'ADD requests :one SET expiresAt = :expires, entity = :entity',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': apiClient.ratePerMinute, ':expires': (minute + 2) * 60, ':entity': 'api-key-rate' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new TooManyRequestsError(overLimit, Math.max(1, 60 - Math.floor((now() % 60_000) / 1000)));
      throw error;
    }
    return { clientId: apiClient.clientId };
  };
}
