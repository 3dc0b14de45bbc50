import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** The REST API stage the web ACL protects. */
  readonly stage: Stage;
  /** Requests one client IP may make in 5 minutes before WAF blocks it. @default 1000 */
  readonly rateLimitPerIp?: number;
  /** Prefix of the CloudWatch metric names. @default 'eservices' */
  readonly metricPrefix?: string;
}

/**
 * A regional WAFv2 web ACL on an API stage: AWS managed rules (common, known bad inputs, IP reputation)
 * and a rate limit per client IP.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const prefix = props.metricPrefix ?? 'eservices';
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${prefix}-${name}`,
    });
    const managed = (priority: number, name: string, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'Resource', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      rules: [
        {
          // First, so that a flooding client is cut off before the managed rules spend capacity on it.
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimitPerIp ?? 1000, evaluationWindowSec: 300 } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        // Form bodies up to 64 KB are allowed (the functions enforce each route's limit and answer 413),
        // so the common rule set's 8 KB body size rule only counts.
        managed(10, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(20, 'AWSManagedRulesKnownBadInputsRuleSet'),
        managed(30, 'AWSManagedRulesAmazonIpReputationList'),
      ],
    });

    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
