/**
 * RFC 9309 §2.2.2 / §2.2.3 matching of a URL's path against `allow` / `disallow` patterns. Pure.
 *
 * Both sides are brought to one canonical form first, so that equal paths compare equal however
 * they are spelled:
 * - a percent-encoded unreserved character (`A-Z a-z 0-9 - . _ ~`) is decoded (`/%73ecret` is
 *   `/secret`), other escapes keep their encoding with upper-case hex (`%2f` is `%2F`);
 * - octets outside printable ASCII, and the ASCII characters a URI may not hold (`"<>\^`{|}`,
 *   space, a `%` that starts no escape), are percent-encoded (`/ツ` is `/%E3%83%84`);
 * - in a pattern, `*` is the wildcard and a final `$` the end anchor; a `$` elsewhere, and `*`
 *   and `$` in a path, are literal, so they are spelled `%24` and `%2A` on both sides, which is
 *   how RFC 9309 §2.2.3 writes a literal one in a pattern (`/file-with-a-%2A.html`).
 */

/** A group's rules, patterns in canonical form. */
export interface RobotsRuleSet {
  allow: string[];
  disallow: string[];
}

const HEX = '0123456789ABCDEF';
/** ASCII characters that are not allowed in a URI as such (RFC 3986 §2), besides controls and space. */
const NOT_IN_URI = new Set([...'"<>\\^`{|}'].map((c) => c.charCodeAt(0)));

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e
  );
}

function percentEncode(code: number): string {
  return `%${HEX[code >> 4]}${HEX[code & 0xf]}`;
}

/**
 * The canonical form of `text`, whose characters are octets (a Latin-1 string: UTF-8 bytes of a
 * file or URL, one char each). `pattern` keeps `*` and a final `$` as operators.
 */
function canonical(text: string, pattern: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25 && isHexDigit(text.charCodeAt(i + 1)) && isHexDigit(text.charCodeAt(i + 2))) {
      const byte = Number.parseInt(text.slice(i + 1, i + 3), 16);
      out += isUnreserved(byte) ? String.fromCharCode(byte) : percentEncode(byte);
      i += 2;
    } else if (code === 0x2a) {
      out += pattern ? '*' : '%2A';
    } else if (code === 0x24) {
      out += pattern && i === text.length - 1 ? '$' : '%24';
    } else if (code <= 0x20 || code >= 0x7f || code === 0x25 || NOT_IN_URI.has(code)) {
      out += percentEncode(code & 0xff);
    } else {
      out += text[i];
    }
  }
  return out;
}

/** A rule's value as read from robots.txt (octets as a Latin-1 string), in canonical form. */
export function canonicalPattern(value: string): string {
  return canonical(value, true);
}

/**
 * The path and query of `url` in canonical form, as they are matched: `/` when it has none.
 * `url` goes through WHATWG URL parsing first (as the fetch itself does), so a raw `ツ` and its
 * UTF-8 escape come out the same.
 */
export function canonicalPath(url: URL): string {
  // url.pathname and url.search are ASCII; a Latin-1 string of them is the same string.
  return canonical(`${url.pathname || '/'}${url.search}`, false);
}

/** Whether `pattern` (canonical) matches `path` (canonical) from its first octet. */
export function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const parts = (anchored ? pattern.slice(0, -1) : pattern).split('*');
  const first = parts[0]!;
  if (!path.startsWith(first)) return false;
  if (parts.length === 1) return !anchored || path.length === first.length;
  let at = first.length;
  // Leftmost placement of each middle part leaves the most room for the rest.
  for (let i = 1; i < parts.length - 1; i++) {
    const found = path.indexOf(parts[i]!, at);
    if (found === -1) return false;
    at = found + parts[i]!.length;
  }
  const last = parts[parts.length - 1]!;
  return anchored ? path.length - last.length >= at && path.endsWith(last) : path.indexOf(last, at) !== -1;
}

/** The length of the longest pattern of `patterns` that matches `path`, or -1. */
function longestMatch(patterns: readonly string[], path: string): number {
  let longest = -1;
  for (const pattern of patterns) {
    if (pattern.length > longest && patternMatches(pattern, path)) longest = pattern.length;
  }
  return longest;
}

/**
 * Whether `rules` let a crawler fetch the canonical `path`: the longest matching pattern decides,
 * `allow` winning a tie (§2.2.2); no match allows. `/robots.txt` itself is always allowed.
 */
export function isPathAllowed(rules: RobotsRuleSet, path: string): boolean {
  if (path === '/robots.txt') return true;
  return longestMatch(rules.disallow, path) <= longestMatch(rules.allow, path);
}
