/**
 * The parent's handle on the bench site process: start it, read its CPU and request counters.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SiteMessage } from './site-process';

export interface SiteStats {
  cpuS: number;
  served: number;
}

export interface SiteHandle {
  readonly origins: readonly string[];
  readonly pid: number;
  /** `count` distinct page URLs, round-robin over the hosts (same scheme as site.ts). */
  urls(count: number): string[];
  stats(): Promise<SiteStats>;
  close(): Promise<void>;
}

/** Forks bench/site-process.ts (through tsx's CJS hook) and waits until it listens. */
export async function startSiteProcess(latencyMs: number, hosts: number): Promise<SiteHandle> {
  const proc: ChildProcess = fork(path.join(__dirname, 'site-process.ts'), [String(latencyMs), String(hosts)], {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const origins = await new Promise<string[]>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`bench site exited with code ${code} before listening`)));
    proc.once('message', (m: SiteMessage) => (m.type === 'ready' ? resolve(m.origins) : reject(new Error('bench site: unexpected message'))));
  });
  proc.removeAllListeners('exit');
  return {
    origins,
    pid: proc.pid!,
    urls: (count) => Array.from({ length: count }, (_, i) => `${origins[i % origins.length]}/p/${i}`),
    stats: () =>
      new Promise<SiteStats>((resolve) => {
        const onMessage = (m: SiteMessage) => {
          if (m.type !== 'stats') return;
          proc.off('message', onMessage);
          resolve({ cpuS: m.cpuS, served: m.served });
        };
        proc.on('message', onMessage);
        proc.send({ type: 'stats' });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.disconnect();
      }),
  };
}
