/**
 * `NodejsFunction` with the house defaults, so every fanout function is built and configured alike:
 * Node.js 24 on arm64, bundled locally by esbuild (no Docker) into minified CJS with source maps,
 * a log group with a retention, and the Powertools service/namespace environment.
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_WORKER_MEMORY_MB, DEFAULT_WORKER_TIMEOUT_SECS } from '../../core/deploy';

/** The repository root: where package-lock.json is, so bundling never looks elsewhere. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Metrics land under this CloudWatch namespace. */
export const METRICS_NAMESPACE = 'fanout';

export interface FanoutFunctionProps {
  /** Handler file, relative to the repository root. */
  entry: string;
  /** Powertools service name (logs and metrics dimension). */
  serviceName: string;
  description?: string;
  /** @default 1769 (one full vCPU; core/deploy.ts, see docs/deploy.md) */
  memorySizeMb?: number;
  /** @default 300 (core/deploy.ts) */
  timeoutSecs?: number;
  /** @default one month */
  logRetention?: RetentionDays;
  environment?: Record<string, string>;
  /** Async invocations only (schedules, self-invokes): how often Lambda retries a failed one. @default 2 */
  retryAttempts?: number;
  /** Concurrent executions reserved for (and capping) this function. @default none: it shares the account's unreserved pool */
  reservedConcurrentExecutions?: number;
}

export class FanoutFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: FanoutFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole (a managed policy that may write to any
    // log group): this function may write to its own log group only.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySizeMb ?? DEFAULT_WORKER_MEMORY_MB,
      timeout: Duration.seconds(props.timeoutSecs ?? DEFAULT_WORKER_TIMEOUT_SECS),
      logGroup,
      retryAttempts: props.retryAttempts,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces in the logs point at the TypeScript sources, through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        // node20 runs on nodejs24.x and on this machine's Node 20, where the bundle is tested.
        target: 'node20',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: a pinned, tested version instead of whatever the runtime ships.
        // tsx only: the orchestrator's engine includes LocalInvoker, whose development path (running
        // TypeScript workers) calls require.resolve('tsx/cjs'); it never runs on Lambda, and marking
        // tsx external says so (esbuild warns about a require.resolve of a bundled package otherwise).
        externalModules: ['tsx'],
        // Warnings and errors only: esbuild's size table flags every bundle over 1 MB, and ours are
        // meant to be (the SDK, Powertools, undici and the parser are bundled on purpose).
        logLevel: LogLevel.WARNING,
      },
    });
  }
}
