/**
 * How much CPU other work on the machine took while the bench ran: every process that is not the
 * bench or one of its descendants, sampled from /proc once a second. The load average cannot tell
 * this: the bench's own last phases keep it above 1 on 2 cores, so every run looked "loaded".
 *
 * A process counts as the bench's once it was ever seen under it (a worker its CLI killed on exit
 * is reparented to init before it is reaped); zombies are skipped (their CPU is final). Work that
 * starts and ends between two samples is missed, so this is a lower bound.
 */
import { allProcs, CLK_TCK, type ProcSample } from './measure';

const SAMPLE_MS = 1000;

export interface OtherWork {
  /** CPU seconds used by processes outside the bench while it ran. */
  cpuS: number;
  /** That, as a share of the machine's capacity over the run (cores x wall). */
  share: number;
}

/** Pure but for `read`: fed one process table per sample, it sums the CPU of processes not under `self`. */
export class OtherWorkMeter {
  private readonly ours: Set<number>;
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private samples = 0;

  constructor(
    private readonly read: () => ReadonlyMap<number, ProcSample> = allProcs,
    self = process.pid,
  ) {
    this.ours = new Set([self]);
  }

  sample(): void {
    const procs = this.read();
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of procs) {
        if (!this.ours.has(pid) && this.ours.has(p.ppid)) {
          this.ours.add(pid);
          grew = true;
        }
      }
    }
    for (const [pid, p] of procs) {
      if (this.ours.has(pid) || p.state === 'Z') continue;
      // Seen at the first sample: only what it uses from now counts. Born later: all of it.
      if (!this.base.has(pid)) this.base.set(pid, this.samples === 0 ? p.cpuTicks : 0);
      this.last.set(pid, p.cpuTicks);
    }
    this.samples++;
  }

  /** Other processes' CPU seconds between the first sample and the last. */
  cpuS(): number {
    let ticks = 0;
    for (const [pid, cpu] of this.last) if (!this.ours.has(pid)) ticks += Math.max(0, cpu - (this.base.get(pid) ?? 0));
    return ticks / CLK_TCK;
  }
}

/** Starts sampling now; the returned function stops and says what other work took. */
export function watchOtherWork(cores: number): () => OtherWork {
  const meter = new OtherWorkMeter();
  const started = performance.now();
  const sample = () => {
    try {
      meter.sample();
    } catch {
      // no /proc: nothing to say
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS).unref();
  return () => {
    clearInterval(timer);
    sample();
    const cpuS = meter.cpuS();
    const wallS = (performance.now() - started) / 1000;
    return { cpuS, share: wallS > 0 ? cpuS / (wallS * cores) : 0 };
  };
}
