/**
 * Pure: what a robots.txt fetch result means for crawling one origin, and the outcome a
 * disallowed URL gets. No I/O here; robots-fetch does the fetching, robots.ts the caching.
 */
import robotsParser from 'robots-parser';
import type { FailureOutcome } from '../core/contract';
import type { RobotsFetchResult } from './robots-fetch';

/** What to do while an origin's robots.txt is unreachable (5xx, 429, network error, timeout). */
export type UnreachablePolicy = 'disallow' | 'allow';

/** The rules for one origin, for the rest of the run. */
export interface RobotsRules {
  origin: string;
  /**
   * `file`: a robots.txt was parsed. `allow-all`: there is none (4xx), or the SSRF guard refused
   * it (the URLs then fail as `blocked` in the worker, which is the truer reason).
   * `disallow-all`: it was unreachable and the policy is `disallow`.
   */
  source: 'file' | 'allow-all' | 'disallow-all';
  /** Why, in a few words (for `--verbose` and the summary). */
  reason: string;
  /** Delay between requests to this origin that the file asks of our agent, capped; absent if none. */
  crawlDelayMs?: number;
  /** True when the URL (of this origin) may be fetched. */
  isAllowed(url: string): boolean;
}

export interface RulesOptions {
  /** The product token matched against `User-agent:` lines, e.g. `fanout`. */
  agentToken: string;
  unreachable: UnreachablePolicy;
  maxCrawlDelayMs: number;
}

/**
 * RFC 9309 semantics: 2xx is parsed; "unavailable" (4xx) allows everything; "unreachable" (5xx,
 * 429, network) disallows everything by default, since the site may be struggling; a blocked
 * fetch allows (see {@link RobotsRules.source}).
 */
export function rulesFromFetch(origin: string, result: RobotsFetchResult, options: RulesOptions): RobotsRules {
  switch (result.kind) {
    case 'ok':
      return parseRules(origin, result.body, options, `robots.txt (HTTP ${result.status}${result.truncated ? ', truncated' : ''})`);
    case 'unavailable':
    case 'blocked':
      return constantRules(origin, 'allow-all', `no robots.txt: ${result.reason}`);
    case 'no-answer':
      // Disallowing here would file a dead host's URLs as robots-disallowed; fetching them gives
      // each its true error (dns, connect, timeout) instead.
      return constantRules(origin, 'allow-all', `robots.txt not fetched (${result.reason})`);
    case 'unreachable':
      return options.unreachable === 'allow'
        ? constantRules(origin, 'allow-all', `robots.txt unreachable (${result.reason}), allowed by policy`)
        : constantRules(origin, 'disallow-all', `robots.txt unreachable (${result.reason})`);
  }
}

function parseRules(origin: string, body: string, options: RulesOptions, reason: string): RobotsRules {
  // The parser checks that URLs belong to this file's origin, so it is given the original
  // `<origin>/robots.txt` even when the file came from a redirect elsewhere (RFC 9309 §2.3.1.2).
  const robots = robotsParser(`${origin}/robots.txt`, body);
  const delaySecs = robots.getCrawlDelay(options.agentToken);
  const rules: RobotsRules = {
    origin,
    source: 'file',
    reason,
    // `undefined` means the URL is not of this origin: not ours to forbid.
    isAllowed: (url) => robots.isAllowed(url, options.agentToken) !== false,
  };
  if (typeof delaySecs === 'number' && Number.isFinite(delaySecs) && delaySecs > 0) {
    rules.crawlDelayMs = Math.min(Math.round(delaySecs * 1000), options.maxCrawlDelayMs);
  }
  return rules;
}

function constantRules(origin: string, source: 'allow-all' | 'disallow-all', reason: string): RobotsRules {
  const allowed = source === 'allow-all';
  return { origin, source, reason, isAllowed: () => allowed };
}

/**
 * The robots.txt product token of a User-Agent header: its first product name, lower-cased
 * (`fanout/0.1.0 (+https://…)` → `fanout`). RFC 9309 §2.2.1 wants only `[a-zA-Z_-]` there, but a
 * name with digits is kept whole, as robots-parser reads `User-agent:` lines the same way.
 */
export function productToken(userAgent: string, fallback = 'fanout'): string {
  const match = /^[^\s/;()]+/.exec(userAgent.trim());
  return match ? match[0].toLowerCase() : fallback;
}

/**
 * The outcome of a URL that robots.txt forbids: no attempt was made.
 *
 * @example robotsDisallowedOutcome('https://a.test/private/x')
 * // { url, ok: false, error: { kind: 'robots-disallowed', message: 'disallowed by https://a.test/robots.txt' }, attempts: 0 }
 */
export function robotsDisallowedOutcome(url: string, why?: string): FailureOutcome {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = url;
  }
  return {
    url,
    ok: false,
    error: { kind: 'robots-disallowed', message: why ?? `disallowed by ${origin}/robots.txt` },
    attempts: 0,
  };
}
