/**
 * The worker's entry points: validate the event, scrape the chunk, and return its records, all at
 * once (`handler`) or each as its URL ends (`streamHandler`); or, for a `sitemaps` event, fetch
 * sitemap files and stream what each gave (`streamSitemaps`). `streamEvent` takes either kind. The
 * local mode runs these very functions in child processes (orchestrator/invokers/local-child.ts);
 * lambda.ts wraps them for AWS.
 */
import type { Context } from 'aws-lambda';
import { WorkerEventSchema, formatZodError, type Outcome, type WorkerEnd, type WorkerResult } from '../../core/contract';
import { assertPrivateAllowed } from '../../core/deploy';
import { InvalidEventError } from '../../core/errors';
import { isSitemapsEvent, SitemapsEventSchema, type SitemapRecord, type SitemapsEnd } from '../../core/sitemap-contract';
import { fetchSitemaps } from './fetch-sitemaps';
import { scrapeChunk, type ChunkControl } from './scrape-chunk';

/** Stop starting new fetches this long before the Lambda deadline, to leave time to answer. */
const DEADLINE_MARGIN_MS = 5_000;

/** Lambda's context, or the local child's, which can also deliver raised per-host limits (see ChunkControl). */
type WorkerContext = Partial<Pick<Context, 'getRemainingTimeInMillis' | 'memoryLimitInMB'>> & Pick<ChunkControl, 'onHostLimits'>;

/** What the deployment lets an event ask for. */
export interface WorkerPolicy {
  /**
   * false: refuse an event with `options.allowPrivate` (PrivateNetworkForbiddenError), as the
   * deployed worker does unless its stack allows it (lambda.ts). @default true (local mode: --allow-private decides)
   */
  allowPrivate?: boolean;
}

/** The buffered entry: validate the event, scrape the chunk, return every record in one result. */
export async function handler(event: unknown, context?: WorkerContext, policy?: WorkerPolicy): Promise<WorkerResult> {
  return runChunk(event, context, policy);
}

/**
 * The streaming entry: hands each record to `onRecord` the moment its URL ends, and resolves with
 * the chunk's end message (the result without its records). Local workers and the response-streaming
 * Lambda use it.
 */
export async function streamHandler(event: unknown, context: WorkerContext | undefined, onRecord: (record: Outcome) => void, policy?: WorkerPolicy): Promise<WorkerEnd> {
  const { outcomes: _streamed, ...end } = await runChunk(event, context, policy, onRecord);
  return end;
}

/**
 * The streaming entry for a `sitemaps` event: hands on each file's records as it is read, and
 * resolves with the end message (which sitemaps the deadline left, and this process's id).
 */
export async function streamSitemaps(
  event: unknown,
  context: WorkerContext | undefined,
  onRecord: (record: SitemapRecord) => void,
  policy: WorkerPolicy = {},
): Promise<SitemapsEnd> {
  const startedAt = performance.now();
  const parsed = SitemapsEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidEventError(`invalid sitemaps event: ${formatZodError(parsed.error)}`);
  const { runId, chunkId, sitemaps, options } = parsed.data;
  assertPrivateAllowed(options.allowPrivate, policy.allowPrivate ?? true, 'worker');
  const { unstarted } = await fetchSitemaps(sitemaps, options, { deadline: deadlineOf(context), onRecord });
  return { runId, chunkId, unstarted, ms: performance.now() - startedAt, pid: process.pid };
}

/** Either kind of event, by its `kind`: what the local child processes call (LocalInvoker's default export). */
export async function streamEvent(
  event: unknown,
  context: WorkerContext | undefined,
  onRecord: (record: Outcome | SitemapRecord) => void,
  policy?: WorkerPolicy,
): Promise<WorkerEnd | SitemapsEnd> {
  return isSitemapsEvent(event) ? streamSitemaps(event, context, onRecord, policy) : streamHandler(event, context, onRecord, policy);
}

function deadlineOf(context: WorkerContext | undefined): number | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? undefined : Date.now() + remaining - DEADLINE_MARGIN_MS;
}

async function runChunk(event: unknown, context: WorkerContext | undefined, policy: WorkerPolicy = {}, onOutcome?: (record: Outcome) => void): Promise<WorkerResult> {
  const parsed = WorkerEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidEventError(`invalid worker event: ${formatZodError(parsed.error)}`);
  }
  const { runId, chunkId, urls, options } = parsed.data;
  assertPrivateAllowed(options.allowPrivate, policy.allowPrivate ?? true, 'worker');
  const result = await scrapeChunk(urls, options, { deadline: deadlineOf(context), onOutcome, onHostLimits: context?.onHostLimits });
  // Lambda passes its memory size as a string; with the chunk's ms it lets the orchestrator estimate cost.
  const memoryMb = Number(context?.memoryLimitInMB);
  const stats = Number.isInteger(memoryMb) && memoryMb > 0 ? { ...result.stats, memoryMb } : result.stats;
  return { runId, chunkId, ...result, stats };
}
