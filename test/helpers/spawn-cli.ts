/**
 * The real `fanout` bin in a process group of its own, as a shell starts it, so a test can send it
 * Ctrl-C (SIGINT to the group) while it runs.
 */
import { spawn } from 'node:child_process';
import { BIN, ROOT } from '../cli/run-cli';

export interface SpawnedCli {
  pid: number;
  stderr: () => string;
  exit: Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { pid: child.pid!, stderr: () => stderr, exit };
}

/** Polls `check` every 25 ms until it holds; throws after `ms`. */
export async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
