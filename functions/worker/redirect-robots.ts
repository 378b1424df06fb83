/**
 * robots.txt on redirects, in the worker. The orchestrator checked each listed URL before dispatch;
 * a redirect can still lead to a path robots.txt forbids, on the same site or another. So when the
 * event says robots.txt is obeyed (`options.robotsOnRedirect`), every hop after the first is
 * checked against the robots.txt of the origin it goes to, before it is requested:
 *
 * - the rules the orchestrator already read come in the event (the origins of the chunk's URLs);
 * - an origin met only through a redirect has its robots.txt fetched here, through the pages' own
 *   guarded Agent, size cap and time limit (http/robots/load-robots-rules.ts), once per worker:
 *   kept at module scope, so a warm Lambda or a local worker process reuses it across chunks for
 *   up to an hour (RFC 9309 §2.4 allows a day), an unreachable one for a minute.
 *
 * A disallowed hop ends the URL with a `robots-disallowed` record that names the hop.
 */
import { connectTimeoutFor, type BeforeRedirect } from '../../http/follow-redirects';
import { getAgent } from '../../http/agent';
import { FetchError } from '../../http/fetch-error';
import { loadRobotsRules } from '../../http/robots/load-robots-rules';
import { fromOriginRules, type RobotsRules } from '../../http/robots/robots-rules';
import type { ScrapeOptions } from '../../core/contract';
import { DEFAULT_USER_AGENT } from '../../core/version';

/** How long rules fetched by a worker are kept. */
export const LEARNT_RULES_TTL_MS = 60 * 60 * 1000; // 1 h
/** How long an unreachable robots.txt (whole site disallowed) is believed before it is asked again. */
export const UNREACHABLE_RULES_TTL_MS = 60 * 1000; // 1 min
/** Origins remembered at most; the oldest entry goes first. */
const MAX_LEARNT_ORIGINS = 10_000;
/** The robots.txt fetch, however long the page's own limit is (it also runs inside the page's). */
const ROBOTS_TIMEOUT_MS = 10_000;
const ROBOTS_MAX_BYTES = 512 * 1024;
const ROBOTS_MAX_REDIRECTS = 5;

const learnt = new Map<string, { rules: Promise<RobotsRules>; expiresAt: number }>();

/** TESTS ONLY: forgets every robots.txt this worker learnt. */
export function forgetLearntRobots(): void {
  learnt.clear();
}

/** The rules of `origin`, fetched once per worker (per agent, User-Agent and guard setting). */
function learn(origin: string, options: ScrapeOptions, agentToken: string): Promise<RobotsRules> {
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const key = `${agentToken} ${options.allowPrivate} ${userAgent} ${origin}`;
  const now = Date.now();
  const cached = learnt.get(key);
  if (cached !== undefined && cached.expiresAt > now) return cached.rules;
  const timeoutMs = Math.min(options.timeoutMs, ROBOTS_TIMEOUT_MS);
  const dispatcher = getAgent({ perHost: options.perHost, connectTimeoutMs: connectTimeoutFor(options.timeoutMs), allowPrivate: options.allowPrivate });
  const rules: Promise<RobotsRules> = loadRobotsRules(origin, {
    dispatcher,
    userAgent,
    timeoutMs,
    maxBytes: ROBOTS_MAX_BYTES,
    maxRedirects: ROBOTS_MAX_REDIRECTS,
    agentToken,
    unreachable: 'disallow',
    maxCrawlDelayMs: 0,
  }).then((loaded) => {
    const entry = learnt.get(key);
    if (loaded.source === 'disallow-all' && entry?.rules === rules) entry.expiresAt = Date.now() + UNREACHABLE_RULES_TTL_MS;
    return loaded;
  });
  learnt.delete(key);
  learnt.set(key, { rules, expiresAt: now + LEARNT_RULES_TTL_MS });
  if (learnt.size > MAX_LEARNT_ORIGINS) learnt.delete(learnt.keys().next().value!);
  return rules;
}

/** The record's message for a hop robots.txt forbids. */
function disallowedMessage(target: URL, hop: number, rules: RobotsRules): string {
  const where = `redirect hop ${hop} to ${target.href}`;
  return rules.source === 'disallow-all'
    ? `${where} not followed: ${rules.reason}: RFC 9309 says to fetch nothing from the site while its robots.txt fails; --robots ignore skips robots.txt`
    : `${where} is disallowed by ${rules.origin}/robots.txt`;
}

/**
 * The check for a chunk's redirect hops, or undefined when robots.txt is not obeyed.
 *
 * @example
 * const beforeRedirect = redirectRobotsCheck(options);
 * await fetchPage(url, options, signal, beforeRedirect); // throws FetchError('robots-disallowed') on a forbidden hop
 */
export function redirectRobotsCheck(options: ScrapeOptions): BeforeRedirect | undefined {
  const robots = options.robotsOnRedirect;
  if (robots === undefined) return undefined;
  const known = new Map<string, RobotsRules>();
  const rulesFor = (origin: string): RobotsRules | Promise<RobotsRules> => {
    const wire = robots.origins[origin];
    if (wire === undefined) return learn(origin, options, robots.agentToken);
    let rules = known.get(origin);
    if (rules === undefined) {
      rules = fromOriginRules(origin, wire);
      known.set(origin, rules);
    }
    return rules;
  };
  return async (target, hop) => {
    const rules = await rulesFor(target.origin);
    if (!rules.isAllowed(target)) throw new FetchError(disallowedMessage(target, hop, rules), 'robots-disallowed');
  };
}
