/**
 * The stack of open elements: what it decides for the record (namespace, template, document
 * order), and its bounds (issue 12 item 9: a nesting cap dropped every link after it).
 */
import { MAX_OPEN_ELEMENTS, OpenElements } from '../../functions/worker/parse/open-elements';
import { scanRecord } from '../../functions/worker/parse/record-scanner';

const hrefs = (html: string) => scanRecord(html).hrefs;

describe('foreign content: SVG and MathML', () => {
  it.each([
    ['<style> in SVG is markup', '<svg><style><a href="/in"></style></svg>', ['/in']],
    ['<a> in SVG is a link', '<svg><a href="/svg"/></svg><a href="/after">', ['/svg', '/after']],
    ['</svg> returns to HTML', '<svg></svg><style><a href="/in"></style>', []],
    ['<svg/> closes itself', '<svg/><style><a href="/in"></style>', []],
    ['a breakout tag (<p>) leaves SVG', '<svg><p><style><a href="/in"></style>', []],
    ['<font> leaves only with color, face or size', '<svg><font><style><a href="/in"></style></svg><svg><font size=2><style><a href="/no">', ['/in']],
    ['an end tag of an HTML parent closes the SVG in it', '<span><svg></span><style><a href="/in"></style>', []],
    ['in foreignObject, start tags are HTML', '<svg><foreignObject><style><a href="/in"></style>', []],
    ['in MathML <mi>, start tags are HTML', '<math><mi><style><a href="/in"></style>', []],
    ['annotation-xml is an integration point in MathML only', '<svg><annotation-xml encoding="text/html"><style><a href="/in">', ['/in']],
    ['</form> leaves what was opened in the form open', '<form><svg></form><style><a href="/in"></style>', ['/in']],
    // The adoption agency: the </b> closes the <svg> opened inside the <div> (in its second round).
    ['a formatting end tag past a block', '<b><div><svg></b><style><a href="/in"></style>', []],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('template content is not part of the document', () => {
  it.each([
    ['its links', '<template><a href="/in"></template><a href="/after">', ['/after']],
    ['nested templates', '<template><template></template><a href="/in"></template><a href="/after">', ['/after']],
    ['closed from inside foreign content', '<template><svg><a href="/in"></template><a href="/after">', ['/after']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });

  it('nor its <base> or <meta>', () => {
    expect(scanRecord('<template><base href="/tpl/"><meta name=description content=T></template>')).toMatchObject({ baseHref: undefined, description: undefined });
  });
});

describe('document order: foster parenting', () => {
  it.each([
    ['a link between rows goes before the table', '<table><tr><td><a href="/cell"></td></tr><a href="/stray"></table>', ['/stray', '/cell']],
    ['what opens inside it goes there too', '<table><tr><td><a href="/cell"></td><b><a href="/in-b"></b></tr></table>', ['/in-b', '/cell']],
    ['inner tables foster before themselves', '<table><td><a href="/1"><table><td><a href="/2"></td><a href="/3"></table></table>', ['/1', '/3', '/2']],
    ['content in a cell is not fostered', '<table><tr><td><a href="/1"></td><td><a href="/2">', ['/1', '/2']],
    ['nor a <script> or <style> in a table', '<table><tr><td><a href="/1"></td></tr><style></style><a href="/2">', ['/2', '/1']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('<select>, as the current standard reads it (whatwg/html#10557)', () => {
  it.each([
    // Deliberate (README): parse5 7 still drops tags other than option/optgroup in a select
    ['a link in a select is a link', '<select><option>x<a href="/in">y</a></select>', ['/in']],
    ['a nested <select> closes it', '<select><select><a href="/after">', ['/after']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('nesting: memory stays bounded and the whole page is read', () => {
  it('finds all 1,000,000 links of unclosed <a> tags (each closes the one before, as in a browser)', () => {
    const page = Array.from({ length: 1_000_000 }, (_, i) => `<a href=/${i}>`).join('');
    const found = hrefs(page);
    expect(found).toHaveLength(1_000_000);
    expect([found[0], found[511], found[512], found[999_999]]).toStrictEqual(['/0', '/511', '/512', '/999999']);
  });

  it.each([
    ['links inside and after 10,000 nested divs', `${'<div>'.repeat(10_000)}<a href="/deep">${'</div>'.repeat(10_000)}<a href="/after">`, ['/deep', '/after']],
    ['after 10,000 unclosed formatting elements', `${'<b>'.repeat(10_000)}<a href="/deep">`, ['/deep']],
    ['past the nesting, unmatched end tags', `${'<div>'.repeat(MAX_OPEN_ELEMENTS)}${'</span>'.repeat(1000)}<a href="/deep">`, ['/deep']],
    ['text elements still read as text past the nesting', `${'<div>'.repeat(MAX_OPEN_ELEMENTS + 1)}<style><a href="/in"></style><a href="/after">`, ['/after']],
    ['implied closes keep lists flat', `<ul>${'<li>x'.repeat(5000)}</ul><a href="/end">`, ['/end']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });

  it(`remembers at most ${MAX_OPEN_ELEMENTS} open elements, counts the rest, and closes them all`, () => {
    const elements = new OpenElements();
    for (let i = 0; i < 100_000; i++) elements.startTag('div', false);
    expect(elements.remembered).toBe(MAX_OPEN_ELEMENTS);
    for (let i = 0; i < 100_000 - 1; i++) elements.endTag('div');
    expect(elements.remembered).toBe(1);
    elements.endTag('div');
    expect(elements.remembered).toBe(0);
  });

  it.each([
    ['<a>', 'a', 1],
    ['<p>', 'p', 1],
    ['<li>', 'li', 1],
    ['<option>', 'option', 1],
    ['<td> outside a table (ignored)', 'td', 0],
    ['<br> (void)', 'br', 0],
  ])('%s repeated 100,000 times stays as shallow as in a browser', (_name, tag, depth) => {
    const elements = new OpenElements();
    for (let i = 0; i < 100_000; i++) elements.startTag(tag, false);
    expect(elements.remembered).toBe(depth);
  });
});
