import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { CfnUserPoolGroup, AccountRecovery, FeaturePlan, Mfa, UserPool, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Municipality } from '../schemas/municipality.js';

export interface StatefulStackProps extends StackProps {
  readonly municipality: Municipality;
  /** Default Object Lock retention (compliance mode) of every archived document version. @default Duration.days(3653), ten years */
  readonly archiveRetention?: Duration;
  /** How long a replaced or deleted attachment version is kept. @default Duration.days(30) */
  readonly attachmentNoncurrentVersionExpiration?: Duration;
  /** How long S3 server access logs are kept. @default Duration.days(365) */
  readonly accessLogExpiration?: Duration;
}

/**
 * Everything that holds data: the KMS key, the table, the attachment and archive buckets and the user pool.
 * Construct ids here are the resources' identities: never rename them. Every resource is retained on delete.
 */
export class StatefulStack extends Stack {
  readonly key: IKey;
  readonly table: ITable;
  readonly attachmentsBucket: IBucket;
  readonly archiveBucket: IBucket;
  readonly userPool: IUserPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { municipality } = props;
    // S3 delivers server access logs by the log bucket's policy, not by ACLs (BucketOwnerEnforced), in
    // whatever app this stack is built.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const key = new Key(this, 'Key', {
      description: `E-services of ${municipality.name.en}: cases, attachments and archive`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key = key;

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Cases by applicant ("my cases").
    table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // A department's queue.
    table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Cases by register series (the diarium); keys only, the items are read by key afterwards.
    table.addGlobalSecondaryIndex({
      indexName: 'gsi3',
      partitionKey: { name: 'gsi3pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi3sk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table = table;

    const accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      // S3 delivers server access logs only to buckets with S3-managed encryption.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          expiration: props.accessLogExpiration ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the attachment and archive buckets; logging its own access would need yet another bucket (or log into itself, which loops).',
    });

    this.attachmentsBucket = new Bucket(this, 'AttachmentsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'attachments/',
      // Browsers upload straight to S3 with presigned PUT URLs from the municipality's web pages.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [new URL(municipality.publicBaseUrl).origin],
          allowedHeaders: ['content-type', 'x-amz-*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: props.attachmentNoncurrentVersionExpiration ?? Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.archiveBucket = new Bucket(this, 'ArchiveBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // Compliance mode: no one, not even the account root, can delete or shorten a retained version.
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(props.archiveRetention ?? Duration.days(3653)),
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const userPool = new UserPool(this, 'UserPool', {
      userPoolName: `eservices-${municipality.id}`,
      // No self sign-up: residents come federated from the municipality's identity provider (BankID or
      // Freja eID), officers are federated from the municipality's directory or created by operations.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      // Applies to users with a password in the pool (operations, break-glass); federated sign-ins get
      // their strong authentication from the identity provider.
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        "Residents sign in at the municipality's BankID/Freja identity provider and are federated into the pool; the Plus tier's threat protection only evaluates passwords kept in the pool, which here are a few operations accounts that already require TOTP MFA and a 14-character password.",
    });
    // One group per department; officers are members of their department's group (the id is stable).
    for (const department of municipality.departments) {
      new CfnUserPoolGroup(userPool, `Department-${department.id}`, {
        userPoolId: userPool.userPoolId,
        groupName: department.id,
        description: `${department.name.sv} (${department.registerSeries})`,
      });
    }
    this.userPool = userPool;

    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The DynamoDB table of cases, events and register numbers' });
    new CfnOutput(this, 'AttachmentsBucketName', { value: this.attachmentsBucket.bucketName, description: 'Bucket of case attachments' });
    new CfnOutput(this, 'ArchiveBucketName', { value: this.archiveBucket.bucketName, description: 'Object Lock archive bucket' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId, description: 'Cognito user pool of residents and officers' });
  }
}
