/**
 * Runs one command in its own process tree and measures it: wall time, CPU seconds of the whole
 * tree, and peak memory of the whole tree (the sum over all live descendants, sampled): PSS, and
 * RSS for reference.
 *
 * Why two sources: `/usr/bin/time` reports user+sys of the child *including every descendant it
 * reaped* (wait4's rusage), which is the tree's CPU; but its max RSS is the largest single
 * process, not the sum. So the memory of the tree comes from polling /proc every `pollMs`. CPU is
 * the larger of the two: `/usr/bin/time` misses descendants nobody reaped (fanout's CLI exits without
 * waiting for its idle workers to finish exiting; they are killed as it exits), and the /proc samples
 * (last sample of each pid) may undercount a few ms per process. Without `/usr/bin/time`, the samples.
 *
 * PSS (`/proc/<pid>/smaps_rollup`) splits each shared page between the processes that map it, so
 * a forked pool or a set of Node workers sharing libraries is not counted once per process: the
 * sum is the tree's real footprint (as ../shared/peers/peak_pss.py measures it). Summed RSS counts
 * shared pages once per process and overstates pools.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIME_BIN = '/usr/bin/time';
const PAGE_BYTES = 4096;
export const CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat times are in these ticks

export interface Measurement {
  wallS: number;
  /** user + system CPU seconds of the whole tree. */
  cpuS: number;
  /** Peak of the summed RSS of the tree, MB (1 MB = 2^20 bytes). */
  peakRssMb: number;
  /** Peak of the summed PSS of the tree, MB; 0 where smaps_rollup cannot be read. */
  peakPssMb: number;
  /** True when the run was killed at `timeoutMs`. */
  timedOut: boolean;
  /** Live processes in the tree at the peak sample. */
  peakProcs: number;
  exitCode: number | null;
  /** Where the CPU number came from. */
  cpuSource: 'time' | 'proc';
  stderrTail: string;
  /** The child's stdout, when `captureStdout` was set. */
  stdout: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Sampling interval of the tree's memory (as ../shared/peers/peak_pss.py: short spikes between samples are missed). @default 100 */
  pollMs?: number;
  /** Stop (SIGKILL the tree) after this long. @default 600000 */
  timeoutMs?: number;
  /** Keep the child's stdout (for benches that print a JSON result). @default false */
  captureStdout?: boolean;
  /** Append the child's whole stdout and stderr to this file (`captureStdout` is then ignored). */
  logFile?: string;
}

export interface ProcSample {
  ppid: number;
  /** user + system, in ticks of {@link CLK_TCK}. */
  cpuTicks: number;
  rssPages: number;
  /** `Z` for a zombie (dead, not yet reaped: its CPU is final). */
  state: string;
}

/** The process's proportional set size in kB, 0 when it cannot be read (gone, or no smaps_rollup). */
function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined; // gone between readdir and read
  }
}

/** Every live process under `root` (root included), from one pass over /proc. */
/** Every process in /proc now, by pid (Linux). */
export function allProcs(): Map<number, ProcSample> {
  const all = new Map<number, ProcSample>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const sample = readProc(pid);
    if (sample) all.set(pid, sample);
  }
  return all;
}

function treeOf(root: number): Map<number, ProcSample> {
  const all = allProcs();
  const tree = new Map<number, ProcSample>();
  const rootSample = all.get(root);
  if (!rootSample) return tree;
  tree.set(root, rootSample);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, sample] of all) {
      if (!tree.has(pid) && tree.has(sample.ppid)) {
        tree.set(pid, sample);
        grew = true;
      }
    }
  }
  return tree;
}

/** True when GNU time is there to give the tree's CPU exactly. */
export function hasGnuTime(): boolean {
  return fs.existsSync(TIME_BIN);
}

/**
 * Runs `command args` and measures its tree. Its stdout is discarded unless `captureStdout`; the
 * last 2 KB of stderr come back for diagnostics.
 */
export async function measure(command: string, args: readonly string[], options: MeasureOptions = {}): Promise<Measurement> {
  const pollMs = options.pollMs ?? 100;
  const useTime = hasGnuTime();
  const timeFile = path.join(os.tmpdir(), `fanout-bench-time-${process.pid}-${Date.now()}.txt`);
  const [bin, argv] = useTime ? [TIME_BIN, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args]] : [command, [...args]];
  const log = options.logFile === undefined ? undefined : fs.openSync(options.logFile, 'a');
  const stdio = log === undefined ? (['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'] as const) : (['ignore', log, log] as const);
  const started = performance.now();
  const child = spawn(bin, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: [...stdio] });
  if (log !== undefined) fs.closeSync(log); // the child holds its own copy
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => (stdout += text));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => (stderr = (stderr + text).slice(-2048)));

  let peakPages = 0;
  let peakPss = 0;
  let peakProcs = 0;
  const lastCpu = new Map<number, number>();
  const poll = () => {
    if (child.pid === undefined) return;
    const tree = treeOf(child.pid);
    if (useTime) tree.delete(child.pid); // the time process itself is not the program under test
    let pages = 0;
    let pss = 0;
    for (const [pid, s] of tree) {
      pages += s.rssPages;
      pss += pssKb(pid);
      lastCpu.set(pid, s.cpuTicks);
    }
    peakPss = Math.max(peakPss, pss);
    if (pages > peakPages) {
      peakPages = pages;
      peakProcs = tree.size;
    }
  };
  const timer = setInterval(poll, pollMs);
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    if (child.pid === undefined) return;
    for (const pid of treeOf(child.pid).keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, options.timeoutMs ?? 600_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const wallS = (performance.now() - started) / 1000;
  clearInterval(timer);
  clearTimeout(killer);

  let cpuS = [...lastCpu.values()].reduce((a, b) => a + b, 0) / CLK_TCK;
  let cpuSource: Measurement['cpuSource'] = 'proc';
  if (useTime) {
    try {
      const text = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
      const [, user, sys] = text.split(' ').map(Number);
      if (Number.isFinite(user) && Number.isFinite(sys) && user! + sys! >= cpuS) {
        cpuS = user! + sys!;
        cpuSource = 'time';
      }
    } catch {
      // keep the /proc estimate
    } finally {
      fs.rmSync(timeFile, { force: true });
    }
  }
  if (options.logFile !== undefined) stderr = tailOf(options.logFile, 2048);
  return { wallS, cpuS, peakRssMb: (peakPages * PAGE_BYTES) / 2 ** 20, peakPssMb: peakPss / 1024, timedOut, peakProcs, exitCode, cpuSource, stderrTail: stderr, stdout };
}

/** The last `bytes` of a file, as text ('' when it cannot be read). */
function tailOf(file: string, bytes: number): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(Math.min(bytes, size));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    fs.closeSync(fd);
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}

/**
 * Runs a bench script (TypeScript, through tsx) that prints one JSON line last on stdout, and
 * returns that value. Throws when the script fails: these parts have nothing to report without it.
 */
export async function measureJson<T>(script: string, args: readonly (string | number)[], cwd = path.resolve(__dirname, '..')): Promise<T> {
  const m = await measure(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, script), ...args.map(String)], { captureStdout: true, cwd });
  if (m.exitCode !== 0) throw new Error(`${script} failed (exit ${m.exitCode}): ${m.stderrTail}`);
  return JSON.parse(m.stdout.trim().split('\n').pop()!) as T;
}
