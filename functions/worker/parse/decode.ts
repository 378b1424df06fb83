/**
 * Bytes -> text for HTML, following the order of the WHATWG encoding sniffing algorithm:
 * byte order mark, then the transport-layer charset (HTTP `Content-Type`), then a `<meta charset>`
 * / `<meta http-equiv="content-type">` (meta-prescan.ts: the spec's 1024-byte prescan, then the
 * rest of the head as Chromium reads it), then a default.
 *
 * Why not `encoding-sniffer`: its current major is ESM-only, which jest (CommonJS, Node 20)
 * cannot load, and every test that reaches the worker would break; like html-encoding-sniffer
 * (jsdom's) it also stops at byte 1024, so a late `<meta>` that browsers honour is missed. Node's
 * own `TextDecoder` (full ICU) knows every WHATWG label, so the sniffing is all that needs writing.
 * Invalid sequences become U+FFFD; decoding never throws.
 */
import { isUtf8 } from 'node:buffer';
import { decoderFor } from './encoding-label';
import { prescanMeta, scanHeadMeta, PRESCAN_BYTES } from './meta-prescan';

export { PRESCAN_BYTES, prescanMeta } from './meta-prescan';

/** Where the encoding came from: a byte order mark, the HTTP header, a `<meta>`, or none of them. */
export type EncodingSource = 'bom' | 'transport' | 'meta' | 'default';

export interface SniffedEncoding {
  /** The Encoding Standard's name, e.g. `windows-1251`. */
  encoding: string;
  /** BOM bytes to skip. */
  skip: number;
  source: EncodingSource;
}

/** The encoding a byte order mark declares, and the BOM's length. */
function sniffBom(bytes: Buffer): { encoding: string; length: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return undefined;
}

/** The encoding a `<meta>` declares: in the first 1024 bytes, else further on in the head. */
function sniffMeta(bytes: Buffer): string | undefined {
  return prescanMeta(bytes) ?? (bytes.length > PRESCAN_BYTES ? scanHeadMeta(bytes) : undefined);
}

/** Which encoding {@link decodeHtml} would use for these bytes, how many BOM bytes to skip, and why. */
export function sniffEncoding(bytes: Buffer, transportCharset?: string): SniffedEncoding {
  const bom = sniffBom(bytes);
  if (bom !== undefined) return { encoding: bom.encoding, skip: bom.length, source: 'bom' };
  const transport = transportCharset === undefined ? null : decoderFor(transportCharset);
  if (transport !== null) return { encoding: transport.encoding, skip: 0, source: 'transport' };
  const meta = sniffMeta(bytes);
  if (meta !== undefined) return { encoding: meta, skip: 0, source: 'meta' };
  // No declaration anywhere. Browsers guess from the locale (usually windows-1252); nearly every
  // unlabelled page today is UTF-8, so take UTF-8 when the bytes are valid UTF-8.
  return { encoding: isUtf8(bytes) ? 'utf-8' : 'windows-1252', skip: 0, source: 'default' };
}

/**
 * Decodes an HTML body. `transportCharset` is the `charset` parameter of the HTTP `Content-Type`.
 * @example decodeHtml(body, 'windows-1251') // 'Привет'
 */
export function decodeHtml(bytes: Buffer, transportCharset?: string): string {
  const { encoding, skip } = sniffEncoding(bytes, transportCharset);
  // Buffer's own UTF-8 decoder is the fastest path, and also substitutes U+FFFD.
  if (encoding === 'utf-8') return bytes.toString('utf8', skip);
  return decoderFor(encoding)!.decode(skip === 0 ? bytes : bytes.subarray(skip));
}

/**
 * The page as the record scanner reads it: UTF-8 bytes, never one string of the whole page. A
 * UTF-8 page is its own bytes (a BOM skipped): every byte the tokenizer decides on is ASCII
 * (`<`, quotes, names, whitespace), and a multi-byte sequence is bytes 0x80-0xFF only, so tags are
 * found at the same places, and the scanner decodes only the slices it keeps (title, attribute
 * values). Any other encoding is decoded as {@link decodeHtml} does, then encoded as UTF-8.
 *
 * Why not a string: decoding a page cost Node 20 ~1 ms per 100 KB (a two-byte string), and even a
 * one-byte (latin1) copy of a page over 128 KiB is a V8 large object, mapped and faulted in
 * afresh for every page: ~0.6 ms and ~40 page faults each, on 22 % of real-world pages.
 */
export function bytesForScan(bytes: Buffer, transportCharset?: string): Buffer {
  const { encoding, skip } = sniffEncoding(bytes, transportCharset);
  const body = skip === 0 ? bytes : bytes.subarray(skip);
  if (encoding === 'utf-8') return body;
  return Buffer.from(decoderFor(encoding)!.decode(body), 'utf8');
}
