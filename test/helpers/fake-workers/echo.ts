/**
 * Fake worker handlers for LocalInvoker tests, loaded in child processes by export name:
 * each stands in for the real handler with one behaviour (echo, crash once, hang, throw).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../../../core/contract';

interface Context {
  getRemainingTimeInMillis(): number;
}

function echoResult(event: WorkerEventInput, context?: Context): WorkerResult {
  const outcomes: Outcome[] = event.urls.map((url) => ({
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/plain',
    bytes: 0,
    ms: 0,
    title: `pid ${process.pid}`,
    description: null,
    links: [],
    data: { remainingMs: context?.getRemainingTimeInMillis() ?? null, pid: process.pid },
    attempts: 1,
  }));
  return { runId: event.runId, chunkId: event.chunkId, outcomes, unstarted: [], stats: { ok: outcomes.length, failed: 0, bytes: 0, ms: 0 } };
}

/** Answers every URL with a success whose `data` says which process ran it and how much time it had. */
export async function echo(event: WorkerEventInput, context?: Context): Promise<WorkerResult> {
  return echoResult(event, context);
}

/** The marker that tells `crashOnce` a process of this run already crashed. */
export function crashMarker(runId: string): string {
  return path.join(os.tmpdir(), `fanout-crash-once-${runId}`);
}

/** SIGKILLs its own process on the first chunk of a run (a marker file remembers), then echoes. */
export async function crashOnce(event: WorkerEventInput, context?: Context): Promise<WorkerResult> {
  try {
    fs.writeFileSync(crashMarker(event.runId), String(process.pid), { flag: 'wx' });
  } catch {
    return echoResult(event, context); // the marker exists: someone crashed already
  }
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => {}); // never reached: the signal ends the process
}

/** Hangs on chunks whose first URL contains `hang`; echoes the rest. */
export async function hangSome(event: WorkerEventInput, context?: Context): Promise<WorkerResult> {
  if (event.urls[0]?.includes('hang')) return new Promise(() => {});
  return echoResult(event, context);
}

/** Throws, as a handler rejecting a bad event would. */
export async function throws(): Promise<WorkerResult> {
  throw new RangeError('no such chunk');
}

/** Returns something that is not a WorkerResult. */
export async function garbage(): Promise<unknown> {
  return { hello: 'world' };
}

/**
 * First invocation of a chunk (`chunk-N`, no `.2`): streams the records of its first 30 URLs, waits
 * until they are on the IPC channel, then the process dies. Later invocations echo every URL they get.
 */
export async function streamThenCrash(event: WorkerEventInput, context: Context, onRecord: (record: Outcome) => void): Promise<WorkerResult> {
  const result = echoResult(event, context);
  if (event.chunkId.includes('.')) return result;
  for (const record of result.outcomes.slice(0, 30)) onRecord(record);
  await new Promise((resolve) => setImmediate(resolve)); // the child flushes this tick's records first
  // IPC keeps order: once this message is on the channel, so are the records before it.
  await new Promise((resolve) => process.send?.({ type: 'noop' }, undefined, {}, resolve));
  process.exit(1);
}

/**
 * Reports the host limits it runs with in its record's `data`: those of its event, or, for a chunk
 * whose first URL contains `wait`, the first raised limits the parent sends while it runs (it
 * streams a `{ started: true }` record first, so the parent knows it is running).
 */
export async function reportLimits(
  event: WorkerEventInput,
  context: Context & { onHostLimits(listener: (limits: Record<string, number>) => void): void },
  onRecord: (record: Outcome) => void,
): Promise<WorkerResult> {
  let limits = event.options?.hostLimits ?? {};
  if (event.urls[0]?.includes('wait')) {
    const raised = new Promise<Record<string, number>>((resolve) => context.onHostLimits(resolve));
    const started = echoResult(event, context).outcomes?.[0];
    if (started?.ok) onRecord({ ...started, data: { started: true } });
    limits = await raised;
  }
  const result = echoResult(event, context);
  for (const outcome of result.outcomes ?? []) if (outcome.ok) outcome.data = { hostLimits: limits };
  return result;
}

/**
 * Reports the shares of its process's concurrency it is told while it runs: streams a
 * `{ started: true }` record, then waits for as many as its first URL's `nN` says (`/n2`: two)
 * and answers with them in `data.totals`.
 */
export async function reportShares(
  event: WorkerEventInput,
  context: Context & { onHostLimits(listener: (limits: Record<string, number>, total?: number) => void): void },
  onRecord: (record: Outcome) => void,
): Promise<WorkerResult> {
  const wanted = Number(/\/n(\d+)/.exec(event.urls[0] ?? '')?.[1] ?? 1);
  const totals: number[] = [];
  const told = new Promise<void>((resolve) =>
    context.onHostLimits((_limits, total) => {
      if (total !== undefined && totals.push(total) >= wanted) resolve();
    }),
  );
  const started = echoResult(event, context).outcomes?.[0];
  if (started?.ok) onRecord({ ...started, data: { started: true } });
  await told;
  const result = echoResult(event, context);
  for (const outcome of result.outcomes ?? []) if (outcome.ok) outcome.data = { ...outcome.data, totals };
  return result;
}
