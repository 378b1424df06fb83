/**
 * The errors a proxy causes. They are told apart from the target's own failures where they arise
 * (proxy-agents.ts tags everything that goes wrong while the tunnel is being opened), so that a
 * pool can fail over, bench the proxy, and the record can say `proxy` rather than blame the site.
 */
import type { ProxyStat } from '../core/proxy';
import { FanoutError } from '../core/errors';

/**
 * How a proxy failed: its connection (refused, reset, timed out, TLS to the proxy, or an address
 * the proxy guard refuses), its credentials (407), or a CONNECT answered with another status.
 * Only the last can be the target's fault (a proxy answers 502 when the site is down), so a pool
 * blames the proxy for it only when another proxy then gets through.
 */
export type ProxyFault = 'connect' | 'auth' | 'status';

/** A proxy failed a request before the target was reached. `proxy` is the redacted label. */
export class ProxyError extends FanoutError {
  override readonly name = 'ProxyError';
  readonly code = 'FANOUT_PROXY';
  constructor(
    message: string,
    readonly proxy: string,
    readonly fault: ProxyFault,
    /** The proxy's answer to CONNECT, for `auth` and `status`. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Finds a {@link ProxyError} in `error` or its `cause` chain. */
export function findProxyError(error: unknown): ProxyError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof ProxyError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `every proxy …: label (why), label (why)` */
function describe(stats: readonly ProxyStat[]): string {
  return stats.map((s) => (s.lastError === undefined ? s.proxy : `${s.proxy} (${s.lastError})`)).join(', ');
}

/**
 * Every proxy of the pool is benched, so nothing can be sent: the run stops here rather than record
 * a proxy failure for every URL left. Its message names each proxy (redacted) and why it failed.
 */
export class ProxyPoolExhaustedError extends FanoutError {
  override readonly name = 'ProxyPoolExhaustedError';
  readonly code = 'FANOUT_PROXY_POOL_EXHAUSTED';
  override readonly userFacing = true;
  constructor(readonly proxies: readonly ProxyStat[]) {
    super(`every proxy in the pool is benched after failing repeatedly: ${describe(proxies)}`);
  }
}
