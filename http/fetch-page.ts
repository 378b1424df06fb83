/**
 * One attempt at one page: GET with the shared undici Agent, follow redirects by hand, read the
 * body through its decoders under the size cap, all inside one wall-time deadline (`timeoutMs`).
 * Every failure is thrown as a {@link FetchError} with its closed `kind`; retries are the caller's.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { CONNECT_TIMEOUT_CAP_MS, getAgent } from './agent';
import { isHtmlMime, looksLikeHtml, mimeType } from './content-type';
import type { ScrapeOptions } from '../core/contract';
import { FetchError, toFetchError } from './fetch-error';
import { parseContentEncoding, readBody } from './read-body';
import { RedirectCookies } from './redirect-cookies';
import { parseRetryAfter } from './retry-after';
import { DEFAULT_USER_AGENT } from '../core/version';

/** The options one attempt uses. */
export type FetchOptions = Pick<ScrapeOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'perHost' | 'allowPrivate' | 'userAgent'>;

export interface FetchedPage {
  /** Where the answer finally came from, after redirects. */
  finalUrl: string;
  status: number;
  /** The `Content-Type` header as sent, or null. */
  contentType: string | null;
  /** Body bytes after decompression. */
  bytes: number;
  /** The decoded-from-transport body when it is HTML (declared, or sniffed when undeclared); else null. */
  html: Buffer | null;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/**
 * undici's connect, headers and body timeouts run on its coarse "fast timers" (a 499 ms tick that
 * counts a new timer from the previous tick), so they can fire up to ~0.5 s early. They are only
 * a backstop set this far past timeoutMs; the attempt's own (native, exact) timer is what ends it.
 */
const UNDICI_TIMER_SLACK_MS = 1_000;
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads and drops an unwanted (small) body so its socket goes back to the pool. */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump().catch(() => undefined);
}

function withoutHash(url: URL): string {
  return url.hash === '' ? url.href : url.href.slice(0, url.href.indexOf('#'));
}

/**
 * Fetches `url` once (redirects included). `signal` aborts it from outside (the chunk is being
 * abandoned); the caller tells that apart from a failure by checking `signal.aborted`.
 * Only GET is ever sent, so 301/302/303 need no method rewrite. In undici 7 a bare Agent does not
 * follow redirects at all (that is the `redirect` interceptor, which we do not compose), which is
 * what `maxRedirections: 0` meant in undici 6: every 3xx comes back here to be checked.
 */
export async function fetchPage(url: URL, options: FetchOptions, signal?: AbortSignal): Promise<FetchedPage> {
  const { timeoutMs, maxBytes, maxRedirects } = options;
  const agent = getAgent({
    perHost: options.perHost,
    connectTimeoutMs: Math.min(timeoutMs + UNDICI_TIMER_SLACK_MS, CONNECT_TIMEOUT_CAP_MS),
    allowPrivate: options.allowPrivate,
  });
  const headers = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: ACCEPT,
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
  try {
    let current = url;
    const cookies = new RedirectCookies();
    // A chain loops when it comes back to a URL with nothing new to send: coming back with a cookie
    // the last answer set is how sites say "now you have a session", not a loop.
    const visitKey = (target: URL) => `${withoutHash(target)} ${cookies.headerFor(target.hostname) ?? ''}`;
    const seen = new Set([visitKey(url)]);
    for (let redirects = 0; ; ) {
      const cookie = cookies.headerFor(current.hostname);
      const response = await agent.request({
        origin: current.origin,
        path: current.pathname + current.search,
        method: 'GET',
        headers: cookie === undefined ? headers : { ...headers, cookie },
        signal: controller.signal,
        headersTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
        bodyTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
      });
      gotResponse = true;
      const { statusCode: status, body } = response;

      if (REDIRECT_STATUSES.has(status)) {
        const location = header(response.headers, 'location');
        await discard(body);
        cookies.store(current.hostname, response.headers['set-cookie']);
        current = nextHop(current, location, status);
        const key = visitKey(current);
        if (seen.has(key)) throw new FetchError(`redirect loop: ${withoutHash(current)} was already visited`, 'redirect-loop');
        if (++redirects > maxRedirects) throw new FetchError(`more than maxRedirects (${maxRedirects}) redirects`, 'too-many-redirects');
        seen.add(key);
        gotResponse = false;
        continue;
      }

      if (status >= 400) {
        const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'), Date.now());
        await discard(body);
        throw new FetchError(`HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim(), 'http', { status, retryAfterMs });
      }

      const contentType = header(response.headers, 'content-type') ?? null;
      const codings = parseContentEncoding(header(response.headers, 'content-encoding'));
      const declaredLength = Number(header(response.headers, 'content-length'));
      if (codings.length === 0 && declaredLength > maxBytes) {
        body.destroy();
        throw new FetchError(`Content-Length ${declaredLength} is larger than maxBytes (${maxBytes})`, 'too-large');
      }
      const mime = mimeType(contentType);
      // Undeclared type: keep the bytes so they can be sniffed. Declared non-HTML: only count them.
      const keep = mime === null || isHtmlMime(mime);
      const read = await readBody(body, codings, maxBytes, keep);
      const isHtml = mime === null ? read.bytes === 0 || looksLikeHtml(read.body) : keep;
      return { finalUrl: current.href, status, contentType, bytes: read.bytes, html: isHtml ? read.body : null };
    }
  } catch (err) {
    if (timedOut) throw controller.signal.reason as FetchError;
    throw toFetchError(err, gotResponse);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Where a redirect points, or a `bad-redirect` error when it points nowhere usable. */
function nextHop(from: URL, location: string | undefined, status: number): URL {
  if (location === undefined || location.trim() === '') {
    throw new FetchError(`HTTP ${status} redirect without a Location header`, 'bad-redirect', { status });
  }
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
