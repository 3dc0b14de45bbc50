import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
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
