/**
 * The real `fanout` bin with local workers, as a user runs it: a URL that hangs holds one request,
 * never its host or its chunk-mates. Every other record is on disk while the hanging request is
 * still open, the hanging URL's record comes last, and the host never sees more than --per-host.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { BIN, ROOT } from './run-cli';
import { startServer, type TestServer } from '../helpers/http-server';

const PAGES = 400;
let site: TestServer;
let dir: string;
/** The hanging request's response, answered only once the test has seen every other record. */
let hanging: http.ServerResponse | undefined;
const inFlight = { now: 0, max: 0 };
/** Requests for /slow so far, and those not answered yet. */
let slowRequests = 0;
let slowHeld: http.ServerResponse[] = [];
/** Answers every /slow request held. */
function releaseSlow(): void {
  for (const res of slowHeld.splice(0)) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>slow</title>');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-stream-'));
  site = await startServer((req, res) => {
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('close', () => inFlight.now--);
    if (req.url === '/slow') {
      slowRequests++;
      slowHeld.push(res);
      // The copy asked for it again: both can answer now. Without copies a timer releases it (see runSlow).
      if (slowRequests >= 2) releaseSlow();
      return;
    }
    if (req.url === '/hang') {
      hanging = res;
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title>`), 20);
  });
});
afterAll(() => site.close());

const lines = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// The default pool gives a short list one worker: it runs two chunks at once, so the chunk stuck on
// /hang holds one of them, not the worker (one chunk at a time, the other chunks waited for /hang).
it.each([
  ['two workers', ['--workers', '2']],
  ['the default pool (one worker for a short list)', []],
])('writes every other record while the first URL hangs, and the hanging one last: %s', async (_name, pool) => {
  hanging = undefined;
  const urls = [`${site.origin}/hang`, ...Array.from({ length: PAGES }, (_, i) => `${site.origin}/p${i}`)];
  const list = path.join(dir, `urls-${pool.length}.txt`);
  fs.writeFileSync(list, `${urls.join('\n')}\n`);
  const out = path.join(dir, `out-${pool.length}.jsonl`);
  const args = ['run', list, '-o', out, '--allow-private', '--robots', 'ignore', '--retries', '0', '--timeout-ms', '120000', '-q', ...pool];
  const cli = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => cli.on('close', resolve));

  // Chunk-mates of /hang included: their records leave the worker as each page ends.
  await until(`${PAGES} records while /hang is open`, () => lines(out).length >= PAGES);
  const held = hanging as http.ServerResponse | undefined;
  expect(held?.writableEnded).toBe(false);
  held?.writeHead(200, { 'content-type': 'text/html' }).end('<title>finally</title>');

  expect(await exit).toBe(0);
  const records = lines(out).map((l) => JSON.parse(l) as { url: string; ok: boolean; title?: string });
  expect(records).toHaveLength(PAGES + 1);
  expect(new Set(records.map((r) => r.url)).size).toBe(PAGES + 1);
  expect(records.at(-1)).toMatchObject({ url: `${site.origin}/hang`, ok: true, title: 'finally' });
  expect(inFlight.max).toBeLessThanOrEqual(8); // --per-host's default, held across workers and chunks
});

describe('speculative copies of a straggling chunk', () => {
  /** Runs /slow and 9 fast pages in two chunks of 5 on two workers; returns the records and the summary. */
  async function runSlow(flags: string[], releaseAfterMs: number) {
    slowRequests = 0;
    slowHeld = [];
    const release = setTimeout(releaseSlow, releaseAfterMs);
    const urls = [`${site.origin}/slow`, ...Array.from({ length: 9 }, (_, i) => `${site.origin}/f${i}`)];
    const list = path.join(dir, 'slow.txt');
    fs.writeFileSync(list, `${urls.join('\n')}\n`);
    const out = path.join(dir, 'slow.jsonl');
    const summary = path.join(dir, 'slow-summary.json');
    const args = ['run', list, '-o', out, '--summary', summary, '--allow-private', '--robots', 'ignore', '--workers', '2', '--chunk-size', '5', '-q', ...flags];
    const cli = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'ignore' });
    expect(await new Promise((resolve) => cli.on('close', resolve))).toBe(0);
    clearTimeout(release);
    const records = lines(out).map((l) => JSON.parse(l) as { url: string; ok: boolean });
    expect(records.map((r) => r.url).sort()).toStrictEqual([...urls].sort());
    expect(records.every((r) => r.ok)).toBe(true);
    return JSON.parse(fs.readFileSync(summary, 'utf8')) as { speculativeInvocations?: number };
  }

  it('are off by default in local mode: the slow page is asked for once', async () => {
    const summary = await runSlow([], 2_000);
    expect(slowRequests).toBe(1);
    expect(summary.speculativeInvocations ?? 0).toBe(0);
  });

  it('--speculative-copies 1 runs the straggler’s URLs again, keeps one record per URL, and counts the copy', async () => {
    // /slow answers only once the copy has asked for it too (or after 30 s, and then this fails).
    const summary = await runSlow(['--speculative-copies', '1'], 30_000);
    expect(slowRequests).toBe(2);
    expect(summary.speculativeInvocations).toBe(1);
  });
});
