import { LAMBDA_PRICING } from '../../report/constants';
import { SummaryBuilder } from '../../report/summary-builder';
import { estimateLambdaCost } from '../../report/lambda-cost';
import { parseRunSummary, toReportSummary } from '../../report/read-summary';

describe('parseRunSummary', () => {
  it('keeps the fields it knows and passes unknown ones through', () => {
    const input = { read: 4, valid: 3, duplicate: 1, invalid: 0 };
    const result = parseRunSummary(JSON.stringify({ runId: 'r', wallMs: 12, input, future: 1 }));
    expect(result).toStrictEqual({ summary: { runId: 'r', wallMs: 12, input, future: 1 } });
  });

  it('reads what the CLI writes', () => {
    const written = new SummaryBuilder(0).finish({ runId: 'r', mode: 'local', input: { read: 0, valid: 0, duplicate: 0, invalid: 0 }, options: { perHost: 8 }, now: 1000 });
    expect(parseRunSummary(JSON.stringify(written))).toStrictEqual({ summary: written });
  });

  it('drops a malformed field instead of rejecting the whole summary', () => {
    const result = parseRunSummary(JSON.stringify({ runId: 'r', wallMs: 'soon', timeline: 'n/a' }));
    // toEqual: a caught field is present as `undefined`, which is what "dropped" means to a reader.
    expect(result).toStrictEqual({ summary: { runId: 'r' } });
    expect('summary' in result && result.summary.wallMs).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
  ])('returns an error value for %s', (_label, text, message) => {
    const result = parseRunSummary(text);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('estimateLambdaCost', () => {
  it('prices GB-seconds by architecture plus requests', () => {
    const cost = estimateLambdaCost(
      toReportSummary({ mode: 'lambda', lambda: { functionName: 'w', memoryMb: 512, billedMs: 3_600_000, invocations: 1_000_000, architecture: 'arm64' } }),
    );
    expect(cost).toStrictEqual({
      architecture: 'arm64',
      memoryMb: 512,
      billedMs: 3_600_000,
      gbSeconds: 1800,
      computeUsd: 1800 * LAMBDA_PRICING.usdPerGbSecond.arm64,
      invocations: 1_000_000,
      requestUsd: 0.2,
      totalUsd: 1800 * LAMBDA_PRICING.usdPerGbSecond.arm64 + 0.2,
    });
  });

  it('uses the x86 price when the summary says so', () => {
    const cost = estimateLambdaCost(
      toReportSummary({ mode: 'lambda', lambda: { functionName: 'w', memoryMb: 1024, billedMs: 1000, invocations: 1, architecture: 'x86_64' } }),
    );
    expect(cost?.computeUsd).toBe(LAMBDA_PRICING.usdPerGbSecond.x86_64);
  });

  it.each([
    ['no summary', undefined],
    ['a local run', toReportSummary({ mode: 'local', lambda: { functionName: 'w', memoryMb: 1024, billedMs: 1000, invocations: 1, architecture: 'arm64' } })],
    ['no billed duration', toReportSummary({ mode: 'lambda', lambda: { memoryMb: 1024 } })],
    ['no memory size', toReportSummary({ mode: 'lambda', lambda: { functionName: 'w', billedMs: 1000, invocations: 1, architecture: 'arm64' } })],
  ])('is null for %s', (_label, summary) => {
    expect(estimateLambdaCost(summary)).toBeNull();
  });
});
