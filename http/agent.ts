/**
 * The worker's undici Agents: keep-alive connection pools, one per distinct set of connection
 * options, kept at module scope so a warm Lambda reuses its sockets across invocations.
 *
 * Every Agent connects through the SSRF guard (ssrf-guard.ts): unless `allowPrivate` is on, a
 * socket to a non-public address is refused before it exists. Redirects are followed by hand in
 * follow-redirects.ts through the same Agent, so every hop is checked at connect time too.
 * Proxy agents (proxy-agents.ts) live in the same {@link DispatcherCache}; route.ts picks the way out.
 */
import type { Dispatcher, buildConnector } from 'undici';
import { Agent } from './undici';
import { createGuardedConnector, type AddressPredicate, type LookupFunction } from './ssrf-guard';

/** Idle keep-alive sockets are closed after this (servers often close at 5 s; stay under). */
export const KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** The TCP+TLS connect phase never gets more than this, even when `timeoutMs` is larger. */
export const CONNECT_TIMEOUT_CAP_MS = 10_000;
/**
 * Response headers a page may send, in all: Chrome's 256 KiB, not Node's 16 KiB, which real sites
 * pass with long Content-Security-Policy headers or dozens of cookies (and which refused pages that
 * every browser shows). The memory stays bounded: one page's headers per socket.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/** What distinguishes one Agent from another. */
export interface AgentKey {
  /** Sockets per origin; sized to the per-host concurrency so requests never queue inside undici. */
  perHost: number;
  connectTimeoutMs: number;
  /** SSRF guard off: guarded and unguarded runs must never share an Agent (or its sockets). */
  allowPrivate: boolean;
}

/** How sockets are opened for `key`, before the guard is added. */
export function connectOptions(key: AgentKey): buildConnector.BuildOptions {
  return { timeout: key.connectTimeoutMs, keepAlive: true };
}

/** The guard's seams a test may replace: which addresses count as public, and the resolver. */
export interface ConnectSeamsForTests {
  /** Loopback is the only address a test may reach, so e.g. 127.0.0.2 plays a public host. */
  isAllowed?: AddressPredicate;
  /** A resolver, so a test can give a name (an IDN, say) a loopback answer without real DNS. */
  lookup?: LookupFunction;
}

/** TESTS ONLY; kept out of ScrapeOptions and the event schema, so nothing outside a test can set it. */
let seamsForTests: ConnectSeamsForTests = {};

/** The seams in force (empty outside tests), for every guard this folder builds: targets' and proxies'. */
export function connectSeams(): ConnectSeamsForTests {
  return seamsForTests;
}

/**
 * TESTS ONLY: replaces the guard's address check and resolver for Agents made from now on
 * (`{}` restores the real ones), and drops the shared Agents so none made before is reused.
 */
export async function setConnectSeamsForTests(seams: ConnectSeamsForTests): Promise<void> {
  seamsForTests = seams;
  await closeAgents();
}

/** A new Agent for `key`. Prefer {@link getAgent}, which shares them. */
export function createAgent(key: AgentKey): Agent {
  return new Agent({
    connections: key.perHost,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    maxHeaderSize: MAX_HEADER_BYTES,
    connect: createGuardedConnector({ ...connectOptions(key), allowPrivate: key.allowPrivate, ...seamsForTests }),
  });
}

/**
 * Dispatchers by what distinguishes them, created on first use: equal settings share one, and its
 * keep-alive sockets. The worker uses {@link sharedDispatchers}; a run that fetches robots.txt
 * through its proxies makes its own and closes it at the end.
 */
export class DispatcherCache {
  private readonly dispatchers = new Map<string, Dispatcher>();

  get<T extends Dispatcher>(id: string, create: () => T): T {
    let dispatcher = this.dispatchers.get(id);
    if (dispatcher === undefined) {
      dispatcher = create();
      this.dispatchers.set(id, dispatcher);
    }
    return dispatcher as T;
  }

  /** Destroys every dispatcher made so far; later calls to get make new ones. */
  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((dispatcher) => dispatcher.destroy()));
  }
}

/** Module scope, so a warm Lambda reuses its sockets across invocations. */
export const sharedDispatchers = new DispatcherCache();

/** The shared Agent for `key`, created on first use. */
export function getAgent(key: AgentKey, cache: DispatcherCache = sharedDispatchers): Agent {
  return cache.get(`agent|${key.perHost}|${key.connectTimeoutMs}|${key.allowPrivate}`, () => createAgent(key));
}

/** Closes every shared Agent (tests, graceful shutdown); later calls to getAgent make new ones. */
export async function closeAgents(): Promise<void> {
  await sharedDispatchers.close();
}
