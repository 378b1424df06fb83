/**
 * When one invocation stops starting work, and when it cancels what still runs, so that it has
 * {@link HANDOVER_MARGIN_MS} left to write its part, its checkpoint and hand over.
 */

/** Time kept back for writing the part, the checkpoint and handing over. */
export const HANDOVER_MARGIN_MS = 30_000;

export interface TimeBudget {
  /** Graceful stop: no new chunk may start, as one might not come back before the margin. */
  stop: AbortSignal;
  /** Hard stop, at the margin: cancel the chunks still in flight. */
  hard: AbortSignal;
  /** Clears the timers. */
  cancel: () => void;
}

/** Starts the budget's timers; `setTimer` returns what cancels its timer (tests pass a virtual clock's). */
export function startTimeBudget(remainingMs: number, workerTimeoutMs: number, setTimer: (callback: () => void, ms: number) => () => void = realTimer): TimeBudget {
  const stop = new AbortController();
  const hard = new AbortController();
  const timers = [
    setTimer(() => stop.abort(), Math.max(0, remainingMs - HANDOVER_MARGIN_MS - workerTimeoutMs)),
    setTimer(() => hard.abort(), Math.max(0, remainingMs - HANDOVER_MARGIN_MS)),
  ];
  const cancel = () => {
    for (const clear of timers) clear();
  };
  return { stop: stop.signal, hard: hard.signal, cancel };
}

function realTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}
