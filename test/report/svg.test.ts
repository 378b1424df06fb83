import { SafeHtml } from '../../report/render/escape';
import { r1, svgElement, valueGridLine, xAxisMark, type GridStyle, type PlotBox } from '../../report/render/svg';

const BOX: PlotBox = { left: 50, top: 20, width: 200, height: 100 };
const CLASSES: GridStyle = { line: { class: 'grid' }, label: { class: 'tick-label' } };

describe('svgElement', () => {
  it.each<[string, Parameters<typeof svgElement>, string]>([
    ['self-closes without content', ['line', { x1: 1, y1: 2 }], '<line x1="1" y1="2"/>'],
    ['rounds numbers to a tenth', ['circle', { cx: 10.04, cy: 3.16, r: 4 }], '<circle cx="10" cy="3.2" r="4"/>'],
    ['escapes attribute values', ['text', { fill: '"><script>' }, 'x'], '<text fill="&quot;&gt;&lt;script&gt;">x</text>'],
    ['escapes string content', ['title', {}, `a < b & "c" 'd'`], '<title>a &lt; b &amp; &quot;c&quot; &#39;d&#39;</title>'],
    ['keeps SafeHtml content as it is', ['circle', { r: 1 }, new SafeHtml('<title>t</title>')], '<circle r="1"><title>t</title></circle>'],
  ])('%s', (_name, args, expected) => {
    expect(svgElement(...args).value).toBe(expected);
  });
});

describe('r1', () => {
  it.each([
    [12.34, 12.3],
    [12.35, 12.4],
    [0.05, 0.1],
    [7, 7],
  ])('%p -> %p', (n, expected) => expect(r1(n)).toBe(expected));
});

describe('grid helpers', () => {
  it('valueGridLine spans the plot at y and labels it left of the plot', () => {
    expect(valueGridLine(BOX, 70.04, '1 < 2', CLASSES).value).toBe(
      '<line class="grid" x1="50" x2="250" y1="70" y2="70"/><text class="tick-label" x="44" y="74" text-anchor="end">1 &lt; 2</text>',
    );
  });

  it('xAxisMark draws a tick below the axis, or a line through the plot, labelled under it', () => {
    const inline: GridStyle = { line: { stroke: '#eee' }, label: {} };
    expect(xAxisMark(BOX, 80, '4', CLASSES, 'tick').value).toBe(
      '<line class="grid" x1="80" x2="80" y1="120" y2="124"/><text class="tick-label" x="80" y="137" text-anchor="middle">4</text>',
    );
    expect(xAxisMark(BOX, 80, '4', inline, 'plot').value).toBe('<line stroke="#eee" x1="80" x2="80" y1="20" y2="120"/><text x="80" y="137" text-anchor="middle">4</text>');
  });
});
