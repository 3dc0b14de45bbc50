import { randomBytes } from 'node:crypto';
import type { IntrinsicResolver } from './intrinsics.js';
import { resourcesOfType, type StackTemplate } from './template.js';

/** One `LambdaFunctionConfigurations` entry of a `Custom::S3BucketNotifications` resource. */
export interface BucketSubscription {
  readonly bucket: string;
  readonly functionName: string;
  readonly configurationId: string;
  /** e.g. `s3:ObjectCreated:*`. */
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

/**
 * Reads the bucket notifications that the CDK deploys through its `Custom::S3BucketNotifications`
 * resource: which function hears which events of which bucket, with prefix and suffix filters. Queue and
 * topic destinations have no local counterpart and are left out.
 */
export function readBucketSubscriptions(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): BucketSubscription[] {
  const subscriptions: BucketSubscription[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(stacks, 'Custom::S3BucketNotifications')) {
    if (!resolver.isActive(stack, resource)) continue;
    const props = resolver.resolve(stack, resource.Properties ?? {}) as {
      BucketName?: string;
      NotificationConfiguration?: {
        LambdaFunctionConfigurations?: {
          Id?: string;
          Events?: string[];
          LambdaFunctionArn?: string;
          Filter?: { Key?: { FilterRules?: { Name: string; Value: string }[] } };
        }[];
      };
    };
    const configurations = props.NotificationConfiguration?.LambdaFunctionConfigurations ?? [];
    configurations.forEach((configuration, index) => {
      const functionName = /:function:([^:]+)/.exec(configuration.LambdaFunctionArn ?? '')?.[1];
      if (!props.BucketName || !functionName) return;
      const rules = configuration.Filter?.Key?.FilterRules ?? [];
      const rule = (name: string): string | undefined => rules.find((r) => r.Name.toLowerCase() === name)?.Value;
      const prefix = rule('prefix');
      const suffix = rule('suffix');
      subscriptions.push({
        bucket: props.BucketName,
        functionName,
        configurationId: configuration.Id ?? `${logicalId}-${index}`,
        events: configuration.Events ?? [],
        ...(prefix === undefined ? {} : { prefix }),
        ...(suffix === undefined ? {} : { suffix }),
      });
    });
  }
  return subscriptions;
}

/** The part of an s3rver event record the runtime reads. */
interface S3rverRecord {
  eventName?: string;
  eventTime?: string;
  requestParameters?: { sourceIPAddress?: string };
  s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number; eTag?: string; sequencer?: string } };
}

/** Whether a configured event (`s3:ObjectCreated:*`) covers an event name (`ObjectCreated:Put`). */
export function eventMatches(configured: string, eventName: string): boolean {
  const wanted = configured.replace(/^s3:/, '');
  return wanted.endsWith('*') ? eventName.startsWith(wanted.slice(0, -1)) : wanted === eventName;
}

/** An object key as S3 event records carry it: URL-encoded, a space as `+`, slashes kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/**
 * Turns an s3rver event into one S3 event per subscribed function, in the shape AWS delivers
 * (`Records[0].s3.object.key` URL-encoded, `eventName` without the `s3:` prefix).
 */
export function deliveriesFor(
  event: unknown,
  subscriptions: readonly BucketSubscription[],
  region: string,
): { functionName: string; event: unknown }[] {
  const deliveries: { functionName: string; event: unknown }[] = [];
  for (const record of ((event as { Records?: S3rverRecord[] } | undefined)?.Records ?? [])) {
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    const eventName = record.eventName;
    if (!bucket || key === undefined || !eventName) continue;
    for (const subscription of subscriptions) {
      if (subscription.bucket !== bucket || !subscription.events.some((configured) => eventMatches(configured, eventName))) continue;
      if (subscription.prefix !== undefined && !key.startsWith(subscription.prefix)) continue;
      if (subscription.suffix !== undefined && !key.endsWith(subscription.suffix)) continue;
      const object = record.s3?.object ?? {};
      deliveries.push({
        functionName: subscription.functionName,
        event: {
          Records: [
            {
              eventVersion: '2.1',
              eventSource: 'aws:s3',
              awsRegion: region,
              eventTime: record.eventTime ?? new Date().toISOString(),
              eventName,
              userIdentity: { principalId: 'AWS:LOCAL' },
              requestParameters: { sourceIPAddress: record.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
              responseElements: {
                'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
                'x-amz-id-2': randomBytes(32).toString('base64'),
              },
              s3: {
                s3SchemaVersion: '1.0',
                configurationId: subscription.configurationId,
                bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
                object: {
                  key: encodeEventKey(key),
                  ...(object.size === undefined ? {} : { size: object.size }),
                  ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
                  sequencer: object.sequencer ?? Date.now().toString(16).toUpperCase(),
                },
              },
            },
          ],
        },
      });
    }
  }
  return deliveries;
}
