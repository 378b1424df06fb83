/**
 * The wire contract between the orchestrator and a worker: one zod schema per message, and the
 * types inferred from them. Both sides import this file, so a field cannot drift between them.
 */
import { z } from 'zod';
import { ExtractSpecSchema } from './extract-spec';
import { ProxySettingsSchema, ProxyUsageSchema } from './proxy';

export { ExtractSpecSchema, FieldSpecSchema, type ExtractSpec, type FieldSpec } from './extract-spec';

/**
 * Every way a URL can fail. Closed: a record's `error.kind` is always one of these.
 *
 * - `invalid-url`: the input line is not an absolute http(s) URL.
 * - `dns`: the host name did not resolve.
 * - `connect`: the TCP connection was refused, reset or could not be made in time.
 * - `timeout`: the attempt ran past `timeoutMs` (headers or body).
 * - `tls`: the TLS handshake or certificate check failed.
 * - `http`: the server answered with a status >= 400 (after retries, where the status is retryable).
 * - `too-large`: the body passed `maxBytes` (counted after decompression).
 * - `too-many-encodings`: `Content-Encoding` stacks more codings than are undone (5, as undici's fetch).
 * - `redirect-loop`: a redirect came back to a URL already seen in this chain.
 * - `too-many-redirects`: more than `maxRedirects` redirects.
 * - `bad-redirect`: a 3xx without a usable `Location`, or to a non-http(s) scheme.
 * - `network`: the connection broke mid-response (socket closed, bad chunking, bad gzip).
 * - `blocked`: the address is not public and `allowPrivate` is off (SSRF guard).
 * - `proxy`: every proxy tried failed the request (refused, 407, or CONNECT answered otherwise than 200).
 * - `robots-disallowed`: robots.txt forbids the URL and robots are obeyed.
 * - `not-started`: the worker reached its deadline before starting this URL (the orchestrator requeues it).
 * - `worker-failed`: the worker running the URL's chunk crashed or timed out on every try.
 * - `internal`: a bug in fanout; the message says where.
 */
export const ERROR_KINDS = [
  'invalid-url',
  'dns',
  'connect',
  'timeout',
  'tls',
  'http',
  'too-large',
  'too-many-encodings',
  'redirect-loop',
  'too-many-redirects',
  'bad-redirect',
  'network',
  'blocked',
  'proxy',
  'robots-disallowed',
  'not-started',
  'worker-failed',
  'internal',
] as const;
export const ErrorKindSchema = z.enum(ERROR_KINDS);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

const MiB = 1024 * 1024;

/** The product token robots.txt rules are matched against, whatever the User-Agent header says. */
export const ROBOTS_AGENT_TOKEN = 'fanout';

/**
 * One origin's robots.txt rules for our product token, as the orchestrator read them: patterns in
 * their canonical form (http/robots/robots-pattern.ts), or the whole site disallowed and why.
 */
export const RobotsOriginRulesSchema = z.strictObject({
  allow: z.array(z.string()),
  disallow: z.array(z.string()),
  /** Set when robots.txt was unreachable: nothing of the site may be fetched; the records' message. */
  disallowAll: z.string().optional(),
});
export type RobotsOriginRules = z.infer<typeof RobotsOriginRulesSchema>;

/**
 * robots.txt on redirects: every hop after the first is checked against the robots.txt of the
 * origin it goes to (the first was checked by the orchestrator before dispatch).
 */
export const RobotsOnRedirectSchema = z.strictObject({
  /** Matched against `User-agent:` lines. @default 'fanout' */
  agentToken: z.string().min(1).default(ROBOTS_AGENT_TOKEN),
  /** Rules the orchestrator already read, by origin (`https://host:port`); the worker fetches the others itself. */
  origins: z.record(z.string(), RobotsOriginRulesSchema).default({}),
});
export type RobotsOnRedirect = z.output<typeof RobotsOnRedirectSchema>;

/** How a worker fetches and parses. Every field has a default, so `{}` is a valid value. */
export const ScrapeOptionsSchema = z.strictObject({
  /** Requests in flight at once in one worker. @default 64 */
  concurrency: z.number().int().min(1).max(1024).default(64),
  /** Requests in flight at once to one host (host:port). @default 8 */
  perHost: z.number().int().min(1).max(1024).default(8),
  /** Whole wall time of one attempt: connect, headers and body. @default 30000 */
  timeoutMs: z.number().int().min(1).max(900_000).default(30_000),
  /** Retries after the first attempt, for network errors, 5xx, 408 and 429. @default 2 */
  retries: z.number().int().min(0).max(10).default(2),
  /** Body cap in bytes, counted after decompression. @default 10485760 (10 MiB) */
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * MiB)
    .default(10 * MiB),
  /** Redirects followed before `too-many-redirects`. @default 10 */
  maxRedirects: z.number().int().min(0).max(50).default(10),
  /** User-Agent header. @default `fanout/<version> (+https://github.com/fanout/fanout)` */
  userAgent: z.string().min(1).optional(),
  /** Declarative extraction spec; values land under `data`. */
  extract: ExtractSpecSchema.optional(),
  /** Let requests reach loopback and private addresses (SSRF guard off). @default false */
  allowPrivate: z.boolean().default(false),
  /**
   * This chunk's share of the run-wide per-host budget, by host key (`host:port`, see host-key.ts):
   * at most this many requests in flight to that host; 0 means start none of its URLs (they come
   * back `unstarted`). Hosts not listed use `perHost`. Set by the orchestrator's HostBudget.
   */
  hostLimits: z.record(z.string().min(1), z.number().int().min(0).max(1024)).optional(),
  /** Minimum gap after a request to a host ends before the next starts, by host key (robots.txt Crawl-delay, or a throttled host). */
  hostDelayMs: z.record(z.string().min(1), z.number().int().min(0).max(600_000)).optional(),
  /** Obey robots.txt on redirect hops (set by the orchestrator when robots.txt is obeyed). @default absent: redirects are not checked */
  robotsOnRedirect: RobotsOnRedirectSchema.optional(),
  /** Send requests through proxies (core/proxy.ts): the CLI's environment, or a pool. @default undefined (direct) */
  proxy: ProxySettingsSchema.optional(),
  /** Let proxies sit on loopback or private addresses (separate from `allowPrivate`, which is about targets). @default false */
  allowPrivateProxy: z.boolean().default(false),
});
export type ScrapeOptions = z.output<typeof ScrapeOptionsSchema>;
export type ScrapeOptionsInput = z.input<typeof ScrapeOptionsSchema>;

/** The event a worker receives: one chunk of one run. */
export const WorkerEventSchema = z.strictObject({
  runId: z.string().min(1),
  chunkId: z.string().min(1),
  urls: z.array(z.string()).min(1).max(100_000),
  options: ScrapeOptionsSchema.default(ScrapeOptionsSchema.parse({})),
});
export type WorkerEvent = z.output<typeof WorkerEventSchema>;
export type WorkerEventInput = z.input<typeof WorkerEventSchema>;

export const PageErrorSchema = z.object({
  kind: ErrorKindSchema,
  message: z.string(),
  status: z.number().int().optional(),
});
export type PageError = z.infer<typeof PageErrorSchema>;

/**
 * When the record was written: ISO 8601 in UTC with milliseconds, e.g. `2025-01-31T12:00:00.123Z`.
 * Set by the writer of a results file (the CLI stamps each record as it arrives from its worker),
 * not by the worker, so one run's times come from one clock. Lets a report draw throughput from
 * the results file alone. Optional: absent in records from workers and from older files.
 */
export const RecordTimeSchema = z.iso.datetime();

export const SuccessOutcomeSchema = z.object({
  url: z.string(),
  ok: z.literal(true),
  finalUrl: z.string(),
  status: z.number().int(),
  contentType: z.string().nullable(),
  bytes: z.number().int(),
  ms: z.number(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  links: z.array(z.string()),
  data: z.record(z.string(), z.unknown()).optional(),
  attempts: z.number().int().min(1),
  at: RecordTimeSchema.optional(),
  /** The proxy that carried the last request, password redacted; absent without a pool. */
  proxy: z.string().optional(),
});
export type SuccessOutcome = z.infer<typeof SuccessOutcomeSchema>;

export const FailureOutcomeSchema = z.object({
  url: z.string(),
  ok: z.literal(false),
  error: PageErrorSchema,
  attempts: z.number().int().min(0),
  ms: z.number().optional(),
  at: RecordTimeSchema.optional(),
  /** The proxy that carried the last request, password redacted, when one was reached. */
  proxy: z.string().optional(),
});
export type FailureOutcome = z.infer<typeof FailureOutcomeSchema>;

/** One record per input URL: a page, or an error that says why. */
export const OutcomeSchema = z.discriminatedUnion('ok', [SuccessOutcomeSchema, FailureOutcomeSchema]);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ChunkStatsSchema = z.object({
  ok: z.number().int(),
  failed: z.number().int(),
  bytes: z.number().int(),
  /** Wall time of the whole chunk in the worker. */
  ms: z.number(),
  /** The Lambda function's memory size (`context.memoryLimitInMB`) when the worker ran on Lambda, for cost estimates. */
  memoryMb: z.number().int().positive().optional(),
});
export type ChunkStats = z.infer<typeof ChunkStatsSchema>;

/**
 * What a worker returns. `outcomes` plus `unstarted` always cover the event's `urls` exactly:
 * `unstarted` are URLs the worker did not begin before its deadline, for the orchestrator to requeue.
 */
export const WorkerResultSchema = z.object({
  runId: z.string(),
  chunkId: z.string(),
  outcomes: z.array(OutcomeSchema),
  unstarted: z.array(z.string()).default([]),
  stats: ChunkStatsSchema,
  /**
   * Hosts that asked the worker to slow down (429, or 503 with Retry-After), by host key, with the
   * ms of their Retry-After still to run when the result was made (0 if over, or none was sent).
   * The orchestrator slows them for the rest of the run.
   */
  throttled: z.record(z.string(), z.number().int().min(0)).optional(),
  /** With a proxy pool: what the worker did through each proxy, by index into `options.proxy.proxies`. */
  proxies: z.array(ProxyUsageSchema).optional(),
});
export type WorkerResult = z.output<typeof WorkerResultSchema>;

/** The final message of a worker's stream: what a WorkerResult says besides its records. */
export const WorkerEndSchema = WorkerResultSchema.omit({ outcomes: true });
export type WorkerEnd = z.output<typeof WorkerEndSchema>;

/**
 * What a worker streams back: one `record` per URL the moment that URL ends, then one `end` with
 * the chunk's stats. Locally these are IPC messages; on Lambda, NDJSON lines of a streamed response.
 * A stream cut before `end` still delivered its records: only URLs without one are run again.
 */
export const WorkerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('record'), record: OutcomeSchema }),
  WorkerEndSchema.extend({ type: z.literal('end') }),
]);
export type WorkerMessage = z.output<typeof WorkerMessageSchema>;

export { formatZodError } from './zod-error';
