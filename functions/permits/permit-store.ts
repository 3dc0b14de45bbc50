import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';

/** Where one department's part of a permit stands. `token` is the Step Functions task token; it never leaves the server. */
export interface PartState {
  readonly caseId: string;
  readonly partId: string;
  readonly departmentId: string;
  readonly permitType: string;
  /** Incremented each time the department gets a new task (after a supplement). */
  readonly round: number;
  readonly status: 'open' | 'decided' | 'waiting-for-applicant' | 'answered' | 'expired';
  readonly token?: string;
  readonly outcome?: 'approve' | 'reject' | 'request-info';
  readonly reason?: string;
  readonly question?: string;
  /** When the current round's task expires (ISO). */
  readonly expiresAt: string;
  /** True once the workflow has been told the decision. */
  readonly delivered?: boolean;
}

/** A task as mailed to a department: found by the hash of its id; several ids (reminders) may serve one round. */
export interface TaskRecord {
  readonly taskIdHash: string;
  readonly caseId: string;
  readonly partId: string;
  readonly departmentId: string;
  readonly permitType: string;
  readonly round: number;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** A failed conditional write: the part was not in the state the caller expected. */
export class PartStateConflictError extends Error {
  override name = 'PartStateConflictError';
  constructor(readonly current: PartState | undefined) {
    super('the part is not in the expected state');
  }
}

/** Task and part records of the permit workflows, in the platform table. */
export interface PermitStore {
  /** Starts a new round for a part (first task, or after a supplement) with the callback token. */
  openRound(part: Pick<PartState, 'caseId' | 'partId' | 'departmentId' | 'permitType'>, token: string, expiresAt: string): Promise<PartState>;
  /** Swaps the callback token of the current round (reminder, escalation); the part is returned as it now is. */
  replaceToken(caseId: string, partId: string, token: string): Promise<PartState | undefined>;
  putTask(task: TaskRecord): Promise<void>;
  getTask(taskIdHash: string): Promise<TaskRecord | undefined>;
  getPart(caseId: string, partId: string): Promise<PartState | undefined>;
  listParts(caseId: string): Promise<PartState[]>;
  /** Single use: only an open part of this round can be decided. Throws PartStateConflictError otherwise. */
  decide(caseId: string, partId: string, round: number, decision: { outcome: PartState['outcome']; reason?: string; question?: string }): Promise<PartState>;
  markDelivered(caseId: string, partId: string, round: number): Promise<void>;
  /** The workflow waits for the applicant's answer with this token. */
  awaitApplicant(caseId: string, partId: string, token: string): Promise<PartState>;
  /** Single use: takes the answer for a part waiting for the applicant. Throws PartStateConflictError otherwise. */
  answer(caseId: string, partId: string): Promise<PartState>;
  expire(caseId: string, partId: string): Promise<PartState | undefined>;
}

/** A task id for a mail link: 192 random bits, base64url (32 characters). */
export function newTaskId(): string {
  return randomBytes(24).toString('base64url');
}

/** Only this is stored; the id itself is only in the mail. */
export function hashTaskId(taskId: string): string {
  return createHash('sha256').update(`task-id:${taskId}`).digest('hex');
}

const partKey = (caseId: string, partId: string) => ({ pk: `PERMIT#${caseId}`, sk: `PART#${partId}` });
const taskKey = (taskIdHash: string) => ({ pk: `TASK#${taskIdHash}`, sk: 'TASK' });

const PART_FIELDS = ['caseId', 'partId', 'departmentId', 'permitType', 'round', 'status', 'token', 'outcome', 'reason', 'question', 'expiresAt', 'delivered'] as const;
const TASK_FIELDS = ['taskIdHash', 'caseId', 'partId', 'departmentId', 'permitType', 'round', 'createdAt', 'expiresAt'] as const;
const pick = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;
const toPart = (item: Record<string, unknown> | undefined) => (item ? pick<PartState>(item, PART_FIELDS) : undefined);

export function dynamoPermitStore(client: DynamoDBDocumentClient, tableName: string): PermitStore {
  const getPart = async (caseId: string, partId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: partKey(caseId, partId), ConsistentRead: true }));
    return toPart(Item);
  };
  /** An update whose condition failed becomes a PartStateConflictError carrying the part as it is. */
  const conditional = async (caseId: string, partId: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) => {
    try {
      const { Attributes } = await client.send(new UpdateCommand({ TableName: tableName, Key: partKey(caseId, partId), ReturnValues: 'ALL_NEW', ...input }));
      return toPart(Attributes)!;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new PartStateConflictError(await getPart(caseId, partId));
      throw error;
    }
  };

  return {
    async openRound(part, token, expiresAt) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: partKey(part.caseId, part.partId),
          UpdateExpression:
            'SET entity = :entity, caseId = :caseId, partId = :partId, departmentId = :departmentId, permitType = :permitType, #status = :open, #token = :token, expiresAt = :expiresAt ADD round :one REMOVE outcome, reason, question, delivered',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
          ExpressionAttributeValues: {
            ':entity': 'permit-part',
            ':caseId': part.caseId,
            ':partId': part.partId,
            ':departmentId': part.departmentId,
            ':permitType': part.permitType,
            ':open': 'open',
            ':token': token,
            ':expiresAt': expiresAt,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPart(Attributes)!;
    },

    async replaceToken(caseId, partId, token) {
      // Also while decided but not yet delivered: the decision is then sent with this token.
      try {
        return await conditional(caseId, partId, {
          UpdateExpression: 'SET #token = :token',
          ConditionExpression: '#status = :open OR (#status = :decided AND attribute_not_exists(delivered))',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
          ExpressionAttributeValues: { ':token': token, ':open': 'open', ':decided': 'decided' },
        });
      } catch (error) {
        if (error instanceof PartStateConflictError) return error.current;
        throw error;
      }
    },

    async putTask(task) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...taskKey(task.taskIdHash), entity: 'permit-task', ...task } }));
    },

    async getTask(taskIdHash) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: taskKey(taskIdHash), ConsistentRead: true }));
      return Item ? pick<TaskRecord>(Item, TASK_FIELDS) : undefined;
    },

    getPart,

    async listParts(caseId) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
          ExpressionAttributeValues: { ':pk': `PERMIT#${caseId}`, ':part': 'PART#' },
          ConsistentRead: true,
        }),
      );
      return (Items ?? []).map((item) => toPart(item)!);
    },

    decide(caseId, partId, round, decision) {
      return conditional(caseId, partId, {
        UpdateExpression: 'SET #status = :decided, outcome = :outcome, reason = :reason, question = :question',
        ConditionExpression: '#status = :open AND round = :round',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decided': 'decided',
          ':open': 'open',
          ':round': round,
          ':outcome': decision.outcome,
          ':reason': decision.reason ?? null,
          ':question': decision.question ?? null,
        },
      });
    },

    async markDelivered(caseId, partId, round) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: partKey(caseId, partId),
          UpdateExpression: 'SET delivered = :true',
          ConditionExpression: 'round = :round',
          ExpressionAttributeValues: { ':true': true, ':round': round },
        }),
      ).catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    },

    awaitApplicant(caseId, partId, token) {
      return conditional(caseId, partId, {
        UpdateExpression: 'SET #status = :waiting, #token = :token',
        ConditionExpression: '#status = :decided AND outcome = :requestInfo',
        ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
        ExpressionAttributeValues: { ':waiting': 'waiting-for-applicant', ':decided': 'decided', ':requestInfo': 'request-info', ':token': token },
      });
    },

    answer(caseId, partId) {
      return conditional(caseId, partId, {
        UpdateExpression: 'SET #status = :answered',
        ConditionExpression: '#status = :waiting',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':answered': 'answered', ':waiting': 'waiting-for-applicant' },
      });
    },

    async expire(caseId, partId) {
      try {
        return await conditional(caseId, partId, {
          UpdateExpression: 'SET #status = :expired',
          ConditionExpression: '#status IN (:open, :waiting)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ':open': 'open', ':waiting': 'waiting-for-applicant' },
        });
      } catch (error) {
        if (error instanceof PartStateConflictError) return error.current;
        throw error;
      }
    },
  };
}
