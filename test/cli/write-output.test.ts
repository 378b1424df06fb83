import { PassThrough, Writable } from 'node:stream';
import type { Outcome } from '../../core/contract';
import { csvRow } from '../../cli/csv';
import { createWriter, type OutputFormat } from '../../cli/write-output';

const page = (url: string, title: string | null = 'T'): Outcome & { ok: true } => ({
  url,
  ok: true,
  finalUrl: url,
  status: 200,
  contentType: 'text/html',
  bytes: 10,
  ms: 5,
  title,
  description: null,
  links: ['http://a/'],
  attempts: 1,
});
const failure = (url: string): Outcome => ({ url, ok: false, error: { kind: 'http', message: 'HTTP 404 "Not Found"', status: 404 }, attempts: 1, ms: 3 });

async function render(format: OutputFormat, outcomes: Outcome[]): Promise<string> {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const writer = createWriter(stream, format, true);
  for (const o of outcomes) await writer.write(o);
  await writer.close();
  return text;
}

/** A stream that counts the calls it gets: write() per record, or writev() per batch. */
function countingStream(): { stream: Writable; calls: number[]; text: () => string } {
  const calls: number[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      calls.push(1);
      text += chunk.toString('utf8');
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.length);
      for (const { chunk } of chunks) text += (chunk as Buffer).toString('utf8');
      done();
    },
  });
  return { stream, calls, text: () => text };
}

describe('output writers', () => {
  test('the records of one tick reach the stream in one call, and each tick is written before the next', async () => {
    const { stream, calls, text } = countingStream();
    const writer = createWriter(stream, 'jsonl', true);
    await Promise.all([1, 2, 3, 4, 5].map((i) => writer.write(page(`http://a/${i}`))));
    expect(calls).toStrictEqual([]); // not one write per record
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toStrictEqual([1]);
    expect(text().trim().split('\n')).toHaveLength(5);
    await writer.write(page('http://a/6'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toStrictEqual([1, 1]);
    expect(text().trim().split('\n')).toHaveLength(6);
    await writer.write(page('http://a/7'));
    await writer.close(); // in the same tick: close flushes it
    expect(
      text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).url),
    ).toStrictEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `http://a/${i}`));
  });

  test('backpressure: a stream that does not drain holds write() back once a flush is buffered, and lets it go on drain', async () => {
    const held: (() => void)[] = [];
    const stream = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        held.push(done); // the disk is slow: nothing completes until released
      },
    });
    const writer = createWriter(stream, 'jsonl', true);
    const big = page('http://a/big', 'x'.repeat(1 << 20)); // over the flush size: written at once
    let settled = false;
    const pending = writer.write(big).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(held).toHaveLength(1);
    held.shift()!();
    await pending;
    expect(settled).toBe(true);
  });

  test('a stream error (a full disk) rejects the next write and close with a message that says what to do', async () => {
    const stream = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      },
    });
    const writer = createWriter(stream, 'jsonl', true);
    await writer.write(page('http://a/1'));
    await new Promise((resolve) => setImmediate(resolve)); // the tick's flush fails
    await new Promise((resolve) => setImmediate(resolve));
    const message = /^cannot write the output: ENOSPC: no space left on device, write; free some space or choose another -o \(--resume/;
    await expect(writer.write(page('http://a/2'))).rejects.toThrow(message);
    await expect(writer.close()).rejects.toThrow(message);
  });

  test('a writer on a stream it does not own (stdout) still writes the last tick on close', async () => {
    const { stream, text } = countingStream();
    const writer = createWriter(stream, 'jsonl', false);
    await writer.write(page('http://a/1'));
    await writer.close();
    expect(stream.writableEnded).toBe(false);
    expect(JSON.parse(text()).url).toBe('http://a/1');
  });

  test('jsonl: one parseable line per record', async () => {
    const text = await render('jsonl', [page('http://a/'), failure('http://b/')]);
    expect(text.split('\n')).toHaveLength(3);
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).url),
    ).toStrictEqual(['http://a/', 'http://b/']);
  });

  test.each([
    [[], []],
    [[page('http://a/')], ['http://a/']],
    [
      [page('http://a/'), failure('http://b/')],
      ['http://a/', 'http://b/'],
    ],
  ])('json: a valid array for %#', async (outcomes, urls) => {
    const parsed = JSON.parse(await render('json', outcomes)) as Outcome[];
    expect(parsed.map((o) => o.url)).toStrictEqual(urls);
  });

  test('csv: header once, quoting of commas, quotes and newlines', async () => {
    const text = await render('csv', [page('http://a/', 'Hello, "world"\nagain'), failure('http://b/')]);
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^url,ok,status,/);
    expect(text).toContain('"Hello, ""world""\nagain"');
    expect(lines.filter((l) => l.startsWith('http://b/'))).toStrictEqual(['http://b/,false,404,,,,3,1,,,,http,"HTTP 404 ""Not Found""",']);
  });

  test('csv: an empty run still has its header', async () => {
    expect(await render('csv', [])).toBe('url,ok,status,final_url,content_type,bytes,ms,attempts,title,description,links,error_kind,error_message,data\r\n');
  });

  test('csvRow counts links and serialises data as JSON', () => {
    expect(csvRow({ ...page('http://a/'), data: { x: [1, 2] } })).toContain(',1,,,"{""x"":[1,2]}"');
  });
});
