/**
 * The parts of undici fanout uses, each from its own module. `require('undici')` loads all of it
 * (fetch, WebSocket, cookies, the cache, HTTP/2, mocks): ~60 ms of every process start, the CLI's
 * and every worker's, for classes the scraper never touches. Types still come from `undici`
 * (whose package has no `exports` map, so its files are reachable; the lock file pins the version).
 */
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
// What undici's index does first: the request API (`dispatcher.request`, `.stream` ...) on every dispatcher.
Object.assign((require('undici/lib/dispatcher/dispatcher') as { prototype: object }).prototype, require('undici/lib/api') as object);
export const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const Pool = require('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof Undici.ProxyAgent;
export type ProxyAgent = Undici.ProxyAgent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof Undici.EnvHttpProxyAgent;
export type EnvHttpProxyAgent = Undici.EnvHttpProxyAgent;
export const buildConnector = require('undici/lib/core/connect') as typeof Undici.buildConnector;
/* eslint-enable @typescript-eslint/no-require-imports */
