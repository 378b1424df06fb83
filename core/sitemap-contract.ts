/**
 * The wire contract for sitemap files fetched by a worker: the `sitemaps` event, the records it
 * streams back (one or more per file) and its end message. Both sides import this file, as they do
 * core/contract.ts for page chunks; the transport (IPC locally, NDJSON on Lambda) is the same.
 */
import { z } from 'zod';

/**
 * Why a sitemap gave no URLs (SitemapError's `reason`, http/sitemap/sitemap-error.ts).
 *
 * - `malformed`: not well-formed XML (the message has the line and column).
 * - `not-a-sitemap`: well-formed, but neither a `<urlset>` nor a `<sitemapindex>` (an HTML page, a feed).
 * - `too-many-urls`: more than the protocol's 50,000 entries in one file.
 * - `too-large`: more than the protocol's 50 MB (52,428,800 bytes) uncompressed.
 * - `too-deep`: an index nested deeper than the depth cap, or past the cap on sitemap files.
 * - `http`: the server answered 4xx/5xx (after retries for 5xx, 408 and 429).
 * - `fetch`: no usable answer: DNS, connection, timeout, TLS, a broken gzip stream, bad redirects,
 *   or the worker fetching it failed on every try.
 * - `blocked`: the SSRF guard refused the address (`--allow-private` lets it through).
 * - `robots-disallowed`: robots.txt forbids the sitemap URL itself.
 * - `no-sitemaps`: `robots:<origin>` found no `Sitemap:` line, or no robots.txt.
 */
export const SITEMAP_ERROR_REASONS = [
  'malformed',
  'not-a-sitemap',
  'too-many-urls',
  'too-large',
  'too-deep',
  'http',
  'fetch',
  'blocked',
  'robots-disallowed',
  'no-sitemaps',
] as const;
export const SitemapErrorReasonSchema = z.enum(SITEMAP_ERROR_REASONS);
export type SitemapErrorReason = z.infer<typeof SitemapErrorReasonSchema>;

export const SitemapKindSchema = z.enum(['urlset', 'index', 'text']);

/** Page URLs a worker puts in one record at most: a 50,000-URL file becomes 10 NDJSON lines of ~0.5 MB, not one of 5 MB. */
export const DEFAULT_SITEMAP_URLS_PER_RECORD = 5_000;

/** How a worker fetches sitemaps: the pages' guards, and the protocol's limits. */
export const SitemapFetchSettingsSchema = z.strictObject({
  /** One sitemap fetch, redirects, headers and body. @default 30000 */
  timeoutMs: z.number().int().min(1).max(900_000).default(30_000),
  /** @default 10 */
  maxRedirects: z.number().int().min(0).max(50).default(10),
  /** Tries after the first for network errors, 5xx, 408 and 429. @default 2 */
  retries: z.number().int().min(0).max(10).default(2),
  /** First retry backoff, doubling per try. @default 1000 */
  retryBaseDelayMs: z.number().int().min(0).max(60_000).optional(),
  /** Let requests reach loopback and private addresses (SSRF guard off). @default false */
  allowPrivate: z.boolean().default(false),
  userAgent: z.string().min(1).optional(),
  /** Decoded bytes per file. @default 52428800 (the protocol's 50 MB) */
  maxBytes: z.number().int().min(1).optional(),
  /** Entries per file. @default 50000 (the protocol's) */
  maxEntries: z.number().int().min(1).optional(),
  /**
   * The event's sitemaps are fetched one after another (they are on one host), this long apart:
   * the host's robots.txt Crawl-delay. @default 0
   */
  delayMs: z.number().int().min(0).max(600_000).default(0),
  /** URLs in one record at most; a bigger file spans several. @default DEFAULT_SITEMAP_URLS_PER_RECORD */
  urlsPerRecord: z.number().int().min(1).max(50_000).default(DEFAULT_SITEMAP_URLS_PER_RECORD),
});
export type SitemapFetchSettings = z.output<typeof SitemapFetchSettingsSchema>;

/** The event a worker receives to fetch sitemap files (page chunks are core/contract.ts's WorkerEvent). */
export const SitemapsEventSchema = z.strictObject({
  kind: z.literal('sitemaps'),
  runId: z.string().min(1),
  chunkId: z.string().min(1),
  /** Absolute http(s) URLs, normalised, their robots.txt already checked by the orchestrator. */
  sitemaps: z.array(z.string().min(1)).min(1).max(1_000),
  options: SitemapFetchSettingsSchema.default(SitemapFetchSettingsSchema.parse({})),
});
export type SitemapsEvent = z.output<typeof SitemapsEventSchema>;
export type SitemapsEventInput = z.input<typeof SitemapsEventSchema>;

/** Whether `event` asks for sitemaps (else it is a page chunk): the worker's one dispatch. */
export function isSitemapsEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { kind?: unknown }).kind === 'sitemaps';
}

/** One URL of a sitemap: a page (urlset, text) or a child sitemap (index), normalised. */
export const SitemapUrlSchema = z.strictObject({
  url: z.string(),
  /** `<lastmod>` as written, when there is one. */
  lastmod: z.string().optional(),
});
export type SitemapUrl = z.infer<typeof SitemapUrlSchema>;

/**
 * What one sitemap file gave, in one or more records: each carries some of its URLs in document
 * order; the last carries `end` (what the whole file counted) or `error` (why it gave nothing: no
 * URLs come before an error, since a file is parsed whole before any is sent).
 */
export const SitemapRecordSchema = z.strictObject({
  /** The URL as the event named it. */
  sitemap: z.string(),
  urls: z.array(SitemapUrlSchema).default([]),
  end: z
    .strictObject({
      kind: SitemapKindSchema,
      /** Entries read: `<url>`s, `<sitemap>`s or lines. */
      entries: z.number().int().min(0),
      /** `<loc>`s that are not absolute http(s) URLs (left out of `urls`). */
      invalid: z.number().int().min(0),
    })
    .optional(),
  error: z
    .strictObject({
      reason: SitemapErrorReasonSchema,
      /** Names the sitemap first: `sitemap <url>: …`. */
      message: z.string(),
      status: z.number().int().optional(),
    })
    .optional(),
});
export type SitemapRecord = z.output<typeof SitemapRecordSchema>;

/** What a `sitemaps` event ends with, after its records. */
export const SitemapsEndSchema = z.strictObject({
  runId: z.string(),
  chunkId: z.string(),
  /** Sitemaps not begun before the worker's deadline, for the orchestrator to send again. */
  unstarted: z.array(z.string()).default([]),
  /** Wall time in the worker. */
  ms: z.number(),
  /** The worker's process id: which process did the fetching (local mode; on Lambda, the sandbox's). */
  pid: z.number().int().optional(),
});
export type SitemapsEnd = z.output<typeof SitemapsEndSchema>;

/** A `sitemaps` event's stream: records as files end, then one end line (NDJSON on Lambda). */
export const SitemapsMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sitemap'), record: SitemapRecordSchema }),
  SitemapsEndSchema.extend({ type: z.literal('sitemaps-end') }),
]);
export type SitemapsMessage = z.output<typeof SitemapsMessageSchema>;
