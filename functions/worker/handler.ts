/**
 * The worker's Lambda entry point: validate the event, scrape the chunk, return the result.
 * The local mode runs this very function in child processes (orchestrator/invokers/local-child.ts).
 */
import type { Context } from 'aws-lambda';
import { WorkerEventSchema, formatZodError, type WorkerResult } from '../../core/contract';
import { InvalidEventError } from '../../core/errors';
import { scrapeChunk } from './scrape-chunk';

/** Stop starting new fetches this long before the Lambda deadline, to leave time to answer. */
const DEADLINE_MARGIN_MS = 5_000;

export async function handler(event: unknown, context?: Partial<Pick<Context, 'getRemainingTimeInMillis' | 'memoryLimitInMB'>>): Promise<WorkerResult> {
  const parsed = WorkerEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidEventError(`invalid worker event: ${formatZodError(parsed.error)}`);
  }
  const { runId, chunkId, urls, options } = parsed.data;
  const remaining = context?.getRemainingTimeInMillis?.();
  const deadline = remaining === undefined ? undefined : Date.now() + remaining - DEADLINE_MARGIN_MS;
  const result = await scrapeChunk(urls, options, { deadline });
  // Lambda passes its memory size as a string; with the chunk's ms it lets the orchestrator estimate cost.
  const memoryMb = Number(context?.memoryLimitInMB);
  const stats = Number.isInteger(memoryMb) && memoryMb > 0 ? { ...result.stats, memoryMb } : result.stats;
  return { runId, chunkId, ...result, stats };
}
