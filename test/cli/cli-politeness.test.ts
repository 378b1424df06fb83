/**
 * Politeness end to end through the real `fanout` bin: local worker processes, loopback sites that
 * count what they see. Loopback is private, so every run passes --allow-private.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';

let dir: string;
const sites: CountingSite[] = [];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-polite-'));
});
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function site(...args: Parameters<typeof startCountingSite>): Promise<CountingSite> {
  const s = await startCountingSite(...args);
  sites.push(s);
  return s;
}

/** Runs `fanout run` over `urls` and returns its records by URL (exactly one each, or the test fails). */
async function run(urls: string[], flags: string[]) {
  const list = path.join(dir, `urls-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(list, urls.join('\n'));
  const result = await runCli(['run', list, '--allow-private', '--quiet', ...flags]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const records = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { url: string; ok: boolean; error?: { kind: string } });
  const byUrl = new Map(records.map((r) => [r.url, r]));
  expect(byUrl.size).toBe(records.length);
  expect([...byUrl.keys()].sort()).toStrictEqual([...urls].sort());
  return byUrl;
}

it('keeps --per-host for the whole run: 4 workers, 20 chunks, one host never sees more than 3 at once', async () => {
  const s = await site({ latencyMs: 30 });
  const urls = s.urls(200);
  const records = await run(urls, ['--per-host', '3', '--workers', '4', '--chunk-size', '10']);
  expect([...records.values()].every((r) => r.ok)).toBe(true);
  expect(s.maxInFlight()).toBe(3);
  expect(s.starts.map((r) => r.path).sort()).toStrictEqual(urls.map((u) => new URL(u).pathname).sort()); // each fetched once
});

it('fetches robots.txt once per run for 10 chunks; disallowed URLs get robots-disallowed and are never requested', async () => {
  const s = await site({ latencyMs: 5, robotsTxt: 'User-agent: *\nDisallow: /p/private\n' });
  const allowed = s.urls(50);
  const forbidden = Array.from({ length: 10 }, (_, i) => `${s.origin}/p/private-${i}`);
  const records = await run([...allowed, ...forbidden], ['--workers', '2', '--chunk-size', '5']);
  expect(s.robotsRequests()).toBe(1);
  for (const url of forbidden) expect(records.get(url)).toMatchObject({ ok: false, error: { kind: 'robots-disallowed' } });
  for (const url of allowed) expect(records.get(url)).toMatchObject({ ok: true });
  expect(s.starts.filter((r) => r.path.includes('private'))).toStrictEqual([]);
  expect(s.starts).toHaveLength(50);
});

it('--robots ignore neither fetches robots.txt nor drops the URLs it forbids', async () => {
  const s = await site({ latencyMs: 1, robotsTxt: 'User-agent: *\nDisallow: /\n' });
  const records = await run(s.urls(5), ['--workers', '1', '--robots', 'ignore']);
  expect(s.robotsRequests()).toBe(0);
  expect([...records.values()].every((r) => r.ok)).toBe(true);
});

it('honours Crawl-delay across chunks and workers: the site sees requests at least the delay apart', async () => {
  const s = await site({ latencyMs: 1, robotsTxt: 'User-agent: *\nCrawl-delay: 0.2\n' });
  await run(s.urls(6), ['--workers', '2', '--chunk-size', '2']);
  expect(s.starts).toHaveLength(6);
  const gaps = s.starts.slice(1).map((start, i) => start.at - s.starts[i]!.at);
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200);
  expect(Math.max(...s.starts.map((r) => r.inFlight))).toBe(1);
});
