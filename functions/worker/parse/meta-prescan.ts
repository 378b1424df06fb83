/**
 * Where a `<meta charset>` is looked for, before any decoding:
 *
 * - {@link prescanMeta}: the WHATWG prescan ("prescan a byte stream to determine its encoding"),
 *   over the first 1024 bytes, exactly as the spec walks them: comments, tags and their attributes
 *   (a `<meta>` inside another tag's attribute value is no meta).
 * - {@link scanHeadMeta}: what Chromium does when that finds nothing (HTMLMetaCharsetParser): keep
 *   reading while the document is still in its head (only script, noscript, style, link, meta,
 *   object, title and base tags seen), without reading inside script, style, title and the other
 *   raw-text elements, and stop at the first other tag once past byte 1024. So a head whose
 *   `<meta charset>` comes after a long comment, script or style still decodes as the page says,
 *   as it does in a browser. (The spec reaches the same pages by re-parsing when the tree builder
 *   meets such a meta: "change the encoding".)
 */
import { ByteReader, END_OF_INPUT, GT, getAttribute, isAsciiAlpha, isSpace, LT, readMeta, SLASH } from './meta-attributes';

/** The WHATWG prescan looks no further than this. */
export const PRESCAN_BYTES = 1024;

const BANG = 0x21;
const QUESTION = 0x3f;
const DASH = 0x2d;

function startsWithMeta(bytes: Uint8Array, at: number): boolean {
  const name = String.fromCharCode(...bytes.subarray(at + 1, at + 5)).toLowerCase();
  const after = bytes[at + 5];
  return name === 'meta' && after !== undefined && (isSpace(after) || after === SLASH);
}

function isCommentStart(bytes: Uint8Array, at: number): boolean {
  return bytes[at + 1] === BANG && bytes[at + 2] === DASH && bytes[at + 3] === DASH;
}

/** The `>` ending the comment that starts at `at` (its `--` may be the opening one's: `<!-->`). */
function commentEnd(r: ByteReader, at: number): number {
  for (let gt = r.indexOf(GT, at + 4); ; gt = r.indexOf(GT, gt + 1)) {
    if (r.bytes[gt - 1] === DASH && r.bytes[gt - 2] === DASH) return gt;
  }
}

/** Skips the tag name from `r.pos` (just past `<` or `</`) and its attributes; returns the name, lower-cased. */
function skipTag(r: ByteReader): string {
  const start = r.pos;
  while (!isSpace(r.peek()) && r.peek() !== GT && r.peek() !== SLASH) r.pos++;
  const name = Buffer.from(r.bytes.subarray(start, r.pos)).toString('latin1').toLowerCase();
  while (!isSpace(r.peek()) && r.peek() !== GT) r.pos++;
  while (getAttribute(r) !== null);
  return name;
}

/**
 * The encoding a `<meta>` in the first {@link PRESCAN_BYTES} bytes declares, per the WHATWG prescan;
 * undefined if none does (or the bytes end inside a tag or comment).
 */
export function prescanMeta(bytes: Uint8Array): string | undefined {
  const r = new ByteReader(bytes, Math.min(bytes.length, PRESCAN_BYTES));
  try {
    for (; r.pos < r.end; r.pos++) {
      r.pos = bytes.indexOf(LT, r.pos);
      if (r.pos === -1 || r.pos >= r.end) break;
      const next = bytes[r.pos + 1];
      if (isCommentStart(bytes, r.pos)) {
        r.pos = commentEnd(r, r.pos);
      } else if (startsWithMeta(bytes, r.pos)) {
        r.pos += 5;
        const encoding = readMeta(r);
        if (encoding !== undefined) return encoding;
      } else if (isAsciiAlpha(next) || (next === SLASH && isAsciiAlpha(bytes[r.pos + 2]))) {
        r.pos += 1;
        while (!isSpace(r.peek()) && r.peek() !== GT) r.pos++;
        while (getAttribute(r) !== null);
      } else if (next === BANG || next === SLASH || next === QUESTION) {
        r.pos = r.indexOf(GT, r.pos + 1);
      }
    }
  } catch (error) {
    if (error !== END_OF_INPUT) throw error;
  }
  return undefined;
}

/** Tags that keep a document in its head (Chromium's list); an end tag of html or head ends it. */
const HEAD_TAGS = new Set(['script', 'noscript', 'style', 'link', 'meta', 'object', 'title', 'base']);
/** Elements whose content is text, not tags, up to their end tag (Chromium's tokenizer states). */
const RAW_TEXT = new Set(['script', 'noscript', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);

/** The first `</name` (any case) at or after `from` that ends a raw-text element. */
function rawTextEnd(bytes: Uint8Array, name: string, from: number): number {
  const close = Buffer.from(`</${name}`, 'latin1');
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = from; ; at++) {
    at = haystack.indexOf(LT, at);
    if (at === -1) return -1;
    const candidate = haystack.toString('latin1', at, at + close.length).toLowerCase();
    const after = bytes[at + close.length];
    if (candidate === close.toString('latin1') && (after === undefined || isSpace(after) || after === SLASH || after === GT)) return at;
  }
}

/**
 * The encoding a `<meta>` in the document's head declares, read as Chromium reads it when the
 * 1024-byte prescan found nothing (see the file comment); undefined if none does.
 */
export function scanHeadMeta(bytes: Uint8Array): string | undefined {
  const r = new ByteReader(bytes, bytes.length);
  let inHead = true;
  try {
    for (; r.pos < r.end; r.pos++) {
      r.pos = bytes.indexOf(LT, r.pos);
      if (r.pos === -1 || r.pos >= r.end) break;
      if (!inHead && r.pos >= PRESCAN_BYTES) return undefined;
      const next = bytes[r.pos + 1];
      if (isCommentStart(bytes, r.pos)) {
        r.pos = commentEnd(r, r.pos);
      } else if (isAsciiAlpha(next)) {
        r.pos += 1;
        const start = r.pos;
        while (!isSpace(r.peek()) && r.peek() !== GT && r.peek() !== SLASH) r.pos++;
        const name = Buffer.from(bytes.subarray(start, r.pos)).toString('latin1').toLowerCase();
        if (name === 'meta') {
          const encoding = readMeta(r);
          if (encoding !== undefined) return encoding;
        } else {
          while (getAttribute(r) !== null);
        }
        if (!HEAD_TAGS.has(name) && name !== 'html' && name !== 'head') inHead = false;
        if (name === 'plaintext') return undefined;
        if (RAW_TEXT.has(name)) {
          const end = rawTextEnd(bytes, name, r.pos + 1);
          if (end === -1) return undefined;
          r.pos = end - 1;
        }
      } else if (next === SLASH && isAsciiAlpha(bytes[r.pos + 2])) {
        r.pos += 2;
        if (!HEAD_TAGS.has(skipTag(r))) inHead = false;
      } else if (next === BANG || next === SLASH || next === QUESTION) {
        r.pos = r.indexOf(GT, r.pos + 1);
      }
    }
  } catch (error) {
    if (error !== END_OF_INPUT) throw error;
  }
  return undefined;
}
