/**
 * Fetches one sitemap through the pages' own fetch path (http/follow-redirects.ts: the guarded
 * dispatcher, redirects by hand, one deadline over headers and body) and parses it as it streams
 * in: transport codings undone, then gzip undone again when the bytes themselves are gzip (a
 * `.xml.gz` file is served as such, without Content-Encoding), all under the protocol's 50 MB cap
 * counted after decompression, so a gzip bomb stops early.
 */
import { STATUS_CODES } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
import { isRetryableStatus, RETRYABLE_KINDS } from '../../core/retryable';
import { FetchError } from '../fetch-error';
import { discardBody, fetchFollowingRedirects, responseHeader, type FinalResponse } from '../follow-redirects';
import { parseContentEncoding } from '../read-body';
import { SitemapParser, type SitemapDocument } from './parse-sitemap';
import { SitemapError } from './sitemap-error';

/** The sitemaps protocol's cap on one file, uncompressed: 50 MB. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;

export interface SitemapFetchOptions {
  /** Carries the SSRF guard (http/agent.ts), unless private addresses are allowed. */
  dispatcher: Dispatcher;
  userAgent?: string;
  /** The whole fetch: redirects, headers and body. */
  timeoutMs: number;
  maxRedirects: number;
  /** Tries after the first, for network errors, timeouts, 5xx, 408 and 429. */
  retries: number;
  /** Decoded bytes allowed. @default MAX_SITEMAP_BYTES */
  maxBytes?: number;
  /** Entries allowed. @default MAX_SITEMAP_ENTRIES (50,000) */
  maxEntries?: number;
  /** First retry backoff, doubling per try. @default 1000 */
  retryBaseDelayMs?: number;
  /** Aborts the fetch (the run is stopping); it then fails as a `fetch` error and is not retried. */
  signal?: AbortSignal;
}

const ACCEPT = 'application/xml, text/xml;q=0.9, text/plain;q=0.8, */*;q=0.5';
const GZIP_MAGIC = [0x1f, 0x8b];

/** What the final response came to: parsed, or a failure that is not the fetch's. */
type ReadResult = { ok: true; document: SitemapDocument } | { ok: false; error: SitemapError; retryable: boolean };

/**
 * GETs and parses the sitemap at `url`, retrying what may pass. Throws {@link SitemapError}
 * (naming the sitemap) when it yields nothing usable; never anything else.
 *
 * @example
 * const { kind, entries } = await fetchSitemap('https://a.test/sitemap.xml.gz', { dispatcher, timeoutMs: 30_000, maxRedirects: 10, retries: 2 });
 */
export async function fetchSitemap(url: string, options: SitemapFetchOptions): Promise<SitemapDocument> {
  const baseDelayMs = options.retryBaseDelayMs ?? 1_000;
  for (let attempt = 0; ; attempt++) {
    const result = await fetchOnce(url, options);
    if (result.ok) return result.document;
    if (!result.retryable || attempt >= options.retries || options.signal?.aborted) throw result.error;
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, baseDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2)));
  }
}

async function fetchOnce(url: string, options: SitemapFetchOptions): Promise<ReadResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    return { ok: false, error: new SitemapError(`sitemap ${url}: not a URL`, 'fetch', url, { cause: error }), retryable: false };
  }
  try {
    return await fetchFollowingRedirects(
      target,
      { dispatcher: options.dispatcher, timeoutMs: options.timeoutMs, maxRedirects: options.maxRedirects, accept: ACCEPT, userAgent: options.userAgent },
      (response) => readSitemap(url, response, options),
      options.signal,
    );
  } catch (error) {
    const fetchError = error instanceof FetchError ? error : new FetchError(String(error), 'network', { cause: error });
    const reason = fetchError.kind === 'blocked' ? 'blocked' : 'fetch';
    return {
      ok: false,
      error: new SitemapError(`sitemap ${url}: ${fetchError.message} (${fetchError.kind})`, reason, url, { cause: error }),
      retryable: RETRYABLE_KINDS.has(fetchError.kind),
    };
  }
}

async function readSitemap(url: string, { status, headers, body }: FinalResponse, options: SitemapFetchOptions): Promise<ReadResult> {
  if (status >= 400) {
    await discardBody(body);
    const error = new SitemapError(`sitemap ${url}: HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(), 'http', url, { status });
    return { ok: false, error, retryable: isRetryableStatus(status) };
  }
  const maxBytes = options.maxBytes ?? MAX_SITEMAP_BYTES;
  const parser = new SitemapParser(url, options.maxEntries);
  const text = new TextDecoder('utf-8');
  let bytes = 0;
  const source = ungzip(decodeTransport(body, parseContentEncoding(responseHeader(headers, 'content-encoding'))));
  try {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        const error = new SitemapError(
          `sitemap ${url}: larger than ${maxBytes} bytes uncompressed, the sitemaps protocol's limit per file; split it and list the parts in a sitemap index`,
          'too-large',
          url,
        );
        return { ok: false, error, retryable: false };
      }
      parser.write(text.decode(chunk, { stream: true }));
    }
    parser.write(text.decode());
    return { ok: true, document: parser.end() };
  } catch (error) {
    if (error instanceof SitemapError) return { ok: false, error, retryable: false };
    throw error; // a stream or zlib error: the fetch path classifies it
  } finally {
    body.destroy();
  }
}

/**
 * The body with its Content-Encoding undone, streamed. read-body.ts has the same decoders but
 * buffers the whole body, which a 50 MB sitemap must not be; unlike a page, a truncated stream is
 * an error here (strict zlib), so a cut-off sitemap gives no half list.
 */
function decodeTransport(body: Readable, codings: string[]): AsyncIterable<Buffer> {
  const decoders: NodeJS.ReadWriteStream[] = [];
  for (const coding of [...codings].reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip());
    else if (coding === 'deflate') decoders.push(zlib.createInflate());
    else if (coding === 'br') decoders.push(zlib.createBrotliDecompress());
  }
  if (decoders.length === 0) return body;
  // The callback only swallows the error; the same error surfaces from the caller's iteration.
  return pipeline([body, ...decoders], () => {}) as unknown as Readable;
}

/** `source`, gunzipped when its first two bytes are gzip's magic number, else as it is. */
async function* ungzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = Buffer.concat([head, next.value]);
  }
  const rest = (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield* rest;
    return;
  }
  const gunzip = zlib.createGunzip();
  yield* pipeline(Readable.from(rest), gunzip, () => {}) as unknown as AsyncIterable<Buffer>;
}
