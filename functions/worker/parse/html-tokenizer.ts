/**
 * The WHATWG HTML tokenizer's decisions about what is markup, and nothing else.
 *
 * It finds start tags, end tags and their attributes exactly where a browser's tokenizer does:
 * comments end as the comment states say (`<!-->`, `--!>`), `<!doctype …>`, `<?…>` and `</ …>`
 * are bogus comments or doctypes up to the next `>`, CDATA sections exist only in SVG/MathML,
 * and after a start tag the text is read in the mode the tree construction chose for it (RCDATA
 * for `<title>`/`<textarea>`, RAWTEXT for `<style>`, `<iframe>`, `<xmp>`, `<noembed>`,
 * `<noframes>`, PLAINTEXT, and script data with its escaped and double-escaped states, where
 * `<!--<script>…</script>-->` does not end the script). A tag cut off by the end of the input is
 * dropped, as in a browser.
 *
 * It reads the page's bytes, builds no token objects, decodes nothing and copies nothing but tag
 * names it has not met before: the sink gets positions in the source, and attribute positions only
 * for the tags it asks about. Runs of text and quoted values are skipped with `Buffer#indexOf`, so
 * the cost is a native search per tag, and every byte is looked at a bounded number of times (no
 * back-tracking), whatever the input.
 */

/** How the text after a start tag is read (the tokenizer state the tree construction switches to). */
export enum TextMode {
  Data = 0,
  RcData = 1,
  RawText = 2,
  ScriptData = 3,
  PlainText = 4,
}

/** What the tokenizer reports; positions index the source bytes. */
export interface MarkupSink {
  /** A start tag's name (ASCII lower-cased); true to get its attributes. */
  startTagName(name: string): boolean;
  /** One attribute of the start tag (only when asked): name and value ranges; `quote` is `"`, `'` or '' (unquoted or no value). */
  attribute(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, quote: string): void;
  /** The start tag ended (`/>` when `selfClosing`); the answer says how to read what follows. */
  startTagEnd(selfClosing: boolean): TextMode;
  /** The text of the element just started, for any mode but `Data`: up to its end tag or the end of input. */
  elementText(start: number, end: number): void;
  /** An end tag (its attributes are read past, as a browser does, but not reported). */
  endTag(name: string): void;
  /** Whether `<![CDATA[` starts a CDATA section here (the adjusted current node is not HTML). */
  cdataAllowed(): boolean;
}

const TAB = 9;
const LT = 60;
const LF = 10;
const FF = 12;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const SQUOTE = 39;
const DASH = 45;
const SLASH = 47;
const GT = 62;
const QUESTION = 63;

/** Whitespace as the tokenizer sees it (CR included: the input stream turns it into LF first). */
function isSpace(c: number | undefined): boolean {
  return c === SPACE || c === LF || c === TAB || c === FF || c === CR;
}

function isAlpha(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/** Whether `source` has `lower` (lower-case ASCII letters) at `at`, in any case. */
function hasNameAt(source: Buffer, at: number, lower: string): boolean {
  if (at + lower.length > source.length) return false;
  for (let i = 0; i < lower.length; i++) if ((source[at + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** Whether `source` has exactly the bytes of ASCII `text` at `at`. */
function startsWithAt(source: Buffer, at: number, text: string): boolean {
  if (at + text.length > source.length) return false;
  for (let i = 0; i < text.length; i++) if (source[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

// Needles for the native searches (Buffer#indexOf with a Buffer is one memmem-like call).
const DASH_DASH = Buffer.from('--');
const COMMENT_CLOSE = Buffer.from('-->');
const END_TAG_OPEN = Buffer.from('</');
const CDATA_CLOSE = Buffer.from(']]>');

/** Whether an end tag for `name` (an "appropriate end tag") starts at `at`, the `<` of `</name` followed by whitespace, `/` or `>`. */
function isEndTagAt(source: Buffer, at: number, name: string): boolean {
  return source[at + 1] === SLASH && hasNameAt(source, at + 2, name) && isTagNameEnd(source[at + 2 + name.length]);
}

/** `c` is `undefined` past the end of the source, which ends no name (the caller checks the length). */
function isTagNameEnd(c: number | undefined): boolean {
  return isSpace(c) || c === SLASH || c === GT;
}

/** After a bogus comment or doctype that started at `from`: past the next `>`, or the end. */
function pastNextGt(source: Buffer, from: number): number {
  const gt = source.indexOf(GT, from);
  return gt === -1 ? source.length : gt + 1;
}

/**
 * After a comment whose `<!--` ends at `from`: past `-->`, `--!>`, or the abrupt `>` / `->` right
 * at its start, per the comment states; the end of input when none comes.
 */
function pastComment(source: Buffer, from: number): number {
  if (source[from] === GT) return from + 1;
  if (source[from] === DASH && source[from + 1] === GT) return from + 2;
  for (let at = source.indexOf(DASH_DASH, from); at !== -1; at = source.indexOf(DASH_DASH, at + 1)) {
    const next = source[at + 2];
    if (next === GT) return at + 3;
    if (next === BANG && source[at + 3] === GT) return at + 4;
  }
  return source.length;
}

/**
 * Where a script's text ends (the `<` of its `</script` end tag, or the end of input), through
 * the script data states: `<!--` escapes, and inside an escape `<script` double-escapes, so a
 * `</script>` there only ends the double escape; `-->` ends either escape.
 */
function scriptEnd(source: Buffer, from: number): number {
  const ESCAPED = 1;
  const DOUBLE_ESCAPED = 2;
  let state = 0;
  let at = from;
  // The next `-->` at or after `at`, found again only once passed (-1: none left), so the search stays linear.
  let close = from - 1;
  for (;;) {
    const lt = source.indexOf(LT, at);
    if (state !== 0) {
      // In both escaped states, `-->` (dashes then `>`) returns to plain script data.
      if (close !== -1 && close < at) close = source.indexOf(COMMENT_CLOSE, at);
      if (close !== -1 && (lt === -1 || close < lt)) {
        state = 0;
        at = close + 3;
        continue;
      }
    }
    if (lt === -1) return source.length;
    const next = source[lt + 1];
    if (state === DOUBLE_ESCAPED) {
      if (next === SLASH && hasNameAt(source, lt + 2, 'script') && isTagNameEnd(source[lt + 8])) {
        state = ESCAPED;
        at = lt + 9;
        continue;
      }
    } else if (isEndTagAt(source, lt, 'script')) {
      return lt;
    } else if (state === 0 && next === BANG && source[lt + 2] === DASH && source[lt + 3] === DASH) {
      state = ESCAPED;
      at = lt + 2; // so that the `-->` of `<!-->` is found
      continue;
    } else if (state === ESCAPED && hasNameAt(source, lt + 1, 'script') && isTagNameEnd(source[lt + 7])) {
      state = DOUBLE_ESCAPED;
      at = lt + 8;
      continue;
    }
    at = lt + 1;
  }
}

/**
 * Tag names seen before, by a hash of their bytes: a page has thousands of tags but few distinct
 * names, so a name is made into a string once per process, not once per tag. Bounded; a name
 * whose hash another name holds is simply sliced.
 */
const NAMES = new Map<number, string>();
const MAX_NAMES = 1024;

/**
 * Tokenizes `source` (a page's UTF-8 bytes: every byte the tokenizer decides on is ASCII, and a
 * multi-byte sequence is bytes 0x80-0xFF only, so tags are found where they are in the text),
 * telling `sink` what a browser's tokenizer would emit of tags.
 * @example scanMarkup(Buffer.from('<p class=x>hi</p>'), sink) // sink.startTagName('p'), sink.startTagEnd(false), sink.endTag('p')
 */
export function scanMarkup(source: Buffer, sink: MarkupSink): void {
  new MarkupScanner(source, sink).run();
}

class MarkupScanner {
  private readonly length: number;
  /** Whether the tag just read ended with `/>` right after its name or an attribute. */
  private selfClosing = false;
  /** Where the tag name just read ends. */
  private nameEnd = 0;

  constructor(
    private readonly source: Buffer,
    private readonly sink: MarkupSink,
  ) {
    this.length = source.length;
  }

  run(): void {
    const source = this.source;
    let at = 0;
    while (at < this.length) {
      const lt = source.indexOf(LT, at);
      if (lt === -1) return;
      const next = source[lt + 1]!;
      if (isAlpha(next)) at = this.startTag(lt + 1);
      else if (next === SLASH) at = this.afterEndTagOpen(lt + 2);
      else if (next === BANG) at = this.markupDeclaration(lt + 2);
      else if (next === QUESTION) at = pastNextGt(source, lt + 2);
      else at = lt + 1; // a `<` that starts nothing is text
    }
  }

  /**
   * The name of a tag starting at `from` (sets {@link nameEnd}), lower-cased in ASCII only, as the
   * tokenizer does (`toLowerCase` would also fold, say, the Kelvin sign to `k`); NUL becomes U+FFFD.
   * A name's non-ASCII bytes stay as they are (one char per byte): such a name is compared only
   * with itself (end tags), never with a known element's.
   */
  private tagName(from: number): string {
    const source = this.source;
    let end = from;
    let unusual = false;
    let hash = 0x811c9dc5;
    for (let c = source[end]; end < this.length && !isTagNameEnd(c); c = source[++end]) {
      if ((c! >= 0x41 && c! <= 0x5a) || c === 0) unusual = true;
      hash = Math.imul(hash ^ c!, 0x01000193);
    }
    this.nameEnd = end;
    if (unusual) {
      return source
        .toString('latin1', from, end)
        .replace(/[A-Z]+/g, (upper) => upper.toLowerCase())
        .replaceAll('\0', '\uFFFD');
    }
    const known = NAMES.get(hash);
    if (known !== undefined && known.length === end - from) {
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known.charCodeAt(i) === source[from + i];
      if (same) return known;
    }
    const name = source.toString('latin1', from, end);
    if (known === undefined && NAMES.size < MAX_NAMES) NAMES.set(hash, name);
    return name;
  }

  private startTag(from: number): number {
    const name = this.tagName(from);
    const report = this.sink.startTagName(name);
    const end = this.attributes(this.nameEnd, report);
    if (end < 0) return this.length; // cut off by the end of input: dropped
    const mode = this.sink.startTagEnd(this.selfClosing);
    return mode === TextMode.Data ? end : this.elementText(name, mode, end);
  }

  /** Reads the text of an element whose content is not markup, up to its end tag (which is then tokenized). */
  private elementText(name: string, mode: TextMode, from: number): number {
    const source = this.source;
    let end = this.length;
    if (mode === TextMode.ScriptData) {
      end = scriptEnd(source, from);
    } else if (mode !== TextMode.PlainText) {
      for (let lt = source.indexOf(END_TAG_OPEN, from); lt !== -1; lt = source.indexOf(END_TAG_OPEN, lt + 2)) {
        if (isEndTagAt(source, lt, name)) {
          end = lt;
          break;
        }
      }
    }
    this.sink.elementText(from, end);
    return end === this.length ? end : this.afterEndTagOpen(end + 2);
  }

  /** After `</`: an end tag, `</>` (nothing), or a bogus comment. */
  private afterEndTagOpen(from: number): number {
    const c = this.source[from]!;
    if (isAlpha(c)) {
      const name = this.tagName(from);
      const end = this.attributes(this.nameEnd, false);
      if (end < 0) return this.length;
      this.sink.endTag(name);
      return end;
    }
    if (c === GT) return from + 1;
    if (from >= this.length) return this.length; // `</` at the end is text
    return pastNextGt(this.source, from);
  }

  /** After `<!`: a comment, a doctype, a CDATA section (in foreign content) or a bogus comment. */
  private markupDeclaration(from: number): number {
    const source = this.source;
    if (source[from] === DASH && source[from + 1] === DASH) return pastComment(source, from + 2);
    if (hasNameAt(source, from, 'doctype')) return pastNextGt(source, from + 7);
    if (startsWithAt(source, from, '[CDATA[') && this.sink.cdataAllowed()) {
      const close = source.indexOf(CDATA_CLOSE, from + 7);
      return close === -1 ? this.length : close + 3;
    }
    return pastNextGt(source, from);
  }

  /**
   * Reads a tag's attributes from `from` (just after its name) through its `>`, by the attribute
   * states. Returns the index after the `>`, or -1 when the input ends first, and sets
   * {@link selfClosing}. Reports the attributes to the sink when `report` is set.
   * Past the end of the source a byte reads `undefined`, which is no space, quote, `/`, `>` or `=`.
   */
  private attributes(from: number, report: boolean): number {
    const source = this.source;
    const length = this.length;
    let at = from;
    this.selfClosing = false;
    for (;;) {
      let c = source[at];
      while (isSpace(c)) c = source[++at];
      if (at >= length) return -1;
      if (c === GT) return at + 1;
      if (c === SLASH) {
        // `/>` ends a self-closing tag; any other `/` is skipped (an unexpected solidus). In an
        // unquoted value a `/` is part of the value: `<a href=/>` is not self-closing.
        if (source[at + 1] === GT) {
          this.selfClosing = true;
          return at + 2;
        }
        at++;
        continue;
      }
      // An attribute name runs to whitespace, `/`, `>` or `=`; its first character may be `=`.
      const nameStart = at;
      c = source[++at];
      while (at < length && !isSpace(c) && c !== SLASH && c !== GT && c !== 0x3d) c = source[++at];
      const nameEnd = at;
      while (isSpace(c)) c = source[++at];
      if (c !== 0x3d) {
        if (report) this.sink.attribute(nameStart, nameEnd, nameEnd, nameEnd, '');
        continue;
      }
      c = source[++at];
      while (isSpace(c)) c = source[++at];
      if (at >= length) return -1;
      if (c === DQUOTE || c === SQUOTE) {
        const close = source.indexOf(c, at + 1);
        if (close === -1) return -1;
        if (report) this.sink.attribute(nameStart, nameEnd, at + 1, close, c === DQUOTE ? '"' : "'");
        at = close + 1;
      } else {
        // Unquoted (empty when `>` comes right away): up to whitespace or `>`.
        const valueStart = at;
        while (at < length && !isSpace(c) && c !== GT) c = source[++at];
        if (report) this.sink.attribute(nameStart, nameEnd, valueStart, at, '');
      }
    }
  }
}
