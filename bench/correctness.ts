/**
 * Correctness of every scraper's records against one parser's reading of the same pages: parse5,
 * the HTML standard's tree builder (cheerio's default `load`), which builds the tree browsers build,
 * with scripting off, as a browser without JavaScript builds it: a scraper runs no scripts, so the
 * markup inside `<noscript>` is part of the page it sees (with scripting on it is one text node).
 *
 * Scrapers count links two ways, so the reference holds both: the peers record how many `<a href>`
 * elements a page has; fanout and the stand-ins record the distinct absolute http(s) targets
 * (fragment dropped, resolved against `<base href>`). Each record is checked against its own kind.
 * Titles are compared with all whitespace collapsed: the first `<title>`'s text, null when blank.
 */
import fs from 'node:fs';
import * as cheerio from 'cheerio';

/** What one page holds, read by parse5. */
export interface PageTruth {
  title: string | null;
  /** `<a href>` elements. */
  anchors: number;
  /** Distinct absolute http(s) `<a href>` targets without fragment. */
  distinctLinks: number;
}

/** How a scraper counts a page's links. */
export type LinkCount = 'anchors' | 'distinct';

export interface Correctness {
  /** Lines in the output that parse as a record with a URL of the list. */
  records: number;
  /** Records of fetched and parsed pages (no error). */
  ok: number;
  /** Of the ok records: title equal to the reference's. */
  titleAgree: number;
  /** Of the ok records: link count equal to the reference's (of the scraper's kind). */
  linksAgree: number;
  /** The first few disagreements, for the log. */
  examples: string[];
}

/** A page's reference reading. `pageUrl` is where the site serves it (relative links resolve against it). */
export function readPage(html: string, pageUrl: string): PageTruth {
  const $ = cheerio.load(html, { scriptingEnabled: false });
  const title = normaliseTitle($('title').first().text());
  let base = pageUrl;
  const baseHref = $('base[href]').first().attr('href');
  if (baseHref !== undefined) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // an unusable <base href> is ignored, as browsers do
    }
  }
  const anchors = $('a[href]');
  const links = new Set<string>();
  anchors.each((_, el) => {
    try {
      const url = new URL($(el).attr('href')!.trim(), base);
      url.hash = '';
      if (url.protocol === 'http:' || url.protocol === 'https:') links.add(url.href);
    } catch {
      // not a URL
    }
  });
  return { title, anchors: anchors.length, distinctLinks: links.size };
}

/** All whitespace collapsed and trimmed; null when nothing is left. */
export function normaliseTitle(text: string | null | undefined): string | null {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

/** The index of the page a bench URL (`…/p/<i>`) serves, among `count` pages; undefined for other URLs. */
export function pageIndex(url: string, count: number): number | undefined {
  const match = /\/p\/(\d+)$/.exec(url);
  return match ? Number(match[1]) % count : undefined;
}

interface AnyRecord {
  url?: unknown;
  ok?: unknown;
  error?: unknown;
  status?: unknown;
  title?: unknown;
  links?: unknown;
}

/** True when the record is a fetched and parsed page, in any of the record shapes here. */
function isOk(r: AnyRecord): boolean {
  if (typeof r.ok === 'boolean') return r.ok; // fanout and the stand-ins
  return (r.error === null || r.error === undefined) && r.status === 200; // the peers
}

/** Checks one output file (JSON Lines, one record per URL) against the reference. Duplicate URLs count once. */
export function checkOutput(file: string, truth: readonly PageTruth[], links: LinkCount): Correctness {
  const result: Correctness = { records: 0, ok: 0, titleAgree: 0, linksAgree: 0, examples: [] };
  if (!fs.existsSync(file)) return result;
  const seen = new Set<string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let r: AnyRecord;
    try {
      r = JSON.parse(line) as AnyRecord;
    } catch {
      continue;
    }
    const index = typeof r.url === 'string' ? pageIndex(r.url, truth.length) : undefined;
    if (index === undefined || seen.has(r.url as string)) continue;
    seen.add(r.url as string);
    result.records++;
    if (!isOk(r)) continue;
    result.ok++;
    const want = truth[index]!;
    const title = normaliseTitle(typeof r.title === 'string' ? r.title : null);
    const count = Array.isArray(r.links) ? r.links.length : Number(r.links);
    const wantCount = links === 'anchors' ? want.anchors : want.distinctLinks;
    if (title === want.title) result.titleAgree++;
    else if (result.examples.length < 10) result.examples.push(`${r.url as string}: title ${JSON.stringify(title)}, parse5 ${JSON.stringify(want.title)}`);
    if (count === wantCount) result.linksAgree++;
    else if (result.examples.length < 10) result.examples.push(`${r.url as string}: ${count} links, parse5 ${wantCount} (${links})`);
  }
  return result;
}
