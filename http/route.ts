/**
 * Which way requests go out, as one undici Dispatcher: direct through the guarded Agent, through the
 * standard environment's proxies, or through a pool of proxies. Pages (fetch-page.ts) and
 * robots.txt (the orchestrator) take the dispatcher and need not know which it is.
 */
import type { Dispatcher } from 'undici';
import type { ScrapeOptions } from '../core/contract';
import { connectSeams, getAgent, sharedDispatchers, type DispatcherCache } from './agent';
import { createEnvProxyAgent, createProxyAgent, type ProxyAgentKey } from './proxy-agents';
import { proxiedTargetGuard, proxyPoolInterceptor } from './proxy-dispatcher';
import type { ProxyPool } from './proxy-pool';

/** What a route is made of. */
export interface RouteOptions extends Pick<ScrapeOptions, 'perHost' | 'allowPrivate' | 'proxy' | 'allowPrivateProxy'> {
  connectTimeoutMs: number;
}

function keyOf(options: RouteOptions): ProxyAgentKey {
  return { perHost: options.perHost, connectTimeoutMs: options.connectTimeoutMs, allowPrivate: options.allowPrivate, allowPrivateProxy: options.allowPrivateProxy };
}

function keyId(key: ProxyAgentKey): string {
  return `${key.perHost}|${key.connectTimeoutMs}|${key.allowPrivate}|${key.allowPrivateProxy}`;
}

/**
 * The dispatcher for `options`. A pool route needs the `pool` whose rotation and benches it follows
 * (one per chunk in a worker, one per run for robots.txt). The undici agents underneath come from
 * `cache`, so their sockets outlive the route: a warm Lambda keeps its tunnels across chunks.
 *
 * @example
 * const pool = ProxyPool.fromSettings(options.proxy);
 * const dispatcher = routeDispatcher({ ...options, connectTimeoutMs: 10_000 }, pool);
 */
export function routeDispatcher(options: RouteOptions, pool?: ProxyPool, cache: DispatcherCache = sharedDispatchers): Dispatcher {
  const key = keyOf(options);
  const direct = getAgent(key, cache);
  const proxy = options.proxy;
  if (proxy === undefined) return direct;
  const guard = proxiedTargetGuard(options.allowPrivate, connectSeams().isAllowed);
  if (proxy.mode === 'env') {
    const env = cache.get(`env|${keyId(key)}|${JSON.stringify(proxy)}`, () => createEnvProxyAgent(proxy, key));
    return env.compose(guard);
  }
  if (pool === undefined) throw new RangeError('a pool route needs its ProxyPool');
  const agentFor = (index: number) => {
    const url = pool.urls[index]!;
    return cache.get(`proxy|${keyId(key)}|${url}`, () => createProxyAgent(url, key));
  };
  // compose runs the last interceptor first: the guard sees the request before a proxy is picked.
  return direct.compose(proxyPoolInterceptor(pool, agentFor), guard);
}
