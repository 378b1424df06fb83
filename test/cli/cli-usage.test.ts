import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli';

describe('fanout CLI usage errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('run --help shows every option and examples, exit 0', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--out',
      '--format',
      '--concurrency',
      '--chunk-size',
      '--per-host',
      '--timeout-ms',
      '--retries',
      '--max-bytes',
      '--extract',
      '--user-agent',
      '--mode',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('Examples:');
  });

  test('top-level help lists the run and crawl commands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/run \[options\] \[list\]/);
    expect(stdout).toMatch(/crawl \[options\] <seeds\.\.\.>/);
  });

  test.each([
    [['run', 'x.txt', '--conncurrency', '4'], /unknown option '--conncurrency'/],
    [['run', 'x.txt', '--concurrency', 'lots'], /--concurrency.*'lots' is invalid.*whole number from 1 to 1024/],
    [['run', 'x.txt', '--concurrency', '0'], /whole number from 1 to 1024/],
    [['run', 'x.txt', '--format', 'xml'], /--format.*'xml' is invalid.*jsonl, json, csv/],
    [['run', 'x.txt', '--max-bytes', 'huge'], /size such as/],
    [['run'], /fanout run needs a list: a file with one URL per line, - for stdin, or --sitemap <url>/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j is rejected with one message and exit 1', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stdout).toBe('');
  });

  test('a missing list file names the file, no stack, exit 1', async () => {
    const missing = path.join(dir, 'nope.txt');
    const { code, stderr } = await runCli(['run', missing]);
    expect(code).toBe(1);
    expect(stderr).toContain(missing);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('an empty list is an error that says what a list looks like', async () => {
    const file = path.join(dir, 'empty.txt');
    fs.writeFileSync(file, '\n# only a comment\n\n');
    const { code, stderr } = await runCli(['run', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/has no URLs.*one http\(s\) URL per line/);
  });

  test('a list of only invalid lines writes a record for each and exits 1', async () => {
    const file = path.join(dir, 'bad.txt');
    fs.writeFileSync(file, 'not a url\nftp://example.com/\n');
    const { code, stderr, stdout } = await runCli(['run', file, '--quiet']);
    expect(code).toBe(1);
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.url, r.ok, r.error.kind])).toStrictEqual([
      ['not a url', false, 'invalid-url'],
      ['ftp://example.com/', false, 'invalid-url'],
    ]);
    expect(stderr).toMatch(/none of the lines .* is an http\(s\) URL/);
  });

  test('a binary file is refused by name', async () => {
    const file = path.join(dir, 'list.png');
    fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const { code, stderr } = await runCli(['run', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(file);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad extraction spec is rejected before anything is fetched', async () => {
    const list = path.join(dir, 'one.txt');
    fs.writeFileSync(list, 'http://127.0.0.1:9/\n');
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({ price: { selector: '' } }));
    const { code, stderr, stdout } = await runCli(['run', list, '--extract', spec]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/price/);
    expect(stdout).toBe('');
  });

  test('--dry-run counts, chunks and prices the list without fetching, exit 0', async () => {
    // Hosts under .test never resolve, and a dry run must not even try: no records, no network.
    const lines = Array.from({ length: 1000 }, (_, i) => `http://h${i % 4}.test/p/${i}`);
    const { code, stdout, stderr } = await runCli(['run', '-', '--dry-run', '--mode', 'lambda', '--chunk-size', '100'], {
      input: [...lines, lines[0], 'not a url'].join('\n'),
    });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/1002 read, 1001 valid \(1 duplicate\), 1 invalid/);
    expect(stdout).toMatch(/1000 to fetch on 4 hosts/);
    expect(stdout).toMatch(/10 of up to 100 URLs for 100 lambda workers/);
    expect(stdout).toMatch(/1769 MB .*\$\d+\.\d{4}.*the stack default/);
    expect(stdout).not.toMatch(/"ok"/);
  });
});
