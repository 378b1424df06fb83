/**
 * Pure: which links a crawl follows, by where its seeds are. `host`: the seeds' hosts (host and
 * port, http and https alike); `site`: their registrable domains (`www.a.co.uk` and `shop.a.co.uk`
 * are one site; the Public Suffix List, through tldts, knows that `a.github.io` and `b.github.io`
 * are not); `prefix`: below a seed's folder (`https://a.test/docs/intro` -> `https://a.test/docs/`).
 */
import { getDomain } from 'tldts';
import type { CrawlScope } from '../../core/crawl-spec';

// The names live with the crawl's schema (core/crawl-spec.ts), which a schedule entry is validated with.
export { CRAWL_SCOPES, type CrawlScope } from '../../core/crawl-spec';

/** Whether a normalised http(s) URL is in the crawl's scope. */
export type ScopeTest = (url: string) => boolean;

/** The registrable domain of a host name; the name itself for IP addresses, `localhost` and the like. */
export function siteOf(hostname: string): string {
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

function parse(url: string): URL | undefined {
  return URL.canParse(url) ? new URL(url) : undefined;
}

/**
 * The scope of a crawl from `seeds` (normalised URLs): a URL is in it when it is in the scope of any seed.
 *
 * @example
 * const inScope = scopeTest(['https://www.a.test/docs/intro'], 'prefix');
 * inScope('https://www.a.test/docs/api') // true
 * inScope('https://www.a.test/blog/')    // false
 */
export function scopeTest(seeds: readonly string[], scope: CrawlScope): ScopeTest {
  const parsed = seeds.map(parse).filter((u): u is URL => u !== undefined);
  if (scope === 'prefix') {
    const prefixes = [...new Set(parsed.map((u) => `${u.origin}${u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1)}`))];
    return (url) => prefixes.some((prefix) => url.startsWith(prefix));
  }
  if (scope === 'host') {
    const hosts = new Set(parsed.map((u) => u.host));
    return (url) => {
      const u = parse(url);
      return u !== undefined && hosts.has(u.host);
    };
  }
  const sites = new Set(parsed.map((u) => siteOf(u.hostname)));
  return (url) => {
    const u = parse(url);
    return u !== undefined && sites.has(siteOf(u.hostname));
  };
}
