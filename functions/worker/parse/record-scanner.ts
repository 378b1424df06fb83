/**
 * The default record's raw parts (title, description, `<base href>`, `<a href>`s) from one pass
 * over the page, read as a browser reads it, doing only the work the record needs.
 *
 * The tokenizer ({@link scanMarkup}) finds tags where a browser's does; the stack of open elements
 * ({@link OpenElements}) tells it, after each start tag, whether the text that follows is markup,
 * text up to an end tag (`<title>`, `<script>`, `<iframe>` …) or foreign content (SVG, MathML),
 * and whether it is inside a `<template>`, whose content is not part of the document. No DOM is
 * built: only `<a>`, `<base>` and `<meta>` (and the two foreign-content tags whose attributes
 * matter) get attribute strings, only for the names the record reads, and entities are decoded
 * in the kept values alone ({@link decodeAttributeValue}).
 *
 * What is kept is a browser's reading: the first HTML `<title>` in the document (not an SVG one,
 * nor one in a template), the first `<base href>`, the `<meta>` descriptions, and every `<a href>`
 * in the document, an SVG `<a href>` included, in the order of their start tags.
 *
 * Hostile input: the tokenizer is one pass with native searches; every tag costs amortised O(1)
 * in {@link OpenElements}, which remembers at most {@link MAX_OPEN_ELEMENTS} elements and counts
 * the rest, so neither memory nor time grows with the nesting, and the whole page is always read.
 */
import { decodeAttributeValue, decodeRcdata } from './html-entities';
import { type MarkupSink, scanMarkup, type TextMode } from './html-tokenizer';
import { Ns } from './element-kinds';
import { MAX_OPEN_ELEMENTS, OpenElements } from './open-elements';

export { MAX_OPEN_ELEMENTS };

/** What the record is made from, before trimming and URL resolution. */
export interface ScannedRecord {
  /** The first `<title>`'s text, entities decoded, whitespace as in the source; '' when none. */
  title: string;
  /** The first non-blank `<meta name=description content>`. */
  description: string | undefined;
  /** The first non-blank `<meta property|name=og:description content>`. */
  ogDescription: string | undefined;
  /** The first `<base href>`, wherever it is in the document. */
  baseHref: string | undefined;
  /** Every `<a href>` value, in document order, as written (entities decoded). */
  hrefs: string[];
}

// The tags whose attributes are read; every other tag costs only its name.
const OTHER = 0;
const A = 1;
const BASE = 2;
const META = 3;
const FONT = 4;
const ANNOTATION_XML = 5;

// The attributes read, by slot.
const HREF = 0;
const NAME = 1;
const PROPERTY = 2;
const CONTENT = 3;
const ENCODING = 4;
const FONT_STYLE = 5;

function tagKind(name: string): number {
  switch (name) {
    case 'a':
      return A;
    case 'meta':
      return META;
    case 'base':
      return BASE;
    case 'font':
      return FONT;
    case 'annotation-xml':
      return ANNOTATION_XML;
    default:
      return OTHER;
  }
}

/** Whether `source[start, end)` is `lower` in any ASCII case (the tokenizer lower-cases attribute names). */
function isName(source: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((source[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** The slot of an attribute the tag of `kind` reads, or -1. */
function attributeSlot(kind: number, source: Buffer, start: number, end: number): number {
  switch (kind) {
    case A:
    case BASE:
      return isName(source, start, end, 'href') ? HREF : -1;
    case META:
      if (isName(source, start, end, 'content')) return CONTENT;
      if (isName(source, start, end, 'name')) return NAME;
      return isName(source, start, end, 'property') ? PROPERTY : -1;
    case FONT:
      return isName(source, start, end, 'color') || isName(source, start, end, 'face') || isName(source, start, end, 'size') ? FONT_STYLE : -1;
    default:
      return isName(source, start, end, 'encoding') ? ENCODING : -1;
  }
}

function withoutNul(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

class RecordScanner implements MarkupSink {
  readonly record: ScannedRecord = { title: '', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: [] };
  private readonly elements = new OpenElements();
  private titleSeen = false;
  private inTitle = false;
  /** The start tag being read: its name, kind, and the values of the attributes it reads (first of each name). */
  private name = '';
  private kind = OTHER;
  private readonly values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];

  /** @param html the page as UTF-8 bytes (decode.ts bytesForScan) */
  constructor(private readonly html: Buffer) {}

  /** `html[start, end)` as text (UTF-8, U+FFFD for invalid sequences), before character references are decoded. */
  private slice(start: number, end: number): string {
    return this.html.toString('utf8', start, end);
  }

  scan(): ScannedRecord {
    scanMarkup(this.html, this);
    this.record.hrefs = this.elements.items();
    return this.record;
  }

  startTagName(name: string): boolean {
    this.name = name;
    this.kind = tagKind(name);
    if (this.kind === OTHER) return false;
    this.values.fill(undefined);
    return true;
  }

  attribute(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, quote: string): void {
    const slot = attributeSlot(this.kind, this.html, nameStart, nameEnd);
    // The first of a repeated attribute counts, as in browsers.
    if (slot >= 0 && this.values[slot] === undefined) this.values[slot] = withoutNul(decodeAttributeValue(this.slice(valueStart, valueEnd), quote));
  }

  startTagEnd(selfClosing: boolean): TextMode {
    const elements = this.elements;
    const values = this.values;
    const kind = this.kind;
    const encoding = kind === ANNOTATION_XML ? values[ENCODING]?.toLowerCase() : undefined;
    const mode = elements.startTag(
      this.name,
      selfClosing,
      kind === FONT && values[FONT_STYLE] !== undefined,
      encoding === 'text/html' || encoding === 'application/xhtml+xml',
    );
    if (elements.inTemplate) return mode; // a template's content is not part of the document
    if (kind === A) {
      if (values[HREF] !== undefined) elements.addItem(values[HREF]);
    } else if (elements.lastNs === Ns.Html) {
      if (this.name === 'title') {
        // The document's title is the first HTML <title>; later ones are ignored, as in browsers.
        this.inTitle = !this.titleSeen;
        this.titleSeen = true;
      } else if (kind === META) {
        this.onMeta();
      } else if (kind === BASE) {
        this.record.baseHref ??= values[HREF];
      }
    }
    return mode;
  }

  elementText(start: number, end: number): void {
    if (!this.inTitle) return;
    this.inTitle = false;
    this.record.title = withoutNul(decodeRcdata(this.slice(start, end)));
  }

  endTag(name: string): void {
    this.elements.endTag(name);
  }

  cdataAllowed(): boolean {
    return this.elements.cdataAllowed();
  }

  private onMeta(): void {
    const content = this.values[CONTENT];
    if (content === undefined || content.trim() === '') return;
    const name = this.values[NAME]?.toLowerCase();
    if (name === 'description') this.record.description ??= content;
    else if (name === 'og:description' || this.values[PROPERTY]?.toLowerCase() === 'og:description') this.record.ogDescription ??= content;
  }
}

/**
 * Scans a page for the default record's parts. Pure: no I/O, same input -> same output.
 * `html`: the page's UTF-8 bytes (decode.ts bytesForScan), or its text (encoded as UTF-8 first).
 * @example scanRecord('<title>A &amp; B</title><a href="/x">x</a>')
 *   // { title: 'A & B', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: ['/x'] }
 */
export function scanRecord(html: Buffer | string): ScannedRecord {
  return new RecordScanner(typeof html === 'string' ? Buffer.from(html, 'utf8') : html).scan();
}
