/**
 * bytesForScan (functions/worker/parse/decode.ts): the record scanner reads a page as its UTF-8
 * bytes, never as one string of the whole page. Its title and links must be a browser's reading of
 * the decoded text (bench/browser-reading.ts, parse5), on every real-world page of
 * htmlparser-benchmark as served (bytes, not text) and on pages built to catch the ways a byte scan
 * could go wrong: non-ASCII in the kept slices, invalid sequences, character references to
 * non-ASCII characters, non-ASCII tag and attribute names, a BOM, bytes that JS calls whitespace,
 * and legacy encodings, which are decoded and then encoded as UTF-8.
 */
import fs from 'node:fs';
import path from 'node:path';
import { browserReading, firstDifference } from '../../bench/browser-reading';
import { bytesForScan, decodeHtml } from '../../functions/worker/parse/decode';
import { parsePage } from '../../functions/worker/parse/parse-page';

const PAGES = path.join(path.dirname(require.resolve('htmlparser-benchmark/package.json')), 'files');
const BASE = 'https://example.com/dir/page.html';

/** How the bytes path reads the page, against a browser's reading of its decoded text. */
function difference(bytes: Buffer, charset?: string): string | undefined {
  const { title, links } = parsePage(bytesForScan(bytes, charset), BASE);
  return firstDifference({ title, links }, browserReading(decodeHtml(bytes, charset), BASE));
}

describe('scanning pages as bytes', () => {
  test('every htmlparser-benchmark page, read from its bytes, reads as a browser reads its text', () => {
    const files = fs.readdirSync(PAGES).filter((file) => file.endsWith('.html'));
    expect(files.length).toBeGreaterThan(200);
    const differences = files.map((file) => [file, difference(fs.readFileSync(path.join(PAGES, file)))]).filter(([, d]) => d !== undefined);
    expect(differences).toStrictEqual([]);
  });

  test.each([
    ['non-ASCII title and href', '<title> Café – «Ünïcödé» 漢字 😀 </title><meta name="description" content="Überall ✓"><a href="/straße?q=ü#frag">x</a>'],
    ['character references to non-ASCII next to raw non-ASCII', '<title>&eacute;é&#x1F600;😀&amp;</title><a href="/a?x=&uuml;ü">x</a>'],
    [
      'invalid UTF-8 in kept slices',
      Buffer.concat([Buffer.from('<title>a'), Buffer.from([0xff, 0xc3]), Buffer.from('b</title><a href="/'), Buffer.from([0xe2, 0x82]), Buffer.from('">x</a>')]),
    ],
    ['bytes that JS calls whitespace (U+00A0, U+0085 as UTF-8)', '<title>a\u00a0b\u0085c  d</title><meta name=description content="x\u00a0 y">'],
    ['non-ASCII tag and attribute names', '<p\u00e9 d\u00e9="1"><a hr\u00e9f="/no" href="/yes">x</a></p\u00e9><title>t</title>'],
    ['a title in a non-ASCII element of the head', '<head><ünknown><title>ok é</title></ünknown></head>'],
    ['a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<title>ß</title><a href="/é">x</a>')])],
    ['NUL bytes', '<title>a\u0000é</title><a href="/\u0000é">x</a>'],
    ['a <base> with a non-ASCII path', '<base href="/bäse/"><a href="x">x</a><a href="../ü">y</a>'],
    ['a tag name cut by the end of the page', '<title>t</title><a href="/a">x</a><unfinish'],
    ['mixed-case and repeated tag names (names are remembered between pages)', '<TiTlE>x</tItLe><A HREF=/1>1</A><a href=/2>2</a><svg><a href=/3>3</a></svg>'],
  ])('%s', (_name, page) => {
    const bytes = typeof page === 'string' ? Buffer.from(page, 'utf8') : page;
    expect(difference(bytes, 'utf-8')).toBeUndefined();
  });

  test('a legacy encoding is decoded, then read as UTF-8', () => {
    const cp1251 = Buffer.concat([
      Buffer.from('<title>'),
      Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]),
      Buffer.from('</title><a href="/'),
      Buffer.from([0xe4]),
      Buffer.from('">x</a>'),
    ]);
    expect(bytesForScan(cp1251, 'windows-1251').toString('utf8')).toBe('<title>Привет</title><a href="/д">x</a>');
    expect(parsePage(bytesForScan(cp1251, 'windows-1251'), BASE)).toMatchObject({ title: 'Привет', links: ['https://example.com/%D0%B4'] });
    expect(difference(cp1251, 'windows-1251')).toBeUndefined();
    const utf16 = Buffer.from('\ufeff<title>utf16 ✓</title>', 'utf16le');
    expect(parsePage(bytesForScan(utf16), BASE).title).toBe('utf16 ✓');
  });

  test('a UTF-8 page is scanned as the very bytes it came in, without a copy', () => {
    const bytes = Buffer.from('<title>é</title>');
    expect(bytesForScan(bytes, 'utf-8')).toBe(bytes);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    expect(bytesForScan(bom).buffer).toBe(bom.buffer);
  });
});
