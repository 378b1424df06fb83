/**
 * The worker's deployed Lambda entry: a response-streaming function (`awslambda.streamifyResponse`)
 * that writes NDJSON, one `{"type":"record",...}` line per URL the moment that URL ends and then one
 * `{"type":"end",...}` line with the chunk's stats (WorkerMessage in core/contract.ts). The orchestrator
 * reads it with InvokeWithResponseStream, so a chunk's records are not capped at 6 MB and those
 * already sent survive a crash or timeout.
 *
 * Powertools logging and metrics wrap the unchanged streamHandler (handler.ts stays free of AWS-only
 * dependencies, so local mode runs it as is). Unless the stack allows it (`-c allowPrivate=true`,
 * FANOUT_ALLOW_PRIVATE), an event with `allowPrivate` is refused with PrivateNetworkForbiddenError.
 * Metrics: PagesOk, PagesFailed, Bytes, ChunkDurationMs per chunk; ChunkErrors when the chunk throws.
 *
 * A `sitemaps` event (core/sitemap-contract.ts) streams the same way: one `{"type":"sitemap",...}`
 * line per record (a file's URLs, split over several lines when it has many), then `sitemaps-end`.
 * Metrics: SitemapFiles and SitemapsFailed per event.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { WorkerMessage } from '../../core/contract';
import { privateNetworksAllowed } from '../../core/deploy';
import { isSitemapsEvent, type SitemapsMessage } from '../../core/sitemap-contract';
import { streamHandler, streamSitemaps, type WorkerPolicy } from './handler';
import { assertResponseStream, streamify } from './streamify';

// Module scope: created once per execution environment, reused across invocations.
const logger = new Logger();
const metrics = new Metrics();
/** The stack's allowPrivate switch (FANOUT_ALLOW_PRIVATE, unset: forbidden): events asking for more are refused. */
const policy: WorkerPolicy = { allowPrivate: privateNetworksAllowed() };

/** NDJSON: what the orchestrator's LambdaInvoker reads, one line per WorkerMessage. */
export const WORKER_STREAM_CONTENT_TYPE = 'application/x-ndjson';

/**
 * Runs one chunk, writing its records to `responseStream` as they end, then the end line; ends the
 * stream and resolves once it has flushed (the runtime fails an invocation whose stream is not finished).
 * On an error nothing more is written and the error is rethrown: the runtime reports it in the
 * stream's `InvokeComplete` event, after the records already sent.
 */
export async function streamChunk(event: unknown, responseStream: Writable, context: Context): Promise<void> {
  assertResponseStream(responseStream);
  logger.addContext(context);
  const chunk = event as { runId?: string; chunkId?: string; urls?: unknown[] } | null;
  logger.appendKeys({ runId: chunk?.runId, chunkId: chunk?.chunkId });
  (responseStream as Partial<awslambda.HttpResponseStream>).setContentType?.(WORKER_STREAM_CONTENT_TYPE);
  // Records are small and the chunk's pace is the sites', so writes are not held back for the
  // stream's back-pressure: they queue in the stream, which the final `finished` waits to drain.
  const send = (message: WorkerMessage | SitemapsMessage) => responseStream.write(`${JSON.stringify(message)}\n`);
  try {
    if (isSitemapsEvent(event)) {
      let files = 0;
      let failed = 0;
      const end = await streamSitemaps(
        event,
        context,
        (record) => {
          if (record.end !== undefined) files++;
          if (record.error !== undefined) failed++;
          send({ type: 'sitemap', record });
        },
        policy,
      );
      send({ type: 'sitemaps-end', ...end });
      metrics.addMetric('SitemapFiles', MetricUnit.Count, files);
      metrics.addMetric('SitemapsFailed', MetricUnit.Count, failed);
      logger.info('sitemaps done', { files, failed, unstarted: end.unstarted.length, ms: end.ms });
    } else {
      const end = await streamHandler(event, context, (record) => send({ type: 'record', record }), policy);
      send({ type: 'end', ...end });
      metrics.addMetric('PagesOk', MetricUnit.Count, end.stats.ok);
      metrics.addMetric('PagesFailed', MetricUnit.Count, end.stats.failed);
      metrics.addMetric('Bytes', MetricUnit.Bytes, end.stats.bytes);
      metrics.addMetric('ChunkDurationMs', MetricUnit.Milliseconds, end.stats.ms);
      logger.info('chunk done', { urls: chunk?.urls?.length, ...end.stats, unstarted: end.unstarted.length });
    }
  } catch (error) {
    metrics.addMetric('ChunkErrors', MetricUnit.Count, 1);
    logger.error('chunk failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
  responseStream.end();
  await finished(responseStream);
}

/** What the runtime calls: {@link streamChunk}, marked as response-streaming by `awslambda.streamifyResponse`. */
export const handler = streamify(streamChunk);
