/**
 * The politeness step of a run, before chunking: robots.txt (fetched once per origin for the
 * whole run) splits the list, its Crawl-delays and `perHost` become the run-wide host budget.
 */
import { hostKey } from '../core/host-key';
import type { RobotsRules } from '../http/robots/robots-rules';
import { KnownRobots } from './chunk-robots';
import { HostBudget } from './host-budget';
import { ROBOTS_AGENT_TOKEN, type FailureOutcome } from '../core/contract';
import { RobotsCache, robotsDisallowedOutcome, type RobotsMode } from './robots';

export interface PolitenessOptions {
  /** `obey` checks robots.txt; `ignore` skips it. */
  robots: RobotsMode;
  /** Requests in flight to one host for the whole run. */
  perHost: number;
  /** Requests in flight in one worker: no chunk needs more slots of a host than this. */
  workerConcurrency: number;
  /** Chunks in flight at once, for fair shares of a host between them. */
  chunkConcurrency: number;
  /** Sent with robots.txt requests; its product token is matched against `User-agent:` lines. */
  userAgent?: string;
  /** Let robots.txt requests reach loopback and private addresses. */
  allowPrivate: boolean;
  /** For tests: a cache to use instead of a new one (the caller then closes it). */
  robotsCache?: RobotsCache;
}

export interface Politeness {
  /** URLs to chunk and fetch, in input order. */
  allowed: string[];
  /** A `robots-disallowed` record for each URL robots.txt forbids (never fetched). */
  disallowed: FailureOutcome[];
  /** The run-wide per-host budget, Crawl-delays applied; pass it to runChunks as `hostBudget`. */
  budget: HostBudget;
  /** robots.txt files fetched (one per origin), and the Crawl-delays found, by host key. */
  robots: { fetches: number; crawlDelayMs: Map<string, number> };
  /** The rules read, for the workers' redirect checks (pass it to runChunks as `knownRobots`); absent with `robots: 'ignore'`. */
  knownRobots?: KnownRobots;
}

/**
 * The run-wide host budget for these options, with Crawl-delays (ms by host key) already known,
 * e.g. from a checkpoint of a run whose robots.txt files were read by an earlier invocation.
 */
export function createHostBudget(
  options: Pick<PolitenessOptions, 'perHost' | 'workerConcurrency' | 'chunkConcurrency'>,
  crawlDelayMs: Iterable<readonly [string, number]> = [],
): HostBudget {
  const budget = new HostBudget({
    perHost: options.perHost,
    maxSlotsPerChunk: Math.min(options.perHost, options.workerConcurrency),
    maxHolders: options.chunkConcurrency,
  });
  for (const [host, delayMs] of crawlDelayMs) budget.setCrawlDelay(host, delayMs);
  return budget;
}

/**
 * @example
 * const polite = await preparePoliteness(list.urls, { robots: 'obey', perHost: 8, workerConcurrency: 64, chunkConcurrency: 4, allowPrivate: false });
 * for (const outcome of polite.disallowed) await out.write(outcome);
 * const run = runChunks(chunkUrls(polite.allowed, size), invoker, { scrape, hostBudget: polite.budget });
 */
export async function preparePoliteness(urls: readonly string[], options: PolitenessOptions): Promise<Politeness> {
  const budget = createHostBudget(options);
  if (options.robots === 'ignore' || urls.length === 0) {
    return { allowed: [...urls], disallowed: [], budget, robots: { fetches: 0, crawlDelayMs: new Map() } };
  }
  const cache = options.robotsCache ?? new RobotsCache({ userAgent: options.userAgent, agentToken: ROBOTS_AGENT_TOKEN, allowPrivate: options.allowPrivate });
  try {
    const check = await cache.check(urls);
    const crawlDelayMs = new Map<string, number>();
    for (const [origin, delayMs] of check.crawlDelayMs) {
      const key = hostKey(`${origin}/`);
      if (key === undefined) continue;
      crawlDelayMs.set(key, delayMs);
      budget.setCrawlDelay(key, delayMs);
    }
    const read = new Map<string, RobotsRules>();
    for (const url of check.allowed) {
      const origin = originOf(url);
      if (origin !== undefined && !read.has(origin)) read.set(origin, await cache.rulesFor(origin)); // already read: no fetch
    }
    return {
      knownRobots: new KnownRobots(read),
      allowed: check.allowed,
      disallowed: check.disallowed.map((url) => {
        const whole = check.disallowAll.get(new URL(url).origin);
        return robotsDisallowedOutcome(url, whole && `${whole}: RFC 9309 says to fetch nothing from the site while its robots.txt fails; --robots ignore skips robots.txt`);
      }),
      budget,
      robots: { fetches: cache.fetches, crawlDelayMs },
    };
  } finally {
    if (options.robotsCache === undefined) await cache.close();
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
