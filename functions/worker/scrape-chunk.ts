/**
 * The worker's core: scrape a chunk of URLs with bounded total and per-host concurrency, and
 * return exactly one outcome per input entry, or list the entry as unstarted.
 *
 * Deadline rule: a URL is started only if a whole attempt (`timeoutMs`) still fits before
 * `control.deadline`, and a retry only if its backoff plus a whole attempt fits. So everything
 * started finishes by the deadline, and whatever could not start goes to `unstarted` for the
 * orchestrator to requeue. When `control.signal` aborts, nothing more starts, in-flight fetches
 * are cancelled, and all of those URLs are reported as unstarted too.
 *
 * Politeness: `options.hostLimits` (this chunk's share of the run-wide per-host budget; 0 = leave
 * that host's URLs unstarted) and `options.hostDelayMs` (Crawl-delay) shape the scheduler. A 429,
 * or a 503 with Retry-After, halves that host's limit here and pauses it for Retry-After, and is
 * reported in `throttled` so the orchestrator slows the host for the rest of the run.
 *
 * Proxies: with a pool (`options.proxy`), the chunk keeps one ProxyPool for all its requests, and
 * reports what each proxy did in `proxies`. Once every proxy is benched nothing more starts: the
 * URLs left, and those that fail after that, are unstarted, for the orchestrator to stop the run.
 */
import { ScrapeOptionsSchema, type ChunkStats, type Outcome, type ScrapeOptionsInput } from '../../core/contract';
import { validateSpec } from '../../core/extract-spec';
import { hostKey } from '../../core/host-key';
import type { ProxyUsage } from '../../core/proxy';
import { pageDispatcher } from '../../http/fetch-page';
import { ProxyPool } from '../../http/proxy-pool';
import { HostScheduler, type HostSlot } from './host-scheduler';
import { RETRY_AFTER_CAP_MS } from './page-retry';
import { redirectRobotsCheck } from './redirect-robots';
import { scrapePage } from './scrape-page';
import { throttlePauseMs } from './throttle-signal';

export interface ChunkControl {
  /** Epoch ms by which the worker must be done fetching. */
  deadline?: number;
  /** Aborts the chunk: no new fetches, in-flight ones are cancelled and reported unstarted. */
  signal?: AbortSignal;
  /** Called with each outcome the moment its URL ends (it is also in the result's `outcomes`). */
  onOutcome?: (outcome: Outcome) => void;
  /**
   * Where a back end with a channel into the running worker (local processes) delivers raised
   * per-host limits (the run-wide budget's slots that came free while the chunk runs) and, as
   * `total`, the chunk's new share of its process's concurrency.
   */
  onHostLimits?: (listener: (hostLimits: Readonly<Record<string, number>>, total?: number) => void) => void;
}

export interface ChunkResult {
  /** One per input entry that was started or invalid, in completion order. */
  outcomes: Outcome[];
  /** Input entries not started (deadline or abort), in input order. */
  unstarted: string[];
  stats: ChunkStats;
  /** Hosts that throttled us, by host key, with the ms of their Retry-After still to run; absent when none did. */
  throttled?: Record<string, number>;
  /** With a proxy pool: what each proxy did, by index. */
  proxies?: ProxyUsage[];
}

interface Task {
  index: number;
  url: URL;
}

/** The input as an absolute http(s) URL, or undefined. */
function parseHttpUrl(input: string): URL | undefined {
  try {
    const url = new URL(input);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scrapes `urls`. Throws only when nothing can be done at all (invalid options or extraction
 * spec, e.g. a selector that does not compile); every page problem is an outcome.
 * @example const { outcomes, unstarted } = await scrapeChunk(['https://example.com/'], {}, { deadline: Date.now() + 60_000 });
 */
export async function scrapeChunk(urls: readonly string[], optionsInput: ScrapeOptionsInput, control: ChunkControl = {}): Promise<ChunkResult> {
  const startedAt = performance.now();
  const options = ScrapeOptionsSchema.parse(optionsInput);
  if (options.extract !== undefined) validateSpec(options.extract);
  const { deadline, signal } = control;
  const beforeRedirect = redirectRobotsCheck(options);

  const outcomes: Outcome[] = [];
  const unstarted: number[] = [];
  const throttled: Record<string, number> = {};
  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    control.onOutcome?.(outcome);
  };
  const scheduler = new HostScheduler<Task>({
    total: options.concurrency,
    perHost: options.perHost,
    hostLimits: options.hostLimits,
    hostDelayMs: options.hostDelayMs,
  });
  urls.forEach((input, index) => {
    const url = parseHttpUrl(input);
    if (url === undefined) {
      record({ url: input, ok: false, error: { kind: 'invalid-url', message: 'not an absolute http(s) URL' }, attempts: 0 });
    } else if (!scheduler.add(hostKey(url)!, { index, url })) {
      unstarted.push(index); // no share of this host's budget this time: the orchestrator requeues it
    }
  });

  const pool = options.proxy?.mode === 'pool' ? ProxyPool.fromSettings(options.proxy) : undefined;
  const dispatcher = pageDispatcher(options, pool);
  const proxiesExhausted = () => pool?.exhausted === true;
  const proxyRounds = options.proxy?.mode === 'pool' ? options.proxy.benchAfterFailures : 0;
  const mayStart = () => !signal?.aborted && !proxiesExhausted() && (deadline === undefined || Date.now() + options.timeoutMs <= deadline);

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  /** Wakes the pump when a host waiting out a Crawl-delay or Retry-After may start again. */
  let wakeTimer: NodeJS.Timeout | undefined;
  const finish = (task: Task, slot: HostSlot, outcome: Outcome | null) => {
    if (outcome === null) unstarted.push(task.index);
    else record(outcome);
    scheduler.done(slot);
    pump();
  };
  const onAttemptError = (key: string) => (error: { status?: number; details: { retryAfterMs?: number } }) => {
    const pauseMs = throttlePauseMs(error.status, error.details.retryAfterMs, RETRY_AFTER_CAP_MS);
    if (pauseMs === undefined) return;
    throttled[key] = Math.max(throttled[key] ?? 0, Date.now() + pauseMs); // until when; made relative on return
    scheduler.throttle(key, pauseMs);
  };
  const pump = () => {
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    if (scheduler.pending > 0 && !mayStart()) unstarted.push(...scheduler.drain().map((task) => task.index));
    for (let next = scheduler.take(); next !== undefined; next = scheduler.take()) {
      const { slot, item: task } = next;
      scrapePage(urls[task.index]!, task.url, options, {
        deadline,
        signal,
        beforeRedirect,
        dispatcher,
        proxiesExhausted,
        proxyRounds,
        onAttemptError: onAttemptError(slot.key),
      }).then(
        (outcome) => finish(task, slot, outcome),
        // scrapePage turns every page problem into an outcome; this is a bug, reported as one.
        (err: unknown) =>
          finish(task, slot, {
            url: urls[task.index]!,
            ok: false,
            error: { kind: 'internal', message: `scrapePage threw: ${err instanceof Error ? err.message : String(err)}` },
            attempts: 0,
          }),
      );
    }
    if (scheduler.running === 0 && scheduler.pending === 0) return resolveDone();
    const wakeAt = scheduler.wakeAt();
    if (wakeAt !== undefined) {
      // Past the last start time, the wake drains the rest as unstarted instead of waiting on.
      const lastStart = deadline === undefined ? Infinity : deadline - options.timeoutMs + 1;
      wakeTimer = setTimeout(pump, Math.max(0, Math.min(wakeAt, lastStart) - Date.now()));
    }
  };
  signal?.addEventListener('abort', pump);
  let ended = false;
  control.onHostLimits?.((hostLimits, total) => {
    if (ended) return;
    for (const [key, limit] of Object.entries(hostLimits)) scheduler.raise(key, limit);
    if (total !== undefined) scheduler.setTotal(total);
    pump();
  });
  try {
    pump();
    await done;
  } finally {
    ended = true;
    clearTimeout(wakeTimer);
    signal?.removeEventListener('abort', pump);
  }

  // Relative, so the orchestrator's clock need not agree with this one (Lambda vs a laptop).
  const returnedAt = Date.now();
  for (const key of Object.keys(throttled)) throttled[key] = Math.max(0, throttled[key]! - returnedAt);
  let ok = 0;
  let bytes = 0;
  for (const outcome of outcomes) {
    if (outcome.ok) {
      ok++;
      bytes += outcome.bytes;
    }
  }
  return {
    outcomes,
    unstarted: unstarted.sort((a, b) => a - b).map((index) => urls[index]!),
    stats: { ok, failed: outcomes.length - ok, bytes, ms: Math.round(performance.now() - startedAt) },
    ...(Object.keys(throttled).length > 0 ? { throttled } : {}),
    ...(pool === undefined ? {} : { proxies: pool.usage() }),
  };
}
