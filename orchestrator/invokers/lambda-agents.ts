/**
 * The Node http(s) Agents the Lambda client sends through (the AWS SDK's NodeHttpHandler takes an
 * `httpAgent` and an `httpsAgent`): keep-alive, sized to the fan-out, and through the standard
 * environment's proxy when there is one, as AWS documents for the SDK (hpagent's CONNECT agents).
 * NO_PROXY is matched per connection, by the same rules as the page fetches (core/proxy.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { bypassesProxy, type EnvProxySettings } from '../../core/proxy';

/** hpagent's CONNECT agent for http endpoints, except for hosts NO_PROXY names. */
class RoutedHttpProxyAgent extends HttpProxyAgent {
  constructor(
    options: ConstructorParameters<typeof HttpProxyAgent>[0],
    private readonly noProxy: string | undefined,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    if (bypassesProxy(String(options.host ?? ''), Number(options.port ?? 80), this.noProxy)) return http.Agent.prototype.createConnection.call(this, options, callback);
    return super.createConnection(options, callback);
  }
}

/** hpagent's CONNECT agent for https endpoints, except for hosts NO_PROXY names. */
class RoutedHttpsProxyAgent extends HttpsProxyAgent {
  constructor(
    options: ConstructorParameters<typeof HttpsProxyAgent>[0],
    private readonly noProxy: string | undefined,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    if (bypassesProxy(String(options.host ?? ''), Number(options.port ?? 443), this.noProxy)) return https.Agent.prototype.createConnection.call(this, options, callback);
    return super.createConnection(options, callback);
  }
}

/**
 * Agents for `maxSockets` requests in flight. With `proxy` (the environment as the CLI read it),
 * http endpoints go through its `httpProxy` and https ones through `httpsProxy`, else `httpProxy`
 * (undici's rule for the pages too), unless NO_PROXY names the endpoint's host.
 *
 * @example new LambdaClient({ requestHandler: lambdaAgents(108, { mode: 'env', httpsProxy: 'http://proxy:3128' }) })
 */
export function lambdaAgents(maxSockets: number, proxy?: EnvProxySettings): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const options = { keepAlive: true, maxSockets };
  const httpProxy = proxy?.httpProxy?.trim() || undefined;
  const httpsProxy = proxy?.httpsProxy?.trim() || httpProxy;
  return {
    httpAgent: httpProxy ? new RoutedHttpProxyAgent({ ...options, proxy: httpProxy }, proxy?.noProxy) : new http.Agent(options),
    httpsAgent: httpsProxy ? new RoutedHttpsProxyAgent({ ...options, proxy: httpsProxy }, proxy?.noProxy) : new https.Agent(options),
  };
}
