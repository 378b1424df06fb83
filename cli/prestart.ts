/**
 * The first thing bin/fanout.js does for a local `fanout run` or `fanout crawl`: fork the worker
 * processes, before the CLI bundle loads, so their start-up overlaps the CLI's (see
 * orchestrator/invokers/local-fork.ts). Built as its own small bundle, dist/prestart.js.
 *
 * It reads argv only as far as it must, and guesses low when in doubt: anything it does not
 * recognise (help, a dry run, Lambda mode, a bad --workers) forks nothing and leaves the flags to
 * the CLI, which then forks as it always did. A wrong guess costs a second's CPU in children that
 * exit unused; the pool the run gets is always the one its flags ask for.
 */
import os from 'node:os';
import { DEFAULT_WORKER_EXPORT, DEFAULT_WORKER_MODULE, forkEarlyChildren } from '../orchestrator/invokers/local-fork';

/** Commands that run local workers. */
const COMMANDS = new Set(['run', 'crawl']);
/** Flags after which there is nothing to fetch. */
const NO_WORKERS = new Set(['-h', '--help', '--dry-run', '-V', '--version']);
/** The most workers forked early: a larger --workers is left to the CLI. */
const MAX_EARLY = 64;

/** How many local workers `argv` (process.argv) will want, or 0 when it is not sure. */
export function earlyWorkers(argv: readonly string[]): number {
  const args = argv.slice(2);
  if (!COMMANDS.has(args[0] ?? '')) return 0;
  // A run's pool follows its list's length (cli/local-pool.ts), which is not known yet: every run
  // needs one worker, and the CLI forks the others once it has counted the list.
  let workers = args[0] === 'run' ? 1 : os.availableParallelism();
  for (let i = 1; i < args.length; i++) {
    const [flag, inline] = args[i]!.split('=', 2) as [string, string | undefined];
    if (flag === '--') break;
    if (NO_WORKERS.has(flag)) return 0;
    if (flag === '--mode' && (inline ?? args[i + 1]) !== 'local') return 0;
    if (flag === '--workers') {
      const value = Number(inline ?? args[i + 1]);
      if (!Number.isInteger(value) || value < 1 || value > MAX_EARLY) return 0;
      workers = value;
    }
  }
  return workers;
}

/** Forks the workers `argv` will want (none when it is not sure). */
export function prestart(argv: readonly string[]): void {
  const count = earlyWorkers(argv);
  if (count > 0) forkEarlyChildren(count, { workerModule: DEFAULT_WORKER_MODULE, workerExport: DEFAULT_WORKER_EXPORT, childOutput: 'stderr' });
}
