/**
 * The scheduled-run function's input: which URL list, which run options. One zod schema, used by the
 * function to validate its event and by the CDK app to validate each schedule's rule input at synth
 * time, so a schedule cannot deploy an input the function would reject.
 */
import { z } from 'zod';
import { ROBOTS_AGENT_TOKEN, ScrapeOptionsSchema, type ScrapeOptions } from './contract';
import { CrawlSettingsSchema } from './crawl-spec';
import { normaliseUrl } from './normalise-url';
import { RunControlSchema } from './run-control';

/** Results, checkpoints and list objects live under these prefixes of the results bucket. */
export const LISTS_PREFIX = 'lists/';
export const RUNS_PREFIX = 'runs/';

/** Inline lists are for a handful of URLs; anything longer belongs in an S3 object. */
export const MAX_INLINE_URLS = 1_000;

export const ScheduleNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes, at most 64 characters, starting with a letter or digit');

/** The key of a URL list object in the results bucket. */
export const ListKeySchema = z
  .string()
  .startsWith(LISTS_PREFIX, `must be under ${LISTS_PREFIX} (the only prefix the orchestrator may read lists from)`)
  .refine((k) => !k.includes('..'), 'must not contain ".."');

/** Where the URLs come from: an object under `lists/` in the results bucket, or a short inline list. */
export const ListSourceSchema = z.union([z.strictObject({ s3Key: ListKeySchema }), z.strictObject({ urls: z.array(z.string().min(1)).min(1).max(MAX_INLINE_URLS) })]);
export type ListSource = z.infer<typeof ListSourceSchema>;

/**
 * A scheduled crawl: its seeds (read as a list is: an object under `lists/` or inline URLs) and the
 * crawl's own settings (core/crawl-spec.ts, the schema `fanout crawl`'s flags share).
 */
export const CrawlSourceSchema = CrawlSettingsSchema.extend({ seeds: ListSourceSchema }).superRefine((crawl, ctx) => {
  if (!('urls' in crawl.seeds)) return; // an S3 object's seeds are read, and checked, when the run starts
  const valid = crawl.seeds.urls.filter((url) => normaliseUrl(url).ok).length;
  if (valid === 0) ctx.addIssue({ code: 'custom', path: ['seeds', 'urls'], message: 'no http(s) URL to crawl from: give at least one, such as https://example.com/' });
  if (crawl.maxPages !== undefined && crawl.maxPages < valid) {
    ctx.addIssue({ code: 'custom', path: ['maxPages'], message: `${crawl.maxPages} is less than the ${valid} seeds: raise it or give fewer seeds` });
  }
});
export type CrawlSource = z.output<typeof CrawlSourceSchema>;

/**
 * A schedule's input names exactly one of `list` and `crawl`: the check both the schedule entry
 * (infra/) and the function's input run, so both say the same thing.
 */
export function checkOneSource(value: { list?: unknown; crawl?: unknown }, ctx: z.RefinementCtx): void {
  if (value.list !== undefined && value.crawl !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['crawl'],
      message: 'give either "list" (run a fixed list) or "crawl" (follow links from seeds), not both: remove one; a crawl\'s start URLs go in crawl.seeds',
    });
  } else if (value.list === undefined && value.crawl === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['list'],
      message: 'missing: give "list" ({ "s3Key": "lists/…" } or { "urls": [...] }) to run a fixed list, or "crawl" ({ "seeds": …, "maxDepth": … }) to follow links',
    });
  }
}

/** Exactly one of the two, as the code sees it. */
export type RunSource = { list: ListSource; crawl?: undefined } | { crawl: CrawlSource; list?: undefined };

/** The one source of a parsed input ({@link checkOneSource} has made sure there is exactly one). */
export function runSource(input: { list?: ListSource; crawl?: CrawlSource }): RunSource {
  if (input.crawl !== undefined) return { crawl: input.crawl };
  if (input.list !== undefined) return { list: input.list };
  throw new TypeError('a run input with neither list nor crawl: parse it with RunInputSchema first');
}

/**
 * Worker scrape options (allowPrivate included, default false) plus how the run is driven. Not
 * proxies: a schedule's input sits in plain text in the template and the rule, no place for a
 * proxy password, and a scheduled run has no run-wide pool to bench across its invocations.
 */
export const RunSettingsSchema = ScrapeOptionsSchema.omit({ proxy: true, allowPrivateProxy: true }).extend({
  /** URLs per worker invocation: at most 10,000 here, so one invocation fits the worker's timeout. @default chunk.ts's defaultChunkSize */
  chunkSize: RunControlSchema.shape.chunkSize.unwrap().max(10_000).optional(),
  /** Worker invocations in flight. @default 100 (run-control.ts `lambdaConcurrency`) */
  invokeConcurrency: z.number().int().min(1).max(1_000).default(RunControlSchema.shape.lambdaConcurrency.def.defaultValue),
  /** Tries after the first for a failing chunk. @default 2 (run-control.ts) */
  chunkRetries: RunControlSchema.shape.chunkRetries,
  /** Fresh orchestrator invocations a run may use before its remaining URLs are given up. @default 100 */
  maxInvocations: z.number().int().min(1).max(1_000).default(100),
  /** robots.txt, fetched once per run on its first invocation. @default 'obey' (run-control.ts) */
  robots: RunControlSchema.shape.robots,
});
export type RunSettings = z.output<typeof RunSettingsSchema>;

/** Splits run settings into how the run is driven and the options every worker gets. */
export function splitSettings(settings: RunSettings): {
  run: Pick<RunSettings, 'chunkSize' | 'invokeConcurrency' | 'chunkRetries' | 'maxInvocations' | 'robots'>;
  scrape: Omit<ScrapeOptions, 'proxy' | 'allowPrivateProxy'>;
} {
  const { chunkSize, invokeConcurrency, chunkRetries, maxInvocations, robots, robotsOnRedirect, ...rest } = settings;
  // Obeyed robots.txt holds on redirects too: the workers check every hop, learning the rules themselves.
  const scrape = robots === 'obey' ? { ...rest, robotsOnRedirect: robotsOnRedirect ?? { agentToken: ROBOTS_AGENT_TOKEN, origins: {} } } : rest;
  return { run: { chunkSize, invokeConcurrency, chunkRetries, maxInvocations, robots }, scrape };
}

/** A scheduled (or manual) run of a list, or a scheduled crawl: what EventBridge sends. */
export const RunInputSchema = z
  .strictObject({
    schedule: ScheduleNameSchema,
    list: ListSourceSchema.optional(),
    crawl: CrawlSourceSchema.optional(),
    options: RunSettingsSchema.default(RunSettingsSchema.parse({})),
  })
  .superRefine(checkOneSource);
export type RunInput = z.output<typeof RunInputSchema>;
export type RunInputInput = z.input<typeof RunInputSchema>;

/**
 * What the function sends itself to carry on a run from its checkpoint. Only this function (and
 * whoever may invoke it) can send one, while anyone who may write `runs/*` can change the checkpoint;
 * so the event pins the checkpoint it expects, and a checkpoint that does not match is refused.
 */
export const ContinueInputSchema = z.strictObject({
  continue: z.strictObject({
    /** `runs/<schedule>/<timestamp>/` */
    runPrefix: z.string().startsWith(RUNS_PREFIX),
    /** The checkpoint generation this continuation expects; a stale duplicate sees a newer one and stops. */
    generation: z.number().int().min(0),
    /** The run's id: the checkpoint must be this run's. */
    runId: z.string().min(1),
    /** The list (or crawl seeds) object the run reads, or null for an inline one: the checkpoint must name the same one. */
    listKey: ListKeySchema.nullable(),
    /** SHA-256 (hex) of the checkpoint as the previous invocation wrote it: one changed since is refused. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'),
  }),
});
export type ContinueInput = z.output<typeof ContinueInputSchema>;

/** Everything the orchestrator function accepts. */
export const OrchestratorEventSchema = z.union([RunInputSchema, ContinueInputSchema]);
export type OrchestratorEvent = z.output<typeof OrchestratorEventSchema>;
