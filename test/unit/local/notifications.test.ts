import { describe, expect, it } from 'vitest';
import { IntrinsicResolver } from '../../../local/intrinsics.js';
import { deliveriesFor, encodeEventKey, eventMatches, readBucketSubscriptions } from '../../../local/notifications.js';
import { stack } from './fixtures.js';

const stacks = [
  stack('app', {
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      CheckFn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'check-attachment' } },
      BucketNotifications: {
        Type: 'Custom::S3BucketNotifications',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['BucketNotificationsHandler', 'Arn'] },
          BucketName: { Ref: 'Bucket' },
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                Events: ['s3:ObjectCreated:*'],
                LambdaFunctionArn: { 'Fn::GetAtt': ['CheckFn', 'Arn'] },
                Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
              },
            ],
          },
        },
      },
      BucketNotificationsHandler: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.13' } },
    },
  }),
];
const subscriptions = readBucketSubscriptions(stacks, new IntrinsicResolver(stacks, { region: 'eu-north-1' }));

/** An s3rver event record. */
const s3rverEvent = (key: string, eventName = 'ObjectCreated:Put') => ({
  Records: [{ eventName, eventTime: '2026-01-01T00:00:00.000Z', s3: { bucket: { name: 'app-bucket' }, object: { key, size: 5, eTag: 'abc' } } }],
});

describe('S3 notifications', () => {
  it('reads which function hears which bucket from Custom::S3BucketNotifications', () => {
    expect(subscriptions).toEqual([
      { bucket: 'app-bucket', functionName: 'check-attachment', configurationId: 'BucketNotifications-0', events: ['s3:ObjectCreated:*'], prefix: 'uploads/' },
    ]);
  });

  it('delivers a created object under the prefix as a standard S3 event', () => {
    // Act
    const deliveries = deliveriesFor(s3rverEvent('uploads/case 1/ä+b.pdf'), subscriptions, 'eu-north-1');
    // Assess
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      functionName: 'check-attachment',
      event: {
        Records: [
          {
            eventSource: 'aws:s3',
            awsRegion: 'eu-north-1',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: 'app-bucket', arn: 'arn:aws:s3:::app-bucket' }, object: { key: 'uploads/case+1/%C3%A4%2Bb.pdf', size: 5, eTag: 'abc' } },
          },
        ],
      },
    });
  });

  it('delivers nothing outside the prefix or for other events', () => {
    expect(deliveriesFor(s3rverEvent('other/x.pdf'), subscriptions, 'eu-north-1')).toEqual([]);
    expect(deliveriesFor(s3rverEvent('uploads/x.pdf', 'ObjectRemoved:Delete'), subscriptions, 'eu-north-1')).toEqual([]);
  });

  it('matches configured events with and without wildcard', () => {
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectCreated:Copy')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Post')).toBe(false);
  });

  it('encodes keys like S3 event records: space as +, slashes kept', () => {
    expect(encodeEventKey('a b/c+d.txt')).toBe('a+b/c%2Bd.txt');
  });
});
