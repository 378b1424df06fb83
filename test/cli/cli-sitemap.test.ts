/**
 * `fanout run --sitemap` end to end: the real bin in a child process, real workers, a loopback site
 * serving a sitemap index with plain, gzipped and Content-Encoding children, a malformed one and
 * one past the protocol's 50,000 URLs. The index has 5 children, over the default --sitemap-fan-out
 * of 4, so the workers fetch them: local child processes, or the deployed worker entry behind the
 * Lambda emulator with --mode lambda.
 */
import '../helpers/quiet-powertools';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '../../core/summary';
import { indexXml, pagePaths, startSitemapSite, urlsetXml } from '../helpers/sitemap-site';
import type { TestServer } from '../helpers/http-server';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startLambdaEmulator } from '../helpers/lambda-emulator';
import { runCli } from './run-cli';

type Site = TestServer & { url: (path: string) => string };
let site: Site;
let dir: string;
const expand = (paths: string[]) => paths.map((p) => p.replace('{origin}', site.origin));

beforeAll(async () => {
  site = await startSitemapSite({
    '/robots.txt': 'User-agent: *\nDisallow: /secret/\nSitemap: {origin}/index.xml\n',
    '/index.xml': indexXml(['{origin}/plain.xml', '{origin}/zipped.xml.gz', '{origin}/encoded.xml', '{origin}/broken.xml', '{origin}/big.xml']),
    '/plain.xml': urlsetXml([...pagePaths('a', 5), '{origin}/secret/1']),
    '/zipped.xml.gz': { body: urlsetXml([...pagePaths('b', 4), '{origin}/a/0']), gzip: 'file' },
    '/encoded.xml': { body: urlsetXml(pagePaths('c', 3), ['2023-01-01', '2024-06-01', undefined]), gzip: 'encoding' },
    '/broken.xml': '<urlset><url><loc>{origin}/x</url></urlset>',
    '/big.xml': urlsetXml(pagePaths('big', 50_001)),
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-sitemap-cli-'));
});
afterAll(async () => {
  await site.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function records(file: string): { url: string; ok: boolean; error?: { kind: string } }[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const pagesFetched = () => site.requests.filter((r) => /^\/(a|b|c|d|secret)\//.test(r.path)).map((r) => r.path);

describe('fanout run --sitemap', () => {
  it('runs exactly the URLs of a sitemap index, once each, and names the sitemaps that failed', async () => {
    const out = path.join(dir, 'index.jsonl');
    const summaryFile = path.join(dir, 'index-summary.json');
    site.requests.length = 0;
    const result = await runCli(['run', '--sitemap', site.url('/index.xml'), '-o', out, '--summary', summaryFile, '--allow-private', '--workers', '2', '--retries', '0']);

    expect(result.code).toBe(0);
    const got = records(out);
    const expected = expand([...pagePaths('a', 5), '{origin}/secret/1', ...pagePaths('b', 4), ...pagePaths('c', 3)]);
    expect(got.map((r) => r.url).sort()).toStrictEqual([...expected].sort());
    expect(got.filter((r) => !r.ok).map((r) => [r.url, r.error?.kind])).toStrictEqual([[site.url('/secret/1'), 'robots-disallowed']]);
    expect(pagesFetched().sort()).toStrictEqual(
      expand([...pagePaths('a', 5), ...pagePaths('b', 4), ...pagePaths('c', 3)])
        .map((u) => u.replace(site.origin, ''))
        .sort(),
    );

    expect(result.stderr).toMatch(
      /^fanout: sitemap http:\/\/127\.0\.0\.1:\d+\/broken\.xml: malformed XML at line 1, column \d+: unexpected close tag; going on with the other sitemaps$/m,
    );
    expect(result.stderr).toContain(`fanout: sitemap ${site.url('/big.xml')}: more than 50000 entries, the sitemaps protocol's limit per file`);
    expect(result.stderr).toContain('  sitemaps  4 files read, 14 URLs listed, 13 new run (1 already listed); 2 FAILED:');
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary & { sitemaps: Record<string, unknown> };
    expect(summary.records).toBe(13);
    expect(summary.sitemaps).toStrictEqual({
      files: 4,
      entries: 14,
      invalid: 0,
      old: 0,
      filtered: 0,
      duplicates: 1,
      urls: 13,
      failed: [
        { sitemap: site.url('/broken.xml'), reason: 'malformed', message: expect.stringContaining('malformed XML') },
        { sitemap: site.url('/big.xml'), reason: 'too-many-urls', message: expect.stringContaining('more than 50000 entries') },
      ],
    });
  });

  it('mixes a list with robots:<origin> sitemaps, filtered by --since and --exclude, one record per URL', async () => {
    const list = path.join(dir, 'urls.txt');
    fs.writeFileSync(list, expand(['{origin}/a/0', '{origin}/d/0', 'not a url']).join('\n'));
    const out = path.join(dir, 'mixed.jsonl');
    const result = await runCli([
      'run',
      list,
      '--sitemap',
      `robots:${site.origin}`,
      '--since',
      '2024-01-01',
      '--exclude',
      '*/b/*',
      '--exclude',
      '/\\/secret\\//',
      '-o',
      out,
      '--allow-private',
      '--workers',
      '2',
      '--quiet',
    ]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const urls = records(out).map((r) => r.url);
    expect([...urls].sort()).toStrictEqual(['not a url', ...expand([...pagePaths('a', 5), '{origin}/d/0', '{origin}/c/1', '{origin}/c/2'])].sort());
  });

  it('--resume runs only the sitemap URLs without a record', async () => {
    const out = path.join(dir, 'resume.jsonl');
    const done = expand(pagePaths('a', 5)).map((url) => JSON.stringify({ url, ok: false, error: { kind: 'timeout', message: 'x' }, attempts: 1 }));
    fs.writeFileSync(out, `${done.join('\n')}\n`);
    site.requests.length = 0;
    const result = await runCli(['run', '--sitemap', site.url('/plain.xml'), '-o', out, '--resume', '--allow-private', '--workers', '2', '--quiet', '--robots', 'ignore']);

    expect(result.code).toBe(0);
    expect(records(out).map((r) => r.url)).toStrictEqual([...expand(pagePaths('a', 5)), site.url('/secret/1')]);
    expect(pagesFetched()).toStrictEqual(['/secret/1']);
  });

  it.each([
    [['run', '--sitemap', 'example.com/sitemap.xml'], 'fanout: bad --sitemap example.com/sitemap.xml: not an absolute http(s) URL: missing scheme; give the sitemap'],
    [['run', '--sitemap', 'robots:https://a.test/x'], 'fanout: bad --sitemap robots:https://a.test/x: robots: takes an origin only, e.g. robots:https://a.test'],
    [['run', '--sitemap', 'https://a.test/s.xml', '--since', 'last week'], 'fanout: bad --since last week: give a date such as 2024-05-31'],
    [['run', '--sitemap', 'https://a.test/s.xml', '--include', '/([/'], 'fanout: bad URL pattern /([/: Invalid regular expression'],
    [['run', 'urls.txt', '--since', '2024-01-01'], 'fanout: --since, --include and --exclude filter the URLs of sitemaps; add --sitemap <url>'],
    [['run'], 'fanout: fanout run needs a list: a file with one URL per line, - for stdin, or --sitemap <url>'],
    [
      ['run', '--sitemap', 'https://a.test/s.xml', '--proxy', 'http://proxy.test:3128'],
      'fanout: --proxy does not work with --sitemap yet; fetch through a proxy with fanout run on a list',
    ],
    [['crawl', 'https://a.test/', '--proxy-file', 'proxies.txt'], 'fanout: --proxy-file does not work with fanout crawl yet; fetch through a proxy with fanout run on a list'],
  ])('%j: one line saying what to fix, exit 1', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it("--mode lambda: the index's children go to the Lambda worker as sitemaps events, and exactly its URLs run", async () => {
    const events: { kind?: string; sitemaps?: string[]; urls?: string[] }[] = [];
    const emulator = await startLambdaEmulator({
      functions: { 'fanout-worker': streamify(streamChunk, fakeLambdaRuntime) },
      inject: (call) => void events.push(call.event as (typeof events)[number]),
    });
    try {
      const out = path.join(dir, 'lambda.jsonl');
      site.requests.length = 0;
      const result = await runCli(
        ['run', '--sitemap', site.url('/index.xml'), '-o', out, '--mode', 'lambda', '--endpoint', emulator.endpoint, '--function', 'fanout-worker'].concat([
          '--allow-private',
          '--workers',
          '2',
          '--retries',
          '0',
          '--quiet',
        ]),
        { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', FANOUT_FUNCTION: '' } },
      );

      expect(result.code).toBe(0);
      const expected = expand([...pagePaths('a', 5), '{origin}/secret/1', ...pagePaths('b', 4), ...pagePaths('c', 3)]);
      expect(
        records(out)
          .map((r) => r.url)
          .sort(),
      ).toStrictEqual([...expected].sort());
      const children = ['/plain.xml', '/zipped.xml.gz', '/encoded.xml', '/broken.xml', '/big.xml'].map((p) => site.url(p));
      const sent = events.filter((e) => e.kind === 'sitemaps').flatMap((e) => e.sitemaps ?? []);
      expect([...sent].sort()).toStrictEqual([...children].sort());
      // Pages went out as chunks (some perhaps twice: Lambda mode makes speculative copies); /secret/1 is robots-disallowed, never sent.
      const pages = new Set(events.filter((e) => e.kind !== 'sitemaps').flatMap((e) => e.urls ?? []));
      expect([...pages].sort()).toStrictEqual(expected.filter((u) => !u.endsWith('/secret/1')).sort());
      expect(site.requests.filter((r) => r.path === '/index.xml')).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it('--dry-run fetches the sitemaps but no page, and prints what the run would do', async () => {
    site.requests.length = 0;
    const result = await runCli(['run', '--sitemap', site.url('/index.xml'), '--dry-run', '--allow-private', '--quiet']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`fanout dry run of ${site.url('/index.xml')}: only the sitemaps were fetched\n`);
    expect(result.stdout).toContain('  sitemaps  4 files read, 14 URLs listed, 13 new run (1 already listed); 2 FAILED:');
    expect(result.stdout).toMatch(/^ {2}pages {5}13 to fetch on 1 host/m);
    expect(pagesFetched()).toStrictEqual([]);
  });

  it('exits 1 naming the sitemap when no sitemap gave a URL', async () => {
    const result = await runCli(['run', '--sitemap', site.url('/broken.xml'), '--allow-private', '--workers', '1', '-o', path.join(dir, 'none.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nfanout: no URLs to scrape: 1 sitemap\(s\) failed \(sitemap http:\/\/127\.0\.0\.1:\d+\/broken\.xml: malformed XML/);
  });
});
