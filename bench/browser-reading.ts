/**
 * The reference for the record's `title` and `links`: what a browser reads from the same text.
 *
 * parse5 is the WHATWG tree construction that cheerio's default `load` runs; it is called here
 * directly (twice as fast as through cheerio), with scripting off, so `<noscript>` content is
 * markup as in a browser with JavaScript off and as in a crawler. From its tree, in tree order:
 * - `title` is `document.title`: the first HTML `<title>` element's text, ASCII whitespace
 *   stripped and collapsed; null when that is empty;
 * - `links` are the `href`s of `a` elements (any namespace, as the selector `a[href]` matches),
 *   resolved with the WHATWG URL parser against the document base URL (the first `<base href>`,
 *   per HTML's "frozen base URL"), http(s) only, fragment dropped, de-duplicated.
 * A `<template>`'s content is not part of the document (it is an inert fragment), so it is skipped
 * (cheerio's tree adapter makes it a child of the template, so `$('a[href]')` would find it).
 *
 * Used by the differential test (test/worker/browser-differential.test.ts) and bench/parse-speed.ts.
 */
import { parse, type DefaultTreeAdapterMap } from 'parse5';

type Element = DefaultTreeAdapterMap['element'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const ASCII_WHITESPACE = /[\t\n\f\r ]+/g;

export interface BrowserReading {
  title: string | null;
  links: string[];
}

function hrefOf(element: Element): string | undefined {
  // A namespaced attribute (`xlink:href` in SVG) is not `href`.
  return element.attrs.find((attr) => attr.name === 'href' && attr.namespace === undefined)?.value;
}

/** Elements in tree order, the document's own (a template's content is a separate fragment); iterative, for deep trees. */
function elements(root: ParentNode): Element[] {
  const found: Element[] = [];
  const isElement = (node: ParentNode['childNodes'][number]): node is Element => 'tagName' in node;
  const stack: Element[] = root.childNodes.filter(isElement).reverse();
  while (stack.length > 0) {
    const element = stack.pop()!;
    found.push(element);
    for (let i = element.childNodes.length - 1; i >= 0; i--) {
      const child = element.childNodes[i]!;
      if (isElement(child)) stack.push(child);
    }
  }
  return found;
}

/** HTML's "frozen base URL": the first `<base href>` parsed against the document's URL, unless unusable. */
function baseUrl(base: Element | undefined, documentUrl: string): string {
  const href = base === undefined ? undefined : hrefOf(base);
  if (href === undefined) return documentUrl;
  try {
    const url = new URL(href, documentUrl);
    return url.protocol === 'data:' || url.protocol === 'javascript:' ? documentUrl : url.href;
  } catch {
    return documentUrl;
  }
}

/**
 * Reads `html`, served from `documentUrl`, as a browser does.
 * @example browserReading('<title> A </title><a href="/x#y">', 'https://e.com/') // { title: 'A', links: ['https://e.com/x'] }
 */
export function browserReading(html: string, documentUrl: string): BrowserReading {
  const all = elements(parse(html, { scriptingEnabled: false }));
  const isHtml = (element: Element, name: string) => element.tagName === name && element.namespaceURI === HTML_NS;
  const titleElement = all.find((element) => isHtml(element, 'title'));
  const base = baseUrl(
    all.find((element) => isHtml(element, 'base') && hrefOf(element) !== undefined),
    documentUrl,
  );
  const links = new Set<string>();
  for (const element of all) {
    const href = element.tagName === 'a' ? hrefOf(element) : undefined;
    if (href === undefined) continue;
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    links.add(url.href);
  }
  const titleText = titleElement?.childNodes.map((node) => (node.nodeName === '#text' ? (node as DefaultTreeAdapterMap['textNode']).value : '')).join('');
  const title = titleText?.replace(ASCII_WHITESPACE, ' ').trim() ?? '';
  return { title: title === '' ? null : title, links: [...links] };
}

/**
 * The first difference between a reading and the browser's, said for a person (the title, or the
 * first link that differs, with the counts); undefined when they agree.
 * @example firstDifference({ title: 'A', links: ['u'] }, { title: 'A', links: ['u', 'v'] }) // 'link 1: fanout (none), browser v (1 links against 2)'
 */
export function firstDifference(ours: BrowserReading, browser: BrowserReading): string | undefined {
  if (ours.title !== browser.title) return `title: fanout ${JSON.stringify(ours.title)}, browser ${JSON.stringify(browser.title)}`;
  const length = Math.max(ours.links.length, browser.links.length);
  for (let i = 0; i < length; i++) {
    if (ours.links[i] !== browser.links[i]) {
      return `link ${i}: fanout ${ours.links[i] ?? '(none)'}, browser ${browser.links[i] ?? '(none)'} (${ours.links.length} links against ${browser.links.length})`;
    }
  }
  return undefined;
}
