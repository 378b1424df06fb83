/**
 * Bytes -> text for HTML, following the order of the WHATWG encoding sniffing algorithm:
 * byte order mark, then the transport-layer charset (HTTP `Content-Type`), then a prescan of the
 * first 1024 bytes for `<meta charset>` / `<meta http-equiv="content-type">`, then a default.
 *
 * Why not `encoding-sniffer`: its current major is ESM-only, which jest (CommonJS, Node 20)
 * cannot load, and every test that reaches the worker would break. Node's own `TextDecoder`
 * (full ICU) knows every WHATWG label (windows-1251, shift_jis, gbk, koi8-r …), so the sniffing
 * order is all that needs writing. Invalid sequences become U+FFFD; decoding never throws.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** The WHATWG prescan looks no further than this. */
export const PRESCAN_BYTES = 1024;

const decoders = new Map<string, TextDecoder | null>();

/** A (cached) decoder for a WHATWG label, or null if the label names no supported encoding. */
function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key);
    } catch {
      decoder = null;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

/** The encoding a byte order mark declares, and the BOM's length. */
function sniffBom(bytes: Buffer): { encoding: string; length: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return undefined;
}

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const META_TAG = /<meta[\s/]([^>]*)/gi;
const ATTRIBUTE = /([^\s=/>][^\s=/>]*)\s*(?:=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*)))?/g;
const CHARSET_IN_CONTENT = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i;

/** The attributes of one `<meta …>`; the first occurrence of a name wins, as in the prescan. */
function metaAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/**
 * The encoding declared by a `<meta>` in the first {@link PRESCAN_BYTES} bytes, if any names a
 * supported encoding. Per the spec a UTF-16 declaration means UTF-8 (the bytes are ASCII-compatible).
 */
export function prescanMeta(bytes: Buffer): string | undefined {
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, PRESCAN_BYTES)).replace(COMMENT, '');
  for (const match of head.matchAll(META_TAG)) {
    const attributes = metaAttributes(match[1]!);
    let label = attributes.get('charset');
    if (label === undefined && attributes.get('http-equiv')?.toLowerCase() === 'content-type') {
      const found = CHARSET_IN_CONTENT.exec(attributes.get('content') ?? '');
      label = found?.[1] ?? found?.[2] ?? found?.[3];
    }
    const decoder = label === undefined ? null : decoderFor(label);
    if (decoder !== null) {
      return decoder.encoding.startsWith('utf-16') ? 'utf-8' : decoder.encoding;
    }
  }
  return undefined;
}

/** Which encoding {@link decodeHtml} would use for these bytes, and how many BOM bytes to skip. */
export function sniffEncoding(bytes: Buffer, transportCharset?: string): { encoding: string; skip: number } {
  const bom = sniffBom(bytes);
  if (bom !== undefined) return { encoding: bom.encoding, skip: bom.length };
  const transport = transportCharset === undefined ? null : decoderFor(transportCharset);
  if (transport !== null) return { encoding: transport.encoding, skip: 0 };
  const meta = prescanMeta(bytes);
  if (meta !== undefined) return { encoding: meta, skip: 0 };
  // No declaration anywhere. Browsers guess from the locale (usually windows-1252); nearly every
  // unlabelled page today is UTF-8, so take UTF-8 when the bytes are valid UTF-8.
  return { encoding: isUtf8(bytes) ? 'utf-8' : 'windows-1252', skip: 0 };
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
