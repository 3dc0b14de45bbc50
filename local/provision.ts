import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { IntrinsicResolver } from './intrinsics.js';
import { constructPath, resourcesOfType, type StackTemplate } from './template.js';

/** A table of the templates, as DynamoDB Local gets it. */
export interface TableDefinition {
  readonly logicalId: string;
  readonly stackName: string;
  /** Construct path without `/Resource`, e.g. `Stateful/Table`. */
  readonly path?: string;
  readonly input: CreateTableCommandInput & { TableName: string };
  readonly timeToLiveAttribute?: string;
}

/** A bucket of the templates. */
export interface BucketDefinition {
  readonly logicalId: string;
  readonly stackName: string;
  readonly path?: string;
  readonly name: string;
}

interface CfnIndex {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
}

/**
 * Reads `AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable` (TableV2) as CreateTable input: keys,
 * attribute definitions, indexes, billing mode, stream and time to live. Everything DynamoDB Local has no
 * use for (encryption, PITR, deletion protection, replicas) is left out.
 */
export function readTables(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): TableDefinition[] {
  const tables: TableDefinition[] = [];
  for (const type of ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']) {
    for (const { stack, logicalId, resource } of resourcesOfType(stacks, type)) {
      if (!resolver.isActive(stack, resource)) continue;
      const props = resolver.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
      const onDemand = props['BillingMode'] === 'PAY_PER_REQUEST' || (type === 'AWS::DynamoDB::GlobalTable' && props['BillingMode'] !== 'PROVISIONED');
      const throughput = onDemand ? undefined : { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
      const index = (i: CfnIndex): GlobalSecondaryIndex => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: { ProjectionType: (i.Projection?.ProjectionType ?? 'ALL') as 'ALL', ...(i.Projection?.NonKeyAttributes ? { NonKeyAttributes: i.Projection.NonKeyAttributes } : {}) },
        ...(throughput ? { ProvisionedThroughput: throughput } : {}),
      });
      const gsis = (props['GlobalSecondaryIndexes'] as CfnIndex[] | undefined) ?? [];
      const lsis = (props['LocalSecondaryIndexes'] as CfnIndex[] | undefined) ?? [];
      const stream = props['StreamSpecification'] as { StreamViewType?: string } | undefined;
      const ttl = props['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean } | undefined;
      const path = constructPath(resource);
      tables.push({
        logicalId,
        stackName: stack.stackName,
        ...(path ? { path } : {}),
        input: {
          TableName: resolver.resolveString(stack, { Ref: logicalId }),
          KeySchema: props['KeySchema'] as CreateTableCommandInput['KeySchema'],
          AttributeDefinitions: props['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
          BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
          ...(throughput ? { ProvisionedThroughput: throughput } : {}),
          ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis.map(index) } : {}),
          ...(lsis.length > 0
            ? { LocalSecondaryIndexes: lsis.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: index(i).Projection })) }
            : {}),
          ...(stream?.StreamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } } : {}),
        },
        ...(ttl?.Enabled !== false && ttl?.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
      });
    }
  }
  return tables;
}

/** Reads `AWS::S3::Bucket` names. */
export function readBuckets(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): BucketDefinition[] {
  return resourcesOfType(stacks, 'AWS::S3::Bucket')
    .filter(({ stack, resource }) => resolver.isActive(stack, resource))
    .map(({ stack, logicalId, resource }) => {
      const path = constructPath(resource);
      return { logicalId, stackName: stack.stackName, ...(path ? { path } : {}), name: resolver.resolveString(stack, { Ref: logicalId }) };
    });
}

/**
 * Creates the tables that do not exist yet and adds indexes a persistent table lacks (the template may have
 * gained one since the last run); turns on time to live where the template has it.
 */
export async function provisionTables(client: DynamoDBClient, tables: readonly TableDefinition[]): Promise<void> {
  await Promise.all(
    tables.map(async (table) => {
      const name = table.input.TableName;
      let existing;
      try {
        existing = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      if (!existing) {
        await client.send(new CreateTableCommand(table.input));
      } else {
        const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
        for (const index of table.input.GlobalSecondaryIndexes ?? []) {
          if (present.has(index.IndexName)) continue;
          await client.send(
            new UpdateTableCommand({ TableName: name, AttributeDefinitions: table.input.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: index }] }),
          );
        }
      }
      if (table.timeToLiveAttribute) {
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
        if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
          await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true } }));
        }
      }
    }),
  );
}
