/**
 * An in-memory Invoker for tests of anything built on it (run loop, CLI): each call follows a
 * script chosen per call (delay, failure, partial result, duplicates, hang), with no processes.
 */
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';

export interface SimulatedCall {
  runId: string;
  chunkId: string;
  urls: string[];
  /** 0-based index of this call among all calls. */
  call: number;
  /** 1-based invocation number of this chunk: `chunk-3` is 1, `chunk-3.2` is 2. */
  attempt: number;
  /** The chunk id without the invocation suffix (`chunk-3`). */
  baseId: string;
}

export interface SimulatedScript {
  /** Wait this long before answering. @default 0 */
  delayMs?: number;
  /** Wait for this before answering (after delayMs). */
  gate?: Promise<unknown>;
  /** Reject with this instead of answering. */
  fail?: Error;
  /** Never answer; only the abort signal ends the call. */
  hang?: boolean;
  /** The last N URLs come back in `unstarted`. */
  unstarted?: number;
  /** The last N URLs (before the unstarted ones) are left out of the result entirely. */
  omit?: number;
  /** Every outcome is in the result twice. */
  duplicate?: boolean;
  /** Outcomes for URLs that are not in the chunk. */
  foreign?: string[];
}

export interface SimulatedInvokerOptions {
  /** @default 4 */
  capacity?: number;
  /** The script of each call; `undefined` means answer at once with an outcome per URL. */
  script?: (call: SimulatedCall) => SimulatedScript | undefined;
  /** The outcome for one URL. @default a success whose title is the URL */
  outcome?: (url: string, call: SimulatedCall) => Outcome;
}

export function okOutcome(url: string): Outcome {
  return { url, ok: true, finalUrl: url, status: 200, contentType: 'text/html', bytes: 10, ms: 1, title: url, description: null, links: [], attempts: 1 };
}

export class SimulatedInvoker implements Invoker {
  readonly capacity: number;
  readonly calls: SimulatedCall[] = [];
  /** Calls that were aborted through the signal. */
  readonly aborted: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  closed = false;

  constructor(private readonly options: SimulatedInvokerOptions = {}) {
    this.capacity = options.capacity ?? 4;
  }

  async invoke(event: WorkerEventInput, signal?: AbortSignal): Promise<WorkerResult> {
    const [baseId = event.chunkId, n] = event.chunkId.split('.');
    const call: SimulatedCall = {
      runId: event.runId,
      chunkId: event.chunkId,
      urls: [...event.urls],
      call: this.calls.length,
      attempt: n === undefined ? 1 : Number(n),
      baseId,
    };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const script = this.options.script?.(call) ?? {};
      await abortable(wait(script.delayMs ?? 0), signal, () => this.aborted.push(call.chunkId));
      if (script.gate) await abortable(script.gate, signal, () => this.aborted.push(call.chunkId));
      if (script.hang) await abortable(new Promise(() => {}), signal, () => this.aborted.push(call.chunkId));
      if (script.fail) throw script.fail;
      return this.answer(call, script);
    } finally {
      this.inFlight--;
    }
  }

  private answer(call: SimulatedCall, script: SimulatedScript): WorkerResult {
    const urls = call.urls;
    const unstarted = script.unstarted ? urls.slice(urls.length - script.unstarted) : [];
    const done = urls.slice(0, urls.length - unstarted.length - (script.omit ?? 0));
    const make = this.options.outcome ?? okOutcome;
    let outcomes = done.map((url) => make(url, call));
    if (script.duplicate) outcomes = [...outcomes, ...done.map((url) => make(url, call))];
    for (const url of script.foreign ?? []) outcomes.push(make(url, call));
    const ok = outcomes.filter((o) => o.ok).length;
    return { runId: call.runId, chunkId: call.chunkId, outcomes, unstarted, stats: { ok, failed: outcomes.length - ok, bytes: 0, ms: 1 } };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason ?? new Error('aborted'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
