/**
 * The one fetch path, up to the final response: GET through a (guarded) undici dispatcher, follow
 * redirects by hand with the chain's cookies and loop detection, all inside one wall-time deadline
 * that also covers reading the body. Pages (fetch-page.ts) and robots.txt (orchestrator) differ only
 * in what they do with the final response, which they pass in as `read`.
 *
 * Why by hand rather than undici's `redirect` interceptor: the interceptor carries no cookies from
 * hop to hop, and its loop check compares URLs alone, so a site's "set a cookie and come back to the
 * same URL" would end as a loop (see redirect-cookies.ts). Each hop still goes through the
 * dispatcher, so the SSRF guard checks every address the chain reaches.
 */
import type { Dispatcher } from 'undici';
import { CONNECT_TIMEOUT_CAP_MS } from './agent';
import { FetchError, toFetchError } from './fetch-error';
import { ROUTE_NOTE, type NotedOptions, type RouteNote } from './proxy-dispatcher';
import { RedirectCookies } from './redirect-cookies';
import { DEFAULT_USER_AGENT } from '../core/version';

/** What browsers follow (the fetch standard's redirect statuses). */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * undici's connect, headers and body timeouts run on its coarse "fast timers" (a 499 ms tick that
 * counts a new timer from the previous tick), so they can fire up to ~0.5 s early. They are only
 * a backstop set this far past timeoutMs; the attempt's own (native, exact) timer is what ends it.
 */
const UNDICI_TIMER_SLACK_MS = 1_000;

/** The connect timeout of an Agent used for attempts of `timeoutMs`: a backstop past the deadline, capped. */
export function connectTimeoutFor(timeoutMs: number): number {
  return Math.min(timeoutMs + UNDICI_TIMER_SLACK_MS, CONNECT_TIMEOUT_CAP_MS);
}

export interface FollowOptions {
  /** Sends every hop; it should carry the SSRF guard (see agent.ts). */
  dispatcher: Dispatcher;
  /** The whole attempt: every hop, and `read` of the final response. */
  timeoutMs: number;
  /** Redirects followed; one more is a `too-many-redirects` error. */
  maxRedirects: number;
  /** The `Accept` header. */
  accept: string;
  /** @default DEFAULT_USER_AGENT */
  userAgent?: string;
  /** Statuses followed as redirects; any other status is the final response. @default REDIRECT_STATUSES */
  redirectStatuses?: ReadonlySet<number>;
  /** Asked before each redirect is followed; it rejects (with a FetchError) to end the chain there. */
  beforeRedirect?: BeforeRedirect;
}

/**
 * A check of one redirect hop before it is requested: `target` is where hop number `hop` (1 for the
 * first redirect) goes. Resolves to go on, or rejects with the {@link FetchError} that ends the
 * attempt (e.g. `robots-disallowed`). It runs inside the attempt's deadline.
 */
export type BeforeRedirect = (target: URL, hop: number) => Promise<void>;

/** The answer at the end of the chain, for `read`. */
export interface FinalResponse {
  /** Where it came from, after redirects. */
  url: URL;
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  /** Still unread: `read` consumes it, or drops it with {@link discardBody}. */
  body: Dispatcher.ResponseData['body'];
  /** The proxy that carried it (label, password redacted), when the dispatcher is a proxy pool. */
  proxy?: string;
  /**
   * Aborted when the attempt's deadline passes (or it is cancelled). Once the body has arrived the
   * request's own abort no longer reaches what `read` does with it, so `read` passes this on (to
   * `readBody`), and decoding stops at the deadline too.
   */
  signal: AbortSignal;
}

/** A response header's first value. */
export function responseHeader(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads and drops an unwanted (small) body so its socket goes back to the pool. */
export async function discardBody(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump().catch(() => undefined);
}

function withoutHash(url: URL): string {
  return url.hash === '' ? url.href : url.href.slice(0, url.href.indexOf('#'));
}

/**
 * GETs `url`, following redirects, and returns what `read` makes of the final response. Every
 * failure, `read`'s included, is thrown as a {@link FetchError} (`timeout` once `timeoutMs` has
 * passed). `signal` aborts it from outside; the caller tells that apart by checking `signal.aborted`.
 * Only GET is ever sent, so 301/302/303 need no method rewrite. Through a proxy pool, the response
 * and the error say which proxy carried the last request.
 *
 * @example
 * const status = await fetchFollowingRedirects(url, { dispatcher, timeoutMs: 10_000, maxRedirects: 5, accept: '*\/*' },
 *   async (final) => { await discardBody(final.body); return final.status; });
 */
export async function fetchFollowingRedirects<T>(url: URL, options: FollowOptions, read: (response: FinalResponse) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const { dispatcher, timeoutMs, maxRedirects } = options;
  const redirectStatuses = options.redirectStatuses ?? REDIRECT_STATUSES;
  const headers = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept,
    'accept-encoding': 'gzip, deflate, br',
  };
  // One deadline for the whole attempt: headers/body timeouts alone would let a server that
  // drips a byte every few hundred ms hold the page forever.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new FetchError(`no complete answer within timeoutMs (${timeoutMs} ms)`, 'timeout'));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  let gotResponse = false;
  const route: RouteNote = {};
  try {
    let current = url;
    const cookies = new RedirectCookies();
    // A chain loops when it comes back to a URL with nothing new to send: coming back with a cookie
    // the last answer set is how sites say "now you have a session", not a loop.
    const visitKey = (target: URL) => `${withoutHash(target)} ${cookies.headerFor(target) ?? ''}`;
    const seen = new Set([visitKey(url)]);
    for (let redirects = 0; ; ) {
      const cookie = cookies.headerFor(current);
      const request: NotedOptions & Dispatcher.RequestOptions = {
        origin: current.origin,
        path: current.pathname + current.search,
        method: 'GET',
        // A fresh object per hop: undici's ProxyAgent writes the host header into the one it is given.
        headers: cookie === undefined ? { ...headers } : { ...headers, cookie },
        signal: controller.signal,
        headersTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
        bodyTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
        [ROUTE_NOTE]: route,
      };
      const response = await dispatcher.request(request);
      gotResponse = true;
      const { statusCode: status, body } = response;
      if (!redirectStatuses.has(status)) return await read({ url: current, status, headers: response.headers, body, proxy: route.proxy, signal: controller.signal });

      const location = responseHeader(response.headers, 'location');
      await discardBody(body);
      cookies.store(current, response.headers['set-cookie']);
      current = nextHop(current, location, status);
      const key = visitKey(current);
      if (seen.has(key)) throw new FetchError(`redirect loop: ${withoutHash(current)} was already visited`, 'redirect-loop');
      if (++redirects > maxRedirects) throw new FetchError(`more than maxRedirects (${maxRedirects}) redirects`, 'too-many-redirects');
      seen.add(key);
      if (options.beforeRedirect) await untilAborted(options.beforeRedirect(current, redirects), controller.signal);
      gotResponse = false;
    }
  } catch (err) {
    if (timedOut) throw (controller.signal.reason as FetchError).viaProxy(route.proxy);
    throw toFetchError(err, gotResponse).viaProxy(route.proxy);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** `work`, or a rejection with the signal's reason as soon as it aborts (the work itself goes on). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason;
  let onAbort!: () => void;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Location header's text as browsers read it. undici hands header bytes over as latin1, but a
 * server that writes a raw non-ASCII URL there (Facebook among them) sends UTF-8, and Chrome and
 * Firefox decode it as such: `Location: /café` goes to `/caf%C3%A9`, where latin1 made it
 * `/caf%C3%83%C2%A9`, a page that does not exist. Bytes that are not UTF-8 stay latin1.
 */
export function locationText(header: string): string {
  if (!/[\u0080-\uffff]/.test(header)) return header; // ASCII: nothing to decode
  try {
    return STRICT_UTF8.decode(Buffer.from(header, 'latin1'));
  } catch {
    return header;
  }
}

/** Where a redirect points, or a `bad-redirect` error when it points nowhere usable. */
function nextHop(from: URL, header: string | undefined, status: number): URL {
  if (header === undefined || header.trim() === '') {
    throw new FetchError(`HTTP ${status} redirect without a Location header`, 'bad-redirect', { status });
  }
  const location = locationText(header);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (err) {
    throw new FetchError(`redirect to an invalid URL: ${location}`, 'bad-redirect', { status, cause: err });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError(`redirect to a non-http(s) URL: ${next.href}`, 'bad-redirect', { status });
  }
  return next;
}
