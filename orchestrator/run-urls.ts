/**
 * A whole run of a list, as the CLI makes it: robots.txt and the run-wide host budget, then the
 * allowed URLs in chunks through runChunks on the given invoker, each outcome handed over as it
 * arrives. Takes typed options only; the caller owns the invoker and the stop signals.
 */
import type { Dispatcher } from 'undici';
import { ROBOTS_AGENT_TOKEN, type Outcome, type ScrapeOptions, type WorkerResult } from '../core/contract';
import type { ProxySettings, ProxyStat } from '../core/proxy';
import { RUN_DEFAULTS, type RobotsMode } from '../core/run-control';
import { DispatcherCache } from '../http/agent';
import { connectTimeoutFor } from '../http/follow-redirects';
import { ProxyPool } from '../http/proxy-pool';
import { routeDispatcher } from '../http/route';
import { chunkUrls, defaultChunkSize } from './chunk';
import type { Invoker } from './invoker';
import { preparePoliteness, type Politeness } from './politeness';
import { trackProxies } from './proxy-tracker';
import { RunAbortedError, runChunks, type ChunkErrorInfo, type RunProgress } from './run';

export interface RunUrlsOptions {
  /** Runs the chunks; the caller closes it. */
  invoker: Invoker;
  /** How workers fetch and parse, already validated (`ScrapeOptionsSchema`). */
  scrape: ScrapeOptions;
  /** @default 'obey' */
  robots?: RobotsMode;
  /**
   * How robots.txt requests (made by this process) go out when not as the workers' do: workers on
   * Lambda are not on this machine's network, whose proxies the CLI passes here. @default scrape.proxy
   */
  robotsProxy?: ProxySettings;
  /** URLs per chunk. @default defaultChunkSize(allowed URLs, invoker.workers ?? invoker.capacity) */
  chunkSize?: number;
  /** Chunks in flight. @default invoker.capacity */
  concurrency?: number;
  /** @default 2 (RUN_DEFAULTS.chunkRetries) */
  chunkRetries?: number;
  /** Speculative copies of stragglers at most (see stragglers.ts); 0 turns them off. @default 10 % of the chunks */
  maxSpeculativeCopies?: number;
  /** Graceful stop: see runChunks. */
  stopSignal?: AbortSignal;
  /** Hard stop: see runChunks. */
  signal?: AbortSignal;
  /** After `stopSignal`, chunks in flight get this long. @default wait for them */
  stopGraceMs?: number;
  /** Called once robots.txt has been read, before any page is fetched. */
  onPoliteness?: (politeness: Politeness) => void;
  /** Every worker result as it arrives (e.g. to meter Lambda usage). */
  onResult?: (result: WorkerResult) => void;
  /** A chunk invocation failed (for `--verbose`). */
  onChunkError?: (info: ChunkErrorInfo) => void;
}

/** How the run went, for the summary and the exit code. */
export interface RunUrlsResult {
  runId: string;
  /** The run ended before every URL had an outcome (stopped, cancelled or aborted). */
  interrupted: boolean;
  /** An invoke failed in a way no retry can fix; the outcomes before it were recorded. */
  aborted: RunAbortedError | undefined;
  /** The run loop's counters at the end (undefined when there was nothing to run). */
  progress: Readonly<RunProgress> | undefined;
  /** With a proxy pool: what each proxy did, robots.txt and every worker included. */
  proxies?: ProxyStat[];
}

/** robots.txt fetches in flight and their time limit, as the robots cache has them by default. */
const ROBOTS_ROUTE = { perHost: 64, connectTimeoutMs: connectTimeoutFor(10_000) };

/**
 * Runs `urls` (valid, de-duplicated) and hands every outcome to `record`, robots-disallowed ones
 * included; `tick` is called after each outcome and once a second. Throws only what is not a
 * RunAbortedError.
 */
export async function runUrls(urls: string[], options: RunUrlsOptions, record: (outcome: Outcome) => Promise<void>, tick: () => void = () => {}): Promise<RunUrlsResult> {
  const { scrape } = options;
  // With proxies, robots.txt goes out the way the pages will, and through the run's pool: its
  // benches reach every chunk, and every worker's report adds up here.
  const pool = scrape.proxy?.mode === 'pool' ? ProxyPool.fromSettings(scrape.proxy) : undefined;
  const invoker = pool ? trackProxies(options.invoker, pool) : options.invoker;
  const robotsProxy = scrape.proxy ?? options.robotsProxy;
  const robotsAgents = robotsProxy === undefined ? undefined : new DispatcherCache();
  try {
    const robotsWay = robotsAgents && routeDispatcher({ ...scrape, proxy: robotsProxy, ...ROBOTS_ROUTE }, pool, robotsAgents);
    const result = await runPolitely(urls, { ...options, invoker }, record, tick, robotsWay);
    return pool ? { ...result, proxies: pool.stats() } : result;
  } finally {
    await robotsAgents?.close();
  }
}

async function runPolitely(
  urls: string[],
  options: RunUrlsOptions,
  record: (outcome: Outcome) => Promise<void>,
  tick: () => void,
  robotsDispatcher: Dispatcher | undefined,
): Promise<RunUrlsResult> {
  const { invoker, scrape } = options;
  const robots = options.robots ?? RUN_DEFAULTS.robots;
  const polite = await preparePoliteness(urls, {
    dispatcher: robotsDispatcher,
    robots,
    perHost: scrape.perHost,
    workerConcurrency: scrape.concurrency,
    chunkConcurrency: options.concurrency ?? invoker.capacity,
    userAgent: scrape.userAgent,
    allowPrivate: scrape.allowPrivate,
  });
  options.onPoliteness?.(polite);
  for (const outcome of polite.disallowed) await record(outcome);
  const chunkSize = options.chunkSize ?? defaultChunkSize(polite.allowed.length, invoker.workers ?? invoker.capacity);
  const run = runChunks(chunkUrls(polite.allowed, chunkSize), invoker, {
    // Obeyed robots.txt holds on redirects too: the workers check every hop (functions/worker/redirect-robots.ts).
    scrape: robots === 'obey' ? { ...scrape, robotsOnRedirect: scrape.robotsOnRedirect ?? { agentToken: ROBOTS_AGENT_TOKEN, origins: {} } } : scrape,
    knownRobots: polite.knownRobots,
    hostBudget: polite.budget,
    concurrency: options.concurrency,
    chunkRetries: options.chunkRetries,
    maxSpeculativeCopies: options.maxSpeculativeCopies,
    stopSignal: options.stopSignal,
    signal: options.signal,
    stopGraceMs: options.stopGraceMs,
    onResult: options.onResult,
    onChunkError: options.onChunkError,
  });
  let aborted: RunAbortedError | undefined;
  const ticker = setInterval(tick, 1000);
  try {
    for await (const outcome of run) {
      await record(outcome);
      tick();
    }
  } catch (err) {
    if (!(err instanceof RunAbortedError)) throw err;
    aborted = err; // what arrived is recorded and the caller closes the output, so the file stays valid
  } finally {
    clearInterval(ticker);
  }
  return { runId: run.runId, interrupted: run.progress.state !== 'done', aborted, progress: run.progress };
}
