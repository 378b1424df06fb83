/**
 * Memory over speed is the user's launch-time choice (README, "How fast"): `node --optimize-for-size
 * bin/fanout.js run …`. Node warns that V8 flags set after start-up may crash or do nothing, so
 * the CLI sets none itself. The flag must stay with the orchestrator: the worker processes it
 * forks start with their own flags, or every worker would pay the flag's CPU.
 */
import { execFileSync, spawn } from 'node:child_process';
import type http from 'node:http';
import { OutcomeSchema } from '../../core/contract';
import { startServer, type TestServer } from '../helpers/http-server';
import { BIN, ROOT } from './run-cli';

const FLAG = '--optimize-for-size';

/** The command lines of `pid`'s children (POSIX ps: Linux and macOS). */
function childrenOf(pid: number): string[] {
  return execFileSync('ps', ['-A', '-o', 'ppid=', '-o', 'args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) === pid)
    .map((m) => m[2]!);
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let site: TestServer;
/** Responses held until the test has looked at the worker processes. */
const held: http.ServerResponse[] = [];
beforeAll(async () => {
  site = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    held.push(res);
  });
});
afterAll(() => site.close());

test(`node ${FLAG} bin/fanout.js: the run works and the worker processes do not inherit the flag`, async () => {
  const urls = [`${site.origin}/a`, `${site.origin}/b`];
  const args = [FLAG, BIN, 'run', '-', '--allow-private', '--robots', 'ignore', '--workers', '2', '--chunk-size', '1', '--quiet'];
  const cli = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  cli.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exit = new Promise<number | null>((resolve) => cli.on('close', resolve));
  cli.stdin.end(`${urls.join('\n')}\n`);

  // Both chunks are in flight, so both worker processes are alive.
  await until('a request from each worker', () => held.length === 2);
  const workers = childrenOf(cli.pid!);
  for (const res of held) res.end('<title>held</title>');

  expect(workers).toHaveLength(2);
  for (const worker of workers) {
    expect(worker).toContain('local-child');
    expect(worker).not.toContain(FLAG);
  }
  expect(await exit).toBe(0);
  const records = stdout
    .trim()
    .split('\n')
    .map((line) => OutcomeSchema.parse(JSON.parse(line)));
  expect(records.map((r) => [r.url, r.ok]).sort()).toStrictEqual(urls.map((u) => [u, true]));
});
