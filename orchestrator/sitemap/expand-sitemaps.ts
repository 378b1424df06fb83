/**
 * Sitemap sources to page URLs, one sitemap file at a time: indexes are followed breadth first to
 * a depth cap, `robots:<origin>` reads the origin's `Sitemap:` lines, and every fetch goes through
 * the pages' guards (SSRF, timeouts, redirects, the protocol's size cap) and robots.txt, one at a
 * time per host and `Crawl-delay` apart. A file that fails is a value naming it; the others go on.
 *
 * The fetching is done here, in the orchestrator, one file at a time: plenty for the sitemaps of a
 * few sites (a million URLs is 20 files). An index of thousands of children would be faster fanned
 * out over the workers; that is left for later (see README).
 */
import type { Agent } from 'undici';
import { hostKey } from '../../core/host-key';
import { normaliseUrl } from '../../core/normalise-url';
import type { RobotsMode } from '../../core/run-control';
import { describeSitemapSource, parseLastmod, type SitemapSource } from '../../core/sitemap-spec';
import type { UrlFilter } from '../../core/url-pattern';
import { DEFAULT_USER_AGENT } from '../../core/version';
import { createAgent } from '../../http/agent';
import { connectTimeoutFor } from '../../http/follow-redirects';
import { fetchRobotsTxt } from '../../http/robots/robots-fetch';
import { RobotsCache } from '../robots';
import { fetchSitemap } from '../../http/sitemap/fetch-sitemap';
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
}

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
  const queued = new Set<string>();
  const queue: Pending[] = [];
  const enqueue = (url: string, depth: number) => {
    if (queued.has(url)) return;
    queued.add(url);
    queue.push({ url, depth });
  };
  let fetched = 0;
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
    for (let next = queue.shift(); next !== undefined && options.signal?.aborted !== true; next = queue.shift()) {
      if (fetched >= maxFiles) {
        yield failed(next.url, next.depth, new SitemapError(`sitemap ${next.url}: not fetched, past the cap of ${maxFiles} sitemap files`, 'too-deep', next.url));
        continue;
      }
      const origin = new URL(next.url).origin;
      const rules = robots && (await robots.rulesFor(origin));
      if (rules && !rules.isAllowed(next.url)) {
        yield failed(
          next.url,
          next.depth,
          new SitemapError(`sitemap ${next.url}: disallowed by ${origin}/robots.txt${rules.source === 'file' ? '' : ` (${rules.reason})`}`, 'robots-disallowed', next.url),
        );
        continue;
      }
      fetched++;
      const host = hostKey(next.url) ?? origin;
      await pacer.wait(host);
      let document: Awaited<ReturnType<typeof fetchSitemap>>;
      try {
        document = await fetchSitemap(next.url, { ...options, dispatcher: agent });
      } catch (error) {
        // Cancelled by the run's stop: not the sitemap's fault, and nothing more is wanted.
        if (options.signal?.aborted) return;
        yield failed(
          next.url,
          next.depth,
          error instanceof SitemapError ? error : new SitemapError(`sitemap ${next.url}: ${String(error)}`, 'fetch', next.url, { cause: error }),
        );
        continue;
      } finally {
        pacer.done(host, rules?.crawlDelayMs ?? 0);
      }
      const file: SitemapFile = {
        sitemap: next.url,
        depth: next.depth,
        kind: document.kind,
        urls: [],
        counts: { entries: document.entries.length, invalid: 0, old: 0, filtered: 0 },
      };
      for (const entry of document.entries) {
        const url = normaliseUrl(entry.loc);
        if (!url.ok) {
          file.counts.invalid++;
          continue;
        }
        if (document.kind === 'index') {
          if (next.depth + 1 > maxDepth) {
            const message = `sitemap ${url.url}: not fetched, nested deeper than the cap of ${maxDepth} index levels (--sitemap-depth)`;
            yield failed(url.url, next.depth + 1, new SitemapError(message, 'too-deep', url.url));
          } else enqueue(url.url, next.depth + 1);
          continue;
        }
        const lastmod = options.sinceMs === undefined || entry.lastmod === undefined ? undefined : parseLastmod(entry.lastmod);
        if (lastmod !== undefined && options.sinceMs !== undefined && lastmod < options.sinceMs) file.counts.old++;
        else if (options.filter && !options.filter(url.url)) file.counts.filtered++;
        else file.urls.push(url.url);
      }
      yield file;
    }
  } finally {
    await agent.close();
    if (robots !== undefined && options.robotsCache === undefined) await robots.close();
  }
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

/** One sitemap fetch at a time per host, and a host's Crawl-delay between the end of one and the start of the next. */
class HostPacer {
  private readonly nextAt = new Map<string, number>();

  async wait(host: string): Promise<void> {
    const waitMs = (this.nextAt.get(host) ?? 0) - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  done(host: string, delayMs: number): void {
    if (delayMs > 0) this.nextAt.set(host, Date.now() + delayMs);
  }
}
