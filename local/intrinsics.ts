import { createHash } from 'node:crypto';
import type { CfnResource, StackTemplate } from './template.js';

/** The account id every local ARN carries. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** What the pseudo parameters and a few local identities resolve to. */
export interface ResolverOptions {
  /** `AWS::Region`. */
  readonly region: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** The value every `AWS::Cognito::UserPoolClient` resolves to, so env and authorizer agree. @default 'local-client' */
  readonly userPoolClientId?: string;
}

/** Marks `AWS::NoValue`: removed from the object or array that holds it. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Raised when a template cannot be resolved (a missing resource, an unknown function). */
export class TemplateResolutionError extends Error {
  override readonly name = 'TemplateResolutionError';
}

/** A short stable hash of a stack's logical id, for local ids that must not change between runs. */
export function stableHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex');
}

/** Shortens a name to `max` characters, keeping it unique with a hash of the whole. */
function fit(name: string, max: number): string {
  return name.length <= max ? name : `${name.slice(0, max - 9)}-${stableHash(name).slice(0, 8)}`;
}

/** A bucket name S3 accepts: lowercase letters, digits and hyphens, 3–63 characters. */
export function localBucketName(stackName: string, logicalId: string): string {
  const name = `${stackName}-${logicalId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return fit(name, 63).replace(/-$/, '');
}

/**
 * Resolves CloudFormation intrinsic functions of synthesized templates to local names: tables to their
 * `TableName` or `<stackName>-<logicalId>`, buckets to a valid bucket name, functions to their name, and
 * ARNs in the standard form with the local account. Resources of unknown types get a stable placeholder.
 */
export class IntrinsicResolver {
  readonly region: string;
  readonly accountId: string;
  readonly partition = 'aws';
  readonly urlSuffix = 'amazonaws.com';
  private readonly userPoolClientId: string;
  private readonly stacksByName = new Map<string, StackTemplate>();
  private exportsCache?: Map<string, unknown>;
  private readonly resolvingExports = new Set<string>();

  constructor(
    readonly stacks: readonly StackTemplate[],
    options: ResolverOptions,
  ) {
    this.region = options.region;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.userPoolClientId = options.userPoolClientId ?? 'local-client';
    for (const stack of stacks) this.stacksByName.set(stack.stackName, stack);
  }

  /** Resolves every intrinsic function inside `value`, in the context of `stack`. */
  resolve(stack: StackTemplate, value: unknown): unknown {
    const resolved = this.resolveValue(stack, value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Resolves `value` and requires a string (numbers are turned into strings, as CloudFormation does). */
  resolveString(stack: StackTemplate, value: unknown): string {
    const resolved = this.resolve(stack, value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateResolutionError(`expected a string in ${stack.stackName}, got ${JSON.stringify(resolved)}`);
  }

  /** Whether a resource is created: it has no `Condition` or its condition holds. */
  isActive(stack: StackTemplate, resource: CfnResource): boolean {
    return resource.Condition === undefined || this.condition(stack, resource.Condition);
  }

  /** What `Ref` of a resource or parameter gives. */
  ref(stack: StackTemplate, name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.accountId;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.urlSuffix;
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:${this.partition}:cloudformation:${this.region}:${this.accountId}:stack/${stack.stackName}/${uuidFrom(stack.stackName)}`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = stack.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    const resource = this.resource(stack, name);
    return this.physicalRef(stack, name, resource);
  }

  /** What `Fn::GetAtt` of a resource gives. */
  getAtt(stack: StackTemplate, logicalId: string, attribute: string): unknown {
    const resource = this.resource(stack, logicalId);
    const props = resource.Properties ?? {};
    const ref = (): string => String(this.physicalRef(stack, logicalId, resource));
    const arn = (service: string, path: string): string =>
      `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${path}`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        if (attribute === 'Arn') return arn('dynamodb', `table/${ref()}`);
        if (attribute === 'StreamArn') return arn('dynamodb', `table/${ref()}/stream/1970-01-01T00:00:00.000`);
        if (attribute === 'TableId') return uuidFrom(stack.stackName, logicalId);
        break;
      case 'AWS::S3::Bucket': {
        const name = ref();
        if (attribute === 'Arn') return `arn:${this.partition}:s3:::${name}`;
        if (attribute === 'DomainName') return `${name}.s3.${this.urlSuffix}`;
        if (attribute === 'RegionalDomainName') return `${name}.s3.${this.region}.${this.urlSuffix}`;
        if (attribute === 'DualStackDomainName') return `${name}.s3.dualstack.${this.region}.${this.urlSuffix}`;
        if (attribute === 'WebsiteURL') return `http://${name}.s3-website.${this.region}.${this.urlSuffix}`;
        break;
      }
      case 'AWS::Lambda::Function':
        if (attribute === 'Arn') return arn('lambda', `function:${ref()}`);
        break;
      case 'AWS::IAM::Role':
        if (attribute === 'Arn') return `arn:${this.partition}:iam::${this.accountId}:role/${ref()}`;
        if (attribute === 'RoleId') return `AROA${stableHash(stack.stackName, logicalId).slice(0, 17).toUpperCase()}`;
        break;
      case 'AWS::ApiGateway::RestApi':
        if (attribute === 'RootResourceId') return `root${stableHash(stack.stackName, logicalId).slice(0, 6)}`;
        if (attribute === 'RestApiId') return ref();
        break;
      case 'AWS::Cognito::UserPool': {
        const id = ref();
        if (attribute === 'Arn') return arn('cognito-idp', `userpool/${id}`);
        if (attribute === 'ProviderName') return `cognito-idp.${this.region}.${this.urlSuffix}/${id}`;
        if (attribute === 'ProviderURL') return `https://cognito-idp.${this.region}.${this.urlSuffix}/${id}`;
        if (attribute === 'UserPoolId') return id;
        break;
      }
      case 'AWS::StepFunctions::StateMachine':
        if (attribute === 'Arn') return ref();
        if (attribute === 'Name') return ref().split(':').pop();
        break;
      case 'AWS::SQS::Queue':
        if (attribute === 'Arn') return arn('sqs', ref().split('/').pop() ?? '');
        if (attribute === 'QueueName') return ref().split('/').pop();
        if (attribute === 'QueueUrl') return ref();
        break;
      case 'AWS::SNS::Topic':
        if (attribute === 'TopicArn') return ref();
        if (attribute === 'TopicName') return ref().split(':').pop();
        break;
      case 'AWS::KMS::Key':
        if (attribute === 'Arn') return arn('kms', `key/${ref()}`);
        if (attribute === 'KeyId') return ref();
        break;
      case 'AWS::Logs::LogGroup':
        if (attribute === 'Arn') return arn('logs', `log-group:${ref()}:*`);
        break;
      case 'AWS::SSM::Parameter':
        if (attribute === 'Value') return this.resolve(stack, props['Value']);
        if (attribute === 'Type') return props['Type'];
        break;
    }
    if (attribute === 'Arn') {
      const [, service = 'local', type = 'resource'] = resource.Type.split('::');
      return arn(service.toLowerCase(), `${type.toLowerCase()}/${ref()}`);
    }
    return `${ref()}.${attribute}`;
  }

  /** Every export of every stack (`Outputs.*.Export.Name` → value), for `Fn::ImportValue`. */
  exports(): Map<string, unknown> {
    if (this.exportsCache) return this.exportsCache;
    const exports = new Map<string, unknown>();
    for (const stack of this.stacks) {
      for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (!output.Export) continue;
        if (output.Condition && !this.condition(stack, output.Condition)) continue;
        const key = `${stack.stackName}/${outputId}`;
        if (this.resolvingExports.has(key)) throw new TemplateResolutionError(`circular export ${key}`);
        this.resolvingExports.add(key);
        try {
          exports.set(this.resolveString(stack, output.Export.Name), this.resolve(stack, output.Value));
        } finally {
          this.resolvingExports.delete(key);
        }
      }
    }
    this.exportsCache = exports;
    return exports;
  }

  /** Evaluates a named condition of the stack. */
  condition(stack: StackTemplate, name: string): boolean {
    const expression = stack.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateResolutionError(`no condition ${name} in ${stack.stackName}`);
    return Boolean(this.resolve(stack, expression));
  }

  private resource(stack: StackTemplate, logicalId: string): CfnResource {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) throw new TemplateResolutionError(`no resource or parameter ${logicalId} in ${stack.stackName}`);
    return resource;
  }

  /** The local physical id of a resource: what `Ref` gives for its type. */
  private physicalRef(stack: StackTemplate, logicalId: string, resource: CfnResource): unknown {
    const props = resource.Properties ?? {};
    const named = (property: string, fallback: () => string): string =>
      props[property] !== undefined ? this.resolveString(stack, props[property]) : fallback();
    const defaultName = (max: number): string => fit(`${stack.stackName}-${logicalId}`, max);
    const hash = stableHash(stack.stackName, logicalId);
    const arn = (service: string, path: string): string =>
      `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${path}`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return named('TableName', () => defaultName(255));
      case 'AWS::S3::Bucket':
        return named('BucketName', () => localBucketName(stack.stackName, logicalId));
      case 'AWS::Lambda::Function':
        return named('FunctionName', () => defaultName(64));
      case 'AWS::Lambda::Alias':
        return `${this.resolveString(stack, this.functionArn(stack, props['FunctionName']))}:${this.resolveString(stack, props['Name'])}`;
      case 'AWS::Lambda::Version':
        return `${this.resolveString(stack, this.functionArn(stack, props['FunctionName']))}:1`;
      case 'AWS::IAM::Role':
        return named('RoleName', () => defaultName(64));
      case 'AWS::StepFunctions::StateMachine':
        return arn('states', `stateMachine:${named('StateMachineName', () => defaultName(80))}`);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.region}.${this.urlSuffix}/${this.accountId}/${named('QueueName', () => defaultName(80))}`;
      case 'AWS::SNS::Topic':
        return arn('sns', named('TopicName', () => defaultName(256)));
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName', () => `/local/${stack.stackName}/${logicalId}`);
      case 'AWS::SSM::Parameter':
        return named('Name', () => `CFN-${logicalId}-${hash.slice(0, 12)}`);
      case 'AWS::SES::ConfigurationSet':
        return named('Name', () => defaultName(64));
      case 'AWS::SES::EmailIdentity':
        return named('EmailIdentity', () => defaultName(64));
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${named('Name', () => defaultName(200))}-${hash.slice(0, 6)}`);
      case 'AWS::Cognito::UserPool':
        return `${this.region}_${hash.slice(0, 9)}`;
      case 'AWS::Cognito::UserPoolClient':
        return this.userPoolClientId;
      case 'AWS::KMS::Key':
        return uuidFrom(stack.stackName, logicalId);
      case 'AWS::ApiGateway::RestApi':
        return `local${hash.slice(0, 5)}`;
      case 'AWS::ApiGateway::Stage':
        return named('StageName', () => 'v1');
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Method':
      case 'AWS::ApiGateway::Authorizer':
      case 'AWS::ApiGateway::Deployment':
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::UsagePlan':
        return hash.slice(0, 10);
    }
    return `${logicalId}-local-${hash.slice(0, 8)}`;
  }

  /** A Lambda alias or version names its function by name, ARN or partial ARN: give the ARN. */
  private functionArn(stack: StackTemplate, functionName: unknown): string {
    const name = this.resolveString(stack, functionName);
    return name.startsWith('arn:') ? name : `arn:${this.partition}:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  private resolveValue(stack: StackTemplate, value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveValue(stack, item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === 'Ref') return this.ref(stack, this.resolveString(stack, argument));
      if (key.startsWith('Fn::')) return this.intrinsic(stack, key, argument);
      // `{ Condition: name }` only inside condition functions; IAM statements also have a `Condition` key.
      if (key === 'Condition' && typeof argument === 'string') return this.condition(stack, argument);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolveValue(stack, item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(stack: StackTemplate, name: string, argument: unknown): unknown {
    const args = (): unknown[] => {
      if (!Array.isArray(argument)) throw new TemplateResolutionError(`${name} needs a list in ${stack.stackName}`);
      return argument;
    };
    const list = (value: unknown): unknown[] => {
      const resolved = this.resolve(stack, value);
      if (Array.isArray(resolved)) return resolved;
      if (typeof resolved === 'string') return resolved.split(','); // a CommaDelimitedList parameter
      throw new TemplateResolutionError(`${name} needs a list in ${stack.stackName}, got ${JSON.stringify(resolved)}`);
    };
    switch (name) {
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] = typeof argument === 'string' ? argument.split('.') : (args() as string[]);
        return this.getAtt(stack, String(logicalId), attribute.map((a) => this.resolveString(stack, a)).join('.'));
      }
      case 'Fn::Join': {
        const [delimiter, items] = args();
        return list(items)
          .map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
          .join(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(stack, argument);
      case 'Fn::Select': {
        const [index, items] = args();
        const selected = list(items)[Number(this.resolve(stack, index))];
        if (selected === undefined) throw new TemplateResolutionError(`Fn::Select index out of range in ${stack.stackName}`);
        return selected;
      }
      case 'Fn::Split': {
        const [delimiter, source] = args();
        return this.resolveString(stack, source).split(String(delimiter));
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolveString(stack, argument);
        const exports = this.exports();
        if (!exports.has(exportName)) throw new TemplateResolutionError(`no stack exports ${exportName}`);
        return exports.get(exportName);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = args();
        return this.resolveValue(stack, this.condition(stack, String(condition)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = args();
        return JSON.stringify(this.resolve(stack, a)) === JSON.stringify(this.resolve(stack, b));
      }
      case 'Fn::And':
        return args().every((item) => Boolean(this.resolve(stack, item)));
      case 'Fn::Or':
        return args().some((item) => Boolean(this.resolve(stack, item)));
      case 'Fn::Not':
        return !this.resolve(stack, args()[0]);
      case 'Fn::FindInMap': {
        const [map, top, second] = args().map((item) => this.resolveString(stack, item));
        const found = stack.template.Mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
        if (found === undefined) throw new TemplateResolutionError(`Fn::FindInMap ${map}.${top}.${second} not found`);
        return found;
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.region}${zone}`);
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(stack, argument)).toString('base64');
      case 'Fn::Length':
        return list(argument).length;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(stack, argument));
    }
    // Fn::Cidr, Fn::Transform and the like have no local meaning: a stable placeholder.
    return `local:${name}:${stableHash(JSON.stringify(argument)).slice(0, 8)}`;
  }

  /** `Fn::Sub` in both forms: a string, or [string, variables]. `${!Name}` is a literal `${Name}`. */
  private sub(stack: StackTemplate, argument: unknown): string {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof text !== 'string') throw new TemplateResolutionError(`Fn::Sub needs a string in ${stack.stackName}`);
    const vars = (variables ?? {}) as Record<string, unknown>;
    return text.replace(/\$\{([^}]*)\}/g, (_match, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      const name = expression.trim();
      let value: unknown;
      if (name in vars) value = this.resolve(stack, vars[name]);
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        value = this.getAtt(stack, name.slice(0, dot), name.slice(dot + 1));
      } else value = this.ref(stack, name);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
}

/** A UUID-shaped stable id. */
function uuidFrom(...parts: string[]): string {
  const h = stableHash(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
