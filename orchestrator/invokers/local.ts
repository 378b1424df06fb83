/**
 * Runs chunks in a pool of local child processes, each running the worker's Lambda handler: the
 * same code path as AWS. A child runs `jobsPerChild` chunks at once (1: like one Lambda instance),
 * so a chunk stuck on a URL that never answers holds one of its child's jobs, not the child: the
 * caller splits the worker's concurrency between them. `sitemaps` events take the same path: a
 * slot, a child, its timeout, its records over IPC.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { OutcomeSchema, WorkerResultSchema, formatZodError, type Outcome, type WorkerEventInput, type WorkerResult } from '../../core/contract';
import { SitemapRecordSchema, SitemapsEndSchema, type SitemapRecord, type SitemapsEnd, type SitemapsEventInput } from '../../core/sitemap-contract';
import { RUN_DEFAULTS } from '../../core/run-control';
import { Semaphore } from '../../core/semaphore';
import { InvokeError, type Invoker } from '../invoker';
import { DEFAULT_WORKER_EXPORT, DEFAULT_WORKER_MODULE, releaseEarlyChildren, takeChild } from './local-fork';
import type { ChildReply, HostLimitsMessage, InvokeMessage } from './local-protocol';

/** A child that has not loaded the worker module by then is taken as crashed (Lambda allows init 10 s; tsx compiles on a cold cache). */
const CHILD_START_TIMEOUT_MS = 60_000;

export interface LocalInvokerOptions {
  /** Child processes. @default os.availableParallelism() */
  size?: number;
  /**
   * Chunks one child runs at once; `capacity` is size x this. A child that must be killed (a chunk
   * timed out or was cancelled, a bad record) takes its other chunks with it: they fail as
   * `crashed`, keeping the records they streamed. @default 1
   */
  jobsPerChild?: number;
  /**
   * Requests one child runs at once, shared between its jobs: each is told its share (this / its
   * child's jobs) whenever that changes, so a chunk left alone gets all of it. Send each event with
   * this / jobsPerChild. Unset: every job keeps its event's concurrency.
   */
  workerConcurrency?: number;
  /** A chunk running longer than this has its process killed and fails with `timeout`. @default 900000 (15 min, as Lambda) */
  chunkTimeoutMs?: number;
  /** Path of the module exporting the handler. @default functions/worker/handler */
  workerModule?: string;
  /** Name of the handler export, called as `(event, context, onRecord)`. @default 'streamEvent' (records stream as URLs end; takes chunks and `sitemaps` events) */
  workerExport?: string;
  /** Where the children's stdout and stderr go; never our stdout, which may carry the results. @default 'stderr' */
  childOutput?: 'stderr' | 'ignore';
  /**
   * Whether close() waits for the children to exit. A CLI about to exit need not: the children exit
   * as their IPC channels close, and any still there when this process exits are killed. @default true
   */
  waitForExit?: boolean;
}

interface Job {
  id: number;
  chunkId: string;
  /** The invoke message has gone to the child: raised limits now go over IPC. */
  sent?: boolean;
  /** The share of its child's concurrency it was last told. */
  total?: number;
  /** Checks a streamed record and hands it on; returns why it is invalid. */
  take(record: unknown): string | undefined;
  /** Checks the answer and settles the call with it (a bad one rejects as `bad-response`). */
  answer(result: unknown): void;
  reject(error: unknown): void;
  cleanup(): void;
}

interface Child {
  proc: ChildProcess;
  /** Its jobs in flight, by message id. */
  jobs: Map<number, Job>;
  exited: Promise<void>;
  ready: boolean;
  /** Run once the child is ready: they send the jobs waiting for it. */
  onReady: (() => void)[];
}

/**
 * @example
 * const invoker = new LocalInvoker({ size: 4 });
 * try { const result = await invoker.invoke({ runId: 'r', chunkId: 'c', urls }); } finally { await invoker.close(); }
 */
export class LocalInvoker implements Invoker {
  readonly capacity: number;
  /** Child processes (`size`); `capacity` counts their jobs. */
  readonly workers: number;
  private readonly jobsPerChild: number;
  private readonly workerConcurrency: number | undefined;
  private readonly chunkTimeoutMs: number;
  private readonly workerModule: string;
  private readonly workerExport: string;
  private readonly childOutput: 'stderr' | 'ignore';
  private readonly waitForExit: boolean;
  /** The pool: children that take jobs. */
  private readonly children = new Set<Child>();
  /** Every child process not yet exited, pool or dying (killed but not yet gone). */
  private readonly alive = new Set<Child>();
  /** A child once per job it can take now. */
  private readonly idle: Child[] = [];
  /** One slot per chunk in flight: a slot is held from before a child is picked until its job settles. */
  private readonly slots: Semaphore;
  private nextId = 1;
  /** Host limits raised for chunks not yet sent to a child, by chunk id (see raiseHostLimits). */
  private readonly raised = new Map<string, Record<string, number>>();
  private closed = false;
  private readonly killAll = () => {
    for (const child of this.alive) child.proc.kill('SIGKILL');
  };

  constructor(options: LocalInvokerOptions = {}) {
    this.workers = options.size ?? os.availableParallelism();
    this.jobsPerChild = options.jobsPerChild ?? 1;
    this.workerConcurrency = options.workerConcurrency;
    this.capacity = this.workers * this.jobsPerChild;
    this.chunkTimeoutMs = options.chunkTimeoutMs ?? RUN_DEFAULTS.chunkTimeoutMs;
    this.workerModule = path.resolve(options.workerModule ?? DEFAULT_WORKER_MODULE);
    this.workerExport = options.workerExport ?? DEFAULT_WORKER_EXPORT;
    this.childOutput = options.childOutput ?? 'stderr';
    this.waitForExit = options.waitForExit ?? true;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new RangeError(`size must be a positive integer, got ${this.workers}`);
    if (!Number.isInteger(this.jobsPerChild) || this.jobsPerChild < 1) throw new RangeError(`jobsPerChild must be a positive integer, got ${this.jobsPerChild}`);
    if (!Number.isInteger(this.chunkTimeoutMs) || this.chunkTimeoutMs < 1) {
      throw new RangeError(`chunkTimeoutMs must be a positive integer, got ${this.chunkTimeoutMs}`);
    }
    this.slots = new Semaphore(this.capacity);
  }

  async invoke(event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void): Promise<WorkerResult> {
    const kept: Outcome[] = [];
    const deliver = onRecord ?? ((record: Outcome) => kept.push(record));
    return this.dispatch<WorkerResult>(
      event.chunkId,
      () => this.withRaisedLimits(event),
      signal,
      (record) => {
        const parsed = OutcomeSchema.safeParse(record);
        if (!parsed.success) return `worker streamed an invalid record: ${formatZodError(parsed.error)}`;
        deliver(parsed.data);
        return undefined;
      },
      (result) => {
        // A streaming handler answers with the end message: its records came before it.
        const parsed = WorkerResultSchema.safeParse({ outcomes: [], ...(result as object) });
        return parsed.success
          ? { ok: true, value: { ...parsed.data, outcomes: [...kept, ...parsed.data.outcomes] } }
          : { ok: false, why: `worker returned an invalid result: ${formatZodError(parsed.error)}` };
      },
    );
  }

  /** Runs a `sitemaps` event in a child, as a chunk: one child, the same slots, timeout and kill. */
  async invokeSitemaps(event: SitemapsEventInput, signal: AbortSignal | undefined, onRecord: (record: SitemapRecord) => void): Promise<SitemapsEnd> {
    return this.dispatch<SitemapsEnd>(
      event.chunkId,
      () => event,
      signal,
      (record) => {
        const parsed = SitemapRecordSchema.safeParse(record);
        if (!parsed.success) return `worker streamed an invalid sitemap record: ${formatZodError(parsed.error)}`;
        onRecord(parsed.data);
        return undefined;
      },
      (result) => {
        const parsed = SitemapsEndSchema.safeParse(result);
        return parsed.success ? { ok: true, value: parsed.data } : { ok: false, why: `worker ended a sitemaps event badly: ${formatZodError(parsed.error)}` };
      },
    );
  }

  /**
   * One event on one child: waits for a slot, sends `eventAt()` once the child is ready, hands each
   * streamed record to `take` (which says why one is invalid) and the answer to `answer`.
   */
  private async dispatch<T>(
    chunkId: string,
    eventAt: () => WorkerEventInput | SitemapsEventInput,
    signal: AbortSignal | undefined,
    take: (record: unknown) => string | undefined,
    answer: (result: unknown) => { ok: true; value: T } | { ok: false; why: string },
  ): Promise<T> {
    if (this.closed) throw new Error('LocalInvoker is closed');
    signal?.throwIfAborted();
    const release = await this.slots.acquire(signal);
    // The wait may have outlasted the invoker (close() wakes the waiters by failing the jobs) or the caller.
    if (this.closed || signal?.aborted) {
      release();
      throw this.closed ? new Error('LocalInvoker is closed') : signal!.reason;
    }
    const child = this.idle.pop() ?? this.spawnPooled(1);
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      // The chunk's clock starts when the child is ready, so a cold start does not eat into it.
      let timer = child.ready
        ? undefined
        : setTimeout(() => {
            this.fail(child, job, new InvokeError(`worker process did not start within ${CHILD_START_TIMEOUT_MS} ms`, 'crashed', chunkId));
          }, CHILD_START_TIMEOUT_MS);
      const start = () => {
        if (!child.jobs.has(id)) return; // settled while the child was starting
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.fail(child, job, new InvokeError(`chunk ${chunkId} ran past the chunk timeout (${this.chunkTimeoutMs} ms); its worker process was killed`, 'timeout', chunkId));
        }, this.chunkTimeoutMs);
        const message: InvokeMessage = { type: 'invoke', id, event: eventAt(), timeoutMs: this.chunkTimeoutMs };
        job.sent = true;
        child.proc.send(message, (error) => {
          if (error)
            this.fail(child, job, new InvokeError(`cannot send chunk ${chunkId} to its worker process: ${error.message}`, 'crashed', chunkId, undefined, { cause: error }));
        });
        this.shareConcurrency(child);
      };
      const onAbort = () => this.fail(child, job, signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const job: Job = {
        id,
        chunkId,
        take,
        answer: (result) => {
          const answered = answer(result);
          if (answered.ok) resolve(answered.value);
          else reject(new InvokeError(answered.why, 'bad-response', chunkId));
        },
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          release();
        },
      };
      child.jobs.set(id, job);
      if (child.ready) start();
      else child.onReady.push(start);
    });
  }

  /**
   * Tells the running chunk over IPC; a chunk not sent to its child yet (the run loop calls
   * invoke a tick after dispatching, and it may wait for a free child) gets them in its event.
   */
  raiseHostLimits(chunkId: string, hostLimits: Readonly<Record<string, number>>): boolean {
    for (const child of this.children) {
      const job = [...child.jobs.values()].find((j) => j.chunkId === chunkId);
      if (job === undefined || !job.sent) continue;
      const message: HostLimitsMessage = { type: 'host-limits', id: job.id, hostLimits: { ...hostLimits } };
      child.proc.send(message, () => {}); // a send error is the child dying: its exit fails the job
      return true;
    }
    if (this.closed) return false;
    this.raised.set(chunkId, { ...this.raised.get(chunkId), ...hostLimits });
    return true;
  }

  /** Kills every child; in-flight invocations reject, queued ones too (as their slots free up). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exits = [...this.alive].map((child) => child.exited);
    for (const child of [...this.children]) {
      const [job] = child.jobs.values();
      if (job) this.fail(child, job, new InvokeError(`chunk ${job.chunkId} was cut short: the invoker closed`, 'crashed', job.chunkId));
      else child.proc.disconnect(); // an idle child exits on its own when the channel closes
    }
    if (!this.waitForExit) {
      // Tearing a child down (its heap included) takes ~0.1 s that the caller need not wait for.
      for (const child of this.alive) {
        child.proc.unref();
        child.proc.channel?.unref();
      }
      return;
    }
    const grace = setTimeout(this.killAll, 2_000);
    await Promise.all(exits);
    clearTimeout(grace);
  }

  /**
   * Starts the whole pool now instead of on the first chunks, so the workers' start-up (loading
   * the bundle, like a Lambda cold start) overlaps whatever the caller does before dispatching.
   */
  prestart(): this {
    while (!this.closed && this.children.size < this.workers) this.spawnPooled(0);
    releaseEarlyChildren(); // started for a pool of another size (see local-fork.ts)
    return this;
  }

  /** `event` with the host limits raised for it before it was sent (see raiseHostLimits). */
  private withRaisedLimits(event: WorkerEventInput): WorkerEventInput {
    const raised = this.raised.get(event.chunkId);
    if (raised === undefined) return event;
    this.raised.delete(event.chunkId);
    const hostLimits = { ...event.options?.hostLimits };
    for (const [key, limit] of Object.entries(raised)) if (key in hostLimits && limit > hostLimits[key]!) hostLimits[key] = limit;
    return { ...event, options: { ...event.options, hostLimits } };
  }

  /** A new child, its job slots in the idle list but for `taken` of them (the caller's). */
  private spawnPooled(taken: number): Child {
    const child = this.spawn();
    for (let i = taken; i < this.jobsPerChild; i++) this.idle.push(child);
    return child;
  }

  private spawn(): Child {
    if (this.alive.size === 0) process.on('exit', this.killAll);
    const { proc, ready } = takeChild({ workerModule: this.workerModule, workerExport: this.workerExport, childOutput: this.childOutput });
    const child: Child = { proc, ready, jobs: new Map(), onReady: [], exited: new Promise((resolve) => proc.once('exit', () => resolve())) };
    this.children.add(child);
    this.alive.add(child);
    proc.on('message', (reply: ChildReply) => this.onReply(child, reply));
    proc.once('exit', (code, sig) => {
      this.children.delete(child);
      this.alive.delete(child);
      if (this.alive.size === 0) process.off('exit', this.killAll);
      this.dropIdle(child);
      const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      for (const job of [...child.jobs.values()]) {
        this.settle(child, job, () => job.reject(new InvokeError(`worker process running chunk ${job.chunkId} ${how}`, 'crashed', job.chunkId)));
      }
    });
    proc.on('error', (error) => {
      const [job] = child.jobs.values();
      if (job) this.fail(child, job, new InvokeError(`worker process error: ${error.message}`, 'crashed', job.chunkId, undefined, { cause: error }));
    });
    return child;
  }

  private onReply(child: Child, reply: ChildReply): void {
    if (reply.type === 'ready') {
      child.ready = true;
      for (const start of child.onReady.splice(0)) start();
      return;
    }
    const job = child.jobs.get(reply.id);
    if (job === undefined) return; // a late answer for a job already settled
    if (reply.type === 'records') {
      for (const record of reply.records) {
        const invalid = job.take(record);
        if (invalid !== undefined) {
          this.fail(child, job, new InvokeError(invalid, 'bad-response', job.chunkId));
          return;
        }
      }
      return;
    }
    if (reply.type === 'error') {
      const error = new InvokeError(`worker threw ${reply.error.name}: ${reply.error.message}`, 'crashed', job.chunkId);
      this.settle(child, job, () => job.reject(error));
    } else {
      this.settle(child, job, () => job.answer(reply.result));
    }
    // Before the next waiter runs (settle() only queued its wake-up); not a child being killed.
    if (!this.closed && this.children.has(child)) this.idle.push(child);
  }

  /** Ends one of the child's jobs once, whichever of reply, exit, timeout or abort comes first. */
  private settle(child: Child, job: Job, finish: () => void): void {
    if (!child.jobs.delete(job.id)) return;
    job.cleanup();
    finish();
    if (this.children.has(child)) this.shareConcurrency(child);
  }

  /** Tells each of the child's running jobs its share of the child's concurrency, when it changed. */
  private shareConcurrency(child: Child): void {
    if (this.workerConcurrency === undefined || child.jobs.size === 0) return;
    const total = Math.max(1, Math.ceil(this.workerConcurrency / child.jobs.size));
    for (const job of child.jobs.values()) {
      if (!job.sent || job.total === total) continue;
      job.total = total;
      const message: HostLimitsMessage = { type: 'host-limits', id: job.id, hostLimits: {}, total };
      child.proc.send(message, () => {}); // a send error is the child dying: its exit fails the job
    }
  }

  /**
   * Fails `job` with `error` and kills its child: its state is unknown, so it is not reused. The
   * child's other jobs fail as `crashed`, saying why; their streamed records stand.
   */
  private fail(child: Child, job: Job, error: unknown): void {
    // Out of the pool first: its jobs settling below must not hand it shares or idle slots.
    this.children.delete(child);
    this.dropIdle(child);
    this.settle(child, job, () => job.reject(error));
    const why = error instanceof Error ? error.message : String(error);
    for (const other of [...child.jobs.values()]) {
      this.settle(child, other, () =>
        other.reject(new InvokeError(`worker process running chunk ${other.chunkId} was killed with chunk ${job.chunkId}: ${why}`, 'crashed', other.chunkId)),
      );
    }
    child.proc.kill('SIGKILL');
  }

  /** Takes every idle job slot of `child` out of the pool (it exited or is being killed). */
  private dropIdle(child: Child): void {
    for (let at = this.idle.indexOf(child); at !== -1; at = this.idle.indexOf(child)) this.idle.splice(at, 1);
  }
}
