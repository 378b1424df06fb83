/**
 * The orchestrator's Lambda entry: validate the event (a scheduled run, or a continuation this
 * function sent itself), then {@link orchestrate} with S3, the worker's LambdaInvoker and an async
 * self-invoke wired in. Clients are module-scope: one per execution environment.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { formatZodError } from '../worker/contract';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { OrchestratorEventSchema } from './input';
import { S3ObjectStore } from './object-store';
import { orchestrate, type OrchestrateResult } from './orchestrate';

const logger = new Logger();
const lambda = new LambdaClient({});

export class InvalidOrchestratorEventError extends Error {
  override readonly name = 'InvalidOrchestratorEventError';
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the stack sets it)`);
  return value;
}

export async function handler(event: unknown, context: Context): Promise<OrchestrateResult> {
  logger.addContext(context);
  const parsed = OrchestratorEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidOrchestratorEventError(`invalid orchestrator event: ${formatZodError(parsed.error)}`);
  const functionName = requireEnv('FANOUT_FUNCTION');
  const result = await orchestrate(parsed.data, {
    store: new S3ObjectStore(requireEnv('RESULTS_BUCKET')),
    createInvoker: (concurrency) => new LambdaInvoker({ functionName, concurrency }),
    remainingMs: () => context.getRemainingTimeInMillis(),
    workerTimeoutMs: Number(process.env.WORKER_TIMEOUT_SECS ?? 300) * 1000,
    requestId: context.awsRequestId,
    continueWith: async (next) => {
      await lambda.send(new InvokeCommand({ FunctionName: context.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(next)) }));
    },
  });
  logger.info('orchestrator invocation finished', { ...result });
  return result;
}
