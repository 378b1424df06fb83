/**
 * Ctrl-C and SIGTERM during `fanout run`: the first stops gracefully (chunks in flight finish,
 * for up to the grace period), the second cancels the chunks in flight.
 */

/** The signals to hand to runChunks (`stopSignal`, `signal`), and `release` to stop trapping. */
export interface TrappedSignals {
  stopSignal: AbortSignal;
  signal: AbortSignal;
  release: () => void;
}

/** Traps SIGINT and SIGTERM until `release`; `quiet` leaves out the message on the first one. */
export function trapSignals(quiet: boolean, graceMs?: number): TrappedSignals {
  const stop = new AbortController();
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      stop.abort();
      const upTo = graceMs === undefined ? '' : ` (up to ${graceMs / 1000} s)`;
      if (!quiet) process.stderr.write(`\nfanout: ${signal}: finishing the chunks in flight${upTo}, then stopping (again to stop now)\n`);
    } else {
      cancel.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopSignal: stop.signal,
    signal: cancel.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
