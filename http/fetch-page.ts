/**
 * One attempt at one page: GET with the shared undici Agent, follow redirects by hand, read the
 * body through its decoders under the size cap, all inside one wall-time deadline (`timeoutMs`).
 * Every failure is thrown as a {@link FetchError} with its closed `kind`; retries are the caller's.
 * The fetching is follow-redirects.ts's, which robots.txt shares; what is page-only is here.
 */
import { STATUS_CODES } from 'node:http';
import { getAgent } from './agent';
import { isHtmlMime, looksLikeHtml, mimeType } from './content-type';
import type { ScrapeOptions } from '../core/contract';
import { FetchError } from './fetch-error';
import { connectTimeoutFor, discardBody, fetchFollowingRedirects, responseHeader, type FinalResponse } from './follow-redirects';
import { parseContentEncoding, readBody } from './read-body';
import { parseRetryAfter } from './retry-after';

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

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/**
 * Fetches `url` once (redirects included). `signal` aborts it from outside (the chunk is being
 * abandoned); the caller tells that apart from a failure by checking `signal.aborted`.
 * In undici 7 a bare Agent does not follow redirects at all (that is the `redirect` interceptor,
 * which we do not compose), which is what `maxRedirections: 0` meant in undici 6: every 3xx comes
 * back to fetchFollowingRedirects to be checked.
 */
export async function fetchPage(url: URL, options: FetchOptions, signal?: AbortSignal): Promise<FetchedPage> {
  const { timeoutMs, maxRedirects } = options;
  const dispatcher = getAgent({ perHost: options.perHost, connectTimeoutMs: connectTimeoutFor(timeoutMs), allowPrivate: options.allowPrivate });
  return fetchFollowingRedirects(
    url,
    { dispatcher, timeoutMs, maxRedirects, accept: ACCEPT, userAgent: options.userAgent },
    (response) => readPage(response, options.maxBytes),
    signal,
  );
}

/** The final answer as a page: an `http` error from 400 on, else its body under the size cap. */
async function readPage({ url, status, headers, body, signal }: FinalResponse, maxBytes: number): Promise<FetchedPage> {
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
  return { finalUrl: url.href, status, contentType, bytes: read.bytes, html: isHtml ? read.body : null };
}
