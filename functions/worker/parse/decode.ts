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
import { isAscii, isUtf8 } from 'node:buffer';
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
 * The page as the record scanner reads it. For UTF-8 with any non-ASCII byte, `text` is the bytes
 * one char per byte (latin1) and `utf8Bytes` is set: every byte the tokenizer decides on is ASCII
 * (`<`, quotes, names, whitespace), and a UTF-8 multi-byte sequence is bytes 0x80-0xFF only, so
 * tags are found at the same places; the scanner decodes the few slices it keeps (title,
 * attribute values) as UTF-8 ({@link utf8OfBytes}). Decoding the whole page instead made a
 * two-byte string of it: on Node 20 ~1 ms for 100 KB, about half of a page's CPU. Any other
 * encoding is decoded as {@link decodeHtml} does.
 */
export interface ScanText {
  text: string;
  utf8Bytes: boolean;
}

/** {@link decodeHtml}'s result in the form the record scanner reads fastest (see {@link ScanText}). */
export function decodeForScan(bytes: Buffer, transportCharset?: string): ScanText {
  const { encoding, skip } = sniffEncoding(bytes, transportCharset);
  if (encoding !== 'utf-8') return { text: decoderFor(encoding)!.decode(skip === 0 ? bytes : bytes.subarray(skip)), utf8Bytes: false };
  const body = skip === 0 ? bytes : bytes.subarray(skip);
  // Pure ASCII reads the same either way: no slice needs decoding.
  return { text: body.toString('latin1'), utf8Bytes: !isAscii(body) };
}

/** A slice of a {@link ScanText} whose `utf8Bytes` is set, as text: its bytes decoded as UTF-8 (U+FFFD for invalid sequences). */
export function utf8OfBytes(slice: string): string {
  for (let i = 0; i < slice.length; i++) {
    if (slice.charCodeAt(i) >= 0x80) return Buffer.from(slice, 'latin1').toString('utf8');
  }
  return slice;
}
