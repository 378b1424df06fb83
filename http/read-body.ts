/**
 * Reads a response body through its content decoders with a hard cap on decoded bytes.
 * The cap is checked on every decoded chunk, so a gzip bomb stops inflating (and its socket is
 * destroyed) as soon as it passes `maxBytes`, long before it is fully expanded.
 *
 * Decoding is bounded in time too: at most {@link MAX_CONTENT_CODINGS} codings are undone (one
 * decoder each), and the attempt's `signal` stops the decoders, not only the download: once the
 * body has arrived, aborting the request no longer reaches them.
 */
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from './fetch-error';

/** Decoders tolerate a truncated stream the way browsers do: they flush what they have. */
const ZLIB_OPTIONS: zlib.ZlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

const EMPTY = Buffer.alloc(0);

/**
 * Content codings undone at most; a response with more is refused (`too-many-encodings`). undici's
 * fetch and its decompress interceptor stop at 5 too, as curl and urllib3 do; browsers send one or two.
 */
export const MAX_CONTENT_CODINGS = 5;

/** The codings of a `Content-Encoding` header, in the order they were applied; identity dropped. */
export function parseContentEncoding(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/** A decoder for one coding; undefined for codings we do not know (the bytes pass through as sent). */
function decoderFor(coding: string): NodeJS.ReadWriteStream | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      return zlib.createInflate(ZLIB_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    default:
      return undefined;
  }
}

/** Drops a body that will not be read (and its socket); undici reports that as an error event, expected here. */
function drop(body: Readable): void {
  body.once('error', () => undefined);
  body.destroy();
}

export interface ReadBodyOptions {
  /** Decoded bytes allowed. */
  maxBytes: number;
  /** False: only count the bytes (a PNG's size, without holding the PNG). */
  keep: boolean;
  /**
   * Past `maxBytes`: `throw` a `too-large` {@link FetchError} (a page), or `truncate`, i.e. keep the
   * first `maxBytes` and stop reading (robots.txt, which RFC 9309 lets a crawler cut at a limit).
   */
  overflow: 'throw' | 'truncate';
  /**
   * Stops the read, decoding included, when aborted (the attempt's deadline); its `reason` is thrown.
   * @default no deadline
   */
  signal?: AbortSignal;
}

export interface ReadBodyResult {
  /** The decoded body, or an empty buffer when `keep` was false. */
  body: Buffer;
  /** Decoded bytes read (at most `maxBytes` when truncated). */
  bytes: number;
  /** More than `maxBytes` came, and the rest was not read (`overflow: 'truncate'` only). */
  truncated: boolean;
}

/**
 * Reads `body`, undoing `codings` (as from {@link parseContentEncoding}), and counts decoded bytes.
 * As soon as the count passes `maxBytes` the socket is dropped and, per `overflow`, a `too-large`
 * {@link FetchError} is thrown or what came so far is returned. More than {@link MAX_CONTENT_CODINGS}
 * codings is a `too-many-encodings` FetchError, before anything is decoded. When `signal` aborts,
 * the decoders are destroyed and its reason is thrown. Stream and zlib errors propagate as they
 * are, for the caller to classify.
 */
export async function readBody(body: Readable, codings: string[], options: ReadBodyOptions): Promise<ReadBodyResult> {
  const { maxBytes, keep, signal } = options;
  if (codings.length > MAX_CONTENT_CODINGS) {
    drop(body);
    throw new FetchError(`Content-Encoding lists ${codings.length} codings; at most ${MAX_CONTENT_CODINGS} are undone`, 'too-many-encodings');
  }
  if (signal?.aborted) {
    drop(body);
    throw signal.reason;
  }
  const decoders: NodeJS.ReadWriteStream[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const decoder = decoderFor(codings[i]!);
    if (decoder !== undefined) decoders.push(decoder);
  }
  const source: Readable =
    decoders.length === 0
      ? body
      : // The callback only swallows the error; the same error surfaces from the iteration below.
        (pipeline([body, ...decoders], () => {}) as unknown as Readable);
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  // Destroying the undici body aborts the request and drops the socket: nothing more is read.
  const stop = () => {
    body.destroy();
    source.destroy();
  };
  // Destroying the last stream of the pipeline destroys every decoder; the iteration below then throws the reason.
  const onAbort = () => source.destroy(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (bytes + chunk.length > maxBytes) {
        if (options.overflow === 'throw') {
          throw new FetchError(`body larger than maxBytes (${maxBytes} bytes after decompression)`, 'too-large');
        }
        if (keep) chunks.push(chunk.subarray(0, maxBytes - bytes));
        bytes = maxBytes;
        truncated = true;
        stop();
        break;
      }
      bytes += chunk.length;
      if (keep) chunks.push(chunk);
    }
  } catch (err) {
    stop();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { body: keep ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes)) : EMPTY, bytes, truncated };
}
