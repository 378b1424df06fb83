import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListError, readUrls } from '../../orchestrator/read-urls';
import { normaliseUrl } from '../../core/normalise-url';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-read-urls-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe('normaliseUrl', () => {
  it.each([
    ['HTTP://Example.COM/Path', 'http://example.com/Path'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['https://example.com:8443/a', 'https://example.com:8443/a'],
    ['http://example.com/page#section', 'http://example.com/page'],
    ['http://example.com', 'http://example.com/'],
    ['http://example.com/a/../b/./c', 'http://example.com/b/c'],
    ['http://example.com/?b=2&a=1', 'http://example.com/?b=2&a=1'],
    ['http://example.com/a b', 'http://example.com/a%20b'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['  http://example.com/x  ', 'http://example.com/x'],
    ['http://[::1]:80/', 'http://[::1]/'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseUrl(input)).toStrictEqual({ ok: true, url: expected });
  });

  it.each([
    ['example.com/page', 'missing scheme'],
    ['localhost:8080/page', 'missing scheme'],
    ['ftp://example.com/file', 'unsupported scheme "ftp:"'],
    ['mailto:someone@example.com', 'unsupported scheme "mailto:"'],
    ['http:example.com', '"//" missing after the scheme'],
    ['http://', 'missing host'],
    ['http:///path', 'missing host'],
    ['http://exa mple.com/', 'malformed host or port'],
    ['http://example.com:99999/', 'malformed host or port'],
  ])('%s is invalid: %s', (input, why) => {
    expect(normaliseUrl(input)).toStrictEqual({ ok: false, reason: `not an absolute http(s) URL: ${why}` });
  });
});

describe('readUrls', () => {
  it('skips blanks and comments, handles BOM and CRLF, records invalid lines, de-duplicates', async () => {
    const list = file(
      'list.txt',
      '\uFEFFhttp://a.test/1\r\n' +
        '\r\n' +
        '   \r\n' +
        '# a comment\r\n' +
        '  # an indented comment\r\n' +
        'not a url\r\n' +
        'HTTP://A.test:80/1#frag\r\n' + // duplicate of line 1
        'https://b.test/x?q=1\r\n' +
        'ftp://c.test/\r\n' +
        'http://a.test/1\n' + // duplicate again, LF ending
        'http://a.test/2',
    );

    const result = await readUrls(list);

    expect(result).toStrictEqual({
      urls: ['http://a.test/1', 'https://b.test/x?q=1', 'http://a.test/2'],
      invalid: [
        { url: 'not a url', ok: false, error: { kind: 'invalid-url', message: 'not an absolute http(s) URL: missing scheme' }, attempts: 0 },
        { url: 'ftp://c.test/', ok: false, error: { kind: 'invalid-url', message: 'not an absolute http(s) URL: unsupported scheme "ftp:"' }, attempts: 0 },
      ],
      counts: { lines: 11, valid: 5, duplicates: 2, invalid: 2, skipped: 4 },
    });
  });

  it('keeps the normalised form of the first spelling and order of first appearance', async () => {
    const result = await readUrls(Readable.from(['http://Z.test/b#x\n', 'http://a.test/\nhttp://z.test/b\n']));
    expect(result.urls).toStrictEqual(['http://z.test/b', 'http://a.test/']);
    expect(result.counts.duplicates).toBe(1);
  });

  it('reads a stream (stdin) in arbitrary pieces, lines split across them', async () => {
    const result = await readUrls(Readable.from([Buffer.from('http://a.te'), Buffer.from('st/1\nhttp://b.test/'), Buffer.from('2')]));
    expect(result.urls).toStrictEqual(['http://a.test/1', 'http://b.test/2']);
    expect(result.counts.lines).toBe(2);
  });

  it('returns an empty list for an empty file', async () => {
    expect(await readUrls(file('empty.txt', ''))).toStrictEqual({
      urls: [],
      invalid: [],
      counts: { lines: 0, valid: 0, duplicates: 0, invalid: 0, skipped: 0 },
    });
  });

  it('rejects a missing file with a ListError that names it', async () => {
    const missing = path.join(dir, 'nope.txt');
    const error = await readUrls(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListError);
    expect(error).toMatchObject({ name: 'ListError', reason: 'not-found', file: missing, message: `URL list ${missing} does not exist; check the path` });
  });

  it('rejects a directory', async () => {
    await expect(readUrls(dir)).rejects.toMatchObject({ name: 'ListError', reason: 'not-a-file' });
  });

  it('rejects a binary file (NUL bytes), and a UTF-16 stream', async () => {
    const binary = file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    await expect(readUrls(binary)).rejects.toMatchObject({ name: 'ListError', reason: 'binary', file: binary });
    await expect(readUrls(binary)).rejects.toThrow(/looks binary.*UTF-8 text file/);
    const utf16 = Readable.from([Buffer.from('http://a.test/\n', 'utf16le')]);
    await expect(readUrls(utf16)).rejects.toMatchObject({ name: 'ListError', reason: 'binary', file: '<stdin>' });
  });

  it('turns a stream error into a ListError', async () => {
    const broken = new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      },
    });
    await expect(readUrls(broken)).rejects.toMatchObject({
      name: 'ListError',
      reason: 'unreadable',
      message: 'cannot read URL list <stdin> (EIO: i/o error); check the file',
    });
  });
});
