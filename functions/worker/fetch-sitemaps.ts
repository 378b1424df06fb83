/**
 * The worker's side of a `sitemaps` event: fetch each sitemap file through the pages' guards (the
 * SSRF-guarded Agent, the deadline over headers and body, redirects, retries) and the protocol's
 * limits (50,000 URLs, 50 MB after decompression), with the very fetch and parser the orchestrator
 * uses (http/sitemap/), and hand on what each file gave as records as soon as it is read.
 *
 * The event's sitemaps are on one host (the orchestrator groups them so), so they are fetched one
 * after another, `delayMs` (the host's Crawl-delay) apart. robots.txt was checked by the orchestrator
 * before dispatch, as it is for pages. A big file's URLs are split over several records, so no
 * NDJSON line is more than `urlsPerRecord` URLs long.
 */
import type { SitemapFetchSettings, SitemapRecord } from '../../core/sitemap-contract';
import { getAgent } from '../../http/agent';
import { connectTimeoutFor } from '../../http/follow-redirects';
import { fetchSitemap } from '../../http/sitemap/fetch-sitemap';
import { SitemapError } from '../../http/sitemap/sitemap-error';
import { sitemapUrls } from '../../http/sitemap/sitemap-urls';

export interface SitemapsControl {
  /** Epoch ms by which fetching must be done: a sitemap is begun only if a whole attempt fits. */
  deadline?: number;
  /** Every record, the moment it is ready. */
  onRecord: (record: SitemapRecord) => void;
}

/**
 * Fetches `sitemaps` in order and resolves with those it did not begin (the deadline came; the
 * first is always begun). Never
 * throws for a sitemap's sake: a file that fails is one record with its SitemapError's reason and message.
 *
 * @example
 * const { unstarted } = await fetchSitemaps(['https://a.test/s1.xml.gz'], SitemapFetchSettingsSchema.parse({}), { onRecord: send });
 */
export async function fetchSitemaps(sitemaps: readonly string[], settings: SitemapFetchSettings, control: SitemapsControl): Promise<{ unstarted: string[] }> {
  // One socket: the event's sitemaps are fetched one at a time from one host.
  const dispatcher = getAgent({ perHost: 1, connectTimeoutMs: connectTimeoutFor(settings.timeoutMs), allowPrivate: settings.allowPrivate });
  for (const [index, sitemap] of sitemaps.entries()) {
    const gapMs = index === 0 ? 0 : settings.delayMs;
    // The first is always begun, so an event makes progress even when a fetch's timeout is longer than the worker's time.
    if (index > 0 && control.deadline !== undefined && Date.now() + gapMs + settings.timeoutMs > control.deadline) return { unstarted: sitemaps.slice(index) };
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    let document: Awaited<ReturnType<typeof fetchSitemap>>;
    try {
      document = await fetchSitemap(sitemap, { ...settings, dispatcher });
    } catch (error) {
      const e = error instanceof SitemapError ? error : new SitemapError(`sitemap ${sitemap}: ${String(error)}`, 'fetch', sitemap, { cause: error });
      control.onRecord({ sitemap, urls: [], error: { reason: e.reason, message: e.message, ...(e.status === undefined ? {} : { status: e.status }) } });
      continue;
    }
    const { urls, invalid } = sitemapUrls(document.entries);
    let from = 0;
    for (; urls.length - from > settings.urlsPerRecord; from += settings.urlsPerRecord) {
      control.onRecord({ sitemap, urls: urls.slice(from, from + settings.urlsPerRecord) });
    }
    control.onRecord({ sitemap, urls: urls.slice(from), end: { kind: document.kind, entries: document.entries.length, invalid } });
  }
  return { unstarted: [] };
}
