/**
 * How a run listens to its two stop signals: `stopSignal` stops it gracefully (and cancels it
 * `stopGraceMs` later), `signal` cancels it at once. See RunOptions for what each means.
 */
import type { RunOptions } from './run-options';

/** `stopped`: start nothing new; `cancelled`: also cancel the invocations in flight. */
export type StopMode = 'stopped' | 'cancelled';

/**
 * Calls `halt` when either signal fires (at once if one already has), and returns the function
 * that stops listening and drops a pending grace timer; call it when the run ends.
 */
export function watchStop({ stopSignal, signal }: Pick<RunOptions, 'stopSignal' | 'signal'>, stopGraceMs: number | undefined, halt: (to: StopMode) => void): () => void {
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    halt('stopped');
    if (stopGraceMs !== undefined && graceTimer === undefined) graceTimer = setTimeout(() => halt('cancelled'), stopGraceMs);
  };
  const onCancel = () => halt('cancelled');
  stopSignal?.addEventListener('abort', onStop);
  signal?.addEventListener('abort', onCancel);
  if (stopSignal?.aborted) onStop();
  if (signal?.aborted) onCancel();
  return () => {
    clearTimeout(graceTimer);
    stopSignal?.removeEventListener('abort', onStop);
    signal?.removeEventListener('abort', onCancel);
  };
}
