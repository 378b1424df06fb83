/** Watching processes from a test: this process's children, whether one is alive, and waiting (polling) for a condition. */
import { execFileSync } from 'node:child_process';

/** Whether process `pid` exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `predicate` every 50 ms until it holds or `timeoutMs` passes; its last answer. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return predicate();
}

/** The pids of this process's children, less the `ps` that lists them. */
export function childPids(): number[] {
  return execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,comm='])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, comm]) => pid !== '' && comm !== 'ps')
    .map(([pid]) => Number(pid));
}
