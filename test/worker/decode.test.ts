import { decodeHtml, sniffEncoding } from '../../functions/worker/parse/decode';

const PRIVET_1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет" in windows-1251
const html1251 = (head: string) => Buffer.concat([Buffer.from(`<html><head>${head}<title>`), PRIVET_1251, Buffer.from('</title>')]);

describe('sniffEncoding', () => {
  it.each([
    ['UTF-8 BOM beats everything', Buffer.from([0xef, 0xbb, 0xbf, 0x3c]), 'windows-1251', { encoding: 'utf-8', skip: 3, source: 'bom' }],
    ['UTF-16LE BOM', Buffer.from([0xff, 0xfe, 0x3c, 0x00]), undefined, { encoding: 'utf-16le', skip: 2, source: 'bom' }],
    ['UTF-16BE BOM', Buffer.from([0xfe, 0xff, 0x00, 0x3c]), undefined, { encoding: 'utf-16be', skip: 2, source: 'bom' }],
    ['HTTP charset beats meta', html1251('<meta charset="utf-8">'), 'windows-1251', { encoding: 'windows-1251', skip: 0, source: 'transport' }],
    ['HTTP label alias', Buffer.from('x'), 'cp1251', { encoding: 'windows-1251', skip: 0, source: 'transport' }],
    ['unknown HTTP label falls through to meta', html1251('<meta charset="koi8-r">'), 'no-such-charset', { encoding: 'koi8-r', skip: 0, source: 'meta' }],
    ['meta charset', html1251('<meta charset=windows-1251>'), undefined, { encoding: 'windows-1251', skip: 0, source: 'meta' }],
    [
      'meta http-equiv',
      html1251('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
      undefined,
      { encoding: 'windows-1251', skip: 0, source: 'meta' },
    ],
    [
      'meta inside a comment ignored',
      html1251('<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'),
      undefined,
      { encoding: 'windows-1251', skip: 0, source: 'meta' },
    ],
    ['meta utf-16 means utf-8', Buffer.from('<meta charset="utf-16">'), undefined, { encoding: 'utf-8', skip: 0, source: 'meta' }],
    [
      'meta after a long comment, still in the head, past byte 1024',
      Buffer.from(`<!--${'x'.repeat(2000)}--><meta charset="koi8-r">`),
      undefined,
      { encoding: 'koi8-r', skip: 0, source: 'meta' },
    ],
    [
      'meta after a long script and style in the head',
      Buffer.from(`<head><script>${'x'.repeat(1100)}</script><style>p{}</style><meta charset="koi8-r">`),
      undefined,
      { encoding: 'koi8-r', skip: 0, source: 'meta' },
    ],
    [
      'meta written by a script past byte 1024 ignored',
      Buffer.from(`<script>${'x'.repeat(1100)}document.write('<meta charset="koi8-r">')</script>`),
      undefined,
      { encoding: 'utf-8', skip: 0, source: 'default' },
    ],
    [
      'meta in the body past byte 1024 ignored',
      Buffer.from(`<body><p>${'x'.repeat(1100)}</p><meta charset="koi8-r">`),
      undefined,
      { encoding: 'utf-8', skip: 0, source: 'default' },
    ],
    ['meta inside an attribute value ignored', Buffer.from('<p title="x><meta charset=koi8-r>">'), undefined, { encoding: 'utf-8', skip: 0, source: 'default' }],
    ['quoted meta charset cut by > is no label', Buffer.from('<meta charset="koi8-r>\n<p>"</p>'), undefined, { encoding: 'utf-8', skip: 0, source: 'default' }],
    ['meta cut off by the end of the body ignored', Buffer.from('<meta charset=koi8-r'), undefined, { encoding: 'utf-8', skip: 0, source: 'default' }],
    ['http-equiv with content', Buffer.from('<meta content="text/html; charset=koi8-r" http-equiv=Content-Type>'), undefined, { encoding: 'koi8-r', skip: 0, source: 'meta' }],
    ['content without http-equiv ignored', Buffer.from('<meta content="text/html; charset=koi8-r">'), undefined, { encoding: 'utf-8', skip: 0, source: 'default' }],
    ['x-user-defined means windows-1252', Buffer.from('<meta charset="x-user-defined">'), undefined, { encoding: 'windows-1252', skip: 0, source: 'meta' }],
    ['undeclared valid UTF-8', Buffer.from('<p>héllo</p>'), undefined, { encoding: 'utf-8', skip: 0, source: 'default' }],
    ['undeclared invalid UTF-8 is windows-1252', Buffer.from([0x3c, 0x70, 0x3e, 0xe9]), undefined, { encoding: 'windows-1252', skip: 0, source: 'default' }],
  ])('%s', (_name, bytes, transport, expected) => {
    expect(sniffEncoding(bytes, transport)).toStrictEqual(expected);
  });
});

describe('decodeHtml', () => {
  it('decodes windows-1251 declared by <meta charset>', () => {
    expect(decodeHtml(html1251('<meta charset="windows-1251">'))).toContain('<title>Привет</title>');
  });

  it('decodes windows-1251 declared by HTTP', () => {
    expect(decodeHtml(html1251(''), 'windows-1251')).toContain('<title>Привет</title>');
  });

  it('strips a UTF-8 BOM', () => {
    expect(decodeHtml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<title>é</title>')]))).toBe('<title>é</title>');
  });

  it('decodes UTF-16LE with a BOM', () => {
    expect(decodeHtml(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>ж</p>', 'utf16le')]))).toBe('<p>ж</p>');
  });

  it('turns invalid sequences into U+FFFD instead of throwing', () => {
    const bytes = Buffer.concat([Buffer.from('<p>'), Buffer.from([0xff, 0xc3]), Buffer.from('</p>')]);
    expect(decodeHtml(bytes, 'utf-8')).toBe('<p>\ufffd\ufffd</p>');
  });
});

describe('decodeHtml with a late <meta charset>', () => {
  it('decodes windows-1251 declared after 2 KB of head', () => {
    const bytes = Buffer.concat([Buffer.from(`<head><!--${'x'.repeat(2048)}--><meta charset="windows-1251"><title>`), PRIVET_1251, Buffer.from('</title>')]);
    expect(decodeHtml(bytes)).toContain('<title>Привет</title>');
  });
});
