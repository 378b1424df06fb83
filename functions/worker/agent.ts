/**
 * The worker's undici Agents: keep-alive connection pools, one per distinct set of connection
 * options, kept at module scope so a warm Lambda reuses its sockets across invocations.
 *
 * Seam for the SSRF guard: everything about how a socket is opened lives in
 * {@link connectOptions}, and {@link AgentKey} carries `allowPrivate`, so a guard can add a
 * checking `lookup` (or wrap the connector) there without touching the fetch code.
 */
import { Agent, buildConnector } from 'undici';

/** Idle keep-alive sockets are closed after this (servers often close at 5 s; stay under). */
export const KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** The TCP+TLS connect phase never gets more than this, even when `timeoutMs` is larger. */
export const CONNECT_TIMEOUT_CAP_MS = 10_000;

/** What distinguishes one Agent from another. */
export interface AgentKey {
  /** Sockets per origin; sized to the per-host concurrency so requests never queue inside undici. */
  perHost: number;
  connectTimeoutMs: number;
  /** Reserved for the SSRF guard: agents for guarded and unguarded runs must not be shared. */
  allowPrivate: boolean;
}

/** How sockets are opened for `key`. The SSRF guard plugs its `lookup` in here. */
export function connectOptions(key: AgentKey): buildConnector.BuildOptions {
  return { timeout: key.connectTimeoutMs, keepAlive: true };
}

/** A new Agent for `key`. Prefer {@link getAgent}, which shares them. */
export function createAgent(key: AgentKey): Agent {
  return new Agent({
    connections: key.perHost,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connect: connectOptions(key),
  });
}

const agents = new Map<string, Agent>();

/** The shared Agent for `key`, created on first use. */
export function getAgent(key: AgentKey): Agent {
  const id = `${key.perHost}|${key.connectTimeoutMs}|${key.allowPrivate}`;
  let agent = agents.get(id);
  if (agent === undefined) {
    agent = createAgent(key);
    agents.set(id, agent);
  }
  return agent;
}

/** Closes every shared Agent (tests, graceful shutdown); later calls to getAgent make new ones. */
export async function closeAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.destroy()));
}
