/**
 * Pure: a parsed sitemap's entries as the URLs a run can use, normalised (core/normalise-url.ts),
 * with a count of the `<loc>`s that are not absolute http(s) URLs. The orchestrator and the worker
 * both read a fetched file through it, so a URL is the same whichever of them fetched the file.
 */
import { normaliseUrl } from '../../core/normalise-url';
import type { SitemapUrl } from '../../core/sitemap-contract';
import type { SitemapEntry } from './parse-sitemap';

/**
 * @example
 * sitemapUrls([{ loc: 'HTTPS://A.test/x', lastmod: '2024-05-31' }, { loc: 'mailto:x@a.test' }])
 * // { urls: [{ url: 'https://a.test/x', lastmod: '2024-05-31' }], invalid: 1 }
 */
export function sitemapUrls(entries: readonly SitemapEntry[]): { urls: SitemapUrl[]; invalid: number } {
  const urls: SitemapUrl[] = [];
  let invalid = 0;
  for (const entry of entries) {
    const url = normaliseUrl(entry.loc);
    if (!url.ok) invalid++;
    else urls.push(entry.lastmod === undefined ? { url: url.url } : { url: url.url, lastmod: entry.lastmod });
  }
  return { urls, invalid };
}
