/**
 * What the record's scan keeps, beyond where markup is (html-tokenizer.test.ts) and what the stack
 * decides (open-elements.test.ts); the whole against a browser is browser-differential.test.ts.
 */
import { scanRecord } from '../../functions/worker/parse/record-scanner';

const scan = (html: string) => scanRecord(html);

describe('scanRecord', () => {
  it('reads links in order, as written, references decoded', () => {
    expect(scan('<a href="/x">x</a><A HREF=/y><a class="c" data-href="/no" href="/z&amp;1" title="t"><a name="no-href">').hrefs).toStrictEqual(['/x', '/y', '/z&1']);
  });

  it.each([
    ['entities in meta content', '<meta name="description" content="Fish &amp; chips">', 'Fish & chips'],
    ['unquoted meta attributes', '<meta name=description content=Plain>', 'Plain'],
    ['upper-case META and attributes', '<META NAME="description" CONTENT="Up">', 'Up'],
    ['the first non-blank one', '<meta name="description" content=" "><meta name="description" content="Second">', 'Second'],
    ['a <meta> in an SVG integration point is HTML', '<svg><desc><meta name="description" content="In desc"></desc></svg>', 'In desc'],
  ])('description: %s', (_name, html, description) => {
    expect(scan(html).description).toBe(description);
  });

  it.each([
    ['og:description as a property', '<meta property="og:description" content="OG">', 'OG'],
    ['og:description as a name', '<meta name="og:description" content="OG name">', 'OG name'],
  ])('og:description: %s', (_name, html, og) => {
    expect(scan(html).ogDescription).toBe(og);
  });

  it('keeps the first <base href> in the document, even after links, and skips one without href', () => {
    expect(scan('<a href="p"><base target="_top"><base href="/one/"><base href="/two/">')).toMatchObject({ baseHref: '/one/', hrefs: ['p'] });
  });

  it('an SVG <base> is not the document base', () => {
    expect(scan('<svg><base href="/svg/"></svg><base href="/html/">').baseHref).toBe('/html/');
  });

  it('an empty page', () => {
    expect(scan('')).toStrictEqual({ title: '', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: [] });
  });
});
