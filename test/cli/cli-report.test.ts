/**
 * `fanout report` as a new user meets it, through the real bin: a file that is not results, no -o,
 * -o - for a pipe, the headline against the URLs tile, and a throughput chart from a results file
 * alone (the records' `at` times).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { runCli } from './run-cli';

let dir: string;
let site: DemoSite;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-report-cli-'));
  site = await startDemoSite({ pages: 20 });
});
afterAll(async () => {
  await site.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const failure = (url: string) => JSON.stringify({ url, ok: false, error: { kind: 'dns', message: 'getaddrinfo ENOTFOUND' }, attempts: 1, ms: 4 });

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('fanout report on a file that holds no records', () => {
  test('a URL list: exit 1, one line saying what the file is not, no report written', async () => {
    const list = write('urls.txt', `${site.urls(3).join('\n')}\n`);
    const out = path.join(dir, 'list-report.html');
    const { code, stdout, stderr } = await runCli(['report', list, '-o', out]);
    expect({ code, stdout }).toStrictEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(
      new RegExp(
        `^fanout: ${list} is not a results file: none of its 3 lines is a fanout record \\(line 1: not JSON: [^\\n]+\\); give it the JSONL that fanout run -o wrote\\n$`,
      ),
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an empty file: exit 1', async () => {
    const empty = write('empty.jsonl', '');
    const { code, stderr } = await runCli(['report', empty, '-o', path.join(dir, 'empty.html')]);
    expect({ code, stderr }).toStrictEqual({ code: 1, stderr: `fanout: ${empty} has no records; give it the JSONL that fanout run -o wrote\n` });
  });
});

describe('where fanout report writes', () => {
  test('without -o: ./report.html, and stderr says where, as an absolute path', async () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const results = write('two.jsonl', `${failure('http://a.test/')}\n${failure('http://b.test/')}\n`);
    const { code, stderr } = await runCli(['report', results], { cwd });
    const written = path.join(cwd, 'report.html');
    const size = Math.ceil(fs.statSync(written).size / 1024);
    expect({ code, stderr }).toStrictEqual({ code: 0, stderr: `fanout: wrote ${written} (${size} KiB) from 2 records\n` });
  });

  test('-o - writes the page to stdout, so it can be piped or redirected', async () => {
    const results = write('one.jsonl', `${failure('http://a.test/')}\n`);
    const { code, stdout, stderr } = await runCli(['report', results, '-o', '-']);
    expect(code).toBe(0);
    expect(stdout.startsWith('<!doctype html>')).toBe(true);
    expect(stdout.endsWith('</html>')).toBe(true);
    expect(stderr).toBe(`fanout: wrote the report to stdout (${Math.ceil(Buffer.byteLength(stdout) / 1024)} KiB) from 1 record\n`);
  });

  test('the help says how to write to stdout', async () => {
    const { stdout } = await runCli(['report', '--help']);
    expect(stdout).toMatch(/-o, --out <report.html>\s+where to write the report, - for stdout/);
  });
});

describe('a report of a real run (real bin, loopback demo site)', () => {
  let html: string;
  beforeAll(async () => {
    const urls = site.urls(20);
    // 20 pages (2 listed twice), a missing page and a bad line: 23 valid lines, 2 of them duplicates, 22 records.
    const list = write('run.txt', `${[...urls, urls[0], urls[1], `${site.origin}/page/999`, 'not a url'].join('\n')}\n`);
    const results = path.join(dir, 'run.jsonl');
    const ran = await runCli(['run', list, '-o', results, '--summary', path.join(dir, 'run-summary.json'), '--allow-private', '--quiet']);
    expect(ran.code).toBe(0);
    const report = path.join(dir, 'run.html');
    const made = await runCli(['report', results, '--summary', path.join(dir, 'run-summary.json'), '-o', report]);
    expect(made.code).toBe(0);
    html = fs.readFileSync(report, 'utf8');
  });

  test('the URLs tile and the headline count the same URLs', () => {
    expect(html).toContain('<div class="card"><b>22</b><span>URLs</span></div>');
    expect(html).toMatch(/<section class="verdict [a-z]*">20 of 22 URLs fetched \(91%\); 2 failed in /);
  });

  test('every record carries its completion time as an ISO 8601 `at`', () => {
    const records = fs
      .readFileSync(path.join(dir, 'run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { at?: string });
    expect(records).toHaveLength(22);
    for (const record of records) expect(record.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('the throughput chart is drawn from a results file alone', async () => {
    const out = path.join(dir, 'alone.html');
    const { code } = await runCli(['report', path.join(dir, 'run.jsonl'), '-o', out]);
    expect(code).toBe(0);
    const alone = fs.readFileSync(out, 'utf8');
    expect(alone).toContain('aria-label="Pages completed per second"');
    expect(alone).toContain('from the records’ &quot;at&quot; times');
  });
});
