/**
 * The worker's core: scrape a chunk of URLs with bounded total and per-host concurrency, and
 * return exactly one outcome per input entry, or list the entry as unstarted.
 *
 * Deadline rule: a URL is started only if a whole attempt (`timeoutMs`) still fits before
 * `control.deadline`, and a retry only if its backoff plus a whole attempt fits. So everything
 * started finishes by the deadline, and whatever could not start goes to `unstarted` for the
 * orchestrator to requeue. When `control.signal` aborts, nothing more starts, in-flight fetches
 * are cancelled, and all of those URLs are reported as unstarted too.
 */
import { ScrapeOptionsSchema, type ChunkStats, type Outcome, type ScrapeOptionsInput } from './contract';
import { validateSpec } from './extract';
import { HostScheduler, type HostSlot } from './host-scheduler';
import { scrapePage } from './scrape-page';

export interface ChunkControl {
  /** Epoch ms by which the worker must be done fetching. */
  deadline?: number;
  /** Aborts the chunk: no new fetches, in-flight ones are cancelled and reported unstarted. */
  signal?: AbortSignal;
}

export interface ChunkResult {
  /** One per input entry that was started or invalid, in completion order. */
  outcomes: Outcome[];
  /** Input entries not started (deadline or abort), in input order. */
  unstarted: string[];
  stats: ChunkStats;
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

/** Per-host limits count per host:port, the unit a server (and undici's pool) sees. */
function hostKey(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
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

  const outcomes: Outcome[] = [];
  const unstarted: number[] = [];
  const scheduler = new HostScheduler<Task>(options.concurrency, options.perHost);
  urls.forEach((input, index) => {
    const url = parseHttpUrl(input);
    if (url === undefined) {
      outcomes.push({ url: input, ok: false, error: { kind: 'invalid-url', message: 'not an absolute http(s) URL' }, attempts: 0 });
    } else {
      scheduler.add(hostKey(url), { index, url });
    }
  });

  const mayStart = () => !signal?.aborted && (deadline === undefined || Date.now() + options.timeoutMs <= deadline);

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const finish = (task: Task, slot: HostSlot, outcome: Outcome | null) => {
    if (outcome === null) unstarted.push(task.index);
    else outcomes.push(outcome);
    scheduler.done(slot);
    pump();
  };
  const pump = () => {
    if (scheduler.pending > 0 && !mayStart()) unstarted.push(...scheduler.drain().map((task) => task.index));
    for (let next = scheduler.take(); next !== undefined; next = scheduler.take()) {
      const { slot, item: task } = next;
      scrapePage(urls[task.index]!, task.url, options, { deadline, signal }).then(
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
    if (scheduler.running === 0 && scheduler.pending === 0) resolveDone();
  };
  signal?.addEventListener('abort', pump);
  try {
    pump();
    await done;
  } finally {
    signal?.removeEventListener('abort', pump);
  }

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
  };
}
