import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkOutput, normaliseTitle, pageIndex, readPage, type PageTruth } from '../../bench/correctness';

describe('readPage (parse5, scripting off)', () => {
  it('reads the first title, every <a href> and the distinct http(s) targets', () => {
    const html =
      '<title>\n A &amp; B </title><title>second</title><a href="/x">1</a><a href="/x#top">2</a><a href="mailto:a@b">3</a><a>no href</a>' +
      '<noscript><a href="https://e.com/">4</a></noscript>';
    expect(readPage(html, 'http://127.0.0.1/p/3')).toStrictEqual({ title: 'A & B', anchors: 4, distinctLinks: 2 });
  });

  it('resolves against <base href> and has a null title when it is blank', () => {
    const html = '<base href="https://other.example/dir/"><title> </title><a href="a">1</a><a href="https://other.example/dir/a">2</a><a href="/p/3">3</a>';
    expect(readPage(html, 'http://127.0.0.1/p/3')).toStrictEqual({ title: null, anchors: 3, distinctLinks: 2 });
  });
});

describe('normaliseTitle and pageIndex', () => {
  it.each([
    ['  a \n\t b ', 'a b'],
    ['', null],
    [null, null],
    ['a\u00a0b', 'a b'],
  ])('normaliseTitle(%j) is %j', (text, expected) => {
    expect(normaliseTitle(text)).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:9/p/5', 3, 2],
    ['http://127.0.0.1:9/p/2', 3, 2],
    ['http://127.0.0.1:9/other', 3, undefined],
  ])('pageIndex(%s, %i) is %j', (url, count, expected) => {
    expect(pageIndex(url, count)).toBe(expected);
  });
});

describe('checkOutput', () => {
  const truth: PageTruth[] = [
    { title: 'Zero', anchors: 3, distinctLinks: 2 },
    { title: 'One', anchors: 1, distinctLinks: 1 },
  ];
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-correctness-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (lines: unknown[]) => {
    const file = path.join(dir, 'out.jsonl');
    fs.writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    return file;
  };

  it("checks a peer's records: <a href> counts, errors not ok, duplicates and foreign URLs ignored", () => {
    const file = write([
      { url: 'http://h/p/0', status: 200, title: ' Zero ', links: 3, error: null },
      { url: 'http://h/p/1', status: 200, title: 'Uno', links: 2, error: null },
      { url: 'http://h/p/2', status: 404, title: null, links: 0, error: 'HTTP 404' },
      { url: 'http://h/p/0', status: 200, title: 'dup', links: 9, error: null },
      { url: 'http://h/robots.txt', status: 200, title: null, links: 0, error: null },
      'not json',
    ]);
    const result = checkOutput(file, truth, 'anchors');
    expect(result).toStrictEqual({
      records: 3,
      ok: 2,
      titleAgree: 1,
      linksAgree: 1,
      examples: ['http://h/p/1: title "Uno", parse5 "One"', 'http://h/p/1: 2 links, parse5 1 (anchors)'],
    });
  });

  it("checks fanout's records: link arrays against the distinct targets", () => {
    const file = write([
      { url: 'http://h/p/0', ok: true, title: 'Zero', links: ['http://a/', 'http://b/'] },
      { url: 'http://h/p/3', ok: true, title: 'One', links: ['http://a/'] },
      { url: 'http://h/p/4', ok: false, error: { kind: 'timeout' } },
    ]);
    expect(checkOutput(file, truth, 'distinct')).toStrictEqual({ records: 3, ok: 2, titleAgree: 2, linksAgree: 2, examples: [] });
  });

  it('counts nothing when the scraper wrote no file', () => {
    expect(checkOutput(path.join(dir, 'none.jsonl'), truth, 'anchors')).toStrictEqual({ records: 0, ok: 0, titleAgree: 0, linksAgree: 0, examples: [] });
  });
});
