/**
 * Pure: HTML text + the page's URL -> title, description, links (and extracted `data`).
 *
 * One htmlparser2 pass collects title, description, `<base>` and `<a href>` from parser events.
 * A DOM is built (in the same pass) only when an extraction spec needs one, so the common case
 * (no spec) never allocates a tree.
 *
 * Hostile nesting is cut off at {@link MAX_PARSE_DEPTH}: htmlparser2 keeps its open elements in
 * an array it `unshift`s, so each tag costs O(depth), and a 10 MB page of unclosed `<a>` would
 * keep the worker's only thread busy for hours; a DOM that deep also overflows the stack in
 * cheerio's recursive `.text()`/`.html()`.
 */
import { DomHandler, Parser } from 'htmlparser2';
import type { ExtractSpec } from './contract';
import { extractData } from './extract';
import { collapseWhitespace } from './text';

export interface ParsedPage {
  /** `<title>` text, trimmed, whitespace collapsed; null when there is none or it is blank. */
  title: string | null;
  /** `<meta name=description>` content, else `og:description`; null when neither has content. */
  description: string | null;
  /** Absolute http(s) `<a href>` targets, fragment dropped, de-duplicated, in document order. */
  links: string[];
  /** Extracted values, present only when a spec was given. */
  data?: Record<string, unknown>;
}

/**
 * Open elements beyond which the rest of a page is not parsed (the record keeps what came before).
 * Real pages stay far below it; Blink caps its DOM at the same 512 levels, for the same reasons.
 */
export const MAX_PARSE_DEPTH = 512;

/** Collects what the record needs from parser events. */
class PageCollector {
  /** Elements open now, as htmlparser2 reports them (every open has a close, implied or not). */
  private depth = 0;
  /** Set when the page nested deeper than {@link MAX_PARSE_DEPTH}; no later event counts. */
  stopped = false;
  /** Called when the page nests deeper than {@link MAX_PARSE_DEPTH}, to stop the parser. */
  onTooDeep: () => void = () => undefined;
  private inTitle = false;
  private titleSeen = false;
  titleText = '';
  description: string | undefined;
  ogDescription: string | undefined;
  baseHref: string | undefined;
  readonly hrefs: string[] = [];

  onopentag(name: string, attribs: Record<string, string>): void {
    if (++this.depth > MAX_PARSE_DEPTH) {
      this.stopped = true;
      this.onTooDeep();
      return;
    }
    switch (name) {
      case 'a':
        if (attribs.href !== undefined) this.hrefs.push(attribs.href);
        break;
      case 'title':
        // The document's title is the first <title>; later ones are ignored, as in browsers.
        if (!this.titleSeen) this.inTitle = this.titleSeen = true;
        break;
      case 'meta':
        this.onMeta(attribs);
        break;
      case 'base':
        if (this.baseHref === undefined && attribs.href !== undefined) this.baseHref = attribs.href;
        break;
    }
  }

  private onMeta(attribs: Record<string, string>): void {
    const content = attribs.content;
    if (content === undefined || content.trim() === '') return;
    const name = attribs.name?.toLowerCase();
    if (name === 'description') this.description ??= content;
    else if (name === 'og:description' || attribs.property?.toLowerCase() === 'og:description') this.ogDescription ??= content;
  }

  ontext(text: string): void {
    if (this.inTitle) this.titleText += text;
  }

  onclosetag(name: string): void {
    this.depth--;
    if (name === 'title') this.inTitle = false;
  }
}

/** A DomHandler that also feeds a collector, so a spec's DOM costs no second parse. */
class CollectingDomHandler extends DomHandler {
  constructor(private readonly collector: PageCollector) {
    super();
  }
  override onopentag(name: string, attribs: Record<string, string>): void {
    this.collector.onopentag(name, attribs);
    if (!this.collector.stopped) super.onopentag(name, attribs);
  }
  override ontext(text: string): void {
    this.collector.ontext(text);
    super.ontext(text);
  }
  override onclosetag(name?: string): void {
    this.collector.onclosetag(name ?? '');
    super.onclosetag();
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The base links resolve against: `<base href>` resolved against the page, when usable. */
function resolveBase(baseHref: string | undefined, pageUrl: string): string {
  if (baseHref === undefined) return pageUrl;
  try {
    const base = new URL(baseHref, pageUrl);
    return isHttp(base) ? base.href : pageUrl;
  } catch {
    return pageUrl;
  }
}

/** Absolute, fragment-free, de-duplicated http(s) URLs, in order; anything unusable is skipped. */
export function resolveLinks(hrefs: readonly string[], base: string): string[] {
  const seen = new Set<string>();
  for (const raw of hrefs) {
    const hash = raw.indexOf('#');
    let url: URL;
    try {
      url = new URL(hash === -1 ? raw : raw.slice(0, hash), base);
    } catch {
      continue;
    }
    if (!isHttp(url)) continue; // javascript:, mailto:, tel:, data: …
    if (url.hash !== '') url.hash = '';
    seen.add(url.href);
  }
  return [...seen];
}

/**
 * Parses a page. Pure: no I/O, same input -> same output.
 * @param html the decoded document
 * @param baseUrl the URL the document was served from (the final URL after redirects)
 * @param spec optional extraction spec; its values come back under `data`
 * @example parsePage('<title> Hi </title><a href="/x#top">x</a>', 'https://e.com/a')
 *   // { title: 'Hi', description: null, links: ['https://e.com/x'] }
 */
export function parsePage(html: string, baseUrl: string, spec?: ExtractSpec): ParsedPage {
  const collector = new PageCollector();
  const dom = spec === undefined ? undefined : new CollectingDomHandler(collector);
  const parser = new Parser(dom ?? collector);
  // pause() stops the tokenizer inside this write; the unparsed rest is simply dropped.
  collector.onTooDeep = () => parser.pause();
  parser.end(html);
  const title = collapseWhitespace(collector.titleText);
  const description = collector.description ?? collector.ogDescription;
  const page: ParsedPage = {
    title: title === '' ? null : title,
    description: description === undefined ? null : collapseWhitespace(description),
    links: resolveLinks(collector.hrefs, resolveBase(collector.baseHref, baseUrl)),
  };
  if (spec !== undefined && dom !== undefined) page.data = extractData(dom.root, spec);
  return page;
}
