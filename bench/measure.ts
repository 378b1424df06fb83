/**
 * Runs one command in its own process tree and measures it: wall time, CPU seconds of the whole
 * tree, and peak RSS of the whole tree (the sum over all live descendants, sampled).
 *
 * Why two sources: `/usr/bin/time` reports user+sys of the child *including every descendant it
 * reaped* (wait4's rusage), which is the tree's CPU; but its max RSS is the largest single
 * process, not the sum. So the RSS of the tree comes from polling /proc every `pollMs`. Without
 * `/usr/bin/time`, CPU falls back to the /proc samples (last sample of each pid; may undercount a
 * few ms per process).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIME_BIN = '/usr/bin/time';
const PAGE_BYTES = 4096;
const CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat times are in these ticks

export interface Measurement {
  wallS: number;
  /** user + system CPU seconds of the whole tree. */
  cpuS: number;
  /** Peak of the summed RSS of the tree, MB (1 MB = 2^20 bytes). */
  peakRssMb: number;
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
  /** @default 50 */
  pollMs?: number;
  /** Stop (SIGKILL the tree) after this long. @default 600000 */
  timeoutMs?: number;
  /** Keep the child's stdout (for benches that print a JSON result). @default false */
  captureStdout?: boolean;
}

interface ProcSample {
  ppid: number;
  cpuTicks: number;
  rssPages: number;
}

function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined; // gone between readdir and read
  }
}

/** Every live process under `root` (root included), from one pass over /proc. */
function treeOf(root: number): Map<number, ProcSample> {
  const all = new Map<number, ProcSample>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const sample = readProc(pid);
    if (sample) all.set(pid, sample);
  }
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
  const pollMs = options.pollMs ?? 50;
  const useTime = hasGnuTime();
  const timeFile = path.join(os.tmpdir(), `fanout-bench-time-${process.pid}-${Date.now()}.txt`);
  const [bin, argv] = useTime ? [TIME_BIN, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(bin, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'] });
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => (stdout += text));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => (stderr = (stderr + text).slice(-2048)));

  let peakPages = 0;
  let peakProcs = 0;
  const lastCpu = new Map<number, number>();
  const poll = () => {
    if (child.pid === undefined) return;
    const tree = treeOf(child.pid);
    if (useTime) tree.delete(child.pid); // the time process itself is not the program under test
    let pages = 0;
    for (const [pid, s] of tree) {
      pages += s.rssPages;
      lastCpu.set(pid, s.cpuTicks);
    }
    if (pages > peakPages) {
      peakPages = pages;
      peakProcs = tree.size;
    }
  };
  const timer = setInterval(poll, pollMs);
  const killer = setTimeout(() => {
    if (child.pid !== undefined) for (const pid of treeOf(child.pid).keys()) process.kill(pid, 'SIGKILL');
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
      if (Number.isFinite(user) && Number.isFinite(sys)) {
        cpuS = user! + sys!;
        cpuSource = 'time';
      }
    } catch {
      // keep the /proc estimate
    } finally {
      fs.rmSync(timeFile, { force: true });
    }
  }
  return { wallS, cpuS, peakRssMb: (peakPages * PAGE_BYTES) / 2 ** 20, peakProcs, exitCode, cpuSource, stderrTail: stderr, stdout };
}
