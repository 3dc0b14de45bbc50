import { describe, expect, it } from 'vitest';
import { IntrinsicResolver, TemplateResolutionError, localBucketName } from '../../../local/intrinsics.js';
import { stack } from './fixtures.js';

const stateful = stack('app-stateful', {
  Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-north-1'] },
    IsTest: { 'Fn::Not': [{ Condition: 'IsProd' }] },
  },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [] } },
    NamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'cases' } },
    AttachmentsBucket8E14A36F: { Type: 'AWS::S3::Bucket', Properties: {} },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } },
    Waf: { Type: 'AWS::WAFv2::WebACL', Properties: {} },
    TestOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsTest' },
  },
  Outputs: {
    ExportTableName: { Value: { Ref: 'Table' }, Export: { Name: 'app-stateful:TableName' } },
    ExportBucketArn: { Value: { 'Fn::GetAtt': ['AttachmentsBucket8E14A36F', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:BucketArn' } } },
  },
});
const api = stack('app-api', { Resources: {} });
const resolver = new IntrinsicResolver([stateful, api], { region: 'eu-north-1' });
const resolve = (value: unknown, context = stateful): unknown => resolver.resolve(context, value);

describe('IntrinsicResolver', () => {
  it('resolves pseudo parameters to the local account and region', () => {
    // Act
    const resolved = resolve(['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map((name) => ({ Ref: name })));
    // Assess
    expect(resolved).toEqual(['eu-north-1', '000000000000', 'aws', 'amazonaws.com', 'app-stateful']);
  });

  it('names a table by TableName, else <stackName>-<logicalId>', () => {
    expect(resolve({ Ref: 'NamedTable' })).toBe('cases');
    expect(resolve({ Ref: 'Table' })).toBe('app-stateful-Table');
  });

  it('gives buckets a lowercase bucket name from stack and logical id', () => {
    expect(resolve({ Ref: 'AttachmentsBucket8E14A36F' })).toBe('app-stateful-attachmentsbucket8e14a36f');
    const long = localBucketName('a-very-long-stack-name-for-a-municipality', 'AnEvenLongerLogicalIdOfTheBucket1234ABCD');
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(long.length).toBeLessThanOrEqual(63);
  });

  it('builds standard ARNs with Fn::GetAtt', () => {
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:eu-north-1:000000000000:table/app-stateful-Table');
    expect(resolve({ 'Fn::GetAtt': 'Fn.Arn' })).toBe('arn:aws:lambda:eu-north-1:000000000000:function:app-stateful-Fn');
    expect(resolve({ 'Fn::GetAtt': ['AttachmentsBucket8E14A36F', 'Arn'] })).toBe('arn:aws:s3:::app-stateful-attachmentsbucket8e14a36f');
  });

  it('joins, selects and splits', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'AWS::Region' }, 'b']] })).toBe('a/eu-north-1/b');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] })).toBe('y');
  });

  it('substitutes both forms of Fn::Sub, keeping ${!Literal}', () => {
    // Act
    const plain = resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Table}/${Fn.Arn}/${!Literal}' });
    const withVariables = resolve({ 'Fn::Sub': ['${Name}-${AWS::StackName}', { Name: { Ref: 'NamedTable' } }] });
    // Assess
    expect(plain).toBe(
      'arn:aws:x:eu-north-1:000000000000:app-stateful-Table/arn:aws:lambda:eu-north-1:000000000000:function:app-stateful-Fn/${Literal}',
    );
    expect(withVariables).toBe('cases-app-stateful');
  });

  it('imports values other stacks export', () => {
    expect(resolve({ 'Fn::ImportValue': 'app-stateful:TableName' }, api)).toBe('app-stateful-Table');
    expect(resolve({ 'Fn::ImportValue': 'app-stateful:BucketArn' }, api)).toBe('arn:aws:s3:::app-stateful-attachmentsbucket8e14a36f');
  });

  it('evaluates conditions and drops AWS::NoValue', () => {
    // Act
    const resolved = resolve({ a: { 'Fn::If': ['IsProd', 'prod', 'test'] }, b: { 'Fn::If': ['IsTest', 'x', { Ref: 'AWS::NoValue' }] }, c: [1, { Ref: 'AWS::NoValue' }] });
    // Assess
    expect(resolved).toEqual({ a: 'prod', c: [1] });
    expect(resolver.isActive(stateful, stateful.template.Resources!['TestOnly']!)).toBe(false);
  });

  it('resolves parameters to their default', () => {
    expect(resolve({ Ref: 'BootstrapVersion' })).toBe('/cdk-bootstrap/hnb659fds/version');
  });

  it('gives resources of unknown types a stable placeholder', () => {
    // Act
    const first = resolve({ Ref: 'Waf' });
    const again = new IntrinsicResolver([stateful], { region: 'eu-north-1' }).resolve(stateful, { Ref: 'Waf' });
    // Assess
    expect(first).toBe(again);
    expect(resolve({ 'Fn::GetAtt': ['Waf', 'Arn'] })).toMatch(/^arn:aws:wafv2:eu-north-1:000000000000:webacl\//);
  });

  it('leaves IAM statements with a Condition key alone', () => {
    const statement = { Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(resolve(statement)).toEqual(statement);
  });

  it('fails when a Ref names nothing in the stack', () => {
    expect(() => resolve({ Ref: 'Missing' })).toThrow(TemplateResolutionError);
  });

  it('fails when no stack exports an imported name', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'nobody:exports-this' }, api)).toThrow(/no stack exports/);
  });
});
