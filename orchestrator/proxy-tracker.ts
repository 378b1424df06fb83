/**
 * A run's proxy pool across its workers: an Invoker decorator that tells every chunk which proxies
 * the run has benched (and where its round-robin starts), adds up what each worker reports, and
 * stops the run when every proxy is benched, instead of letting every URL left fail through them.
 */
import type { WorkerEventInput } from '../core/contract';
import { ProxyPoolExhaustedError } from '../http/proxy-errors';
import type { ProxyPool } from '../http/proxy-pool';
import type { Invoker } from './invoker';

/**
 * `invoker`, with `pool` kept up to date by every result. An invoke rejects with
 * {@link ProxyPoolExhaustedError} when every proxy is benched, either as it is about to be sent, or
 * once its worker has handed back URLs because it had no proxy left (its records are delivered
 * first). That is no InvokeError, so the run loop stops dispatching, lets the chunks in flight
 * settle and ends with RunAbortedError; the URLs left have no record, for `--resume`.
 * Events without a pool pass unchanged.
 *
 * @example
 * const pool = ProxyPool.fromSettings(scrape.proxy);
 * const run = runChunks(chunks, trackProxies(invoker, pool), { scrape });
 */
export function trackProxies(invoker: Invoker, pool: ProxyPool): Invoker {
  let chunks = 0;
  const decorate = (event: WorkerEventInput): WorkerEventInput => {
    const proxy = event.options?.proxy;
    if (proxy?.mode !== 'pool') return event;
    const benchedMs = pool.benchedMs();
    const start = chunks++ % pool.size;
    return { ...event, options: { ...event.options, proxy: { ...proxy, start, ...(Object.keys(benchedMs).length > 0 ? { benchedMs } : {}) } } };
  };
  return {
    capacity: invoker.capacity,
    close: () => invoker.close(),
    async invoke(event, signal, onRecord) {
      if (pool.exhausted) throw new ProxyPoolExhaustedError(pool.stats());
      const result = await invoker.invoke(decorate(event), signal, onRecord);
      if (result.proxies) pool.merge(result.proxies);
      if (pool.exhausted && result.unstarted.length > 0 && onRecord) {
        // Not a "worker completed nothing" failure to retry, nor worker-failed records: the run stops.
        for (const outcome of result.outcomes) onRecord(outcome);
        throw new ProxyPoolExhaustedError(pool.stats());
      }
      return result;
    },
  };
}
