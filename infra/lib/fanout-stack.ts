/**
 * The fanout stack: the worker function, the orchestrator function that drives scheduled runs,
 * the results bucket, one EventBridge rule per configured schedule, and the outputs the CLI reads.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule as EventSchedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ALLOW_PRIVATE_CONTEXT, DEFAULT_WORKER_MEMORY_MB, DEFAULT_WORKER_TIMEOUT_SECS, ENV } from '../../core/deploy';
import { LISTS_PREFIX, RUNS_PREFIX } from '../../core/schedule-input';
import { FanoutFunction } from './fanout-function';
import { ResultsBucket } from './results-bucket';
import { ScheduleConfigError, type Schedule } from './schedule-config';

export interface FanoutStackProps extends StackProps {
  /** Validated schedules (loadScheduleConfig). @default none */
  schedules?: Schedule[];
  /** @default 1769 (one vCPU; core/deploy.ts) */
  workerMemoryMb?: number;
  /** @default 300 (core/deploy.ts) */
  workerTimeoutSecs?: number;
  /** @default 1024 */
  orchestratorMemoryMb?: number;
  /** Days before run results expire; 0 keeps them. @default 90 */
  expireRunsAfterDays?: number;
  /**
   * Let deployed functions run events with `allowPrivate` (requests to loopback and private
   * networks). Off, the worker and the orchestrator refuse them (FANOUT_ALLOW_PRIVATE=false).
   * CDK context `allowPrivate`. @default false
   */
  allowPrivate?: boolean;
  /**
   * Concurrent executions reserved for the worker, which also caps it, so one run cannot take the
   * whole account's Lambda concurrency. CDK context `workerReservedConcurrency`. @default none (unreserved)
   */
  workerReservedConcurrency?: number;
}

/** Output keys; orchestrator/invokers/lambda-function-name.ts reads WorkerFunctionName. */
export const OUTPUT_KEYS = {
  worker: 'WorkerFunctionName',
  orchestrator: 'OrchestratorFunctionName',
  bucket: 'ResultsBucketName',
  workerInvokeMode: 'WorkerInvokeMode',
} as const;

/**
 * How the worker is invoked: its handler is wrapped with `awslambda.streamifyResponse` and writes
 * NDJSON records as URLs end, so the orchestrator calls it with InvokeWithResponseStream (responses
 * up to 200 MB) rather than Invoke (6 MB). Lambda has no per-function setting for this (only function
 * URLs have an InvokeMode), so the stack states it in the worker's description and an output.
 */
export const WORKER_INVOKE_MODE = InvokeMode.RESPONSE_STREAM;

/** The orchestrator keeps this much of its 15 minutes to checkpoint and hand over. */
const ORCHESTRATOR_TIMEOUT_SECS = 900;

export class FanoutStack extends Stack {
  readonly worker: FanoutFunction;
  readonly orchestrator: FanoutFunction;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: FanoutStackProps = {}) {
    super(scope, id, props);
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new ResultsBucket(this, 'Results', { expireRunsAfterDays: props.expireRunsAfterDays, accessLogsBucket: accessLogs }).bucket;

    const workerTimeoutSecs = props.workerTimeoutSecs ?? DEFAULT_WORKER_TIMEOUT_SECS;
    const allowPrivate = props.allowPrivate ?? false;
    if (!allowPrivate) refuseAllowPrivateSchedules(props.schedules ?? []);
    const allowPrivateEnv = { [ENV.allowPrivate]: String(allowPrivate) };
    // The worker needs no AWS permissions beyond its logs: it only fetches pages and answers.
    this.worker = new FanoutFunction(this, 'Worker', {
      entry: 'functions/worker/lambda.ts',
      serviceName: 'fanout-worker',
      description: `fanout worker: scrapes one chunk of URLs, streaming NDJSON records (invoke mode ${WORKER_INVOKE_MODE}: InvokeWithResponseStream)`,
      memorySizeMb: props.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB,
      timeoutSecs: workerTimeoutSecs,
      reservedConcurrentExecutions: props.workerReservedConcurrency,
      environment: allowPrivateEnv,
    });

    this.orchestrator = new FanoutFunction(this, 'Orchestrator', {
      entry: 'functions/scheduled-run/handler.ts',
      serviceName: 'fanout-orchestrator',
      description: 'fanout orchestrator: runs a URL list on the worker, checkpointing to S3',
      memorySizeMb: props.orchestratorMemoryMb ?? 1024,
      timeoutSecs: ORCHESTRATOR_TIMEOUT_SECS,
      environment: {
        [ENV.workerFunction]: this.worker.functionName,
        [ENV.resultsBucket]: this.bucket.bucketName,
        [ENV.workerTimeoutSecs]: String(workerTimeoutSecs),
        ...allowPrivateEnv,
      },
    });
    // Least privilege: invoke only the worker, read lists/, read and write runs/ (never list or delete).
    // lambda:InvokeFunction is the action InvokeWithResponseStream requires too (there is no separate one).
    this.orchestrator.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [this.worker.functionArn] }));
    this.orchestrator.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${LISTS_PREFIX}*`)] }));
    this.orchestrator.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${RUNS_PREFIX}*`)],
      }),
    );
    // cdk-nag AwsSolutions-IAM5 flags the two object wildcards. They are the narrowest grant that works:
    // run keys (runs/<schedule>/<timestamp>/...) and list keys are only known at run time.
    for (const prefix of [LISTS_PREFIX, RUNS_PREFIX]) {
      Validations.of(this.orchestrator.role!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/${prefix}*]`,
        reason: `Objects under ${prefix} only: the keys are per run, known at run time; no list, no delete, no other prefix.`,
      });
    }
    // Continuing a run is an async invoke of itself. A separate Policy (not the role's default policy,
    // which the function depends on) keeps CloudFormation free of a dependency cycle.
    new Policy(this, 'OrchestratorSelfInvoke', {
      roles: [this.orchestrator.role!],
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [this.orchestrator.functionArn] })],
    });

    for (const { entry, input } of props.schedules ?? []) {
      new Rule(this, `Schedule-${entry.name}`, {
        description: entry.description ?? `fanout schedule ${entry.name}`,
        schedule: EventSchedule.expression(entry.expression),
        enabled: entry.enabled,
        targets: [new LambdaFunction(this.orchestrator, { event: RuleTargetInput.fromObject(input), retryAttempts: 2 })],
      });
    }

    new CfnOutput(this, OUTPUT_KEYS.worker, { value: this.worker.functionName, description: 'Worker function: fanout --mode lambda finds it here' });
    new CfnOutput(this, OUTPUT_KEYS.workerInvokeMode, { value: WORKER_INVOKE_MODE, description: 'The worker streams its records: call it with InvokeWithResponseStream' });
    new CfnOutput(this, OUTPUT_KEYS.orchestrator, { value: this.orchestrator.functionName });
    new CfnOutput(this, OUTPUT_KEYS.bucket, { value: this.bucket.bucketName });
  }
}

/** A schedule asking for allowPrivate on a stack that forbids it would fail every run: fail the synth instead. */
function refuseAllowPrivateSchedules(schedules: readonly Schedule[]): void {
  const asking = schedules.find((s) => s.input.options.allowPrivate);
  if (!asking) return;
  throw new ScheduleConfigError(
    `schedule "${asking.entry.name}": options.allowPrivate is true, but this stack forbids it; deploy with -c ${ALLOW_PRIVATE_CONTEXT}=true, or set allowPrivate to false`,
    'schedules.json',
    asking.entry.name,
  );
}
