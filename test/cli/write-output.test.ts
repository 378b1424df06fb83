import { PassThrough } from 'node:stream';
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

describe('output writers', () => {
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
