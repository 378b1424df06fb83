/**
 * Reads a response body through its content decoders with a hard cap on decoded bytes.
 * The cap is checked on every decoded chunk, so a gzip bomb stops inflating (and its socket is
 * destroyed) as soon as it passes `maxBytes`, long before it is fully expanded.
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

export interface ReadBodyResult {
  /** The decoded body, or an empty buffer when `keep` was false. */
  body: Buffer;
  /** Decoded bytes read. */
  bytes: number;
}

/**
 * Reads `body`, undoing `codings` (as from {@link parseContentEncoding}), and counts decoded bytes.
 * With `keep: false` the bytes are only counted (a PNG's size, without holding the PNG).
 * Throws a `too-large` {@link FetchError} as soon as the count passes `maxBytes`; stream and
 * zlib errors propagate as they are, for the caller to classify.
 */
export async function readBody(body: Readable, codings: string[], maxBytes: number, keep: boolean): Promise<ReadBodyResult> {
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
  try {
    for await (const chunk of source) {
      bytes += (chunk as Buffer).length;
      if (bytes > maxBytes) {
        throw new FetchError(`body larger than maxBytes (${maxBytes} bytes after decompression)`, 'too-large');
      }
      if (keep) chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // Destroying the undici body aborts the request and drops the socket: nothing more is read.
    body.destroy();
    source.destroy();
    throw err;
  }
  return { body: keep ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes)) : EMPTY, bytes };
}
