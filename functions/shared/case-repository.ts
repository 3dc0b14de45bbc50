import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CaseStatus } from '../../schemas/cases.js';
import { formatDiarienummer, statusAfter, type CaseEvent, type CaseRecord } from './case-model.js';
import { ServiceUnavailableError, ValidationError } from './errors.js';
import { messages } from './i18n.js';
import { newUlid } from './ids.js';

/** What a new case needs; the repository adds the number, the status and the first event. */
export type NewCase = Omit<CaseRecord, 'diarienummer' | 'number' | 'status' | 'updatedAt' | 'version'>;

/** An item of an e-service's own index, written in the same transaction as the case change it follows. */
export type ExtraWrite =
  | { readonly put: Readonly<Record<string, unknown>> & { readonly pk: string; readonly sk: string } }
  | { readonly delete: { readonly pk: string; readonly sk: string } };

export interface CaseWriteOptions {
  /**
   * Index items that must change with the case (e.g. a geo index), from the case as it will be stored and
   * all its events, new ones last (on an append they are read in the same optimistic round as the case).
   */
  readonly extraWrites?: (record: CaseRecord, events: readonly CaseEvent[]) => readonly ExtraWrite[];
}

export interface CasePage {
  readonly items: readonly CaseRecord[];
  readonly nextCursor?: string;
}

/** The one case repository: cases, their append-only events and the register's counters, in one table. */
export interface CaseRepository {
  /** Writes the case, its diarienummer (next of its series and year) and its first event in one transaction. */
  createCase(newCase: NewCase, firstEvent: Omit<CaseEvent, 'eventId'>, options?: CaseWriteOptions): Promise<CaseRecord>;
  /** The case and its events, oldest first, from one Query; undefined when there is no such case. */
  getCase(caseId: string): Promise<{ record: CaseRecord; events: CaseEvent[] } | undefined>;
  /** Appends events; the case's status projection moves in the same transaction. */
  appendEvents(caseId: string, events: readonly Omit<CaseEvent, 'eventId'>[], options?: CaseWriteOptions): Promise<CaseRecord>;
  /** An owner's cases, newest first. */
  listByOwner(ownerSub: string, limit: number, cursor?: string): Promise<CasePage>;
}

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const counterKey = (series: string, year: number) => ({ pk: `SERIES#${series}#${year}`, sk: 'COUNTER' });
const eventItem = (caseId: string, event: CaseEvent) => ({
  pk: `CASE#${caseId}`,
  sk: `EVENT#${event.at}#${event.eventId}`,
  entity: 'event',
  ...event,
});

const CASE_ATTRIBUTES = [
  'caseId', 'diarienummer', 'series', 'year', 'number', 'kind', 'subject', 'title', 'departmentId', 'ownerSub',
  'accessCodeHash', 'secretPaths', 'contactEmail', 'status', 'createdAt', 'updatedAt', 'version',
] as const;

/**
 * The case item. Answers are kept as a JSON string: they are never queried, and a resident's numbers and
 * strings need not fit DynamoDB's number range or its rules for empty values.
 */
function toCaseItem(record: CaseRecord): Record<string, unknown> {
  const { answers, ...rest } = record;
  return { ...rest, answersJson: JSON.stringify(answers) };
}

function toCaseRecord(item: Record<string, unknown>): CaseRecord {
  const record = Object.fromEntries(CASE_ATTRIBUTES.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
  return { ...record, answers: typeof item.answersJson === 'string' ? JSON.parse(item.answersJson) : {} } as unknown as CaseRecord;
}

function toCaseEvent(item: Record<string, unknown>): CaseEvent {
  return { eventId: String(item.eventId), type: item.type as CaseEvent['type'], at: String(item.at), actor: item.actor as CaseEvent['actor'], data: item.data as CaseEvent['data'] };
}

function extraTransactItems(tableName: string, writes: readonly ExtraWrite[]) {
  return writes.map((write) => ('put' in write ? { Put: { TableName: tableName, Item: { ...write.put } } } : { Delete: { TableName: tableName, Key: { ...write.delete } } }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CaseRepositoryOptions {
  /** How long to keep retrying a contended register counter before answering 503. @default 8000 */
  readonly contentionBudgetMs?: number;
}

export function dynamoCaseRepository(client: DynamoDBDocumentClient, tableName: string, options: CaseRepositoryOptions = {}): CaseRepository {
  const budget = options.contentionBudgetMs ?? 8000;
  const lastNumbers = new Map<string, number>();
  // Registrations of one series from this instance go one at a time: racing each other would only
  // cancel each other's transactions. Other instances are kept out by the counter's condition.
  const seriesQueues = new Map<string, Promise<unknown>>();
  const inSeriesOrder = <T>(series: string, work: () => Promise<T>): Promise<T> => {
    const previous = seriesQueues.get(series) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    seriesQueues.set(series, settled);
    void settled.then(() => {
      if (seriesQueues.get(series) === settled) seriesQueues.delete(series);
    });
    return next;
  };

  /** Retries a transaction that lost a race; `attempt` returns false when it must be tried again. */
  async function withContention(attempt: (round: number) => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + budget;
    for (let round = 0; ; round++) {
      if (await attempt(round)) return;
      if (Date.now() > deadline) throw new ServiceUnavailableError(messages.busy);
      // Full jitter keeps many writers of one series from retrying in lockstep.
      await sleep(Math.random() * Math.min(250, 5 * 2 ** Math.min(round, 6)));
    }
  }

  async function registerCase(newCase: NewCase, firstEvent: Omit<CaseEvent, 'eventId'>, options: CaseWriteOptions): Promise<CaseRecord> {
    const counter = counterKey(newCase.series, newCase.year);
    const counterId = counter.pk;
    let last = lastNumbers.get(counterId);
    if (last === undefined) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: counter, ConsistentRead: true }));
      last = Number(Item?.last ?? 0);
    }
    let created: CaseRecord | undefined;
    await withContention(async () => {
      const number = last! + 1;
      const event: CaseEvent = { ...firstEvent, eventId: newUlid() };
      const record: CaseRecord = {
        ...newCase,
        diarienummer: formatDiarienummer(newCase.series, newCase.year, number),
        number,
        status: statusAfter(undefined, event),
        updatedAt: event.at,
        version: 1,
      };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: counter,
                  UpdateExpression: 'SET #last = :number, entity = :entity',
                  ConditionExpression: last === 0 ? 'attribute_not_exists(pk)' : '#last = :last',
                  ExpressionAttributeNames: { '#last': 'last' },
                  ExpressionAttributeValues: { ':number': number, ':entity': 'register-counter', ...(last === 0 ? {} : { ':last': last }) },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...caseKey(record.caseId),
                    entity: 'case',
                    ...toCaseItem(record),
                    ...(record.ownerSub ? { gsi1pk: `OWNER#${record.ownerSub}`, gsi1sk: `${record.createdAt}#${record.caseId}` } : {}),
                    gsi2pk: `DEPARTMENT#${record.departmentId}`,
                    gsi2sk: `${record.createdAt}#${record.caseId}`,
                    gsi3pk: `SERIES#${record.series}#${record.year}`,
                    gsi3sk: String(number).padStart(10, '0'),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: tableName, Item: eventItem(record.caseId, event), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...extraTransactItems(tableName, options.extraWrites?.(record, [event]) ?? []),
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const counterReason = error.CancellationReasons?.[0];
        if (counterReason?.Code === 'ConditionalCheckFailed') {
          // Another case took this number; the failure tells us the counter's current value.
          last = counterReason.Item ? Number(unmarshall(counterReason.Item).last ?? 0) : last! + 1;
          lastNumbers.set(counterId, last);
          return false;
        }
        if (error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) return false;
        throw error;
      }
      lastNumbers.set(counterId, number);
      created = record;
      return true;
    });
    return created!;
  }

async function readCase(caseId: string): Promise<{ record: CaseRecord; events: CaseEvent[] } | undefined> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const caseItem = items.find((i) => i.sk === 'CASE');
    if (!caseItem) return undefined;
    // Sort keys `EVENT#<time>#<ulid>` come back in order.
    return { record: toCaseRecord(caseItem), events: items.filter((i) => i.entity === 'event').map(toCaseEvent) };
  }

  return {
    createCase(newCase, firstEvent, options = {}) {
      return inSeriesOrder(counterKey(newCase.series, newCase.year).pk, () => registerCase(newCase, firstEvent, options));
    },

    getCase: readCase,

    async appendEvents(caseId, newEvents, options = {}) {
      let updated: CaseRecord | undefined;
      await withContention(async () => {
        // With index writes, read the events too: the version condition below then guarantees they are all there are.
        let current: CaseRecord;
        let priorEvents: CaseEvent[] = [];
        if (options.extraWrites) {
          const found = await readCase(caseId);
          if (!found) throw new Error(`case ${caseId} does not exist`);
          ({ record: current, events: priorEvents } = found);
        } else {
          const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: caseKey(caseId), ConsistentRead: true }));
          if (!Item) throw new Error(`case ${caseId} does not exist`);
          current = toCaseRecord(Item);
        }
        const events = newEvents.map((e) => ({ ...e, eventId: newUlid() }));
        const status = events.reduce<CaseStatus>(statusAfter, current.status);
        const updatedAt = events.at(-1)?.at ?? current.updatedAt;
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: caseKey(caseId),
                    UpdateExpression: 'SET #status = :status, updatedAt = :updatedAt, version = :next',
                    ConditionExpression: 'version = :version',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':status': status, ':updatedAt': updatedAt, ':version': current.version, ':next': current.version + events.length },
                  },
                },
                ...events.map((event) => ({ Put: { TableName: tableName, Item: eventItem(caseId, event), ConditionExpression: 'attribute_not_exists(pk)' } })),
                ...extraTransactItems(
                  tableName,
                  options.extraWrites?.({ ...current, status, updatedAt, version: current.version + events.length }, [...priorEvents, ...events]) ?? [],
                ),
              ],
            }),
          );
        } catch (error) {
          if (error instanceof TransactionCanceledException) return false;
          throw error;
        }
        updated = { ...current, status, updatedAt, version: current.version + events.length };
        return true;
      });
      return updated!;
    },

    async listByOwner(ownerSub, limit, cursor) {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :owner',
          ExpressionAttributeValues: { ':owner': `OWNER#${ownerSub}` },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor ? decodeCursor(cursor, `OWNER#${ownerSub}`) : undefined,
        }),
      );
      return {
        items: (page.Items ?? []).map(toCaseRecord),
        nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
      };
    },
  };
}

const invalidCursor = () =>
  new ValidationError([{ path: 'query.cursor', message: 'not a cursor of this listing' }], {
    sv: 'Ogiltig sidmarkör (cursor).',
    en: 'The cursor is not valid.',
  });

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is only accepted for the listing it came from, and only with the index's key attributes. */
function decodeCursor(cursor: string, expectedPartition: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const k = key as Record<string, unknown>;
  const allowed = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
  if (
    !k || typeof k !== 'object' || Array.isArray(k) ||
    Object.keys(k).some((name) => !allowed.includes(name)) ||
    allowed.some((name) => typeof k[name] !== 'string') ||
    k.gsi1pk !== expectedPartition
  ) {
    throw invalidCursor();
  }
  return k;
}
