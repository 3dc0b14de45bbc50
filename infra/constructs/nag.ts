import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's IAM5 finding for one wildcard resource that a `grant*` call put in the policies
 * under `scope`, e.g. `${table.tableArn}/index/*` or `bucket.arnForObjects('cases/*')`.
 *
 * cdk-nag 3 matches an acknowledgement by its exact finding id, and the id spells the resource as the
 * template has it: a resource of another stack appears as the export name that CDK generates when it
 * prepares the app. So the id is computed in a validation hook, which runs after that and before the
 * cdk-nag plugin reads the acknowledgements.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      const flat = flattenReference(Stack.of(scope).resolve(resource));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
      return [];
    },
  });
}

/** A resolved CloudFormation value as a flat string, in the notation of cdk-nag's finding ids. */
function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [logicalId, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(logicalId)}.${flattenReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(value);
}

/**
 * Acknowledges findings on the bucket notification handler that CDK adds once per stack for
 * `addEventNotification` (a Lambda-backed custom resource whose role CDK defines).
 */
export function acknowledgeBucketNotificationsHandler(stack: Stack): void {
  // CDK names the singleton `BucketNotificationsHandler<uuid>`; it has no public accessor.
  const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler) return;
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's bucket notification custom resource (runs only on deploy, to put the bucket's notification configuration); CDK defines its role with the AWS managed basic execution policy and offers no way to replace it.",
  });
}

const KMS_GRANT_REASON =
  "From a grant* on data encrypted with the platform's customer-managed key: CDK's key grant names these action families (kms:GenerateDataKey*, kms:ReEncrypt*), on that one key ARN only.";

/**
 * Acknowledges the findings of `table.grantReadWriteData` / `grantReadData` on a table with secondary
 * indexes and a customer-managed key, on the role under `scope`.
 */
export function acknowledgeTableGrant(scope: IConstruct, tableArn: string): void {
  Validations.of(scope).acknowledge(
    { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: KMS_GRANT_REASON },
    { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: KMS_GRANT_REASON },
  );
  acknowledgeWildcardResource(
    scope,
    `${tableArn}/index/*`,
    "From the table grant: the platform's queries use the table's global secondary indexes (gsi1-gsi3); CDK grants them as <table ARN>/index/*, limited to this one table.",
  );
}
