import { combinedBound, latencyBound, rowLimit } from '../../bench/bounds';
import { parseArgs } from '../../bench/plan';
import { README_END, README_START, spliceReadme } from '../../bench/readme-block';

describe('combinedBound', () => {
  // 1,000 pages: 2 CPU s of fetching (2 ms/page), 0.5 CPU s of the site (0.5 ms/page); tokenizing 1 CPU ms/page.
  const floor = { pages: 1000, ok: 1000, bytes: 1, wallS: 4, cpuS: 2, totalInFlight: 64, perHost: 64, siteCpuS: 0.5 };

  it('spends every core on fetch + parse, and on the site too in the bound it reports', () => {
    expect(combinedBound(floor, 1, 2)).toStrictEqual({
      cores: 2,
      fetchCpuMsPerPage: 2,
      parseCpuMsPerPage: 1,
      siteCpuMsPerPage: 0.5,
      withoutSitePagesPerS: 2000 / 3,
      pagesPerS: 2000 / 3.5,
    });
  });

  it('is bound by latency when few requests are in flight, by CPU otherwise', () => {
    const bound = combinedBound(floor, 1, 2);
    expect(latencyBound(4, 50)).toBe(80);
    expect(rowLimit(4, 50, bound)).toStrictEqual({ pagesPerS: 80, by: 'latency' });
    expect(rowLimit(64, 50, bound)).toStrictEqual({ pagesPerS: 2000 / 3.5, by: 'CPU' });
  });
});

describe('spliceReadme', () => {
  it('replaces what is between the markers, markers included', () => {
    const readme = `# x\n${README_START}\nold\n${README_END}\ntail\n`;
    expect(spliceReadme(readme, `${README_START}\nnew\n${README_END}`)).toBe(`# x\n${README_START}\nnew\n${README_END}\ntail\n`);
  });

  it('leaves a README without markers alone', () => {
    expect(spliceReadme('# x\n', 'block')).toBeUndefined();
  });
});

describe('parseArgs', () => {
  it('defaults to the full run', () => {
    expect(parseArgs([], {})).toStrictEqual({ quick: false, latencyMs: 50, hosts: 16, pages: 1000, timeoutS: 600, profile: true, renderOnly: false });
  });

  it.each([[['--quick']], [[]]])('takes quick mode from %j or FANOUT_BENCH_QUICK=1', (argv) => {
    const args = parseArgs(argv, argv.length === 0 ? { FANOUT_BENCH_QUICK: '1' } : {});
    expect(args).toMatchObject({ quick: true, pages: 150 });
  });

  it('rejects a flag without a number', () => {
    expect(() => parseArgs(['--pages', 'many'], {})).toThrow('--pages needs a number ≥ 0, got many');
  });
});
