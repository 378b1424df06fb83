/**
 * Pure: what a robots.txt fetch result means for crawling one origin (RFC 9309 §2.3.1), the rules
 * in the form a worker event carries them, and the product token a User-Agent stands for. No I/O
 * here; robots-fetch.ts does the fetching, its callers the caching.
 */
import type { RobotsOriginRules } from '../../core/contract';
import { canonicalPath, isPathAllowed, type RobotsRuleSet } from './robots-pattern';
import type { RobotsFetchResult } from './robots-fetch';
import { parseRobotsTxt } from './robots-txt';

/** What to do while an origin's robots.txt is unreachable (5xx, 429, timeout, reset). */
export type UnreachablePolicy = 'disallow' | 'allow';

/** The rules for one origin, for the rest of the run. */
export interface RobotsRules {
  origin: string;
  /**
   * `file`: a robots.txt was parsed. `allow-all`: there is none (4xx), it could not be asked (DNS,
   * refused: the pages will fail the same way), or the SSRF guard refused it (the URLs then fail as
   * `blocked`, the truer reason). `disallow-all`: it was unreachable and the policy is `disallow`.
   */
  source: 'file' | 'allow-all' | 'disallow-all';
  /** Why, in a few words; for `disallow-all`, what the records of its URLs say. */
  reason: string;
  /** Delay between requests to this origin that the file asks of our agent, capped; absent if none. */
  crawlDelayMs?: number;
  /** The patterns that apply to our agent (empty unless `source` is `file`). */
  ruleSet: RobotsRuleSet;
  /** True when the URL may be fetched. A URL of another origin, or none, is not ours to forbid: true. */
  isAllowed(url: string | URL): boolean;
}

export interface RulesOptions {
  /** The product token matched against `User-agent:` lines, e.g. `fanout`. */
  agentToken: string;
  unreachable: UnreachablePolicy;
  maxCrawlDelayMs: number;
}

const NO_RULES: RobotsRuleSet = { allow: [], disallow: [] };

function sameOrigin(url: string | URL, origin: string): URL | undefined {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return parsed.origin === origin ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function rules(origin: string, source: RobotsRules['source'], reason: string, ruleSet: RobotsRuleSet): RobotsRules {
  const isAllowed =
    source === 'file'
      ? (url: string | URL) => {
          const parsed = sameOrigin(url, origin);
          return parsed === undefined || isPathAllowed(ruleSet, canonicalPath(parsed));
        }
      : source === 'allow-all'
        ? () => true
        : (url: string | URL) => sameOrigin(url, origin) === undefined;
  return { origin, source, reason, ruleSet, isAllowed };
}

/**
 * RFC 9309 semantics: 2xx is parsed; "unavailable" (4xx) allows everything; "unreachable" (5xx,
 * 429, a timeout, a reset) disallows everything by default, since the site may be struggling; a
 * fetch that reached no server, or that the guard blocked, allows (see {@link RobotsRules.source}).
 */
export function rulesFromFetch(origin: string, result: RobotsFetchResult, options: RulesOptions): RobotsRules {
  switch (result.kind) {
    case 'ok': {
      const parsed = parseRobotsTxt(result.body, options.agentToken);
      const robots = rules(origin, 'file', `robots.txt (HTTP ${result.status}${result.truncated ? ', truncated' : ''})`, parsed.rules);
      if (parsed.crawlDelaySecs !== undefined) robots.crawlDelayMs = Math.min(Math.round(parsed.crawlDelaySecs * 1000), options.maxCrawlDelayMs);
      return robots;
    }
    case 'unavailable':
    case 'blocked':
      return rules(origin, 'allow-all', `no robots.txt: ${result.reason}`, NO_RULES);
    case 'no-answer':
      // Disallowing here would file a dead host's URLs as robots-disallowed; fetching them gives
      // each its true error (dns, connect, tls) instead.
      return rules(origin, 'allow-all', `robots.txt not fetched (${result.reason})`, NO_RULES);
    case 'unreachable': {
      const why = `${origin}/robots.txt unreachable (${result.reason})`;
      return options.unreachable === 'allow' ? rules(origin, 'allow-all', `${why}, allowed by policy`, NO_RULES) : rules(origin, 'disallow-all', why, NO_RULES);
    }
  }
}

/** The rules as a worker event carries them (core/contract.ts `RobotsOriginRules`). */
export function toOriginRules(robots: RobotsRules): RobotsOriginRules {
  return robots.source === 'disallow-all' ? { allow: [], disallow: [], disallowAll: robots.reason } : { allow: robots.ruleSet.allow, disallow: robots.ruleSet.disallow };
}

/** Rules read back from a worker event. */
export function fromOriginRules(origin: string, wire: RobotsOriginRules): RobotsRules {
  if (wire.disallowAll !== undefined) return rules(origin, 'disallow-all', wire.disallowAll, NO_RULES);
  return rules(origin, 'file', 'robots.txt (from the orchestrator)', { allow: wire.allow, disallow: wire.disallow });
}

/**
 * The robots.txt product token of a User-Agent header: its first product name, lower-cased, cut to
 * the characters RFC 9309 §2.2.1 allows in one (`[a-z_-]`), as `User-agent:` lines are read
 * (`fanout/0.1.0 (+https://…)` → `fanout`).
 */
export function productToken(userAgent: string, fallback = 'fanout'): string {
  const match = /^[A-Za-z_-]+/.exec(userAgent.trim());
  return match ? match[0].toLowerCase() : fallback;
}
