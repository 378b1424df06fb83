/**
 * `summary.json`: every number a person or a report needs about one run. One schema for the three
 * places that touch it: the CLI writes it (`fanout run --summary`), the scheduled-run function
 * writes it next to results.jsonl, and the report reads it.
 */
import { z } from 'zod';
import { ErrorKindSchema } from './contract';
import { ProxyStatSchema } from './proxy';

const count = z.number().int().min(0);

/** What a Lambda-mode run used, for a cost estimate. */
export const LambdaUsageSchema = z.object({
  functionName: z.string(),
  /** The worker's memory size, as its results report it; absent if none did. */
  memoryMb: z.number().positive().optional(),
  /**
   * Approximate billed duration: each result's chunk time rounded up to the ms, as Lambda rounds
   * each invocation. Leaves out the handler's own overhead and invocations that returned no result.
   */
  billedMs: z.number().min(0),
  /** Invocations Lambda ran (throttled invokes are not run, so not billed). */
  invocations: count,
  architecture: z.enum(['arm64', 'x86_64']),
});
export type LambdaUsage = z.infer<typeof LambdaUsageSchema>;

/** What the input list held, as counted by the reader. */
export const InputCountsSchema = z.object({
  /** Non-blank, non-comment lines. */
  read: count,
  valid: count,
  /** Lines dropped as duplicates of an earlier URL. */
  duplicate: count,
  /** Lines that are not http(s) URLs (each has an `invalid-url` record). */
  invalid: count,
});
export type InputCounts = z.infer<typeof InputCountsSchema>;

export const RunSummarySchema = z
  .object({
    runId: z.string(),
    /** Which back end ran the chunks. Cost is estimated only for `lambda`. */
    mode: z.enum(['local', 'lambda']),
    /** ISO 8601. */
    startedAt: z.string(),
    /** ISO 8601. */
    finishedAt: z.string(),
    wallMs: z.number().min(0),
    input: InputCountsSchema,
    /** Records written: one per valid URL plus one per invalid line. */
    records: count,
    ok: count,
    failed: count,
    failedByKind: z.partialRecord(ErrorKindSchema, count),
    /** Final HTTP status of each record that has one, e.g. `{ "200": 950, "404": 3 }`. */
    byStatus: z.record(z.string(), count),
    /** URLs whose chunk was lost (worker-failed): the CLI exits 2 when this is not 0. */
    lost: count,
    /** Pages attempted (invalid lines excluded) per second of wall time. */
    pagesPerSec: z.number().min(0),
    /** Fetch-time percentiles, ms. Absent for scheduled runs, which span invocations. */
    fetchMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }).optional(),
    bytes: count,
    /** Cumulative records written, sampled about once a second: `[secondsSinceStart, done]`. */
    timeline: z.array(z.tuple([z.number().min(0), count])).optional(),
    /** The run ended before every URL had a record (Ctrl-C, or a setup error). */
    interrupted: z.boolean(),
    /** The options the run used (scrape options and run settings), as given. */
    options: z.record(z.string(), z.unknown()),
    /** Lambda mode: what the workers used, for a cost estimate. */
    lambda: LambdaUsageSchema.optional(),
    /** Speculative copies of straggling chunks the run made (the first record per URL won). */
    speculativeInvocations: count.optional(),
    /** Scheduled runs: the schedule's name. */
    schedule: z.string().optional(),
    /** Scheduled runs: orchestrator invocations the run took. */
    invocations: count.optional(),
    /** With a proxy pool: each proxy (password redacted) with its requests, failures and benches. */
    proxies: z.array(ProxyStatSchema).optional(),
    /** robots.txt: the mode, files fetched, and hosts with a Crawl-delay. */
    robots: z.object({ mode: z.string(), fetches: count, crawlDelayHosts: count }).optional(),
  })
  // A newer writer's extra fields pass through to older readers.
  .loose();
export type RunSummary = z.infer<typeof RunSummarySchema>;
