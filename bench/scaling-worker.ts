/**
 * The scaling bench's simulated workers, in their own process (forked by bench/scaling.ts), so the
 * orchestrator's CPU and memory are measured alone, as with real workers: the records cross a
 * process boundary (structured clone over IPC, as LocalInvoker's do) and the timers and the
 * record building cost this process, not the run loop's.
 *
 * IPC: parent -> {@link SimInvoke} | {@link SimCancel}; child -> {@link SimReply}. Records whose
 * URLs end in the same tick go in one message, as local-child.ts batches them.
 */
import type { Outcome } from '../core/contract';
import { WORKER_CONCURRENCY, endTimes, pageFactor } from './scaling-model';

/** Run one invocation: each URL takes `scale x pageFactor(url)` ms, WORKER_CONCURRENCY at a time. */
export interface SimInvoke {
  type: 'invoke';
  id: number;
  urls: string[];
  scale: number;
  seed: number;
}
export interface SimCancel {
  type: 'cancel';
  id: number;
}
export type SimReply = { type: 'records'; id: number; records: Outcome[] } | { type: 'end'; id: number };

/** What a worker's default record looks like: a few links, a title, a description. */
export function outcomeFor(url: string): Outcome {
  return {
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/html; charset=utf-8',
    bytes: 95_000,
    ms: 52,
    title: 'A real-world page title of ordinary length',
    description: 'A meta description, as most pages carry, about one sentence long.',
    links: [`${url}/a`, `${url}/b`, `${url}/c`, `${url}/d`, `${url}/e`],
    attempts: 1,
  };
}

if (require.main === module) {
  process.on('disconnect', () => process.exit(0));
  const timers = new Map<number, NodeJS.Timeout[]>();
  const pending = new Map<number, Outcome[]>();
  let flushing = false;
  const flush = () => {
    flushing = false;
    for (const [id, records] of pending) process.send!({ type: 'records', id, records } satisfies SimReply);
    pending.clear();
  };
  process.on('message', (message: SimInvoke | SimCancel) => {
    if (message.type === 'cancel') {
      for (const timer of timers.get(message.id) ?? []) clearTimeout(timer);
      timers.delete(message.id);
      pending.delete(message.id);
      return;
    }
    const { id, urls, scale, seed } = message;
    const ends = endTimes(
      urls.map((url) => scale * pageFactor(url, seed)),
      WORKER_CONCURRENCY,
    );
    let left = urls.length;
    timers.set(
      id,
      urls.map((url, k) =>
        setTimeout(() => {
          const batch = pending.get(id) ?? [];
          if (batch.length === 0) pending.set(id, batch);
          batch.push(outcomeFor(url));
          if (!flushing) {
            flushing = true;
            setImmediate(flush);
          }
          if (--left === 0) {
            timers.delete(id);
            // After this tick's records, in order on the channel.
            setImmediate(() => process.send!({ type: 'end', id } satisfies SimReply));
          }
        }, ends[k]),
      ),
    );
    if (left === 0) process.send!({ type: 'end', id } satisfies SimReply);
  });
}
