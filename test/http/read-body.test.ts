import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from '../../http/fetch-error';
import { parseContentEncoding, readBody, type ReadBodyOptions } from '../../http/read-body';

/** A body that arrives in `pieces`; `destroyed` afterwards says whether the reader dropped it (the socket, in real use). */
function bodyOf(...pieces: Buffer[]): Readable {
  return Readable.from(pieces, { objectMode: false });
}

const TEXT = Buffer.from('0123456789'.repeat(10)); // 100 bytes
const opts = (over: Partial<ReadBodyOptions>): ReadBodyOptions => ({ maxBytes: 1_000, keep: true, overflow: 'throw', ...over });

describe('readBody', () => {
  it('returns the whole body under the cap, not truncated', async () => {
    const read = await readBody(bodyOf(TEXT.subarray(0, 40), TEXT.subarray(40)), [], opts({ maxBytes: 100 }));
    expect(read).toStrictEqual({ body: TEXT, bytes: 100, truncated: false });
  });

  it('throws too-large past the cap and drops the stream', async () => {
    const body = bodyOf(TEXT, TEXT);
    const error = await readBody(body, [], opts({ maxBytes: 150 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).kind).toBe('too-large');
    expect(body.destroyed).toBe(true);
  });

  it('truncates at the cap, keeping exactly maxBytes, and drops the stream', async () => {
    const body = bodyOf(TEXT, TEXT, TEXT);
    const read = await readBody(body, [], opts({ maxBytes: 150, overflow: 'truncate' }));
    expect(read).toStrictEqual({ body: Buffer.concat([TEXT, TEXT.subarray(0, 50)]), bytes: 150, truncated: true });
    expect(body.destroyed).toBe(true);
  });

  it('caps decoded bytes, not bytes on the wire', async () => {
    const decoded = Buffer.alloc(100_000, 'a');
    const read = await readBody(bodyOf(zlib.gzipSync(decoded)), parseContentEncoding('gzip'), opts({ maxBytes: 1_000, overflow: 'truncate' }));
    expect(read).toStrictEqual({ body: decoded.subarray(0, 1_000), bytes: 1_000, truncated: true });
  });

  it('only counts the bytes when keep is false', async () => {
    expect(await readBody(bodyOf(TEXT), [], opts({ keep: false }))).toStrictEqual({ body: Buffer.alloc(0), bytes: 100, truncated: false });
  });
});

describe('parseContentEncoding', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['identity', []],
    ['GZIP', ['gzip']],
    ['deflate, br', ['deflate', 'br']],
  ])('%p -> %p', (header, codings) => expect(parseContentEncoding(header)).toStrictEqual(codings));
});
