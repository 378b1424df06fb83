import { ARM64_USD_PER_GB_SECOND, estimateCost, USD_PER_MILLION_REQUESTS } from '../../report/cost-model';

describe('estimateCost', () => {
  const base = { pages: 1000, chunkSize: 100, memoryMb: 1024, cpuMsPerPage: 2, latencyMs: 640, concurrency: 64, overheadMsPerInvocation: 0 };

  it('bills latency-bound chunks at latency / concurrency per page', () => {
    const cost = estimateCost(base);
    // 640 / 64 = 10 ms per page > 2 / (1024/1769) = 3.45 ms of CPU: latency sets the pace.
    expect(cost.boundBy).toBe('latency');
    expect(cost.msPerPage).toBe(10);
    expect(cost.invocations).toBe(10);
    expect(cost.msPerChunk).toBe(1000);
    expect(cost.gbSeconds).toBeCloseTo(10 * 1 * 1, 10);
    expect(cost.computeUsd).toBeCloseTo(10 * ARM64_USD_PER_GB_SECOND, 12);
    expect(cost.requestUsd).toBeCloseTo((10 / 1e6) * USD_PER_MILLION_REQUESTS, 12);
    expect(cost.usdPerMillionPages).toBeCloseTo((cost.totalUsd / 1000) * 1e6, 9);
  });

  it('stretches CPU-bound pages below one vCPU and caps the share at one vCPU', () => {
    const small = estimateCost({ ...base, cpuMsPerPage: 20, memoryMb: 884.5 });
    expect(small.boundBy).toBe('cpu');
    expect(small.vcpus).toBeCloseTo(0.5, 10);
    expect(small.msPerPage).toBeCloseTo(40, 10);
    const big = estimateCost({ ...base, cpuMsPerPage: 20, memoryMb: 3008 });
    expect(big.vcpus).toBe(1);
    expect(big.msPerPage).toBe(20);
  });

  it('never has more in flight than a chunk holds', () => {
    expect(estimateCost({ ...base, chunkSize: 16 }).msPerPage).toBe(640 / 16);
  });

  it('bills a short last chunk for its own pages, plus overhead per invocation', () => {
    const cost = estimateCost({ ...base, pages: 150, overheadMsPerInvocation: 30 });
    expect(cost.invocations).toBe(2);
    // 30 + 100 * 10 and 30 + 50 * 10 ms, at 1 GB.
    expect(cost.gbSeconds).toBeCloseTo(1.03 + 0.53, 10);
  });

  it('charges nothing for no pages', () => {
    expect(estimateCost({ ...base, pages: 0 })).toMatchObject({ invocations: 0, totalUsd: 0, usdPerMillionPages: 0 });
  });

  it.each([
    ['chunkSize', { chunkSize: 0 }],
    ['memoryMb', { memoryMb: -1 }],
    ['cpuMsPerPage', { cpuMsPerPage: Number.NaN }],
    ['pages', { pages: 1.5 }],
  ])('rejects a bad %s', (name, patch) => {
    expect(() => estimateCost({ ...base, ...patch })).toThrow(new RegExp(`^${name}`));
  });
});
