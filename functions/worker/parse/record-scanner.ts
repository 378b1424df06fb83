/**
 * The default record's raw parts (title, description, `<base href>`, `<a href>`s) from one pass
 * of htmlparser2's `Tokenizer`, doing only the work the record needs.
 *
 * htmlparser2's `Parser` builds a lower-cased name and a value string for every attribute of every
 * tag, and an object of them per tag; on real pages that was most of a worker's parse time and
 * most of its garbage. Here only `<a>`, `<base>` and `<meta>` get attribute strings, and only for
 * `href` / `name` / `property` / `content`; entity decoding is off in the tokenizer (so it can skip
 * to the next `<` or quote) and done on the kept values alone ({@link decodeAttributeValue}).
 * The tokenizer still tells script, style, textarea, title and comments apart, so an `<a href>`
 * inside a script string or a comment is text, as in a browser.
 *
 * The tokenizer skips ahead with `indexOf` ({@link FastTokenizer}).
 *
 * Elements open and close by the `Parser`'s rules ({@link OpenElements}), so a `<title>` ends where
 * it would for a `Parser` handler, and the depth cap below stops at the same tag.
 *
 * Hostile input: the tokenizer is one pass over the text; every tag costs amortised O(1) in
 * {@link OpenElements}; attribute strings are built only for the four names above on three tags,
 * the first of each name per tag; the cap still ends the scan at the first element nested past
 * {@link MAX_PARSE_DEPTH}, so the stack, and what a later DOM over the same page can hold, stays small.
 */
import type { QuoteType, TokenizerCallbacks } from 'htmlparser2';
import { FastTokenizer } from './fast-tokenizer';
import { decodeAttributeValue, decodeText } from './html-entities';
import { OpenElements } from './open-elements';

/**
 * Open elements beyond which the rest of a page is not parsed (the record keeps what came before).
 * Real pages stay far below it; Blink caps its DOM at the same 512 levels, for the same reasons.
 */
export const MAX_PARSE_DEPTH = 512;

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

// The tags and attributes the record reads; every other tag costs only its name.
const OTHER = 0;
const A = 1;
const BASE = 2;
const META = 3;

const NO_ATTR = 0;
const HREF = 1;
const NAME = 2;
const PROPERTY = 3;
const CONTENT = 4;

// How the tokenizer reads text: between tags, in <title>, in script/style/textarea/xmp.
const TEXT = 0;
const RCDATA = 1;
const RAW_TEXT = 2;

function tagKind(name: string): number {
  return name === 'a' ? A : name === 'meta' ? META : name === 'base' ? BASE : OTHER;
}

/** Whether `source[start, end)` is `lower` in any ASCII case (attribute names are matched case-insensitively). */
function isName(source: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((source.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

class RecordScanner implements TokenizerCallbacks {
  readonly record: ScannedRecord = { title: '', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: [] };
  private readonly tokenizer = new FastTokenizer({ decodeEntities: false }, this);
  private readonly elements = new OpenElements(this);
  private depth = 0;
  private stopped = false;
  private inTitle = false;
  private titleSeen = false;
  /** How the tokenizer reads the text after the last tag ({@link TEXT}, {@link RCDATA} or {@link RAW_TEXT}). */
  private textMode = TEXT;
  /** The start tag being read: its kind, the attribute being read (if kept), and the kept values. */
  private kind = OTHER;
  private attr = NO_ATTR;
  private value = '';
  private readonly values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];

  constructor(private readonly html: string) {}

  scan(): ScannedRecord {
    this.tokenizer.write(this.html);
    this.tokenizer.end();
    return this.record;
  }

  // Element events, as a Parser handler's onopentag / onclosetag would get them.

  opened(name: string): void {
    if (this.stopped) return;
    if (++this.depth > MAX_PARSE_DEPTH) {
      this.stopped = true;
      this.tokenizer.pause(); // the unparsed rest is dropped
      return;
    }
    if (name === 'a') {
      if (this.values[HREF] !== undefined) this.record.hrefs.push(this.values[HREF]);
    } else if (name === 'title') {
      // The document's title is the first <title>; later ones are ignored, as in browsers.
      if (!this.titleSeen) this.inTitle = this.titleSeen = true;
    } else if (name === 'meta') {
      this.onMeta();
    } else if (name === 'base') {
      this.record.baseHref ??= this.values[HREF];
    }
  }

  closed(name: string): void {
    if (this.stopped) return;
    this.depth--;
    if (name === 'title') this.inTitle = false;
  }

  private onMeta(): void {
    const content = this.values[CONTENT];
    if (content === undefined || content.trim() === '') return;
    const name = this.values[NAME]?.toLowerCase();
    if (name === 'description') this.record.description ??= content;
    else if (name === 'og:description' || this.values[PROPERTY]?.toLowerCase() === 'og:description') this.record.ogDescription ??= content;
  }

  // Tokenizer callbacks.

  onopentagname(start: number, endIndex: number): void {
    const name = this.html.slice(start, endIndex).toLowerCase();
    this.kind = tagKind(name);
    if (this.kind !== OTHER) this.values.fill(undefined);
    this.elements.startTag(name);
  }

  onattribname(start: number, endIndex: number): void {
    if (this.kind === OTHER) return;
    this.value = '';
    const html = this.html;
    let attr = NO_ATTR;
    if (this.kind === META) {
      if (isName(html, start, endIndex, 'content')) attr = CONTENT;
      else if (isName(html, start, endIndex, 'name')) attr = NAME;
      else if (isName(html, start, endIndex, 'property')) attr = PROPERTY;
    } else if (isName(html, start, endIndex, 'href')) {
      attr = HREF;
    }
    // The first of a repeated attribute counts, as in browsers.
    this.attr = attr !== NO_ATTR && this.values[attr] === undefined ? attr : NO_ATTR;
  }

  onattribdata(start: number, endIndex: number): void {
    if (this.attr !== NO_ATTR) this.value += this.html.slice(start, endIndex);
  }

  onattribend(quote: QuoteType): void {
    if (this.attr === NO_ATTR) return;
    this.values[this.attr] = decodeAttributeValue(this.value, quote);
    this.attr = NO_ATTR;
    this.value = '';
  }

  onopentagend(): void {
    // The tokenizer reads these elements' content as one run of text up to their end tag (a
    // self-closed one, `<script/>`, is an ordinary start tag to it); of them it decodes only <title>'s.
    const name = this.elements.current;
    this.textMode = name === 'title' ? RCDATA : name === 'script' || name === 'style' || name === 'textarea' || name === 'xmp' ? RAW_TEXT : TEXT;
    this.elements.endStartTag();
  }

  onselfclosingtag(): void {
    this.textMode = TEXT;
    this.elements.selfClosingStartTag();
  }

  onclosetag(start: number, endIndex: number): void {
    this.textMode = TEXT;
    this.elements.endTag(this.html.slice(start, endIndex).toLowerCase());
  }

  ontext(start: number, endIndex: number): void {
    if (!this.inTitle) return;
    const text = this.html.slice(start, endIndex);
    this.record.title += this.textMode === RAW_TEXT ? text : decodeText(text, this.textMode === RCDATA ? 'rcdata' : 'text');
  }

  // Entity decoding is off, and nothing else on a page goes into the record.
  ontextentity(): void {}
  onattribentity(): void {}
  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

/**
 * Scans a page for the default record's parts. Pure: no I/O, same input -> same output.
 * @example scanRecord('<title>A &amp; B</title><a href="/x">x</a>')
 *   // { title: 'A & B', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: ['/x'] }
 */
export function scanRecord(html: string): ScannedRecord {
  return new RecordScanner(html).scan();
}
