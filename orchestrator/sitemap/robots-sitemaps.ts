/**
 * Pure: the `Sitemap:` URLs of a robots.txt. They stand outside the user-agent groups (RFC 9309
 * §2.2.4 leaves them to the sitemaps protocol), so every one counts, wherever it is in the file.
 */
import { normaliseUrl } from '../../core/normalise-url';

/** Keys read as `Sitemap:`, case-insensitively; `site-map` is a typo crawlers accept. */
const KEYS = new Set(['sitemap', 'site-map']);

/**
 * The normalised, de-duplicated http(s) URLs of the `Sitemap:` lines of `body`, in file order. A
 * relative one (the protocol wants them absolute) is read against `origin`, as crawlers do.
 *
 * @example
 * sitemapsOfRobotsTxt('User-agent: *\nSitemap: /s.xml # main\n', 'https://a.test') // ['https://a.test/s.xml']
 */
export function sitemapsOfRobotsTxt(body: string, origin: string): string[] {
  const urls: string[] = [];
  for (const raw of body.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^\uFEFF/, '');
    const colon = line.indexOf(':');
    if (colon === -1 || !KEYS.has(line.slice(0, colon).trim().toLowerCase())) continue;
    // A `#` starts a comment only after white space: `#` may be part of a URL's fragment otherwise.
    const value = line
      .slice(colon + 1)
      .replace(/\s#.*$/, '')
      .trim();
    if (value === '' || !URL.canParse(value, `${origin}/`)) continue;
    const url = normaliseUrl(new URL(value, `${origin}/`).href);
    if (url.ok && !urls.includes(url.url)) urls.push(url.url);
  }
  return urls;
}
