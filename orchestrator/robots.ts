/**
 * robots.txt for a run (`--robots obey|ignore`): the orchestrator fetches each origin's file ONCE
 * per run, before chunking, and drops the URLs it forbids; workers never see robots.txt.
 */
import type { Agent, Dispatcher } from 'undici';
import { createAgent } from '../http/agent';
import { connectTimeoutFor } from '../http/follow-redirects';
import { Semaphore } from '../core/semaphore';
import { DEFAULT_USER_AGENT } from '../core/version';
import { loadRobotsRules } from '../http/robots/load-robots-rules';
import { productToken, type RobotsRules, type UnreachablePolicy } from '../http/robots/robots-rules';

export { productToken, type RobotsRules, type UnreachablePolicy } from '../http/robots/robots-rules';
export { robotsDisallowedOutcome } from './robots-outcome';

export type { RobotsMode } from '../core/run-control';

export interface RobotsOptions {
  /** The User-Agent header sent for robots.txt (use the run's). @default DEFAULT_USER_AGENT */
  userAgent?: string;
  /** Matched against `User-agent:` lines. @default productToken(userAgent), e.g. `fanout` */
  agentToken?: string;
  /**
   * Dispatcher for the robots.txt requests; it should carry the SSRF guard. The caller keeps
   * ownership. @default an Agent of the cache's own, made like the pages' (http/agent.ts: guarded
   * unless `allowPrivate`), closed by `close()`
   */
  dispatcher?: Dispatcher;
  /** Only used when `dispatcher` is not given. @default false */
  allowPrivate?: boolean;
  /** Whole robots.txt fetch, redirects included. @default 10000 */
  timeoutMs?: number;
  /** Bytes of robots.txt read; the rest is ignored (RFC 9309 asks for at least 500 KiB). @default 524288 */
  maxBytes?: number;
  /** Redirects followed (RFC 9309 asks for at least 5). @default 5 */
  maxRedirects?: number;
  /** While robots.txt is unreachable (5xx, 429, a timeout, a reset): RFC 9309's complete disallow, or allow. @default 'disallow' */
  onUnreachable?: UnreachablePolicy;
  /** Crawl-delay values above this are cut down to it. @default 30000 */
  maxCrawlDelayMs?: number;
  /**
   * robots.txt fetches in flight at once. Each goes to a different site, so this is no burden on
   * any one of them, and a list over thousands of sites must not wait long before its first page.
   * @default 64
   */
  concurrency?: number;
}

export type ResolvedRobotsOptions = Required<Omit<RobotsOptions, 'dispatcher'>> & Pick<RobotsOptions, 'dispatcher'>;

/** Fills the defaults of {@link RobotsOptions}, in one place. */
export function resolveRobotsOptions(options: RobotsOptions = {}): ResolvedRobotsOptions {
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const resolved = {
    userAgent,
    agentToken: options.agentToken ?? productToken(userAgent),
    dispatcher: options.dispatcher,
    allowPrivate: options.allowPrivate ?? false,
    timeoutMs: options.timeoutMs ?? 10_000, // 10 s
    maxBytes: options.maxBytes ?? 512 * 1024, // 512 KiB
    maxRedirects: options.maxRedirects ?? 5,
    onUnreachable: options.onUnreachable ?? 'disallow',
    maxCrawlDelayMs: options.maxCrawlDelayMs ?? 30_000, // 30 s
    concurrency: options.concurrency ?? 64,
  };
  for (const key of ['timeoutMs', 'maxBytes', 'concurrency'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw new RangeError(`robots ${key} must be a positive integer`);
  }
  for (const key of ['maxRedirects', 'maxCrawlDelayMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) throw new RangeError(`robots ${key} must be an integer >= 0`);
  }
  return resolved;
}

/** The URLs of one check, split by robots.txt; input order is kept in both lists. */
export interface RobotsCheck {
  allowed: string[];
  disallowed: string[];
  /** Crawl-delay per origin (`https://host:port`), only for origins whose robots.txt sets one. */
  crawlDelayMs: Map<string, number>;
  /** Why an origin is disallowed whole (its robots.txt was unreachable), for the records' message. */
  disallowAll: Map<string, string>;
}

/**
 * robots.txt rules per origin for one run: each origin's file is fetched at most once, and
 * concurrent checks of the same origin share one in-flight fetch.
 *
 * @example
 * const robots = new RobotsCache({ userAgent, allowPrivate });
 * const { allowed, disallowed } = await robots.check(urls);
 * for (const url of disallowed) emit(robotsDisallowedOutcome(url));
 * await robots.close();
 */
export class RobotsCache {
  readonly options: ResolvedRobotsOptions;
  private readonly dispatcher: Dispatcher;
  private readonly ownAgent: Agent | undefined;
  private readonly rules = new Map<string, Promise<RobotsRules>>();
  private readonly slots: Semaphore;
  /** robots.txt fetches started so far (one per origin). */
  fetches = 0;

  constructor(options: RobotsOptions = {}) {
    this.options = resolveRobotsOptions(options);
    this.slots = new Semaphore(this.options.concurrency);
    if (this.options.dispatcher) {
      this.dispatcher = this.options.dispatcher;
    } else {
      // The pages' Agent settings and guard; sockets per origin = fetches in flight, so a host that
      // many origins redirect their robots.txt to never makes them queue inside undici.
      this.ownAgent = createAgent({
        perHost: this.options.concurrency,
        connectTimeoutMs: connectTimeoutFor(this.options.timeoutMs),
        allowPrivate: this.options.allowPrivate,
      });
      this.dispatcher = this.ownAgent;
    }
  }

  /** The rules for `origin` (`new URL(u).origin`), fetching its robots.txt on first use. Never rejects. */
  rulesFor(origin: string): Promise<RobotsRules> {
    let pending = this.rules.get(origin);
    if (pending === undefined) {
      pending = this.load(origin);
      this.rules.set(origin, pending);
    }
    return pending;
  }

  /** Splits `urls` into allowed and disallowed. URLs that do not parse are passed as allowed (reading them is not robots' job). */
  async check(urls: readonly string[]): Promise<RobotsCheck> {
    const originOf = new Map<string, string | undefined>();
    for (const url of urls) originOf.set(url, originOrUndefined(url));
    const origins = [...new Set([...originOf.values()].filter((o): o is string => o !== undefined))];
    const byOrigin = new Map(await Promise.all(origins.map(async (o) => [o, await this.rulesFor(o)] as const)));

    const result: RobotsCheck = { allowed: [], disallowed: [], crawlDelayMs: new Map(), disallowAll: new Map() };
    for (const url of urls) {
      const origin = originOf.get(url);
      const rules = origin === undefined ? undefined : byOrigin.get(origin);
      (rules === undefined || rules.isAllowed(url) ? result.allowed : result.disallowed).push(url);
    }
    for (const rules of byOrigin.values()) {
      if (rules.crawlDelayMs !== undefined) result.crawlDelayMs.set(rules.origin, rules.crawlDelayMs);
      if (rules.source === 'disallow-all') result.disallowAll.set(rules.origin, rules.reason);
    }
    return result;
  }

  /** Closes the cache's own Agent, if it made one; a dispatcher passed in is left open. */
  async close(): Promise<void> {
    await this.ownAgent?.close();
  }

  private async load(origin: string): Promise<RobotsRules> {
    const release = await this.slots.acquire();
    try {
      this.fetches += 1;
      return await loadRobotsRules(origin, { ...this.options, dispatcher: this.dispatcher, unreachable: this.options.onUnreachable });
    } finally {
      release();
    }
  }
}

function originOrUndefined(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
