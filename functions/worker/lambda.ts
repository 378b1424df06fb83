/**
 * The worker's deployed Lambda entry: Powertools logging and metrics around the unchanged handler
 * (handler.ts stays free of AWS-only dependencies, so local mode runs it as is).
 * Metrics: PagesOk, PagesFailed, Bytes, ChunkDurationMs per chunk; ChunkErrors when the handler throws.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { WorkerResult } from '../../core/contract';
import { handler as scrapeHandler } from './handler';

// Module scope: created once per execution environment, reused across invocations.
const logger = new Logger();
const metrics = new Metrics();

export async function handler(event: unknown, context: Context): Promise<WorkerResult> {
  logger.addContext(context);
  const chunk = event as { runId?: string; chunkId?: string; urls?: unknown[] } | null;
  logger.appendKeys({ runId: chunk?.runId, chunkId: chunk?.chunkId });
  try {
    const result = await scrapeHandler(event, context);
    metrics.addMetric('PagesOk', MetricUnit.Count, result.stats.ok);
    metrics.addMetric('PagesFailed', MetricUnit.Count, result.stats.failed);
    metrics.addMetric('Bytes', MetricUnit.Bytes, result.stats.bytes);
    metrics.addMetric('ChunkDurationMs', MetricUnit.Milliseconds, result.stats.ms);
    logger.info('chunk done', { urls: chunk?.urls?.length, ...result.stats, unstarted: result.unstarted.length });
    return result;
  } catch (error) {
    metrics.addMetric('ChunkErrors', MetricUnit.Count, 1);
    logger.error('chunk failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
