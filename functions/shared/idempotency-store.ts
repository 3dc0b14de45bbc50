import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { IdempotencyRecord, IdempotencyStore } from './middleware/idempotency.js';

const DAY = 24 * 60 * 60;

/** The idempotency records live in the platform table; DynamoDB's TTL removes them after a day. */
export function dynamoIdempotencyStore(client: DynamoDBDocumentClient, tableName: string, lockSeconds = 30): IdempotencyStore {
  const key = (k: string) => ({ pk: `IDEMPOTENCY#${k}`, sk: 'IDEMPOTENCY' });
  const toRecord = (item: Record<string, unknown> | undefined): IdempotencyRecord | undefined => {
    if (!item) return undefined;
    if (item.state === 'completed') return { state: 'completed', requestHash: String(item.requestHash), response: item.response as APIGatewayProxyResult };
    return { state: 'in-progress', requestHash: String(item.requestHash) };
  };
  const get = async (k: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(k), ConsistentRead: true }));
    return toRecord(Item);
  };
  return {
    get,
    async claim(k, requestHash) {
      const now = Math.floor(Date.now() / 1000);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(k), state: 'in-progress', requestHash, lockedUntil: now + lockSeconds, expiresAt: now + DAY },
            // A claim whose invocation died (lock expired) may be taken over.
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND lockedUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          return error.Item ? toRecord(unmarshall(error.Item)) : get(k);
        }
        throw error;
      }
    },
    async complete(k, requestHash, response) {
      const now = Math.floor(Date.now() / 1000);
      await client.send(new PutCommand({ TableName: tableName, Item: { ...key(k), state: 'completed', requestHash, response, expiresAt: now + DAY } }));
    },
    async release(k) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: key(k) }));
    },
  };
}

