/**
 * A fake worker handler whose behaviour is written in its URLs, so the same test cases run on
 * LocalInvoker (child processes) and on LambdaInvoker (the emulator, in-process):
 *
 * - `/poison`: the worker dies on every chunk that contains it (a page that kills its worker).
 * - `/crash-once`: dies the first time a chunk with it runs in this run.
 * - `/hang-once`: never answers the first time (the invoker's timeout ends it).
 * - `/partial-once`: the first time, answers only the first half of the chunk; the rest `unstarted`.
 * - anything else: a success whose title is the URL.
 *
 * "Dies" is a SIGKILL of its own process in `scriptedKill` (LocalInvoker), a thrown error in
 * `scriptedThrow` and `scriptedStream` (the emulator runs handlers inside the test process;
 * `scriptedStream` is the response-streaming form the deployed worker has). "Once" is remembered in a
 * marker file per run and URL: see {@link markerDir}.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../../../core/contract';
import { fakeLambdaRuntime } from '../../helpers/fake-lambda-runtime';

/** Where the "once" markers of a run live; tests remove it afterwards. */
export function markerDir(runId: string): string {
  return path.join(os.tmpdir(), 'fanout-robustness-markers', runId);
}

/** True the first time it is called for this run and URL, in any process. */
function firstTime(runId: string, url: string): boolean {
  const dir = markerDir(runId);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(path.join(dir, createHash('sha1').update(url).digest('hex')), url, { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

function ok(url: string): Outcome {
  return { url, ok: true, finalUrl: url, status: 200, contentType: 'text/html', bytes: 1, ms: 1, title: url, description: null, links: [], attempts: 1 };
}

async function scripted(event: WorkerEventInput, die: () => Promise<never>): Promise<WorkerResult> {
  const { runId, chunkId, urls } = event;
  const answer = (done: string[], unstarted: string[]): WorkerResult => ({
    runId,
    chunkId,
    outcomes: done.map(ok),
    unstarted,
    stats: { ok: done.length, failed: 0, bytes: done.length, ms: 1 },
  });
  if (urls.some((u) => u.includes('/poison'))) return die();
  if (urls.some((u) => u.includes('/crash-once') && firstTime(runId, u))) return die();
  if (urls.some((u) => u.includes('/hang-once') && firstTime(runId, u))) return new Promise(() => {});
  if (urls.some((u) => u.includes('/partial-once') && firstTime(runId, u))) {
    const half = Math.ceil(urls.length / 2);
    return answer(urls.slice(0, half), urls.slice(half));
  }
  return answer(urls, []);
}

/** For LocalInvoker: dying is a SIGKILL of this child process. */
export function scriptedKill(event: WorkerEventInput): Promise<WorkerResult> {
  return scripted(event, () => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => {});
  });
}

/** For the Lambda emulator (in-process): dying is a thrown error, which Lambda reports as a function error. */
export function scriptedThrow(event: WorkerEventInput): Promise<WorkerResult> {
  return scripted(event, () => Promise.reject(new Error('worker process died (simulated)')));
}

/** {@link scriptedThrow} as a response-streaming Lambda handler: its records as NDJSON lines, then the end line. */
export const scriptedStream = fakeLambdaRuntime.streamifyResponse(async (event, responseStream) => {
  const { outcomes, ...end } = await scriptedThrow(event as WorkerEventInput);
  for (const record of outcomes) responseStream.write(`${JSON.stringify({ type: 'record', record })}\n`);
  responseStream.end(`${JSON.stringify({ type: 'end', ...end })}\n`);
});
