/**
 * Many sitemap files fetched by the workers instead of one at a time here: the files are grouped
 * by host into `sitemaps` events (core/sitemap-contract.ts) and sent through the run's invoker
 * (`invokeSitemaps`: local child processes or Lambda), and what each file gave comes back as it is
 * read, in whatever order the workers finish.
 *
 * Politeness holds as for the orchestrator's own fetches: an event's files are on one host and are
 * fetched one after another; at most `perHost` events of a host run at once, one when robots.txt
 * gives it a Crawl-delay, and then the next starts a Crawl-delay after the last ended (HostPacer).
 *
 * Memory: files are handed on as they end; new events start only while fewer than
 * `concurrency` files wait to be taken, so what is held is the events in flight and that backlog,
 * never the whole set. A file's partial records are kept until its last one, so a file whose
 * worker fails is sent again whole (up to `retries` times, then it is a `fetch` SitemapError).
 */
import { hostKey } from '../../core/host-key';
import type { SitemapFetchSettings, SitemapRecord, SitemapUrl } from '../../core/sitemap-contract';
import { SitemapError } from '../../http/sitemap/sitemap-error';
import type { SitemapKind } from '../../http/sitemap/parse-sitemap';
import { AsyncQueue } from '../async-queue';
import { InvokeError, type Invoker } from '../invoker';
import type { HostPacer } from './host-pacer';

/** One sitemap to fetch; its robots.txt has been checked. */
export interface SitemapJob {
  url: string;
  depth: number;
  /** Its host's Crawl-delay. */
  delayMs: number;
}

/** What a worker read of one file, or why it could not. */
export interface FetchedSitemap {
  job: SitemapJob;
  kind?: SitemapKind;
  /** Normalised, in document order: pages, or an index's child sitemaps. */
  urls: SitemapUrl[];
  entries: number;
  invalid: number;
  error?: SitemapError;
}

export interface FanOutOptions {
  invoker: Required<Pick<Invoker, 'invokeSitemaps'>> & Pick<Invoker, 'capacity'>;
  /** Events are `<runId>.<n>`. */
  runId: string;
  /** Sent with every event (the per-event `delayMs` is the host's Crawl-delay). */
  settings: Omit<Partial<SitemapFetchSettings>, 'delayMs'>;
  /** Events of one host in flight at once (the run's per-host budget); 1 for a host with a Crawl-delay. */
  perHost: number;
  /** Sitemaps in one event at most. @default 8 */
  sitemapsPerEvent?: number;
  /** Events in flight at once. @default the invoker's capacity */
  concurrency?: number;
  /** Times a file whose worker failed is sent again. @default 2 */
  retries?: number;
  pacer: HostPacer;
  signal?: AbortSignal;
}

interface Host {
  key: string;
  jobs: SitemapJob[];
  running: number;
  limit: number;
  delayMs: number;
  woken: boolean;
}

type Signal = { type: 'file'; file: FetchedSitemap } | { type: 'event-done'; host: Host; retry: SitemapJob[]; waitMs: number; error?: unknown } | { type: 'wake' };

/** How long a throttled back end is left alone when it does not say (Lambda's 429 usually does). */
const THROTTLE_WAIT_MS = 1_000;

/**
 * Yields one {@link FetchedSitemap} per job. Throws only what no retry can help (the worker
 * refused the event, the back end is misconfigured); stops quietly when `signal` aborts.
 *
 * @example
 * for await (const file of fanOutSitemaps(jobs, { invoker, runId, settings, perHost: 8, pacer })) handle(file);
 */
export async function* fanOutSitemaps(jobs: readonly SitemapJob[], options: FanOutOptions): AsyncGenerator<FetchedSitemap> {
  const perEvent = options.sitemapsPerEvent ?? 8;
  const concurrency = options.concurrency ?? options.invoker.capacity;
  const retries = options.retries ?? 2;
  /** Failed tries per file. */
  const tries = new Map<SitemapJob, number>();
  const hosts = new Map<string, Host>();
  for (const job of jobs) {
    const key = hostKey(job.url) ?? job.url;
    let host = hosts.get(key);
    if (host === undefined) {
      host = { key, jobs: [], running: 0, limit: job.delayMs > 0 ? 1 : Math.max(1, options.perHost), delayMs: job.delayMs, woken: false };
      hosts.set(key, host);
    }
    host.jobs.push(job);
  }
  const inbox = new AsyncQueue<Signal>();
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const running = new Set<Promise<void>>();
  let left = jobs.length;
  let events = 0;
  let complete = false;

  const onFile = (file: FetchedSitemap) => inbox.push({ type: 'file', file });

  /**
   * Sends `batch`; resolves with its files to send again (unstarted, or their worker failed but tries
   * are left) and how long to leave the host's events alone first (throttled).
   */
  const send = async (chunkId: string, batch: SitemapJob[], host: Host): Promise<{ again: SitemapJob[]; waitMs: number }> => {
    const open = new Map(batch.map((job) => [job.url, { job, urls: [] as SitemapUrl[] }]));
    const onRecord = (record: SitemapRecord) => {
      const file = open.get(record.sitemap);
      if (file === undefined) return; // not one it was asked for
      file.urls.push(...record.urls);
      if (record.error !== undefined) {
        open.delete(record.sitemap);
        const { reason, message, status } = record.error;
        onFile({ job: file.job, urls: [], entries: 0, invalid: 0, error: new SitemapError(message, reason, record.sitemap, { status }) });
      } else if (record.end !== undefined) {
        open.delete(record.sitemap);
        onFile({ job: file.job, kind: record.end.kind, urls: file.urls, entries: record.end.entries, invalid: record.end.invalid });
      }
    };
    const event = { kind: 'sitemaps' as const, runId: options.runId, chunkId, sitemaps: batch.map((job) => job.url), options: { ...options.settings, delayMs: host.delayMs } };
    let failure: InvokeError;
    let unstarted: ReadonlySet<string> = new Set();
    try {
      unstarted = new Set((await options.invoker.invokeSitemaps(event, stop.signal, onRecord)).unstarted);
      failure = new InvokeError(`worker ${chunkId} ended without a record for it`, 'bad-response', chunkId);
    } catch (error) {
      if (!(error instanceof InvokeError) || stop.signal.aborted) throw error;
      // Throttled: the call never ran, so it does not use up a try.
      if (error.reason === 'throttled') return { again: [...open.values()].map((file) => file.job), waitMs: error.retryAfterMs ?? THROTTLE_WAIT_MS };
      failure = error;
    }
    const again: SitemapJob[] = [];
    for (const { job } of open.values()) {
      if (unstarted.has(job.url)) again.push(job);
      else if ((tries.get(job) ?? 0) < retries) {
        tries.set(job, (tries.get(job) ?? 0) + 1);
        again.push(job);
      } else onFile(failedFile(job, failure));
    }
    return { again, waitMs: 0 };
  };

  const start = (host: Host) => {
    // Spread a host's files over its lanes: 40 files and 8 lanes make 8 events of 5.
    const size = Math.min(perEvent, Math.ceil(host.jobs.length / Math.max(1, host.limit - host.running)));
    const batch = host.jobs.splice(0, size);
    host.running++;
    const done = send(`${options.runId}.${events++}`, batch, host).then(
      ({ again, waitMs }) => inbox.push({ type: 'event-done', host, retry: again, waitMs }),
      (error: unknown) => inbox.push({ type: 'event-done', host, retry: [], waitMs: 0, error }),
    );
    running.add(done);
    void done.finally(() => running.delete(done));
  };
  const startMore = () => {
    for (const host of hosts.values()) {
      if (running.size >= concurrency || inbox.length >= concurrency) return;
      if (host.jobs.length === 0 || host.running >= host.limit) continue;
      const waitMs = options.pacer.readyAt(host.key) - Date.now();
      if (waitMs <= 0) start(host);
      else if (!host.woken) {
        host.woken = true;
        setTimeout(() => {
          host.woken = false;
          inbox.push({ type: 'wake' });
        }, waitMs);
      }
    }
  };

  try {
    startMore();
    while (left > 0 && !stop.signal.aborted) {
      const signal = await inbox.shift();
      if (signal.type === 'file') {
        left--;
        yield signal.file;
      } else if (signal.type === 'event-done') {
        signal.host.running--;
        options.pacer.done(signal.host.key, Math.max(signal.host.delayMs, signal.waitMs));
        if (signal.error !== undefined) {
          if (stop.signal.aborted) return;
          throw signal.error;
        }
        signal.host.jobs.unshift(...signal.retry);
      }
      startMore();
    }
    complete = true;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Every file answered: events still running are only sending their end line, so they are let
    // finish (aborting one would kill a healthy local worker). Stopped early: they are cut short.
    if (!complete) stop.abort();
    await Promise.allSettled([...running]);
  }
}

function failedFile(job: SitemapJob, error: InvokeError): FetchedSitemap {
  const message = `sitemap ${job.url}: its worker failed on every try (${error.message})`;
  return { job, urls: [], entries: 0, invalid: 0, error: new SitemapError(message, 'fetch', job.url, { cause: error }) };
}
