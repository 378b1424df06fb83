import { renderThroughputChart } from '../../bench/chart';
import { packageOf } from '../../bench/profile-summary';
import { limitFor } from '../../bench/report';

describe('packageOf', () => {
  it.each([
    ['file:///r/node_modules/htmlparser2/dist/commonjs/Tokenizer.js', 'htmlparser2'],
    ['file:///r/node_modules/@aws-sdk/client-lambda/dist/index.js', '@aws-sdk/client-lambda'],
    ['file:///r/dist/cli.js', 'dist/cli.js'],
    ['file:///r/functions/worker/parse-page.ts', 'functions/worker/parse-page.ts'],
    ['node:internal/streams/readable', 'node:streams'],
    ['', '(v8: gc, program)'],
  ])('%s -> %s', (url, expected) => {
    expect(packageOf(url, '/r')).toBe(expected);
  });
});

describe('limitFor', () => {
  it('is the smaller of the latency bound and the parse bound', () => {
    expect(limitFor(4, 50, 700)).toBe(80);
    expect(limitFor(128, 50, 700)).toBe(700);
  });
});

describe('renderThroughputChart', () => {
  const input = {
    title: 'T <&>',
    latencyMs: 50,
    parseBoundPagesPerS: 700,
    points: [
      { inFlight: 1, pagesPerS: 15, label: 'sequential', kind: 'baseline' as const },
      { inFlight: 128, pagesPerS: 300, label: 'best', kind: 'best' as const },
    ],
  };

  it('draws both limits, every point and an escaped title', () => {
    const svg = renderThroughputChart(input);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('T &lt;&amp;&gt;');
    expect(svg).toContain('latency bound (in flight / 50 ms)');
    expect(svg).toContain('parse-CPU bound (700 pages/s)');
    expect(svg.match(/<circle /g)?.length).toBe(2 + 4); // two points, four legend dots
  });

  it('is deterministic', () => {
    expect(renderThroughputChart(input)).toBe(renderThroughputChart(input));
  });
});
