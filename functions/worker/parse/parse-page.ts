/**
 * Pure: HTML text + the page's URL -> title, description, links (and extracted `data`).
 *
 * The record's parts come from {@link scanRecord}: one pass over the page, read as a browser
 * reads it, that builds strings only for what the record keeps. A DOM is built only when an
 * extraction spec needs one, so the common case (no spec) never allocates a tree.
 *
 * The extraction DOM (htmlparser2's `Parser`) is cut off at {@link MAX_PARSE_DEPTH} open elements:
 * a DOM that deep overflows the stack in cheerio's recursive `.text()`/`.html()`, and the
 * `Parser` keeps its open elements in an array it `unshift`s, O(depth) per tag. The record's
 * scan has no such cut: it reads every page to the end (see open-elements.ts).
 */
import { DomHandler, Parser } from 'htmlparser2';
import type { ExtractSpec } from '../../../core/contract';
import { extractData } from './extract';
import { scanRecord } from './record-scanner';
import { collapseWhitespace } from './text';

/** Open elements beyond which the extraction DOM stops (the record's scan does not). Blink caps its DOM depth at 512 too. */
export const MAX_PARSE_DEPTH = 512;

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

/** A DOM that stops growing, and stops its parser, past {@link MAX_PARSE_DEPTH} open elements. */
class DepthCappedDomHandler extends DomHandler {
  private depth = 0;
  private stopped = false;
  /** Called once the page nests too deep, to stop the parser. */
  onTooDeep: () => void = () => undefined;

  override onopentag(name: string, attribs: Record<string, string>): void {
    if (this.stopped) return;
    if (++this.depth > MAX_PARSE_DEPTH) {
      this.stopped = true;
      this.onTooDeep();
      return;
    }
    super.onopentag(name, attribs);
  }
  override onclosetag(): void {
    if (this.stopped) return;
    this.depth--;
    super.onclosetag();
  }
}

/** The page's DOM for an extraction spec, cut off past {@link MAX_PARSE_DEPTH}. */
function parseDom(html: string): DomHandler {
  const dom = new DepthCappedDomHandler();
  const parser = new Parser(dom);
  // pause() stops the tokenizer inside this write; the unparsed rest is simply dropped.
  dom.onTooDeep = () => parser.pause();
  parser.end(html);
  return dom;
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/**
 * The base links resolve against, as HTML's "frozen base URL": `<base href>` resolved against the
 * page, unless it does not parse or is a `data:` or `javascript:` URL; then the page's URL.
 */
function resolveBase(baseHref: string | undefined, pageUrl: string): string {
  if (baseHref === undefined) return pageUrl;
  try {
    const base = new URL(baseHref, pageUrl);
    return base.protocol === 'data:' || base.protocol === 'javascript:' ? pageUrl : base.href;
  } catch {
    return pageUrl;
  }
}

/** Whether `href` starts with a scheme and `//`, so that it resolves the same with or without a base. */
function isAbsoluteHttp(href: string): boolean {
  return href.startsWith('http://') || href.startsWith('https://');
}

/**
 * Absolute, fragment-free, de-duplicated http(s) URLs, in order; anything unusable is skipped.
 *
 * Pages repeat hrefs (a quarter of them on the benchmark pages) and most are absolute, so a
 * repeated href is not parsed again (same href, same base: same URL), and an absolute one is
 * parsed without the base: `new URL(href, base)` parses the base again every time, and with
 * `scheme://` the base takes no part in the result (WHATWG URL: both reach the authority state).
 */
export function resolveLinks(hrefs: readonly string[], base: string): string[] {
  const tried = new Set<string>();
  const seen = new Set<string>();
  for (const raw of hrefs) {
    if (tried.has(raw)) continue;
    tried.add(raw);
    const hash = raw.indexOf('#');
    const href = hash === -1 ? raw : raw.slice(0, hash);
    let url: URL;
    try {
      url = isAbsoluteHttp(href) ? new URL(href) : new URL(href, base);
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
 * @param html the document: its UTF-8 bytes (decode.ts bytesForScan), or its text
 * @param baseUrl the URL the document was served from (the final URL after redirects)
 * @param spec optional extraction spec; its values come back under `data`
 * @example parsePage('<title> Hi </title><a href="/x#top">x</a>', 'https://e.com/a')
 *   // { title: 'Hi', description: null, links: ['https://e.com/x'] }
 */
export function parsePage(html: Buffer | string, baseUrl: string, spec?: ExtractSpec): ParsedPage {
  const bytes = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  const scanned = scanRecord(bytes);
  const title = collapseWhitespace(scanned.title);
  const description = scanned.description ?? scanned.ogDescription;
  const page: ParsedPage = {
    title: title === '' ? null : title,
    description: description === undefined ? null : collapseWhitespace(description),
    links: resolveLinks(scanned.hrefs, resolveBase(scanned.baseHref, baseUrl)),
  };
  if (spec !== undefined) page.data = extractData(parseDom(typeof html === 'string' ? html : html.toString('utf8')).root, spec);
  return page;
}
