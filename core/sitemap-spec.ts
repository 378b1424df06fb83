/**
 * Pure: what `--sitemap` and `--since` accept, checked where they enter (the CLI, a schedule), so
 * a bad value fails before anything is fetched, with a message that says how to fix it.
 */
import { UsageError } from './errors';
import { normaliseUrl } from './normalise-url';

/** Where sitemaps come from: one sitemap (or index) URL, or the `Sitemap:` lines of an origin's robots.txt. */
export type SitemapSource = { kind: 'url'; url: string } | { kind: 'robots'; origin: string };

/**
 * Reads one `--sitemap` value: an absolute http(s) URL, or `robots:<origin>`.
 *
 * @example
 * parseSitemapSource('https://a.test/sitemap.xml')  // { kind: 'url', url: 'https://a.test/sitemap.xml' }
 * parseSitemapSource('robots:https://a.test')       // { kind: 'robots', origin: 'https://a.test' }
 */
export function parseSitemapSource(raw: string): SitemapSource {
  const value = raw.trim();
  if (value.toLowerCase().startsWith('robots:')) {
    const rest = value.slice('robots:'.length);
    const url = normaliseUrl(rest);
    if (!url.ok) {
      throw new UsageError(`bad --sitemap ${raw}: after robots: give the site's origin, e.g. robots:https://example.com (${url.reason})`);
    }
    const parsed = new URL(url.url);
    if (parsed.pathname !== '/' || parsed.search !== '') {
      throw new UsageError(`bad --sitemap ${raw}: robots: takes an origin only, e.g. robots:${parsed.origin} (robots.txt is always at the root)`);
    }
    return { kind: 'robots', origin: parsed.origin };
  }
  const url = normaliseUrl(value);
  if (!url.ok) throw new UsageError(`bad --sitemap ${raw}: ${url.reason}; give the sitemap's URL, e.g. https://example.com/sitemap.xml, or robots:https://example.com`);
  return { kind: 'url', url: url.url };
}

/** How a source is named in messages and the summary. */
export function describeSitemapSource(source: SitemapSource): string {
  return source.kind === 'url' ? source.url : `robots:${source.origin}`;
}

const W3C_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * A W3C datetime as sitemaps write `<lastmod>` (`2024`, `2024-05`, `2024-05-31`,
 * `2024-05-31T10:00:00+02:00`), in epoch ms; undefined when it is not one. A date without a time
 * zone is UTC.
 */
export function parseLastmod(text: string): number | undefined {
  const value = text.trim();
  if (!W3C_DATE.test(value)) return undefined;
  // `2024-05-31T10:00` without a zone would be local time to Date.parse: sitemaps mean UTC.
  const zoned = /T/.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Reads `--since`: a date (`2024-05-31`) or a datetime (`2024-05-31T10:00:00Z`), in epoch ms.
 * Throws {@link UsageError} naming the value.
 */
export function parseSince(raw: string): number {
  const ms = parseLastmod(raw);
  if (ms === undefined) throw new UsageError(`bad --since ${raw}: give a date such as 2024-05-31, or a datetime such as 2024-05-31T10:00:00Z`);
  return ms;
}
