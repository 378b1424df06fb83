/**
 * End to end, no fakes: URL list file -> readUrls -> chunkUrls -> runChunks -> LocalInvoker child
 * processes running the real worker handler -> the loopback demo site.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome } from '../../core/contract';
import { chunkUrls } from '../../orchestrator/chunk';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { readUrls } from '../../orchestrator/read-urls';
import { runChunks } from '../../orchestrator/run';
import { expectedLinks, startDemoSite, type DemoSite } from '../../demo/site';

let site: DemoSite;
let invoker: LocalInvoker;
let dir: string;
beforeAll(async () => {
  site = await startDemoSite({ pages: 40 });
  invoker = new LocalInvoker({ size: 2 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-e2e-'));
});
afterAll(async () => {
  await invoker.close();
  await site.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('scrapes every demo page exactly once through real worker processes', async () => {
  const lines = [...site.urls(30), `${site.origin}/page/3#dup`, 'not a url', `${site.origin}/missing`];
  const list = path.join(dir, 'urls.txt');
  fs.writeFileSync(list, lines.join('\n'));

  const { urls, invalid, counts } = await readUrls(list);
  const run = runChunks(chunkUrls(urls, 8), invoker, { scrape: { allowPrivate: true, retries: 0 } });
  const outcomes = new Map<string, Outcome>();
  for await (const outcome of run) {
    expect(outcomes.has(outcome.url)).toBe(false);
    outcomes.set(outcome.url, outcome);
  }

  expect(counts).toStrictEqual({ lines: 33, valid: 32, duplicates: 1, invalid: 1, skipped: 0 });
  expect(invalid.map((o) => o.url)).toStrictEqual(['not a url']);
  expect([...outcomes.keys()].sort()).toStrictEqual([...urls].sort());
  for (let n = 0; n < 30; n++) {
    const outcome = outcomes.get(`${site.origin}/page/${n}`);
    expect(outcome).toMatchObject({ ok: true, status: 200, title: `Page ${n}` });
    if (outcome?.ok) expect([...outcome.links].sort()).toStrictEqual(expectedLinks(site.origin, n, 40).sort());
  }
  expect(outcomes.get(`${site.origin}/missing`)).toMatchObject({ ok: false, error: { kind: 'http', status: 404 } });
  expect(run.progress).toMatchObject({ state: 'done', urlsDone: 31, invokeErrors: 0, abandonedUrls: 0 });
});
