/**
 * Early workers (orchestrator/invokers/local-fork.ts, cli/prestart.ts): which command lines fork
 * them, that a LocalInvoker adopts them instead of forking its own, that the ones nobody adopts
 * exit, and that a process holding early children or a closed non-waiting pool can still exit.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { earlyWorkers } from '../../cli/prestart';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { forkEarlyChildren, releaseEarlyChildren } from '../../orchestrator/invokers/local-fork';
import { childPids as children, isAlive, waitUntil } from '../helpers/processes';

const FAKE = path.join(__dirname, '../helpers/fake-workers/echo.ts');
const SPEC = { workerModule: FAKE, workerExport: 'echo', childOutput: 'stderr' as const };
const TSX = require.resolve('tsx/cjs');

describe('earlyWorkers: how many workers a command line will want', () => {
  const cores = os.availableParallelism();
  test.each([
    [['run', 'urls.txt'], 1],
    [['crawl', 'https://a.test/', '--max-depth', '2'], cores],
    [['run', 'urls.txt', '--workers', '3'], 3],
    [['run', 'urls.txt', '--workers=5', '-o', 'out.jsonl'], 5],
    [['run', 'urls.txt', '--mode', 'local', '--workers', '2'], 2],
    [['run', 'urls.txt', '--mode=local'], 1],
  ])('%j forks %i', (args, expected) => {
    expect(earlyWorkers(['node', 'fanout', ...args])).toBe(expected);
  });

  test.each([
    [[]],
    [['--help']],
    [['report', 'out.jsonl']],
    [['retry', 'out.jsonl']],
    [['run', 'urls.txt', '--mode', 'lambda']],
    [['run', 'urls.txt', '--mode=lambda']],
    [['run', 'urls.txt', '--dry-run']],
    [['run', '--help']],
    [['crawl', '-h']],
    [['run', 'urls.txt', '--workers', 'many']],
    [['run', 'urls.txt', '--workers', '0']],
    [['run', 'urls.txt', '--workers', '1000']],
  ])('%j forks none: the CLI decides', (args) => {
    expect(earlyWorkers(['node', 'fanout', ...args])).toBe(0);
  });
});

describe('early children', () => {
  let invoker: LocalInvoker | undefined;
  afterEach(async () => {
    releaseEarlyChildren();
    await invoker?.close();
    invoker = undefined;
  });

  test('a LocalInvoker with the same worker adopts them: chunks run on the early processes and no others are forked', async () => {
    const before = children();
    forkEarlyChildren(2, SPEC);
    const early = children().filter((pid) => !before.includes(pid));
    expect(early).toHaveLength(2);

    invoker = new LocalInvoker({ size: 2, ...SPEC }).prestart();
    expect(
      children()
        .filter((pid) => !before.includes(pid))
        .sort(),
    ).toStrictEqual([...early].sort());
    const pids = await Promise.all(
      ['c1', 'c2'].map(async (chunkId) => {
        const result = await invoker!.invoke({ runId: 'r', chunkId, urls: ['http://a.test/'] });
        const outcome = result.outcomes[0];
        return outcome?.ok ? (outcome.data?.pid as number) : undefined;
      }),
    );
    for (const pid of pids) expect(early).toContain(pid);
  });

  test('a smaller pool adopts what it needs; the rest are let go and exit', async () => {
    const before = children();
    forkEarlyChildren(3, SPEC);
    const early = children().filter((pid) => !before.includes(pid));
    expect(early).toHaveLength(3);

    invoker = new LocalInvoker({ size: 1, ...SPEC }).prestart();
    const result = await invoker.invoke({ runId: 'r', chunkId: 'c1', urls: ['http://a.test/'] });
    const used = result.outcomes[0]?.ok ? (result.outcomes[0].data?.pid as number) : -1;
    expect(early).toContain(used);
    expect(await waitUntil(() => early.filter(isAlive).length === 1)).toBe(true);
    expect(isAlive(used)).toBe(true);
  });

  test('children for another worker module are not adopted', async () => {
    const before = children();
    forkEarlyChildren(1, { ...SPEC, workerExport: 'hangSome' });
    const early = children().filter((pid) => !before.includes(pid));
    invoker = new LocalInvoker({ size: 1, ...SPEC }).prestart();
    const result = await invoker.invoke({ runId: 'r', chunkId: 'c1', urls: ['http://a.test/'] });
    const used = result.outcomes[0]?.ok ? (result.outcomes[0].data?.pid as number) : -1;
    expect(early).not.toContain(used);
    expect(await waitUntil(() => !isAlive(early[0]!))).toBe(true); // let go by prestart()
  });
});

/** Runs `script` (TypeScript, through tsx) in a fresh Node process; resolves with its stdout once it exits. */
function runScript(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--require', TSX, '-e', script], { cwd: path.join(__dirname, '../..'), timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('exiting', () => {
  test('a process whose early children nobody adopts (a CLI stopping on a usage error) exits, and so do they', async () => {
    const stdout = await runScript(`
      const { forkEarlyChildren } = require('./orchestrator/invokers/local-fork');
      forkEarlyChildren(2, ${JSON.stringify(SPEC)});
      const g = globalThis[Symbol.for('fanout.early-children')];
      console.log(JSON.stringify(g.map((c) => c.proc.pid)));
    `);
    const pids = JSON.parse(stdout) as number[];
    expect(pids).toHaveLength(2);
    expect(await waitUntil(() => !pids.some(isAlive))).toBe(true);
  });

  test('with waitForExit: false, close() returns without waiting, the process exits, and the workers exit after it', async () => {
    const stdout = await runScript(`
      const { LocalInvoker } = require('./orchestrator/invokers/local');
      (async () => {
        const invoker = new LocalInvoker({ size: 2, ...${JSON.stringify(SPEC)}, waitForExit: false }).prestart();
        const results = await Promise.all(['c1', 'c2'].map((chunkId) => invoker.invoke({ runId: 'r', chunkId, urls: ['http://a.test/'] })));
        await invoker.close();
        console.log(JSON.stringify(results.map((r) => r.outcomes[0].data.pid)));
      })();
    `);
    const pids = JSON.parse(stdout) as number[];
    expect(pids).toHaveLength(2);
    expect(await waitUntil(() => !pids.some(isAlive))).toBe(true);
  });
});
