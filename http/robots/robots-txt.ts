/**
 * Parses a robots.txt file for one product token (RFC 9309 §2.1–§2.2), in one pass over its lines,
 * the way Google's reference parser (google/robotstxt robots.cc) reads them. Pure.
 *
 * - The file is read as octets (a UTF-8 BOM, or any prefix of one, is skipped); lines end at CR,
 *   LF or CRLF; `#` starts a comment; a line past 16,664 octets (8 × 2083) is cut there.
 * - `key: value`, keys case-insensitive; a line without `:` whose two words are separated by white
 *   space is read as `key value`. A key that starts with `user-agent`, `allow`, `disallow` or
 *   `sitemap` counts as it, with Google's list of frequent typos (`useragent`, `dissallow` …).
 * - A group is one or more `user-agent` lines and the rules after them: the first `allow` or
 *   `disallow` ends its list of agents, so the next `user-agent` starts a new group; other lines
 *   (`sitemap`, `crawl-delay`, unknown ones) end nothing (§2.2.4). Rules before any group are ignored.
 * - `user-agent` values are matched by their leading product-token characters (`[A-Za-z_-]`,
 *   §2.2.1), case-insensitively; `*`, alone or followed by white space, is the catch-all group.
 * - The groups that name our token are merged (§2.2.1); if none does, the `*` groups are; if there
 *   are none either, nothing is disallowed. An empty rule (`Disallow:`) matches nothing.
 */
import { canonicalPattern, type RobotsRuleSet } from './robots-pattern';

/** What a robots.txt says to one product token. */
export interface AgentRules {
  rules: RobotsRuleSet;
  /** The first `Crawl-delay` of the chosen groups, in seconds (finite, > 0), if any. */
  crawlDelaySecs?: number;
}

const MAX_LINE_OCTETS = 2083 * 8;
const BOM = [0xef, 0xbb, 0xbf];
const USER_AGENT_KEYS = ['user-agent', 'useragent', 'user agent'];
const DISALLOW_KEYS = ['disallow', 'dissallow', 'dissalow', 'disalow', 'diasllow', 'disallaw'];
const SITEMAP_KEYS = ['sitemap', 'site-map'];

type Key = 'user-agent' | 'allow' | 'disallow' | 'sitemap' | 'crawl-delay' | 'other';

function keyOf(key: string): Key {
  const lower = key.toLowerCase();
  const starts = (names: readonly string[]) => names.some((name) => lower.startsWith(name));
  if (starts(USER_AGENT_KEYS)) return 'user-agent';
  if (lower.startsWith('allow')) return 'allow';
  if (starts(DISALLOW_KEYS)) return 'disallow';
  if (starts(SITEMAP_KEYS)) return 'sitemap';
  return lower === 'crawl-delay' ? 'crawl-delay' : 'other';
}

/** The file's lines as Latin-1 strings (one char per octet), BOM skipped and long lines cut. */
function linesOf(body: string | Uint8Array): string[] {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let start = 0;
  while (start < BOM.length && bytes[start] === BOM[start]) start++;
  return bytes
    .toString('latin1', start)
    .split(/\r\n|\r|\n/)
    .map((line) => line.slice(0, MAX_LINE_OCTETS - 1));
}

/** `[key, value]` of a line, or undefined when it holds none. */
function keyAndValue(rawLine: string): [string, string] | undefined {
  const hash = rawLine.indexOf('#');
  const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
  let sep = line.indexOf(':');
  if (sep === -1) {
    // Google: some people forget the colon; accept white space instead, if there are exactly two words.
    const words = line.split(/[ \t]+/);
    if (words.length !== 2) return undefined;
    sep = words[0]!.length;
  }
  const key = line.slice(0, sep).trim();
  return key === '' ? undefined : [key, line.slice(sep + 1).trim()];
}

/** The product token a `user-agent` value names: its leading `[A-Za-z_-]` characters. */
function agentOf(value: string): string {
  return /^[A-Za-z_-]*/.exec(value)![0].toLowerCase();
}

function crawlDelayOf(value: string): number | undefined {
  const secs = Number(value);
  return value !== '' && Number.isFinite(secs) && secs > 0 ? secs : undefined;
}

/**
 * The rules of `body` that apply to `agentToken` (e.g. `fanout`).
 *
 * @example
 * parseRobotsTxt('User-agent: *\nDisallow: /private\n', 'fanout').rules // { allow: [], disallow: ['/private'] }
 */
export function parseRobotsTxt(body: string | Uint8Array, agentToken: string): AgentRules {
  const token = agentToken.toLowerCase();
  const specific: AgentRules = { rules: { allow: [], disallow: [] } };
  const global: AgentRules = { rules: { allow: [], disallow: [] } };
  let everSpecific = false;
  // The group being read: does it name our token, or `*`? A rule closes its list of agents.
  let inSpecific = false;
  let inGlobal = false;
  let agentsClosed = false;

  for (const line of linesOf(body)) {
    const pair = keyAndValue(line);
    if (pair === undefined) continue;
    const [rawKey, value] = pair;
    const key = keyOf(rawKey);
    if (key === 'user-agent') {
      if (agentsClosed) inSpecific = inGlobal = agentsClosed = false;
      if (value.startsWith('*') && (value.length === 1 || /\s/.test(value[1]!))) inGlobal = true;
      else if (agentOf(value) === token && token !== '') inSpecific = everSpecific = true;
      continue;
    }
    const target = inSpecific ? specific : inGlobal ? global : undefined;
    if (key === 'allow' || key === 'disallow') {
      agentsClosed = true;
      if (target === undefined) continue;
      const pattern = canonicalPattern(value);
      if (pattern !== '') target.rules[key].push(pattern);
    } else if (key === 'crawl-delay' && target !== undefined && target.crawlDelaySecs === undefined) {
      const secs = crawlDelayOf(value);
      if (secs !== undefined) target.crawlDelaySecs = secs;
    }
  }
  return everSpecific ? specific : global;
}
