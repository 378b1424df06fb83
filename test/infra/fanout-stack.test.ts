/**
 * The stack's template, by targeted assertions (no snapshot), and cdk-nag AwsSolutions on it.
 * Bundling is skipped here (`aws:cdk:bundling-stacks: []`); synth-bundle.test.ts builds the real assets.
 * The app gets cdk.json's context, so the feature flags are the ones `cdk synth` applies.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RunInputSchema } from '../../core/schedule-input';
import { FanoutStack } from '../../infra/lib/fanout-stack';
import { parseScheduleConfig } from '../../infra/lib/schedule-config';
import { cdkJsonContext } from '../helpers/cdk-context';

const schedules = parseScheduleConfig(
  JSON.stringify({
    schedules: [
      { name: 'nightly', expression: 'cron(0 3 * * ? *)', list: { s3Key: 'lists/nightly.txt' }, options: { timeoutMs: 5000, invokeConcurrency: 20 } },
      { name: 'hourly', expression: 'rate(1 hour)', enabled: false, list: { urls: ['https://example.com/'] } },
      { name: 'docs-crawl', expression: 'rate(1 day)', crawl: { seeds: { s3Key: 'lists/seeds.txt' }, maxDepth: 2, scope: 'site', exclude: ['*.pdf'] } },
    ],
  }),
);
const app = new App({ context: cdkJsonContext({ 'aws:cdk:bundling-stacks': [] }) });
const stack = new FanoutStack(app, 'Test', { schedules, expireRunsAfterDays: 30 });
const template = Template.fromStack(stack);
const ref = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const workerId = ref(stack.worker);
const bucketId = ref(stack.bucket);

describe('FanoutStack', () => {
  test('functions: nodejs24.x on arm64 with the documented memory and timeouts', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1769,
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'fanout-worker', NODE_OPTIONS: '--enable-source-maps' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'fanout-orchestrator', FANOUT_FUNCTION: { Ref: workerId } }) },
    });
  });

  test('log groups have a retention', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
  });

  test('orchestrator may invoke only the worker (and itself, to continue), and touch only lists/ and runs/', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [workerId, 'Arn'] } },
          { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/lists/*']] } },
          {
            Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], // sorted by @aws-cdk/aws-iam:minimizePolicies
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/runs/*']] },
          },
        ]),
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const s of statements) {
      expect(JSON.stringify(s.Resource)).not.toBe('"*"');
      expect([s.Action].flat().every((a: string) => !a.endsWith('*'))).toBe(true);
    }
  });

  test('the worker role grants nothing but writing its own logs', () => {
    const workerRole = stack.worker.role!.node.defaultChild as never;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(stack.getLogicalId(workerRole)));
    const actions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions.sort()).toStrictEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), AssumeRolePolicyDocument: Match.objectLike({}) });
  });

  test('results bucket: public access blocked, TLS enforced, encrypted, runs/ expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([{ Id: 'ExpireRuns', Prefix: 'runs/', ExpirationInDays: 30, Status: 'Enabled' }]) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('one rule per schedule, whose input the orchestrator schema accepts unchanged', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.map((r) => [r.Properties.ScheduleExpression, r.Properties.State])).toStrictEqual([
      ['cron(0 3 * * ? *)', 'ENABLED'],
      ['rate(1 hour)', 'DISABLED'],
      ['rate(1 day)', 'ENABLED'],
    ]);
    for (const [i, rule] of rules.entries()) {
      const input = JSON.parse(rule.Properties.Targets[0].Input);
      expect(RunInputSchema.parse(input)).toStrictEqual(input);
      expect(input.schedule).toBe(schedules[i]!.entry.name);
    }
    expect(JSON.parse(rules[0]!.Properties.Targets[0].Input)).toMatchObject({
      list: { s3Key: 'lists/nightly.txt' },
      options: { timeoutMs: 5000, invokeConcurrency: 20, allowPrivate: false },
    });
    // A crawl's rule sends its crawl settings (defaults filled in) and no list.
    const crawl = JSON.parse(rules[2]!.Properties.Targets[0].Input);
    expect(crawl).toStrictEqual({
      schedule: 'docs-crawl',
      crawl: { seeds: { s3Key: 'lists/seeds.txt' }, maxDepth: 2, scope: 'site', exclude: ['*.pdf'] },
      options: RunInputSchema.parse({ schedule: 'x', list: { urls: ['https://a.test/'] } }).options,
    });
  });

  test('both buckets, results and access logs, are kept when the stack is deleted (docs/deploy.md, Tearing down)', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => [b.DeletionPolicy, b.UpdateReplacePolicy])).toStrictEqual([
      ['Retain', 'Retain'],
      ['Retain', 'Retain'],
    ]);
  });

  test('access logs are delivered by a bucket policy for the S3 logging service, scoped to the results bucket, not the legacy ACL', () => {
    const logsId = stack.getLogicalId(stack.node.findChild('AccessLogs').node.defaultChild as never);
    expect(template.findResources('AWS::S3::Bucket', { Properties: { AccessControl: 'LogDeliveryWrite' } })).toStrictEqual({});
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  test('the worker is a response-streaming function: its description and an output say it is invoked with InvokeWithResponseStream', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('invoke mode RESPONSE_STREAM: InvokeWithResponseStream'),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'fanout-worker' }) },
    });
    template.hasOutput('WorkerInvokeMode', { Value: 'RESPONSE_STREAM' });
  });

  test('outputs name the worker, the orchestrator and the bucket', () => {
    template.hasOutput('WorkerFunctionName', { Value: { Ref: workerId } });
    template.hasOutput('OrchestratorFunctionName', {});
    template.hasOutput('ResultsBucketName', { Value: { Ref: bucketId } });
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    const nagApp = new App({ context: cdkJsonContext({ 'aws:cdk:bundling-stacks': [] }) });
    new FanoutStack(nagApp, 'Nag', { schedules });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
  });

  test('cdk-nag would catch a wildcard grant (the check is live)', () => {
    const nagApp = new App({ context: cdkJsonContext({ 'aws:cdk:bundling-stacks': [] }) });
    const bad = new FanoutStack(nagApp, 'Bad', {});
    bad.worker.grantInvoke(bad.orchestrator); // harmless duplicate...
    bad.bucket.grantReadWrite(bad.worker); // ...but this wildcard grant is not acknowledged
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
