/**
 * Progress on stderr: a redrawn bar on a terminal, an occasional plain line otherwise (CI logs,
 * pipes), nothing with `--quiet`.
 */
import { formatDuration } from './summary';

export interface ProgressState {
  done: number;
  total: number;
  errors: number;
}

export interface ProgressReporter {
  update(state: ProgressState): void;
  /** Clears the bar so the summary starts on a clean line. */
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  /** Plain-line interval when stderr is not a terminal. @default 10000 */
  plainIntervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** `512/1000 51% | 120.3 pages/s | ETA 4.1 s | 3 errors`: shared by the bar and the plain lines. */
export function describeProgress(state: ProgressState, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (state.done * 1000) / elapsedMs : 0;
  const pct = state.total > 0 ? Math.floor((state.done * 100) / state.total) : 100;
  const left = state.total - state.done;
  const eta = rate > 0 ? formatDuration((left / rate) * 1000) : '?';
  return `${state.done}/${state.total} ${pct}% | ${rate.toFixed(1)} pages/s | ETA ${eta} | ${state.errors} errors`;
}

export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const started = now();
  if (options.quiet) return { update() {}, stop() {} };

  if (stream.isTTY) {
    let lastDraw = 0;
    let drawn = false;
    return {
      update(state) {
        const t = now();
        if (t - lastDraw < REDRAW_MS && state.done < state.total) return;
        lastDraw = t;
        const filled = state.total > 0 ? Math.round((state.done / state.total) * BAR_WIDTH) : BAR_WIDTH;
        const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
        stream.write(`\r\x1b[2K${bar} ${describeProgress(state, t - started)}`);
        drawn = true;
      },
      stop() {
        if (drawn) stream.write('\r\x1b[2K');
      },
    };
  }

  const interval = options.plainIntervalMs ?? 10_000;
  let lastLine = started;
  return {
    update(state) {
      const t = now();
      if (t - lastLine < interval || state.done >= state.total) return;
      lastLine = t;
      stream.write(`fanout: ${describeProgress(state, t - started)}\n`);
    },
    stop() {},
  };
}
