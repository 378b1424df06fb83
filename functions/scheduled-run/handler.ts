/**
 * The orchestrator's Lambda entry: validate the event (a scheduled run, or a continuation this
 * function sent itself), then {@link orchestrate} with S3, the worker's LambdaInvoker and an async
 * self-invoke wired in. Clients are module-scope: one per execution environment.
 *
 * Metrics (Powertools EMF, the namespace the stack sets for both functions, `fanout`), per invocation:
 * OrchestratorInvocations 1; UrlsDone, UrlsOk, UrlsFailed (records this invocation wrote);
 * Continuations 1 when it handed over to a fresh invocation, RunsCompleted 1 when it finished the run,
 * StaleInvocations 1 for a duplicated continuation, OrchestratorErrors 1 when it threw.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { formatZodError } from '../../core/contract';
import { DEFAULT_WORKER_TIMEOUT_SECS, ENV, privateNetworksAllowed } from '../../core/deploy';
import { intFromEnv, requireEnv } from '../../core/env';
import { InvalidEventError } from '../../core/errors';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { OrchestratorEventSchema } from '../../core/schedule-input';
import { S3ObjectStore } from './object-store';
import { orchestrate, type OrchestrateResult } from './orchestrate';

const logger = new Logger();
const metrics = new Metrics();
const lambda = new LambdaClient({});
/** The stack's allowPrivate switch (FANOUT_ALLOW_PRIVATE, unset: forbidden). */
const allowPrivate = privateNetworksAllowed();

export async function handler(event: unknown, context: Context): Promise<OrchestrateResult> {
  logger.addContext(context);
  metrics.addMetric('OrchestratorInvocations', MetricUnit.Count, 1);
  try {
    const result = await run(event, context);
    recordMetrics(result);
    logger.info('orchestrator invocation finished', { ...result });
    return result;
  } catch (error) {
    metrics.addMetric('OrchestratorErrors', MetricUnit.Count, 1);
    logger.error('orchestrator invocation failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}

function recordMetrics(result: OrchestrateResult): void {
  if (result.status === 'stale') {
    metrics.addMetric('StaleInvocations', MetricUnit.Count, 1);
    return;
  }
  metrics.addMetric('UrlsDone', MetricUnit.Count, result.invocation.records);
  metrics.addMetric('UrlsOk', MetricUnit.Count, result.invocation.ok);
  metrics.addMetric('UrlsFailed', MetricUnit.Count, result.invocation.failed);
  metrics.addMetric(result.status === 'continued' ? 'Continuations' : 'RunsCompleted', MetricUnit.Count, 1);
}

async function run(event: unknown, context: Context): Promise<OrchestrateResult> {
  const parsed = OrchestratorEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidEventError(`invalid scheduled-run event: ${formatZodError(parsed.error)}`);
  const functionName = requireEnv(ENV.workerFunction);
  return orchestrate(parsed.data, {
    store: new S3ObjectStore(requireEnv(ENV.resultsBucket)),
    createInvoker: (concurrency) => new LambdaInvoker({ functionName, concurrency }),
    remainingMs: () => context.getRemainingTimeInMillis(),
    workerTimeoutMs: intFromEnv(ENV.workerTimeoutSecs, { fallback: DEFAULT_WORKER_TIMEOUT_SECS, min: 1, max: 900 }) * 1000,
    requestId: context.awsRequestId,
    allowPrivate,
    continueWith: async (next) => {
      await lambda.send(new InvokeCommand({ FunctionName: context.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(next)) }));
    },
  });
}
