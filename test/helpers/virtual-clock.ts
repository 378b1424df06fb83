/**
 * A clock that moves only when a test moves it. Timers set on it fire, in order of due time and
 * synchronously, as {@link VirtualClock.advance} passes them. For code that picks a path by a time
 * budget (the scheduled run's handover): the test decides how much budget each step spends, so
 * the path taken is the same on an idle machine and on a loaded one.
 *
 * @example
 * const clock = new VirtualClock();
 * orchestrate(event, { ...deps, remainingMs: () => budgetMs - clock.now(), setTimer: clock.setTimer });
 * // ...and each chunk start calls clock.advance(100)
 */
export class VirtualClock {
  private nowMs = 0;
  private seq = 0;
  private readonly timers: { at: number; seq: number; callback: () => void }[] = [];

  /** Virtual milliseconds since the clock was made. */
  now(): number {
    return this.nowMs;
  }

  /** Sets a timer `ms` from now; returns what cancels it (the shape of `OrchestrateDeps.setTimer`). */
  readonly setTimer = (callback: () => void, ms: number): (() => void) => {
    const timer = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  };

  /** Moves the clock on by `ms`, firing each timer that falls due on the way, earliest first. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.nowMs = due.at;
      due.callback();
    }
    this.nowMs = target;
  }
}
