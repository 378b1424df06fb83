/**
 * The byte-level pieces of the WHATWG prescan (HTML §13.2.3.2): reading one attribute of a tag the
 * way the prescan does ("get an attribute"), and what a `<meta>`'s attributes declare. Shared by
 * the 1024-byte prescan (meta-prescan.ts) and the scan that goes on through the head (head-scan.ts).
 * Bytes are read as they are (the prescan works before any decoding); names and values come back
 * lower-cased, as the spec does it.
 */
import { metaEncodingFor } from './encoding-label';

/** Thrown when the input ends inside a construct: the prescan then finds nothing (html5lib's reading too). */
export const END_OF_INPUT = Symbol('end of input');

/** A cursor over the bytes; reading at or past `end` throws {@link END_OF_INPUT}. */
export class ByteReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
  ) {}

  peek(): number {
    if (this.pos >= this.end) throw END_OF_INPUT;
    return this.bytes[this.pos]!;
  }

  /** The position of the first `byte` at or after `from`, or throws {@link END_OF_INPUT}. */
  indexOf(byte: number, from: number): number {
    const at = this.bytes.indexOf(byte, from);
    if (at === -1 || at >= this.end) throw END_OF_INPUT;
    return at;
  }
}

export const LT = 0x3c;
export const GT = 0x3e;
export const SLASH = 0x2f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** TAB, LF, FF, CR, SPACE: the prescan's white space. */
export function isSpace(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20;
}

export function isAsciiAlpha(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
}

function lowerChar(byte: number): string {
  return String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
}

export interface Attribute {
  name: string;
  value: string;
}

/** "Get an attribute": the next attribute of the tag at `r.pos`, or null at its `>` (left at `r.pos`). */
export function getAttribute(r: ByteReader): Attribute | null {
  while (isSpace(r.peek()) || r.peek() === SLASH) r.pos++;
  if (r.peek() === GT) return null;
  let name = '';
  for (;;) {
    const byte = r.peek();
    if (byte === EQUALS && name !== '') {
      r.pos++;
      break;
    }
    if (isSpace(byte)) {
      while (isSpace(r.peek())) r.pos++;
      if (r.peek() !== EQUALS) return { name, value: '' };
      r.pos++;
      break;
    }
    if (byte === SLASH || byte === GT) return { name, value: '' };
    name += lowerChar(byte);
    r.pos++;
  }
  while (isSpace(r.peek())) r.pos++;
  const first = r.peek();
  let value = '';
  if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
    for (r.pos++; r.peek() !== first; r.pos++) value += lowerChar(r.peek());
    r.pos++;
    return { name, value };
  }
  if (first === GT) return { name, value: '' };
  for (; !isSpace(r.peek()) && r.peek() !== GT; r.pos++) value += lowerChar(r.peek());
  return { name, value };
}

/**
 * The encoding named by `charset=` inside a `content` value ("extracting a character encoding
 * from a meta element"): an unmatched quote names nothing.
 */
export function charsetFromContent(content: string): string | undefined {
  for (let from = 0; ; ) {
    const at = content.indexOf('charset', from);
    if (at === -1) return undefined;
    let i = at + 'charset'.length;
    while (i < content.length && isSpace(content.charCodeAt(i))) i++;
    if (content[i] !== '=') {
      from = i;
      continue;
    }
    i++;
    while (i < content.length && isSpace(content.charCodeAt(i))) i++;
    const quote = content[i];
    if (quote === '"' || quote === "'") {
      const close = content.indexOf(quote, i + 1);
      return close === -1 ? undefined : metaEncodingFor(content.slice(i + 1, close));
    }
    if (i >= content.length) return undefined;
    let end = i;
    while (end < content.length && !isSpace(content.charCodeAt(end)) && content[end] !== ';') end++;
    return metaEncodingFor(content.slice(i, end));
  }
}

/**
 * The attributes of a `<meta>` from `r.pos` (just past `<meta`) to its `>`, and the encoding they
 * declare: `charset`, or `content` with `http-equiv="content-type"`. The first of each name counts.
 */
export function readMeta(r: ByteReader): string | undefined {
  const seen = new Set<string>();
  let gotPragma = false;
  let needPragma: boolean | undefined;
  /** `null`: no declaration yet; `undefined`: a `charset` that names nothing usable. */
  let charset: string | undefined | null = null;
  for (let attribute = getAttribute(r); attribute !== null; attribute = getAttribute(r)) {
    const { name, value } = attribute;
    if (seen.has(name)) continue;
    seen.add(name);
    if (name === 'http-equiv') {
      if (value === 'content-type') gotPragma = true;
    } else if (name === 'content') {
      const declared = charsetFromContent(value);
      if (declared !== undefined && charset === null) {
        charset = declared;
        needPragma = true;
      }
    } else if (name === 'charset') {
      charset = metaEncodingFor(value);
      needPragma = false;
    }
  }
  if (needPragma === undefined || (needPragma && !gotPragma)) return undefined;
  return charset ?? undefined;
}
