/**
 * Pure: a sitemap document, fed as text in pieces as it arrives, to its entries. A streaming XML
 * parser (sax in strict mode, so malformed XML is an error with its line and column, not a guess), so a
 * 50 MB file never sits in memory: only its entries do, and the protocol caps them at 50,000.
 * Plain-text sitemaps (one URL per line, which the protocol also allows) are read too.
 */
import sax from 'sax';
import { SitemapError } from './sitemap-error';

/** The sitemaps protocol's limit of entries in one file. */
export const MAX_SITEMAP_ENTRIES = 50_000;

/** One `<url>` of a urlset or `<sitemap>` of an index (or one line of a text sitemap). */
export interface SitemapEntry {
  /** `<loc>`, trimmed, as written (not yet checked or normalised). */
  loc: string;
  /** `<lastmod>`, trimmed, when there is one. */
  lastmod?: string;
}

export type SitemapKind = 'urlset' | 'index' | 'text';

export interface SitemapDocument {
  kind: SitemapKind;
  entries: SitemapEntry[];
}

/**
 * @example
 * const parser = new SitemapParser('https://a.test/sitemap.xml');
 * for await (const text of decodedChunks) parser.write(text); // throws SitemapError when malformed or too long
 * const { kind, entries } = parser.end();
 */
export class SitemapParser {
  private kind: SitemapKind | undefined;
  private readonly entries: SitemapEntry[] = [];
  private readonly xml = sax.parser(true, { position: true });
  /** Open elements, by name as written (no namespace processing: `image:loc` is not `loc`). */
  private readonly open: string[] = [];
  private entry: SitemapEntry | undefined;
  /** The text of the `<loc>` or `<lastmod>` being read. */
  private field: { name: 'loc' | 'lastmod'; text: string } | undefined;
  /** The document's first characters, to tell an HTML page from broken XML. */
  private head = '';
  /** Text sitemaps: the part of a line not ended yet. */
  private carry = '';
  /** What came before the first character that tells XML from text; undefined once told. */
  private sniffed: string | undefined = '';

  constructor(
    /** For error messages. */
    readonly sitemap: string,
    private readonly maxEntries = MAX_SITEMAP_ENTRIES,
  ) {
    this.xml.onopentag = (tag) => this.onOpen(tag.name);
    this.xml.onclosetag = (name) => this.onClose(name);
    this.xml.ontext = (text) => this.onText(text);
    this.xml.oncdata = (text) => this.onText(text);
    // Without a handler sax keeps the error until the next write: fail at once instead.
    this.xml.onerror = (error) => {
      throw error;
    };
  }

  /** Feeds the next piece of the document. Throws {@link SitemapError} as soon as it is not a sitemap. */
  write(text: string): void {
    let piece = text;
    if (this.sniffed !== undefined) {
      // XML or text? Decided on the first character that is not white space or a BOM, which are
      // dropped: strictly, nothing may come before `<?xml`, but servers do send a leading newline.
      this.sniffed += piece;
      const first = /[^\s\uFEFF]/.exec(this.sniffed);
      if (first === null) return;
      piece = this.sniffed.slice(first.index);
      this.sniffed = undefined;
      if (first[0] !== '<') this.kind = 'text';
    }
    if (this.kind === 'text') {
      this.writeText(piece);
      return;
    }
    if (this.head.length < 256) this.head += piece.slice(0, 256);
    try {
      this.xml.write(piece);
    } catch (error) {
      throw this.malformed(error);
    }
  }

  /** The document is complete: its kind and entries. Throws {@link SitemapError} when it is not a whole sitemap. */
  end(): SitemapDocument {
    if (this.kind === 'text') {
      this.writeText('\n');
      return { kind: 'text', entries: this.entries };
    }
    if (this.sniffed !== undefined) throw new SitemapError(`sitemap ${this.sitemap}: the file is empty; expected <urlset> or <sitemapindex>`, 'not-a-sitemap', this.sitemap);
    try {
      this.xml.close();
    } catch (error) {
      throw this.malformed(error);
    }
    if (this.kind === undefined) throw this.notASitemap('no root element');
    return { kind: this.kind, entries: this.entries };
  }

  private onOpen(name: string): void {
    this.open.push(name);
    const depth = this.open.length;
    if (depth === 1) {
      if (name === 'urlset') this.kind = 'urlset';
      else if (name === 'sitemapindex') this.kind = 'index';
      else throw this.notASitemap(name.toLowerCase() === 'html' ? 'it is an HTML page' : `the root element is <${name}>`);
    } else if (depth === 2 && name === (this.kind === 'index' ? 'sitemap' : 'url')) {
      this.entry = { loc: '' };
    } else if (depth === 3 && this.entry !== undefined && (name === 'loc' || name === 'lastmod')) {
      this.field = { name, text: '' };
    }
  }

  private onText(text: string): void {
    if (this.field !== undefined) this.field.text += text;
  }

  private onClose(name: string): void {
    const depth = this.open.length;
    this.open.pop();
    if (depth === 3 && this.field !== undefined && this.entry !== undefined) {
      const value = this.field.text.trim();
      if (this.field.name === 'loc') this.entry.loc = value;
      else if (value !== '') this.entry.lastmod = value;
      this.field = undefined;
    } else if (depth === 2 && this.entry !== undefined && name === (this.kind === 'index' ? 'sitemap' : 'url')) {
      if (this.entry.loc !== '') this.push(this.entry);
      this.entry = undefined;
    }
  }

  private writeText(text: string): void {
    const lines = (this.carry + text).split(/\r?\n/);
    this.carry = lines.pop() ?? '';
    for (const raw of lines) {
      const loc = raw.replace(/^\uFEFF/, '').trim();
      if (loc !== '') this.push({ loc });
    }
  }

  private push(entry: SitemapEntry): void {
    if (this.entries.length >= this.maxEntries) {
      throw new SitemapError(
        `sitemap ${this.sitemap}: more than ${this.maxEntries} entries, the sitemaps protocol's limit per file; split it and list the parts in a sitemap index`,
        'too-many-urls',
        this.sitemap,
      );
    }
    this.entries.push(entry);
  }

  private notASitemap(why: string): SitemapError {
    return new SitemapError(`sitemap ${this.sitemap}: not a sitemap (${why}); expected <urlset> or <sitemapindex>`, 'not-a-sitemap', this.sitemap);
  }

  private malformed(error: unknown): SitemapError {
    if (error instanceof SitemapError) return error;
    // An HTML page (a soft 404, a login page) is rarely well-formed XML: say what it is.
    if (/^(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html)[\s>]/i.test(this.head)) return this.notASitemap('it is an HTML page');
    // sax says `message\nLine: 0\nColumn: 34\nChar: >`, lines counted from 0.
    const why = error instanceof Error ? error.message : String(error);
    const at = /^(.*)\nLine: (\d+)\nColumn: (\d+)/s.exec(why);
    const where = (at ? `at line ${Number(at[2]) + 1}, column ${at[3]}: ${at[1]!.charAt(0).toLowerCase()}${at[1]!.slice(1)}` : why).replace(/\.$/, '');
    return new SitemapError(`sitemap ${this.sitemap}: malformed XML ${where}`, 'malformed', this.sitemap, { cause: error });
  }
}
