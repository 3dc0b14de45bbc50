import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RouteSpec } from '../../../schemas/api.js';
import { ConflictError, IdempotencyKeyReusedError, ValidationError } from '../errors.js';
import { messages } from '../i18n.js';
import type { ApiContext, Caller, ValidatedEvent } from '../http.js';

export type IdempotencyRecord =
  | { readonly state: 'in-progress'; readonly requestHash: string }
  | { readonly state: 'completed'; readonly requestHash: string; readonly response: APIGatewayProxyResult };

/** Where the first answer to an Idempotency-Key is kept. */
export interface IdempotencyStore {
  /** Claims the key; returns the existing record when it was already claimed (and the claim is live). */
  claim(key: string, requestHash: string): Promise<IdempotencyRecord | undefined>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
  complete(key: string, requestHash: string, response: APIGatewayProxyResult): Promise<void>;
  /** Gives the key up after a failure, so a retry can run. */
  release(key: string): Promise<void>;
}

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

const KEY_FORMAT = /^[\x21-\x7e]{1,128}$/;

function callerId(caller: Caller): string {
  return caller.kind === 'anonymous' ? 'anonymous' : caller.sub;
}

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** How long a repeat waits for the first request to finish before answering 409. @default 5000 */
  readonly waitMs?: number;
}

/**
 * Idempotency-Key (DESIGN.md §3): a repeat of a write returns the first answer; a repeat with another body
 * is 422; a repeat while the first is still running waits for it, then 409.
 */
export function idempotency(route: RouteSpec, options: IdempotencyOptions): middy.MiddlewareObj<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> {
  const waitMs = options.waitMs ?? 5000;
  const claimed = new WeakMap<object, { key: string; requestHash: string }>();

  const idempotencyBefore: middy.MiddlewareFn<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    if (!route.idempotent) return;
    const { event, context } = request;
    const given = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'idempotency-key')?.[1];
    if (given === undefined) return;
    if (!KEY_FORMAT.test(given)) throw new ValidationError([{ path: 'header.Idempotency-Key', message: messages.invalidIdempotencyKey[context.language] }]);
    // The key is scoped to the operation and the caller, so two callers cannot collide or read each other's answers.
    const key = createHash('sha256').update(`${route.operationId}\n${callerId(context.caller)}\n${given}`).digest('hex');
    const requestHash = createHash('sha256').update(JSON.stringify([event.pathParameters ?? {}, event.validated?.query ?? {}, event.validated?.body ?? null])).digest('hex');

    let existing = await options.store.claim(key, requestHash);
    const deadline = Date.now() + waitMs;
    while (existing?.state === 'in-progress' && existing.requestHash === requestHash && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      existing = await options.store.get(key);
      if (!existing) existing = await options.store.claim(key, requestHash);
    }
    if (!existing) {
      claimed.set(request, { key, requestHash });
      return;
    }
    if (existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError(messages.idempotencyReused);
    if (existing.state === 'in-progress') throw new ConflictError('request-in-progress', messages.idempotencyInProgress);
    return { ...existing.response, headers: { ...existing.response.headers, 'Idempotent-Replayed': 'true' } };
  };

  const idempotencyAfter: middy.MiddlewareFn<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const claim = claimed.get(request);
    if (!claim || !request.response) return;
    await options.store.complete(claim.key, claim.requestHash, request.response);
  };

  const idempotencyOnError: middy.MiddlewareFn<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const claim = claimed.get(request);
    if (claim) await options.store.release(claim.key);
  };

  return { before: idempotencyBefore, after: idempotencyAfter, onError: idempotencyOnError };
}
