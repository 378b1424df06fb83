import { decodeHtml, sniffEncoding } from '../../functions/worker/parse/decode';

const PRIVET_1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет" in windows-1251
const html1251 = (head: string) => Buffer.concat([Buffer.from(`<html><head>${head}<title>`), PRIVET_1251, Buffer.from('</title>')]);

describe('sniffEncoding', () => {
  it.each([
    ['UTF-8 BOM beats everything', Buffer.from([0xef, 0xbb, 0xbf, 0x3c]), 'windows-1251', { encoding: 'utf-8', skip: 3 }],
    ['UTF-16LE BOM', Buffer.from([0xff, 0xfe, 0x3c, 0x00]), undefined, { encoding: 'utf-16le', skip: 2 }],
    ['UTF-16BE BOM', Buffer.from([0xfe, 0xff, 0x00, 0x3c]), undefined, { encoding: 'utf-16be', skip: 2 }],
    ['HTTP charset beats meta', html1251('<meta charset="utf-8">'), 'windows-1251', { encoding: 'windows-1251', skip: 0 }],
    ['HTTP label alias', Buffer.from('x'), 'cp1251', { encoding: 'windows-1251', skip: 0 }],
    ['unknown HTTP label falls through to meta', html1251('<meta charset="koi8-r">'), 'no-such-charset', { encoding: 'koi8-r', skip: 0 }],
    ['meta charset', html1251('<meta charset=windows-1251>'), undefined, { encoding: 'windows-1251', skip: 0 }],
    ['meta http-equiv', html1251('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'), undefined, { encoding: 'windows-1251', skip: 0 }],
    ['meta inside a comment ignored', html1251('<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'), undefined, { encoding: 'windows-1251', skip: 0 }],
    ['meta utf-16 means utf-8', Buffer.from('<meta charset="utf-16">'), undefined, { encoding: 'utf-8', skip: 0 }],
    ['meta past 1024 bytes ignored', Buffer.from(`${' '.repeat(1100)}<meta charset="koi8-r">`), undefined, { encoding: 'utf-8', skip: 0 }],
    ['undeclared valid UTF-8', Buffer.from('<p>héllo</p>'), undefined, { encoding: 'utf-8', skip: 0 }],
    ['undeclared invalid UTF-8 is windows-1252', Buffer.from([0x3c, 0x70, 0x3e, 0xe9]), undefined, { encoding: 'windows-1252', skip: 0 }],
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
