/**
 * How a run is driven, as opposed to how a page is fetched (that is `ScrapeOptionsSchema` in
 * contract.ts): one zod schema whose defaults are the only ones. The CLI takes its flag ranges and
 * defaults from it, the scheduled-run input extends it, and the engine falls back to it.
 */
import { z } from 'zod';

/** `--robots`: `obey` checks every URL against its origin's robots.txt; `ignore` skips robots.txt. */
export const ROBOTS_MODES = ['obey', 'ignore'] as const;
export const RobotsModeSchema = z.enum(ROBOTS_MODES);
export type RobotsMode = z.infer<typeof RobotsModeSchema>;

export const RunControlSchema = z.strictObject({
  /** URLs per worker invocation. @default sized to the list (orchestrator/chunk.ts `defaultChunkSize`) */
  chunkSize: z.number().int().min(1).max(100_000).optional(),
  /** Tries after the first for a chunk whose worker crashed or timed out. @default 2 */
  chunkRetries: z.number().int().min(0).max(10).default(2),
  /**
   * robots.txt: `obey` fetches each origin's file once per run, records the URLs it forbids as
   * robots-disallowed and keeps its Crawl-delays; `ignore` skips it. @default 'obey'
   */
  robots: RobotsModeSchema.default('obey'),
  /** Lambda invocations in flight: well under the default account limit of 1,000 concurrent executions. @default 100 */
  lambdaConcurrency: z.number().int().min(1).max(10_000).default(100),
  /** A local worker process running longer than this on one chunk is killed and replaced. @default 900000 (15 min) */
  chunkTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(900_000),
  /** After Ctrl-C / SIGTERM, chunks in flight get this long to finish before they are cancelled. @default 10000 */
  graceMs: z.number().int().min(0).max(3_600_000).default(10_000),
  /**
   * Speculative copies of straggling chunks at most (orchestrator/stragglers.ts); 0 turns them off.
   * @default enough to send about 10 % of the URLs again on Lambda, where the invocation itself can be the straggler; 0 in
   * local mode, where every worker shares one machine and one network, so a copy would only fetch
   * the same slow pages from the same slow host a second time.
   */
  speculativeCopies: z.number().int().min(0).max(100_000).optional(),
});
export type RunControl = z.output<typeof RunControlSchema>;

/** Every run setting's default, as the schema fills them in. */
export const RUN_DEFAULTS: Readonly<RunControl> = Object.freeze(RunControlSchema.parse({}));

/** Invokes in flight by default in Lambda mode (kept as a name: the invoker, --dry-run and chunk sizing use it). */
export const DEFAULT_LAMBDA_CONCURRENCY = RUN_DEFAULTS.lambdaConcurrency;
