/**
 * One attempt at one page: GET with the shared undici Agent, follow redirects by hand, read the
 * body through its decoders under the size cap, all inside one wall-time deadline (`timeoutMs`).
 * Every failure is thrown as a {@link FetchError} with its closed `kind`; retries are the caller's.
 * The fetching is follow-redirects.ts's, which robots.txt shares; what is page-only is here.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { isHtmlMime, looksLikeHtml, mimeType } from './content-type';
import type { ScrapeOptions } from '../core/contract';
import { FetchError } from './fetch-error';
import { connectTimeoutFor, discardBody, fetchFollowingRedirects, responseHeader, type BeforeRedirect, type FinalResponse } from './follow-redirects';
import { parseContentEncoding, readBody } from './read-body';
import { parseRetryAfter } from './retry-after';
import type { ProxyPool } from './proxy-pool';
import { routeDispatcher } from './route';

/** The options one attempt uses. */
export type FetchOptions = Pick<ScrapeOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'perHost' | 'allowPrivate' | 'userAgent'> &
  Partial<Pick<ScrapeOptions, 'proxy' | 'allowPrivateProxy'>>;

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
  /** The proxy that carried the last request (label, password redacted), through a proxy pool. */
  proxy?: string;
}

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/**
 * Fetches `url` once (redirects included). `signal` aborts it from outside (the chunk is being
 * abandoned); the caller tells that apart from a failure by checking `signal.aborted`.
 * In undici 7 a bare Agent does not follow redirects at all (that is the `redirect` interceptor,
 * which we do not compose), which is what `maxRedirections: 0` meant in undici 6: every 3xx comes
 * back to fetchFollowingRedirects to be checked. `beforeRedirect` vets each hop (robots.txt).
 *
 * `dispatcher` is the way out (route.ts); by default the one `options` describe, which for a proxy
 * pool the caller must give, made with the pool it keeps (see scrape-chunk.ts).
 */
export async function fetchPage(
  url: URL,
  options: FetchOptions,
  signal?: AbortSignal,
  dispatcher: Dispatcher = pageDispatcher(options),
  beforeRedirect?: BeforeRedirect,
): Promise<FetchedPage> {
  const { timeoutMs, maxRedirects } = options;
  return fetchFollowingRedirects(
    url,
    { dispatcher, timeoutMs, maxRedirects, accept: ACCEPT, userAgent: options.userAgent, beforeRedirect },
    (response) => readPage(response, options.maxBytes),
    signal,
  );
}

/** The way out pages with `options` take; a proxy pool's route follows `pool` (see routeDispatcher). */
export function pageDispatcher(options: FetchOptions, pool?: ProxyPool): Dispatcher {
  return routeDispatcher(
    {
      perHost: options.perHost,
      connectTimeoutMs: connectTimeoutFor(options.timeoutMs),
      allowPrivate: options.allowPrivate,
      proxy: options.proxy,
      allowPrivateProxy: options.allowPrivateProxy ?? false,
    },
    pool,
  );
}

/** The final answer as a page: an `http` error from 400 on, else its body under the size cap. */
async function readPage({ url, status, headers, body, proxy, signal }: FinalResponse, maxBytes: number): Promise<FetchedPage> {
  if (status >= 400) {
    const retryAfterMs = parseRetryAfter(responseHeader(headers, 'retry-after'), Date.now());
    await discardBody(body);
    throw new FetchError(`HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim(), 'http', { status, retryAfterMs });
  }
  const contentType = responseHeader(headers, 'content-type') ?? null;
  const codings = parseContentEncoding(responseHeader(headers, 'content-encoding'));
  const declaredLength = Number(responseHeader(headers, 'content-length'));
  if (codings.length === 0 && declaredLength > maxBytes) {
    body.destroy();
    throw new FetchError(`Content-Length ${declaredLength} is larger than maxBytes (${maxBytes})`, 'too-large');
  }
  const mime = mimeType(contentType);
  // Undeclared type: keep the bytes so they can be sniffed. Declared non-HTML: only count them.
  const keep = mime === null || isHtmlMime(mime);
  const read = await readBody(body, codings, { maxBytes, keep, overflow: 'throw', signal });
  const isHtml = mime === null ? read.bytes === 0 || looksLikeHtml(read.body) : keep;
  const page: FetchedPage = { finalUrl: url.href, status, contentType, bytes: read.bytes, html: isHtml ? read.body : null };
  if (proxy !== undefined) page.proxy = proxy;
  return page;
}
