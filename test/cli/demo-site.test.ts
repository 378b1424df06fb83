/**
 * `npm run demo:site`: the demo site alone, to try the CLI by hand. Started as npm starts it (the
 * script's command), it prints its base URL and a list of its pages, serves on loopback until
 * Ctrl-C, and then stops cleanly; the real fanout bin scrapes the list it wrote.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ROOT, runCli } from './run-cli';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-demo-site-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function start(env: NodeJS.ProcessEnv): { child: ChildProcessByStdio<null, Readable, Readable>; out: () => string; err: () => string } {
  const [command, ...args] = pkg.scripts['demo:site']!.split(' ');
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { child, out: () => out, err: () => err };
}

const exited = (child: ChildProcessByStdio<null, Readable, Readable>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

test('prints its base URL and a sample list, serves it on loopback until Ctrl-C, then exits 0', async () => {
  const site = start({ DEMO_OUT_DIR: dir, DEMO_PAGES: '30', DEMO_LATENCY_MS: '0' });
  const done = exited(site.child);
  await new Promise<void>((resolve, reject) => {
    site.child.stdout.on('data', () => site.out().includes('Ctrl-C') && resolve());
    void done.then(() => reject(new Error(`demo:site exited early: ${site.err()}`)));
  });
  const list = path.join(dir, 'demo-site-urls.txt');
  const origin = /^demo site: (http:\/\/127\.0\.0\.1:\d+) \(30 pages, 0 ms latency, loopback only\)$/m.exec(site.out())?.[1];
  expect(origin).toBeDefined();
  expect(site.out()).toContain(`sample list: ${list}\n`);
  expect(site.out()).toContain(`try: npx fanout run ${list} --allow-private -o ${path.join(dir, 'demo-site.jsonl')}\n`);
  const urls = fs.readFileSync(list, 'utf8').trim().split('\n');
  expect(urls).toStrictEqual(Array.from({ length: 30 }, (_, i) => `${origin}/page/${i}`));

  const { code, stdout } = await runCli(['run', list, '--allow-private', '--quiet']);
  expect(code).toBe(0);
  const records = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { url: string; ok: boolean; title: string });
  expect(records.map((r) => [r.url, r.ok, r.title]).sort()).toStrictEqual(urls.map((url) => [url, true, `Page ${url.split('/').pop()}`]).sort());

  site.child.kill('SIGINT');
  expect(await done).toStrictEqual({ code: 0, signal: null });
  expect(site.err()).toBe('');
  await expect(fetch(`${origin}/page/0`)).rejects.toThrow();
});

test('a bad DEMO_PAGES is one line and exit 1', async () => {
  const site = start({ DEMO_OUT_DIR: dir, DEMO_PAGES: 'lots' });
  expect(await exited(site.child)).toStrictEqual({ code: 1, signal: null });
  expect(site.err()).toBe('demo:site: DEMO_PAGES must be a whole number from 1 to 1000000, got "lots"\n');
});
