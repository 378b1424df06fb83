/**
 * The pieces of --resume and retry: reading a results file an interrupted run left behind, which
 * records count as retryable, and skipping what is already recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FailureOutcome, Outcome } from '../../core/contract';
import { UsageError } from '../../core/errors';
import { ResultsFileError, scanResults } from '../../cli/results-file';
import { openResume, skipRecorded } from '../../cli/resume';
import { isRetryableRecord } from '../../core/retryable';
import { okOutcome } from '../helpers/simulated-invoker';

const fail = (url: string, kind: string, status?: number): FailureOutcome =>
  ({ url, ok: false, error: { kind, message: kind, ...(status === undefined ? {} : { status }) }, attempts: 1 }) as FailureOutcome;
const line = (o: Outcome) => `${JSON.stringify(o)}\n`;

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-resume-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const RETRYABLE_CASES: [Outcome, boolean][] = [
  [okOutcome('http://a/'), false],
  ...['dns', 'connect', 'timeout', 'tls', 'network', 'worker-failed', 'not-started'].map((k): [Outcome, boolean] => [fail('http://a/', k), true]),
  ...['invalid-url', 'too-large', 'redirect-loop', 'too-many-redirects', 'bad-redirect', 'blocked', 'robots-disallowed', 'internal'].map((k): [Outcome, boolean] => [
    fail('http://a/', k),
    false,
  ]),
  [fail('http://a/', 'http', 500), true],
  [fail('http://a/', 'http', 503), true],
  [fail('http://a/', 'http', 429), true],
  [fail('http://a/', 'http', 408), true],
  [fail('http://a/', 'http', 404), false],
  [fail('http://a/', 'http', 403), false],
];

describe('isRetryableRecord', () => {
  test.each(RETRYABLE_CASES)('%j -> %p', (record, expected) => expect(isRetryableRecord(record)).toBe(expected));
});

describe('scanResults', () => {
  test('reads every record with its line as written; skips blank lines', async () => {
    const records = [okOutcome('http://a/1'), fail('http://a/2', 'dns')];
    const p = file('two.jsonl', `${line(records[0]!)}\n${line(records[1]!)}`);
    const seen: { url: string; text: string }[] = [];
    const scan = await scanResults(p, ({ record, text }) => void seen.push({ url: record.url, text }));
    expect(seen).toStrictEqual(records.map((r) => ({ url: r.url, text: JSON.stringify(r) })));
    expect(scan).toStrictEqual({ records: 2, bytes: fs.statSync(p).size, missingFinalNewline: false });
  });

  test('a last line cut short is reported with its offset, not thrown', async () => {
    const whole = line(okOutcome('http://a/1'));
    const p = file('cut.jsonl', whole + line(okOutcome('http://a/2')).slice(0, 30));
    const scan = await scanResults(p, () => {});
    expect(scan).toMatchObject({ records: 1, partialTailAt: Buffer.byteLength(whole) });
  });

  test('a whole last record without a newline counts, and says so', async () => {
    const p = file('nonl.jsonl', line(okOutcome('http://a/1')) + JSON.stringify(okOutcome('http://a/2')));
    expect(await scanResults(p, () => {})).toMatchObject({ records: 2, missingFinalNewline: true });
  });

  test('a bad line in the middle names the file and line', async () => {
    const p = file('bad.jsonl', `${line(okOutcome('http://a/1'))}{"url": 3}\n${line(okOutcome('http://a/2'))}`);
    const error = await scanResults(p, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultsFileError);
    expect(error).toMatchObject({ line: 2, message: expect.stringMatching(/bad\.jsonl line 2 is not a fanout record/) });
  });

  test('multi-byte text keeps byte offsets right', async () => {
    const first = line({ ...okOutcome('http://a/1'), title: 'héllo wörld ✓ 日本' } as Outcome);
    const p = file('utf8.jsonl', first + '{"url":"http://a/2","ok":tr');
    expect((await scanResults(p, () => {})).partialTailAt).toBe(Buffer.byteLength(first));
  });
});

describe('openResume', () => {
  test('cuts a partial last line so appended records start on a line of their own', async () => {
    const whole = line(okOutcome('http://a/1'));
    const p = file('resume-cut.jsonl', `${whole}{"url":"http://a/2","o`);
    const state = await openResume(p, 'jsonl');
    expect(state).toMatchObject({ records: 1, repaired: 'cut-partial-line' });
    expect([...state.recorded]).toStrictEqual(['http://a/1']);
    expect(fs.readFileSync(p, 'utf8')).toBe(whole);
  });

  test('adds a missing final newline', async () => {
    const p = file('resume-nl.jsonl', JSON.stringify(okOutcome('http://a/1')));
    expect(await openResume(p, 'jsonl')).toMatchObject({ records: 1, repaired: 'added-newline' });
    expect(fs.readFileSync(p, 'utf8').endsWith('}\n')).toBe(true);
  });

  test('a missing file is an empty one', async () => {
    expect(await openResume(path.join(dir, 'none.jsonl'), 'jsonl')).toStrictEqual({ recorded: new Set(), records: 0 });
  });

  test.each([
    [undefined, 'jsonl', /--resume needs -o <file>/],
    ['-', 'jsonl', /--resume needs -o <file>/],
    ['x.json', 'json', /--format jsonl only/],
  ])('out %p format %p is a usage error', async (out, format, message) => {
    await expect(openResume(out, format)).rejects.toThrow(UsageError);
    await expect(openResume(out, format)).rejects.toThrow(message);
  });

  test('skipRecorded keeps only URLs and invalid lines without a record', () => {
    const list = {
      urls: ['http://a/1', 'http://a/2'],
      invalid: [fail('bad line', 'invalid-url'), fail('other', 'invalid-url')],
      counts: { lines: 4, valid: 2, duplicates: 0, invalid: 2, skipped: 0 },
    };
    const left = skipRecorded(list, new Set(['http://a/1', 'bad line']));
    expect(left.urls).toStrictEqual(['http://a/2']);
    expect(left.invalid.map((o) => o.url)).toStrictEqual(['other']);
  });
});
