/**
 * Pure: one input line -> the normalised URL fanout fetches and de-duplicates by, or why it is not one.
 */

export type NormaliseResult = { ok: true; url: string } | { ok: false; reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Normalises an absolute http(s) URL the way WHATWG URL serialises it: scheme and host lower-cased,
 * IDN hosts in punycode, default ports dropped, dot segments resolved; the `#fragment` is dropped
 * because servers never see it. Path and query are kept as they are (`/A?b=1` stays), since
 * servers may treat case and parameter order as significant.
 *
 * @example
 * normaliseUrl('HTTP://Example.COM:80/a/../b?x=1#top') // { ok: true, url: 'http://example.com/b?x=1' }
 * normaliseUrl('example.com/page')                      // { ok: false, reason: 'not an absolute http(s) URL: missing scheme' }
 */
export function normaliseUrl(input: string): NormaliseResult {
  const line = input.trim();
  const scheme = SCHEME.exec(line)?.[1]?.toLowerCase();
  // `localhost:8080/x` parses as scheme "localhost"; a digit after the colon means it was a port.
  if (scheme === undefined || /^[a-z][a-z0-9+.-]*:\d/i.test(line)) {
    return { ok: false, reason: 'not an absolute http(s) URL: missing scheme' };
  }
  if (scheme !== 'http' && scheme !== 'https') {
    return { ok: false, reason: `not an absolute http(s) URL: unsupported scheme "${scheme}:"` };
  }
  // WHATWG accepts `http:example.com` as `http://example.com/`; a list entry like that is a typo.
  if (!/^[a-z]+:\/\//i.test(line)) {
    return { ok: false, reason: 'not an absolute http(s) URL: "//" missing after the scheme' };
  }
  if (/^[a-z]+:\/\/(?:[/?#]|$)/i.test(line)) {
    return { ok: false, reason: 'not an absolute http(s) URL: missing host' };
  }
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return { ok: false, reason: 'not an absolute http(s) URL: malformed host or port' };
  }
  url.hash = '';
  return { ok: true, url: url.href };
}

/**
 * The host (with port, without user info) of a URL already normalised by {@link normaliseUrl},
 * found without a full parse: chunking calls this once per URL of a million-line list.
 */
export function hostOf(normalisedUrl: string): string {
  const start = normalisedUrl.indexOf('//') + 2;
  let end = start;
  while (end < normalisedUrl.length) {
    const c = normalisedUrl.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) break;
    end++;
  }
  const authority = normalisedUrl.slice(start, end);
  const at = authority.lastIndexOf('@');
  return at === -1 ? authority : authority.slice(at + 1);
}
