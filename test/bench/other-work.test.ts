import type { ProcSample } from '../../bench/measure';
import { OtherWorkMeter } from '../../bench/other-work';
import { isLoaded } from '../../bench/report';

const proc = (ppid: number, cpuTicks: number, state = 'S'): ProcSample => ({ ppid, cpuTicks, rssPages: 0, state });

describe('other work during a bench run', () => {
  test('counts what processes outside the bench used during the run, never the bench tree', () => {
    const tables: Map<number, ProcSample>[] = [
      // 100 is the bench; 1 is init; 50 ran before the run; 200 is the bench's CLI with worker 201.
      new Map([
        [1, proc(0, 10)],
        [50, proc(1, 1000)],
        [100, proc(1, 5)],
        [200, proc(100, 20)],
        [201, proc(200, 30)],
      ]),
      // The CLI exited and its worker was reparented to init; 60 started meanwhile.
      new Map([
        [1, proc(0, 10)],
        [50, proc(1, 1150)],
        [60, proc(1, 40)],
        [100, proc(1, 50)],
        [201, proc(1, 900)],
      ]),
      // The worker is a zombie now; 60 ended between samples (its last reading stands).
      new Map([
        [1, proc(0, 12)],
        [50, proc(1, 1200)],
        [100, proc(1, 60)],
        [201, proc(1, 950, 'Z')],
      ]),
    ];
    let i = 0;
    const meter = new OtherWorkMeter(() => tables[i++]!, 100);
    for (let k = 0; k < tables.length; k++) meter.sample();
    // 50: 200 ticks; 60: 40 (born during the run); 1: 2; the bench, its CLI and the orphaned worker: none.
    expect(meter.cpuS()).toBeCloseTo(2.42, 5);
  });

  test('a run is loaded when the machine was busy before it or other work took over 5 % during it, not for its own load', () => {
    const m = { loadBefore: [0.1, 0.5, 0.5], loadAfter: [1.4, 1.2, 0.9], cores: 2 };
    expect(isLoaded({ ...m, otherWork: { cpuS: 3, share: 0.01 } } as never)).toBe(false);
    expect(isLoaded({ ...m, otherWork: { cpuS: 80, share: 0.07 } } as never)).toBe(true);
    expect(isLoaded({ ...m, loadBefore: [1.5, 1, 1], otherWork: { cpuS: 0, share: 0 } } as never)).toBe(true);
    expect(isLoaded(m as never)).toBe(true); // runs from before other work was measured: the old rule
  });
});
