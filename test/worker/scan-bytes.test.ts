/**
 * decodeForScan + utf8Bytes (functions/worker/parse/decode.ts): the record scanner reading a UTF-8
 * page as its bytes, one char per byte, must give exactly the record it gives for the decoded
 * text: on every real-world page of htmlparser-benchmark, and on pages built to catch the ways it
 * could go wrong (non-ASCII in the kept slices, invalid sequences, character references to
 * non-ASCII characters, non-ASCII tag and attribute names, a BOM, bytes that JS calls whitespace).
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeForScan, decodeHtml, utf8OfBytes } from '../../functions/worker/parse/decode';
import { parsePage } from '../../functions/worker/parse/parse-page';

const PAGES = path.join(path.dirname(require.resolve('htmlparser-benchmark/package.json')), 'files');
const BASE = 'https://example.com/dir/page.html';

/** The page's record both ways, and whether the bytes path was taken. */
function bothWays(bytes: Buffer, charset?: string) {
  const scan = decodeForScan(bytes, charset);
  return {
    decoded: parsePage(decodeHtml(bytes, charset), BASE),
    asBytes: parsePage(scan.text, BASE, undefined, scan.utf8Bytes),
    utf8Bytes: scan.utf8Bytes,
  };
}

describe('scanning UTF-8 pages as bytes', () => {
  test('every htmlparser-benchmark page gives the same record as its decoded text', () => {
    const files = fs.readdirSync(PAGES).filter((file) => file.endsWith('.html'));
    expect(files.length).toBeGreaterThan(200);
    let viaBytes = 0;
    for (const file of files) {
      const { decoded, asBytes, utf8Bytes } = bothWays(fs.readFileSync(path.join(PAGES, file)));
      if (utf8Bytes) viaBytes++;
      expect([file, asBytes]).toStrictEqual([file, decoded]);
    }
    // Most real pages carry some non-ASCII byte: the case is the common one, not a corner.
    expect(viaBytes).toBeGreaterThan(files.length / 2);
  });

  test.each([
    ['non-ASCII title, description and href', '<title> Café – «Ünïcödé» 漢字 😀 </title><meta name="description" content="Überall ✓"><a href="/straße?q=ü#frag">x</a>'],
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
  ])('%s', (_name, page) => {
    const bytes = typeof page === 'string' ? Buffer.from(page, 'utf8') : page;
    const { decoded, asBytes, utf8Bytes } = bothWays(bytes, 'utf-8');
    expect(utf8Bytes).toBe(true);
    expect(asBytes).toStrictEqual(decoded);
  });

  test('pure ASCII and other encodings are not read as bytes', () => {
    expect(decodeForScan(Buffer.from('<title>plain</title>'), 'utf-8')).toStrictEqual({ text: '<title>plain</title>', utf8Bytes: false });
    const cp1251 = Buffer.from([0x3c, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3e, 0xcf, 0xf0, 0xe8]);
    expect(decodeForScan(cp1251, 'windows-1251')).toStrictEqual({ text: '<title>При', utf8Bytes: false });
  });

  test('utf8OfBytes decodes only slices that hold non-ASCII bytes', () => {
    const plain = 'abc';
    expect(utf8OfBytes(plain)).toBe(plain);
    expect(utf8OfBytes(Buffer.from('é😀', 'utf8').toString('latin1'))).toBe('é😀');
  });
});
