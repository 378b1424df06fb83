/**
 * Sitemap sources to page URLs: indexes are followed breadth first to a depth cap, `robots:<origin>`
 * reads the origin's `Sitemap:` lines, and every fetch goes through the pages' guards (SSRF,
 * timeouts, redirects, the protocol's size caps) and robots.txt (checked here before any fetch),
 * `Crawl-delay` apart per host. A file that fails is a value naming it; the others go on.
 *
 * Who fetches: while a few sitemaps wait (the sources, an index of up to `workers.threshold`
 * children), the orchestrator fetches them itself, one at a time. When more wait (a big index's
 * children), they all go to the workers (`workers`, fan-out-sitemaps.ts): grouped by host into
 * `sitemaps` events on the run's invoker, local child processes or Lambda, with the same fetch and
 * parser (http/sitemap/), at most `perHost` events of a host at once. Files come back in the order
 * the workers finish; an index among them queues its children for the next round.
 */
import type { Agent } from 'undici';
import { hostKey } from '../../core/host-key';
import type { RobotsMode } from '../../core/run-control';
import { describeSitemapSource, parseLastmod, type SitemapSource } from '../../core/sitemap-spec';
import type { UrlFilter } from '../../core/url-pattern';
import { DEFAULT_USER_AGENT } from '../../core/version';
import { createAgent } from '../../http/agent';
import { connectTimeoutFor } from '../../http/follow-redirects';
import { fetchRobotsTxt } from '../../http/robots/robots-fetch';
import { fetchSitemap } from '../../http/sitemap/fetch-sitemap';
import { sitemapUrls } from '../../http/sitemap/sitemap-urls';
import type { Invoker } from '../invoker';
import { RobotsCache } from '../robots';
import { fanOutSitemaps, type FanOutOptions, type FetchedSitemap, type SitemapJob } from './fan-out-sitemaps';
import { HostPacer } from './host-pacer';
import { sitemapsOfRobotsTxt } from './robots-sitemaps';
import type { SitemapKind } from '../../http/sitemap/parse-sitemap';
import { SitemapError } from '../../http/sitemap/sitemap-error';

export interface ExpandSitemapsOptions {
  sources: readonly SitemapSource[];
  /** Drop URLs whose `<lastmod>` is before this (epoch ms); URLs without one are kept. */
  sinceMs?: number;
  /** Keep only URLs it passes (`--include` / `--exclude`). */
  filter?: UrlFilter;
  /** Index nesting followed: a sitemap named by a source is depth 0, its children 1, … @default 5 */
  maxDepth?: number;
  /** Sitemap files fetched at most, over all sources. @default 10000 */
  maxFiles?: number;
  /** @default DEFAULT_USER_AGENT */
  userAgent?: string;
  /** One sitemap fetch, body included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Tries after the first for a sitemap fetch that may pass (network, 5xx, 408, 429). */
  retries: number;
  allowPrivate: boolean;
  /** `obey`: a sitemap URL robots.txt forbids is not fetched, and Crawl-delay spaces the fetches. */
  robots: RobotsMode;
  /** The run's cache, so robots.txt is fetched once per origin for sitemaps and pages together. @default a cache of its own */
  robotsCache?: RobotsCache;
  /** For tests: the protocol's limits, lowered. */
  maxBytes?: number;
  maxEntries?: number;
  retryBaseDelayMs?: number;
  /** Stops the expansion: the fetch in flight is aborted and nothing more is fetched. */
  signal?: AbortSignal;
  /**
   * Fetch many files through the workers: when more than `threshold` sitemaps wait (an index's
   * children, a robots.txt's Sitemap: lines), they go out as `sitemaps` events on `invoker`
   * (fan-out-sitemaps.ts). An invoker without `invokeSitemaps` leaves every fetch here.
   * @default undefined: every file fetched here, one at a time
   */
  workers?: Omit<FanOutOptions, 'settings' | 'pacer' | 'signal' | 'invoker'> & {
    invoker: Pick<Invoker, 'invokeSitemaps' | 'capacity'>;
    /** @default DEFAULT_FAN_OUT_ABOVE (4) */
    threshold?: number;
  };
}

/** Sitemaps waiting at once above which the workers fetch them: an index of 5 children or more. */
export const DEFAULT_FAN_OUT_ABOVE = 4;

/** What one sitemap file gave. */
export interface SitemapFile {
  /** Its URL, or `robots:<origin>` for a robots.txt that gave no sitemaps. */
  sitemap: string;
  /** 0 for a sitemap named by a source. */
  depth: number;
  kind?: SitemapKind;
  /** Page URLs (urlset or text), normalised, in document order, after `sinceMs` and `filter`; not de-duplicated. */
  urls: string[];
  counts: {
    /** Entries read: `<url>`s, `<sitemap>`s or lines. */
    entries: number;
    /** `<loc>`s that are not absolute http(s) URLs (no record: they are not URLs). */
    invalid: number;
    /** Dropped by `sinceMs`. */
    old: number;
    /** Dropped by `filter`. */
    filtered: number;
  };
  error?: SitemapError;
}

interface Pending {
  url: string;
  depth: number;
}

/**
 * Yields one {@link SitemapFile} per sitemap fetched (indexes included, with their children queued),
 * and one with `error` per sitemap or source that gave nothing. Never throws for a sitemap's sake.
 *
 * @example
 * for await (const file of expandSitemaps({ sources: [parseSitemapSource('robots:https://a.test')], timeoutMs: 30_000, maxRedirects: 10, retries: 2, allowPrivate: false, robots: 'obey' })) {
 *   if (file.error) console.error(file.error.message); else queue(file.urls);
 * }
 */
export async function* expandSitemaps(options: ExpandSitemapsOptions): AsyncGenerator<SitemapFile> {
  const maxDepth = options.maxDepth ?? 5;
  const maxFiles = options.maxFiles ?? 10_000;
  const agent: Agent = createAgent({ perHost: 2, connectTimeoutMs: connectTimeoutFor(options.timeoutMs), allowPrivate: options.allowPrivate });
  const robots = options.robots === 'obey' ? (options.robotsCache ?? new RobotsCache({ userAgent: options.userAgent, allowPrivate: options.allowPrivate })) : undefined;
  const pacer = new HostPacer();
  const workers = withSitemapWorkers(options.workers);
  const queued = new Set<string>();
  const queue: Pending[] = [];
  const enqueue = (url: string, depth: number) => {
    if (queued.has(url)) return;
    queued.add(url);
    queue.push({ url, depth });
  };
  let fetched = 0;
  /** A sitemap may be fetched (its job), or the file that says why not. */
  const admit = async (next: Pending): Promise<SitemapJob | SitemapFile> => {
    if (fetched >= maxFiles) {
      return failed(next.url, next.depth, new SitemapError(`sitemap ${next.url}: not fetched, past the cap of ${maxFiles} sitemap files`, 'too-deep', next.url));
    }
    const origin = new URL(next.url).origin;
    const rules = robots && (await robots.rulesFor(origin));
    if (rules && !rules.isAllowed(next.url)) {
      const why = `sitemap ${next.url}: disallowed by ${origin}/robots.txt${rules.source === 'file' ? '' : ` (${rules.reason})`}`;
      return failed(next.url, next.depth, new SitemapError(why, 'robots-disallowed', next.url));
    }
    fetched++;
    return { url: next.url, depth: next.depth, delayMs: rules?.crawlDelayMs ?? 0 };
  };
  /** What a fetched file gave: its page URLs filtered, or its children queued (those too deep named). */
  function* read(fetchedFile: FetchedSitemap): Generator<SitemapFile> {
    const { job } = fetchedFile;
    if (fetchedFile.error) {
      yield failed(job.url, job.depth, fetchedFile.error);
      return;
    }
    const file: SitemapFile = {
      sitemap: job.url,
      depth: job.depth,
      kind: fetchedFile.kind,
      urls: [],
      counts: { entries: fetchedFile.entries, invalid: fetchedFile.invalid, old: 0, filtered: 0 },
    };
    for (const { url, lastmod: written } of fetchedFile.urls) {
      if (fetchedFile.kind === 'index') {
        if (job.depth + 1 > maxDepth) {
          const message = `sitemap ${url}: not fetched, nested deeper than the cap of ${maxDepth} index levels (--sitemap-depth)`;
          yield failed(url, job.depth + 1, new SitemapError(message, 'too-deep', url));
        } else enqueue(url, job.depth + 1);
        continue;
      }
      const lastmod = options.sinceMs === undefined || written === undefined ? undefined : parseLastmod(written);
      if (lastmod !== undefined && options.sinceMs !== undefined && lastmod < options.sinceMs) file.counts.old++;
      else if (options.filter && !options.filter(url)) file.counts.filtered++;
      else file.urls.push(url);
    }
    yield file;
  }
  try {
    for (const source of options.sources) {
      if (source.kind === 'url') {
        enqueue(source.url, 0);
        continue;
      }
      const found = await sitemapsOfRobots(source.origin, agent, options);
      if (found instanceof SitemapError) yield failed(describeSitemapSource(source), 0, found);
      else for (const url of found) enqueue(url, 0);
    }
    while (queue.length > 0 && options.signal?.aborted !== true) {
      if (workers !== undefined && queue.length > (workers.threshold ?? DEFAULT_FAN_OUT_ABOVE)) {
        // Many files waiting (an index's children): the workers fetch them, all at once.
        const jobs: SitemapJob[] = [];
        for (const next of queue.splice(0)) {
          const admitted = await admit(next);
          if ('sitemap' in admitted) yield admitted;
          else jobs.push(admitted);
        }
        const files = fanOutSitemaps(jobs, {
          ...workers,
          settings: {
            timeoutMs: options.timeoutMs,
            maxRedirects: options.maxRedirects,
            retries: options.retries,
            allowPrivate: options.allowPrivate,
            ...fetchLimits(options),
          },
          pacer,
          signal: options.signal,
        });
        for await (const file of files) yield* read(file);
        continue;
      }
      const next = queue.shift()!;
      const job = await admit(next);
      if ('sitemap' in job) {
        yield job;
        continue;
      }
      const host = hostKey(job.url) ?? job.url;
      await pacer.wait(host);
      let document: Awaited<ReturnType<typeof fetchSitemap>>;
      try {
        document = await fetchSitemap(job.url, { ...options, dispatcher: agent });
      } catch (error) {
        // Cancelled by the run's stop: not the sitemap's fault, and nothing more is wanted.
        if (options.signal?.aborted) return;
        const e = error instanceof SitemapError ? error : new SitemapError(`sitemap ${job.url}: ${String(error)}`, 'fetch', job.url, { cause: error });
        yield failed(job.url, job.depth, e);
        continue;
      } finally {
        pacer.done(host, job.delayMs);
      }
      yield* read({ job, kind: document.kind, entries: document.entries.length, ...sitemapUrls(document.entries) });
    }
  } finally {
    await agent.close();
    if (robots !== undefined && options.robotsCache === undefined) await robots.close();
  }
}

/** `workers`, when its invoker can fetch sitemaps. */
function withSitemapWorkers(workers: ExpandSitemapsOptions['workers']) {
  const invoker = workers?.invoker;
  const invokeSitemaps = invoker?.invokeSitemaps;
  if (workers === undefined || invoker === undefined || invokeSitemaps === undefined) return undefined;
  return { ...workers, invoker: { capacity: invoker.capacity, invokeSitemaps: invokeSitemaps.bind(invoker) } };
}

/** The test-lowered limits, passed on to the workers only when set. */
function fetchLimits(options: ExpandSitemapsOptions): { userAgent?: string; maxBytes?: number; maxEntries?: number; retryBaseDelayMs?: number } {
  const { userAgent, maxBytes, maxEntries, retryBaseDelayMs } = options;
  return Object.fromEntries(Object.entries({ userAgent, maxBytes, maxEntries, retryBaseDelayMs }).filter(([, value]) => value !== undefined));
}

function failed(sitemap: string, depth: number, error: SitemapError): SitemapFile {
  return { sitemap, depth, urls: [], counts: { entries: 0, invalid: 0, old: 0, filtered: 0 }, error };
}

/** The `Sitemap:` URLs of `origin`'s robots.txt, or why there are none. */
async function sitemapsOfRobots(origin: string, agent: Agent, options: ExpandSitemapsOptions): Promise<string[] | SitemapError> {
  const name = `robots:${origin}`;
  const fetched = await fetchRobotsTxt(origin, {
    dispatcher: agent,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    timeoutMs: options.timeoutMs,
    maxBytes: 512 * 1024,
    maxRedirects: 5,
    signal: options.signal,
  });
  if (fetched.kind !== 'ok') {
    const reason = fetched.kind === 'blocked' ? 'blocked' : 'no-sitemaps';
    return new SitemapError(`sitemap ${name}: no robots.txt to read Sitemap: lines from (${fetched.reason})`, reason, name);
  }
  // UTF-8 (RFC 9309 §2.3); the body comes as octets, BOM included.
  const urls = sitemapsOfRobotsTxt(new TextDecoder('utf-8').decode(fetched.body), origin);
  if (urls.length === 0) return new SitemapError(`sitemap ${name}: ${origin}/robots.txt has no Sitemap: line`, 'no-sitemaps', name);
  return urls;
}
