import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatefulStack } from '../../infra/stateful-stack.js';
import { buildTestApp, resources, type TestApp } from './support.js';

describe('StatefulStack', () => {
  let built: TestApp;
  let template: Template;
  beforeAll(() => {
    built = buildTestApp();
    template = built.statefulTemplate;
  });
  afterAll(() => built.cleanup());

  const logicalId = (type: string, pathEnd: string): string => {
    const match = Object.entries(resources(template, type)).find(([, r]) => String(r.Metadata?.['aws:cdk:path']).endsWith(pathEnd));
    if (!match) throw new Error(`no ${type} at ${pathEnd}`);
    return match[0];
  };

  it('is deployed to eu-north-1 when CDK_DEFAULT_REGION is not set', () => {
    expect(built.stateful.region).toBe('eu-north-1');
    expect(built.api.region).toBe('eu-north-1');
    expect(built.stateful.stackName).toBe('eservices-jonkoping-stateful');
    expect(built.stateful.terminationProtection).toBe(true);
  });

  it('has a KMS key with rotation, retained', () => {
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  it('has one table with PITR, deletion protection, customer-managed KMS, TTL and the three GSIs', () => {
    const keyId = logicalId('AWS::KMS::Key', '/Key/Resource');
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: Match.arrayWith(
          (
            [
              ['gsi1', 'ALL'],
              ['gsi2', 'ALL'],
              ['gsi3', 'KEYS_ONLY'],
            ] as const
          ).map(([name, projection]) =>
            Match.objectLike({
              IndexName: name,
              KeySchema: [
                { AttributeName: `${name}pk`, KeyType: 'HASH' },
                { AttributeName: `${name}sk`, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: projection },
            }),
          ),
        ),
      }),
    });
    // Not a global table: TableV2 would synthesize as AWS::DynamoDB::GlobalTable.
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('protects every bucket: public access blocked, TLS only, encrypted, versioned, retained', () => {
    const buckets = resources(template, 'AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));
    for (const [bucketId, bucket] of Object.entries(buckets)) {
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.anyValue() })] },
        }),
      });
      expect(bucket.Properties?.PublicAccessBlockConfiguration, bucketId).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties?.VersioningConfiguration, bucketId).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties?.BucketEncryption, bucketId).toBeDefined();
      const policy = policies.find((p) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }));
      expect(policy, `bucket policy of ${bucketId}`).toBeDefined();
      expect(policy?.Properties?.PolicyDocument).toEqual(
        expect.objectContaining({
          Statement: expect.arrayContaining([
            expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      );
    }
  });

  it('encrypts attachments with the key, allows browser PUT from the public site, expires old versions after 30 days', () => {
    const keyId = logicalId('AWS::KMS::Key', '/Key/Resource');
    const accessLogId = logicalId('AWS::S3::Bucket', '/AccessLogBucket/Resource');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }),
        ],
      },
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'], AllowedOrigins: ['https://etjanster.jonkoping.se'] })],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: accessLogId }, LogFilePrefix: 'attachments/' },
    });
  });

  it('locks the archive in compliance mode for ten years, encrypted with the key and logged', () => {
    const keyId = logicalId('AWS::KMS::Key', '/Key/Resource');
    const accessLogId = logicalId('AWS::S3::Bucket', '/AccessLogBucket/Resource');
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } } },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }),
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: accessLogId }, LogFilePrefix: 'archive/' },
    });
  });

  it('keeps server access logs in an S3-encrypted bucket that S3 logging may write to', () => {
    const accessLogId = logicalId('AWS::S3::Bucket', '/AccessLogBucket/Resource');
    const accessLog = resources(template, 'AWS::S3::Bucket')[accessLogId];
    expect(accessLog?.Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]),
      },
    });
  });

  it('has a user pool without self sign-up, with MFA and a strong password policy, retained', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
        },
      }),
    });
  });

  it('has one Cognito group per department of the municipality, named by the department id', () => {
    const poolId = logicalId('AWS::Cognito::UserPool', '/UserPool/Resource');
    const groups = Object.values(resources(template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties?.GroupName);
    expect(groups.sort()).toEqual(built.municipality.departments.map((d) => d.id).sort());
    for (const department of built.municipality.departments) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: department.id, UserPoolId: { Ref: poolId } });
    }
  });

  it('outputs the table, bucket and user pool names', () => {
    for (const name of ['TableName', 'AttachmentsBucketName', 'ArchiveBucketName', 'UserPoolId']) {
      template.hasOutput(name, { Value: Match.anyValue() });
    }
  });

  it('takes the archive retention as a prop', () => {
    // Prepare
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new StatefulStack(app, 'Stateful', { municipality: built.municipality, archiveRetention: Duration.days(365) });
    // Act
    const custom = Template.fromStack(stack);
    // Assess
    custom.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
  });
});
