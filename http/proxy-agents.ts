/**
 * The dispatchers that send through a proxy: undici's ProxyAgent for one proxy, EnvHttpProxyAgent
 * for the standard environment. Both tunnel with CONNECT, for http pages as for https ones (undici's
 * default): the proxy then never answers for the site, so what it says to CONNECT is about itself.
 *
 * The socket to the proxy goes through the SSRF guard with `allowPrivateProxy` (the target's guard
 * cannot help: the proxy resolves the target). Everything that goes wrong while a tunnel is being
 * opened (no connection, TLS to the proxy, no answer, 407, any status but 200) becomes a
 * {@link ProxyError} here, in one place, so a pool can tell a proxy's failure from a site's.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher, Pool as UndiciPool } from 'undici';
import { EnvHttpProxyAgent, Pool, ProxyAgent } from './undici';
import { proxyLabel, type EnvProxySettings } from '../core/proxy';
import { connectOptions, connectSeams, KEEP_ALIVE_TIMEOUT_MS, MAX_HEADER_BYTES, type AgentKey } from './agent';
import { ProxyError } from './proxy-errors';
import { createGuardedConnector, findBlockedAddressError } from './ssrf-guard';

/** An Agent's settings, plus whether its proxies may sit on private addresses. */
export interface ProxyAgentKey extends AgentKey {
  allowPrivateProxy: boolean;
}

/** What went wrong opening a tunnel through `label`, as a ProxyError (a guard refusal carries no cause: it is the proxy's, not a target's). */
function tunnelError(label: string, err: unknown): ProxyError {
  const blocked = findBlockedAddressError(err);
  if (blocked) {
    return new ProxyError(
      `proxy ${label} is on a non-public address (${blocked.address}); pass --allow-private-proxy (allowPrivateProxy: true) to use a proxy on a private network`,
      label,
      'connect',
    );
  }
  // Duck-typed: errors from Node internals are not `instanceof Error` in every realm (jest's vm).
  const { message: raw, code } = (typeof err === 'object' && err !== null ? err : {}) as { message?: unknown; code?: unknown };
  const message = typeof raw === 'string' && raw !== '' ? raw : String(err);
  const suffix = typeof code === 'string' && !message.includes(code) ? ` (${code})` : '';
  return new ProxyError(`proxy ${label} could not be reached: ${message}${suffix}`, label, 'connect', undefined, { cause: err });
}

/**
 * The connection pool to one proxy, through which ProxyAgent sends its CONNECTs. Its `connect`
 * resolves only with an open tunnel; every other ending is a ProxyError.
 */
class TunnelPool extends Pool {
  constructor(
    origin: URL,
    options: UndiciPool.Options,
    private readonly label: string,
  ) {
    super(origin, options);
  }

  override connect(options: Dispatcher.ConnectOptions): Promise<Dispatcher.ConnectData>;
  override connect(options: Dispatcher.ConnectOptions, callback: (err: Error | null, data: Dispatcher.ConnectData) => void): void;
  override connect(options: Dispatcher.ConnectOptions, callback?: (err: Error | null, data: Dispatcher.ConnectData) => void): Promise<Dispatcher.ConnectData> | undefined {
    const tunnel = this.tunnel(options);
    if (callback === undefined) return tunnel;
    tunnel.then(
      (data) => callback(null, data),
      (err: Error) => callback(err, undefined as unknown as Dispatcher.ConnectData),
    );
    return undefined;
  }

  private async tunnel(options: Dispatcher.ConnectOptions): Promise<Dispatcher.ConnectData> {
    let data: Dispatcher.ConnectData;
    try {
      data = await super.connect(options);
    } catch (err) {
      throw tunnelError(this.label, err);
    }
    if (data.statusCode === 200) return data;
    data.socket.on('error', () => undefined).destroy();
    const status = data.statusCode;
    const text = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
    if (status === 407) {
      return Promise.reject(new ProxyError(`proxy ${this.label} answered ${text}: check the user and password in its URL`, this.label, 'auth', status));
    }
    return Promise.reject(new ProxyError(`proxy ${this.label} answered ${text} to CONNECT ${options.path}`, this.label, 'status', status));
  }
}

/** ProxyAgent's `clientFactory`: the guarded, error-tagging pool to the proxy at `origin`. */
function tunnelPoolFactory(key: ProxyAgentKey): (origin: URL, options: object) => Dispatcher {
  const connect = createGuardedConnector({ ...connectOptions(key), allowPrivate: key.allowPrivateProxy, ...connectSeams() });
  // A CONNECT answer is the proxy's own, so it gets the connect phase's time, not a page's.
  return (origin) => new TunnelPool(origin, { connect, headersTimeout: key.connectTimeoutMs, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, proxyLabel(origin.href));
}

/** The Agent options shared by the tunnels' target side, as the direct Agent has them (agent.ts). */
function targetSide(key: ProxyAgentKey) {
  return {
    connections: key.perHost,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    maxHeaderSize: MAX_HEADER_BYTES,
    requestTls: { timeout: key.connectTimeoutMs },
  };
}

/** A ProxyAgent for the proxy at `proxyUrl` (credentials in the URL become its Proxy-Authorization). */
export function createProxyAgent(proxyUrl: string, key: ProxyAgentKey): ProxyAgent {
  return new ProxyAgent({ uri: proxyUrl.trim(), ...targetSide(key), clientFactory: tunnelPoolFactory(key) });
}

/**
 * The standard environment, as the CLI read it: undici's EnvHttpProxyAgent with every value given,
 * so it never falls back to this process's own variables (a worker on Lambda has other ones, and
 * `--no-proxy` must hold in local workers too). Hosts that NO_PROXY names go direct, through the
 * target's SSRF guard.
 */
export function createEnvProxyAgent(settings: EnvProxySettings, key: ProxyAgentKey): EnvHttpProxyAgent {
  return new EnvHttpProxyAgent({
    // '' rather than undefined: EnvHttpProxyAgent reads process.env for undefined ones.
    httpProxy: settings.httpProxy?.trim() ?? '',
    httpsProxy: settings.httpsProxy?.trim() ?? '',
    noProxy: settings.noProxy ?? '',
    ...targetSide(key),
    connect: createGuardedConnector({ ...connectOptions(key), allowPrivate: key.allowPrivate, ...connectSeams() }),
    clientFactory: tunnelPoolFactory(key),
  });
}
