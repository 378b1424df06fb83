import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectedLinks, startDemoSite, type DemoSite } from '../../demo/site';
import { spawn } from 'node:child_process';
import { BIN, runCli } from './run-cli';

describe('fanout run end to end (real CLI, real workers, loopback site)', () => {
  let site: DemoSite;
  let dir: string;
  beforeAll(async () => {
    site = await startDemoSite({ pages: 1000 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-run-'));
  });
  afterAll(async () => {
    await site.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeList(name: string, lines: string[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  test('1,000 URLs: exactly one record each, right titles and links; summary and exit 0', async () => {
    const urls = site.urls(1000);
    const list = writeList('thousand.txt', ['# a comment', '', ...urls, urls[5]!.toUpperCase().replace('/PAGE/', '/page/'), 'not a url']);
    const out = path.join(dir, 'thousand.jsonl');
    const summaryFile = path.join(dir, 'summary.json');
    const { code, stderr } = await runCli(['run', list, '-o', out, '--summary', summaryFile, '--allow-private', '--workers', '2']);
    expect(code).toBe(0);
    const records = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(1001); // 1,000 pages + the bad line; the upper-case duplicate is dropped
    const byUrl = new Map(records.map((r) => [r.url, r]));
    expect(byUrl.size).toBe(1001);
    for (const [i, url] of urls.entries()) {
      const record = byUrl.get(url);
      expect(record).toMatchObject({ ok: true, status: 200, title: `Page ${i}`, finalUrl: url });
      expect(record.links).toStrictEqual(expectedLinks(site.origin, i, 1000));
    }
    expect(byUrl.get('not a url')).toMatchObject({ ok: false, error: { kind: 'invalid-url' } });
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ records: 1001, ok: 1000, failed: 1, lost: 0, input: { read: 1002, valid: 1001, duplicate: 1, invalid: 1 } });
    expect(stderr).toMatch(/1000 ok, 1 failed \(invalid-url 1\)/);
  });

  test('reads stdin with "-" and writes CSV with a header row', async () => {
    const { code, stdout } = await runCli(['run', '-', '--format', 'csv', '--quiet', '--allow-private'], { input: site.urls(3).join('\n') });
    expect(code).toBe(0);
    const rows = stdout.trim().split('\r\n');
    expect(rows[0]).toBe('url,ok,status,final_url,content_type,bytes,ms,attempts,title,description,links,error_kind,error_message,data');
    expect(
      rows
        .slice(1)
        .map((r) => r.split(',').slice(0, 3))
        .sort(),
    ).toStrictEqual(
      site
        .urls(3)
        .map((u) => [u, 'true', '200'])
        .sort(),
    );
  });

  test('--format json writes one valid JSON array', async () => {
    const { code, stdout } = await runCli(['run', '-', '--format', 'json', '--quiet', '--allow-private'], { input: `${site.urls(4).join('\n')}\nbad line` });
    expect(code).toBe(0);
    const records = JSON.parse(stdout) as { url: string; ok: boolean }[];
    expect(records.map((r) => r.url).sort()).toStrictEqual([...site.urls(4), 'bad line'].sort());
  });

  test('--extract puts the spec values under data', async () => {
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({ price: { selector: '.price', attr: 'data-value' }, tags: { selector: '.tag', all: true } }));
    const { code, stdout } = await runCli(['run', '-', '--extract', spec, '--quiet', '--allow-private'], { input: `${site.origin}/page/4` });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).data).toStrictEqual({ price: '6.00', tags: ['demo', 'n4'] });
  });

  test('page errors are records, not a failed run: 404 gives kind http and exit 0', async () => {
    const { code, stdout } = await runCli(['run', '-', '--quiet', '--allow-private'], { input: `${site.origin}/missing` });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { kind: 'http', status: 404 }, attempts: 1 });
  });

  test('a reader that stops reading (| head) ends the run quietly with the SIGPIPE code', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '-', '--allow-private', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(site.urls(1000).join('\n'));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(141);
    expect(stderr).toBe('');
  });
});
