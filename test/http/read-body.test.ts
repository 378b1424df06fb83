import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from '../../http/fetch-error';
import { MAX_CONTENT_CODINGS, parseContentEncoding, readBody, type ReadBodyOptions } from '../../http/read-body';

/** A body that arrives in `pieces`; `destroyed` afterwards says whether the reader dropped it (the socket, in real use). */
function bodyOf(...pieces: Buffer[]): Readable {
  return Readable.from(pieces, { objectMode: false });
}

const TEXT = Buffer.from('0123456789'.repeat(10)); // 100 bytes
const MiB = 1024 * 1024;

/** `data` gzipped `layers` times, and the header codings that say so. */
function stacked(layers: number, data: Buffer): { body: Buffer; codings: string[] } {
  let body = data;
  for (let i = 0; i < layers; i++) body = zlib.gzipSync(body);
  return { body, codings: Array<string>(layers).fill('gzip') };
}
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

describe('readBody: decoding is bounded', () => {
  it(`undoes ${MAX_CONTENT_CODINGS} stacked codings`, async () => {
    const { body, codings } = stacked(MAX_CONTENT_CODINGS, TEXT);
    expect(await readBody(bodyOf(body), codings, opts({}))).toStrictEqual({ body: TEXT, bytes: 100, truncated: false });
  });

  it(`refuses more than ${MAX_CONTENT_CODINGS} codings as too-many-encodings, before decoding anything`, async () => {
    const { body: bytes, codings } = stacked(MAX_CONTENT_CODINGS + 1, TEXT);
    const body = bodyOf(bytes);
    const error = await readBody(body, codings, opts({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).kind).toBe('too-many-encodings');
    expect(body.destroyed).toBe(true);
    expect(body.readableDidRead).toBe(false);
  });

  it('stops decoding when the signal aborts after the whole body has arrived, and throws its reason', async () => {
    const controller = new AbortController();
    const deadline = new Error('deadline passed');
    const compressed = zlib.gzipSync(Buffer.alloc(8 * MiB)); // 8 KB that take 512 decoded chunks
    // The body ends, and only then does the deadline pass: just the decoder is left working.
    const body = new Readable({
      read() {
        this.push(compressed);
        this.push(null);
        controller.abort(deadline);
      },
    });
    await expect(readBody(body, ['gzip'], opts({ maxBytes: 64 * MiB, keep: false, signal: controller.signal }))).rejects.toBe(deadline);
    expect(body.destroyed).toBe(true);
  });

  it('reads nothing when the signal has already aborted', async () => {
    const controller = new AbortController();
    const deadline = new Error('deadline passed');
    controller.abort(deadline);
    const body = bodyOf(zlib.gzipSync(TEXT));
    await expect(readBody(body, ['gzip'], opts({ signal: controller.signal }))).rejects.toBe(deadline);
    expect(body.destroyed).toBe(true);
    expect(body.readableDidRead).toBe(false);
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
