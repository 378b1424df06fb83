/**
 * Forking LocalInvoker's child processes, and forking them early: `fanout run` starts its workers
 * from bin/fanout.js before the CLI bundle has even loaded (dist/prestart.js), so the workers'
 * start-up (Node, then the worker bundle: a local cold start) overlaps the CLI's own instead of
 * following it. The invoker then adopts those children as if it had forked them.
 *
 * An early child is unreferenced until adopted: a CLI that stops on a usage error exits at once,
 * and the child, its IPC channel closed, exits too (local-child.ts). Children nobody adopts are let
 * go by {@link releaseEarlyChildren}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildReply } from './local-protocol';

const EXT = path.extname(__filename); // '.ts' under tsx / ts-jest, '.js' when compiled

/** Defined as `true` by scripts/build.js: the CLI runs as one esbuild bundle beside local-child.js and worker.js. */
declare const __FANOUT_BUNDLED__: boolean | undefined;
const BUNDLED = typeof __FANOUT_BUNDLED__ !== 'undefined' && __FANOUT_BUNDLED__;
/** The worker handler module: the bundled worker (built like the Lambda asset), or the TypeScript source. */
export const DEFAULT_WORKER_MODULE = BUNDLED ? path.join(__dirname, 'worker.js') : path.join(__dirname, '../../functions/worker/handler' + EXT);
const CHILD_MODULE = path.join(__dirname, 'local-child' + EXT);
/** The handler export a child calls: either kind of event (page chunks, sitemaps), records streaming as they end. */
export const DEFAULT_WORKER_EXPORT = 'streamEvent';

/** What a child runs and where its output goes: an early child is adopted only by an invoker that wants the same. */
export interface ChildSpec {
  workerModule: string;
  workerExport: string;
  childOutput: 'stderr' | 'ignore';
}

/** A forked child, and whether it has said `ready` (it may say so before anyone listens). */
export interface ForkedChild {
  proc: ChildProcess;
  ready: boolean;
}

interface EarlyChild extends ForkedChild {
  spec: ChildSpec;
  /** Notes `ready` until the invoker's own listener takes over. */
  listener: (reply: ChildReply) => void;
}

/** Shared through the global object: bin/fanout.js forks from dist/prestart.js, the CLI adopts in dist/cli.js (two bundles). */
const EARLY = Symbol.for('fanout.early-children');
type EarlyGlobal = { [EARLY]?: EarlyChild[] };

function earlyChildren(): EarlyChild[] {
  const global = globalThis as EarlyGlobal;
  global[EARLY] ??= [];
  return global[EARLY];
}

function sameSpec(a: ChildSpec, b: ChildSpec): boolean {
  return a.workerModule === b.workerModule && a.workerExport === b.workerExport && a.childOutput === b.childOutput;
}

/** Forks one child running `spec`'s handler (local-child.ts). */
function forkChild(spec: ChildSpec): ChildProcess {
  const out = spec.childOutput === 'stderr' ? 2 : 'ignore';
  const ts = EXT === '.ts' || spec.workerModule.endsWith('.ts');
  return fork(CHILD_MODULE, [spec.workerModule, spec.workerExport], {
    // tsx's CJS hook alone: starts in ~0.2 s, against ~0.35 s for `--import tsx` (which adds the ESM loader).
    execArgv: ts ? ['--require', require.resolve('tsx/cjs')] : [],
    // Structured clone: a 250-outcome result with 100 links each (~1 MB) took ~5.5 ms vs ~8.3 ms as JSON here.
    serialization: 'advanced',
    stdio: ['ignore', out, out, 'ipc'],
  });
}

/** A child for `spec`: an early one if one is waiting (referenced again), or a new fork. */
export function takeChild(spec: ChildSpec): ForkedChild {
  const early = earlyChildren();
  const at = early.findIndex((child) => sameSpec(child.spec, spec) && child.proc.exitCode === null && child.proc.signalCode === null && child.proc.connected);
  if (at === -1) return { proc: forkChild(spec), ready: false };
  const [child] = early.splice(at, 1);
  child!.proc.off('message', child!.listener);
  child!.proc.ref();
  child!.proc.channel?.ref();
  return { proc: child!.proc, ready: child!.ready };
}

/** Forks `count` children for `spec` now, to be adopted by {@link takeChild}. */
export function forkEarlyChildren(count: number, spec: ChildSpec): void {
  const early = earlyChildren();
  for (let i = 0; i < count; i++) {
    const proc = forkChild(spec);
    const child: EarlyChild = { proc, ready: false, spec, listener: (reply) => (child.ready ||= reply?.type === 'ready') };
    proc.on('message', child.listener);
    proc.on('error', () => {}); // a failed early fork is simply not adopted
    proc.unref();
    proc.channel?.unref();
    early.push(child);
  }
}

/** Lets the early children nobody adopted go: their channel closes and they exit. */
export function releaseEarlyChildren(): void {
  for (const child of earlyChildren().splice(0)) {
    child.proc.off('message', child.listener);
    if (child.proc.connected) child.proc.disconnect();
  }
}
