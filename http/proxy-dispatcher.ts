/**
 * undici interceptors for proxied requests, composed onto a dispatcher (route.ts):
 *
 * - {@link proxiedTargetGuard}: through a proxy the SSRF guard cannot see the target's address (the
 *   proxy resolves it), so what can be seen is checked here: an IP literal that is not public, or
 *   `localhost`, is refused unless `allowPrivate` is on. Every redirect hop is a dispatch, so checked.
 * - {@link proxyPoolInterceptor}: each request goes through the pool's next proxy; when that proxy
 *   fails it before the target is reached, the same request goes out again through the next one, so
 *   a dead proxy costs a page neither an attempt nor a record. The pool benches what fails repeatedly.
 *
 * Which proxy carried a request is written into a {@link RouteNote} the caller passes in the
 * request's options, so a record can name it whether the request succeeded or not.
 */
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { type ProxyError, ProxyPoolExhaustedError, findProxyError } from './proxy-errors';
import type { ProxyPool } from './proxy-pool';
import { BlockedAddressError, classifyHostLiteral, isPublicAddress, type AddressPredicate } from './ssrf-guard';

/** Filled in by a pool: the label (password redacted) of the proxy that carried the latest request. */
export interface RouteNote {
  proxy?: string;
}

/** The key under which a caller passes its RouteNote in `dispatcher.request(options)`. */
export const ROUTE_NOTE: unique symbol = Symbol('fanout.routeNote');

/** Request options that may carry a RouteNote. */
export type NotedOptions = Dispatcher.DispatchOptions & { [ROUTE_NOTE]?: RouteNote };

/** The controller handed over with an error raised before any dispatch: there is nothing left to abort. */
function settledController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort: () => undefined, pause: () => undefined, resume: () => undefined };
}

function hostnameOf(origin: Dispatcher.DispatchOptions['origin']): string {
  return origin === undefined ? '' : new URL(String(origin)).hostname;
}

/**
 * Why a proxied request to `hostname` must not be sent, from what can be seen without resolving it:
 * a non-public IP literal (any spelling), or `localhost` and its subdomains (RFC 6761: always loopback).
 */
export function proxiedTargetBlock(hostname: string, isAllowed: AddressPredicate = isPublicAddress): BlockedAddressError | undefined {
  const literal = classifyHostLiteral(hostname);
  if (literal.kind === 'ip') return isAllowed(literal.address) ? undefined : new BlockedAddressError(hostname, literal.address);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? new BlockedAddressError(hostname, '127.0.0.1') : undefined;
}

/** Refuses proxied requests to targets that are visibly not public (see {@link proxiedTargetBlock}); off with `allowPrivate`. */
export function proxiedTargetGuard(allowPrivate: boolean, isAllowed?: AddressPredicate): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const blocked = allowPrivate ? undefined : proxiedTargetBlock(hostnameOf(opts.origin), isAllowed);
    if (blocked === undefined) return dispatch(opts, handler);
    handler.onResponseError?.(settledController(blocked), blocked);
    return true;
  };
}

/**
 * Sends every request through one of the pool's proxies (`agentFor(index)` is its dispatcher; the
 * dispatcher this is composed onto is never used). Fails over to the next proxy when one fails the
 * request before the target is reached; when none is left, the request fails with the last proxy's
 * error, or with {@link ProxyPoolExhaustedError} when every proxy was benched to begin with.
 */
export function proxyPoolInterceptor(pool: ProxyPool, agentFor: (index: number) => Dispatcher): Dispatcher.DispatcherComposeInterceptor {
  return () => (opts, handler) => {
    new PoolRequest(pool, agentFor, opts as NotedOptions, handler).send();
    return true;
  };
}

/** One request through a pool, across its failovers; the handler undici calls for each try. */
class PoolRequest implements Dispatcher.DispatchHandler {
  private readonly tried = new Set<number>();
  /** Proxies that answered CONNECT with a status: blamed only if another one then gets through. */
  private refused: { index: number; error: ProxyError }[] = [];
  private current = -1;
  private connected = false;
  private lastError: ProxyError | undefined;

  constructor(
    private readonly pool: ProxyPool,
    private readonly agentFor: (index: number) => Dispatcher,
    private readonly opts: NotedOptions,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  send(): void {
    const index = this.pool.pick(hostnameOf(this.opts.origin), this.tried);
    if (index === undefined) {
      const error = this.lastError ?? new ProxyPoolExhaustedError(this.pool.stats());
      this.handler.onResponseError?.(settledController(error), error);
      return;
    }
    this.tried.add(index);
    this.current = index;
    this.pool.started(index);
    const note = this.opts[ROUTE_NOTE];
    if (note) note.proxy = this.pool.labels[index];
    try {
      // ProxyAgent adds a host header to the headers object it is given: a copy per try keeps ours clean.
      const headers = this.opts.headers && !Array.isArray(this.opts.headers) ? { ...(this.opts.headers as Record<string, string>) } : this.opts.headers;
      this.agentFor(index).dispatch({ ...this.opts, headers }, this);
    } catch (err) {
      this.onResponseError(settledController(err as Error), err as Error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    // The tunnel is open: this proxy works, and those that refused this target before it did not.
    this.connected = true;
    this.pool.succeeded(this.current);
    for (const { index, error } of this.refused) this.pool.failed(index, reasonOf(error));
    this.refused = [];
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    const proxyError = this.connected ? undefined : findProxyError(error);
    // request() passes its options, signal included, on to dispatch.
    const aborted = (this.opts as { signal?: AbortSignal }).signal?.aborted === true;
    if (proxyError === undefined || aborted) {
      this.handler.onResponseError?.(controller, error);
      return;
    }
    if (proxyError.fault === 'status') this.refused.push({ index: this.current, error: proxyError });
    else this.pool.failed(this.current, reasonOf(proxyError));
    this.lastError = proxyError;
    this.send();
  }
}

/** A ProxyError's message without the leading `proxy <label> `, for the pool's `lastError`. */
function reasonOf(error: ProxyError): string {
  const prefix = `proxy ${error.proxy} `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
