import { MAX_PARSE_DEPTH, parsePage } from '../../functions/worker/parse/parse-page';

const PAGE = 'https://example.com/dir/page.html?q=1';

describe('parsePage: title and description', () => {
  it.each([
    ['plain title', '<title>Hello</title>', 'Hello'],
    ['whitespace trimmed and collapsed', '<title>\n  Hello \t  big\n world  </title>', 'Hello big world'],
    ['entities decoded', '<title>Fish &amp; Chips &lt;3</title>', 'Fish & Chips <3'],
    ['first title wins', '<title>One</title><title>Two</title>', 'One'],
    ['no title', '<p>nothing</p>', null],
    ['blank title', '<title>   </title>', null],
    ['tags inside title are text', '<title>a <b>b</b></title>', 'a <b>b</b>'],
    ['the first HTML title, not an SVG one', '<svg><title>Icon</title></svg><title>Page</title>', 'Page'],
  ])('%s', (_name, html, title) => {
    expect(parsePage(html, PAGE).title).toBe(title);
  });

  it.each([
    ['meta description', '<meta name="description" content="  A  page ">', 'A page'],
    ['name is case-insensitive', '<meta NAME="Description" content="X">', 'X'],
    ['og:description as fallback', '<meta property="og:description" content="OG">', 'OG'],
    ['description preferred over og', '<meta property="og:description" content="OG"><meta name="description" content="D">', 'D'],
    ['empty content falls back', '<meta name="description" content=""><meta property="og:description" content="OG">', 'OG'],
    ['none', '<meta name="keywords" content="k">', null],
  ])('%s', (_name, html, description) => {
    expect(parsePage(html, PAGE).description).toBe(description);
  });

  it('an empty document is a page with nulls and no links', () => {
    expect(parsePage('', PAGE)).toStrictEqual({ title: null, description: null, links: [] });
  });
});

describe('parsePage: links', () => {
  it.each([
    ['relative path', '<a href="other.html">', ['https://example.com/dir/other.html']],
    ['root-relative', '<a href="/x">', ['https://example.com/x']],
    ['parent path', '<a href="../up">', ['https://example.com/up']],
    ['absolute', '<a href="http://other.org/a?b=c">', ['http://other.org/a?b=c']],
    ['protocol-relative', '<a href="//cdn.example.net/p">', ['https://cdn.example.net/p']],
    ['fragment dropped', '<a href="/x#section">', ['https://example.com/x']],
    ['fragment-only is the page itself', '<a href="#top">', ['https://example.com/dir/page.html?q=1']],
    ['mailto, javascript, tel, data skipped', '<a href="mailto:a@b.c"><a href="javascript:void(0)"><a href="tel:1"><a href="data:text/plain,x">', []],
    ['invalid href skipped', '<a href="http://[::1">', []],
    ['a without href skipped', '<a name="x">', []],
    ['de-duplicated in document order', '<a href="/b"><a href="/a"><a href="/b#x"><a href="https://example.com/a">', ['https://example.com/b', 'https://example.com/a']],
    ['entities in href decoded', '<a href="/s?a=1&amp;b=2">', ['https://example.com/s?a=1&b=2']],
    ['surrounding whitespace ignored', '<a href="  /x  ">', ['https://example.com/x']],
    ['<base href> used', '<base href="https://base.org/sub/"><a href="p">', ['https://base.org/sub/p']],
    ['relative <base href> resolved against the page', '<base href="/b/"><a href="p">', ['https://example.com/b/p']],
    ['<base> after the links still applies', '<a href="p"><base href="https://base.org/">', ['https://base.org/p']],
    ['first <base href> wins', '<base href="https://one.org/"><base href="https://two.org/"><a href="p">', ['https://one.org/p']],
    ['a javascript: <base> is not used', '<base href="javascript:x"><a href="p">', ['https://example.com/dir/p']],
    ['links relative to an ftp: <base> are ftp: (skipped), as in a browser', '<base href="ftp://files.org/"><a href="p"><a href="https://e.org/">', ['https://e.org/']],
  ])('%s', (_name, html, links) => {
    expect(parsePage(html, PAGE).links).toStrictEqual(links);
  });
});

describe('parsePage: extraction', () => {
  const html = `<title>T</title>
    <h1> Big
      Title </h1>
    <p class="price" data-value="9.50">Price: <b>9.50</b></p>
    <ul><li class="tag">a</li><li class="tag"> b  c </li><li class="tag" data-x="1">d</li></ul>
    <img src="/one.png"><img src="/two.png">`;

  it('takes text, attributes, inner HTML, first or all, and null for no match', () => {
    const { data, title } = parsePage(html, PAGE, {
      heading: { selector: 'h1' },
      price: { selector: '.price', attr: 'data-value' },
      priceHtml: { selector: '.price', html: true },
      tags: { selector: '.tag', all: true },
      tagAttrs: { selector: '.tag', attr: 'data-x', all: true },
      images: { selector: 'img', attr: 'src', all: true },
      missing: { selector: '.nope' },
      missingAll: { selector: '.nope', all: true },
      missingAttr: { selector: 'h1', attr: 'id' },
    });
    expect(title).toBe('T');
    expect(data).toStrictEqual({
      heading: 'Big Title',
      price: '9.50',
      priceHtml: 'Price: <b>9.50</b>',
      tags: ['a', 'b c', 'd'],
      tagAttrs: ['1'],
      images: ['/one.png', '/two.png'],
      missing: null,
      missingAll: [],
      missingAttr: null,
    });
  });

  it('gives the same title, description and links with or without a spec', () => {
    const page = '<base href="/b/"><title> X </title><meta name="description" content="D"><a href="p">p</a><a href="#f">f</a>';
    const { data, ...withSpec } = parsePage(page, PAGE, { x: { selector: 'a', all: true } });
    expect(withSpec).toStrictEqual(parsePage(page, PAGE));
    expect(data).toStrictEqual({ x: ['p', 'f'] });
  });

  it('has no data key without a spec', () => {
    expect('data' in parsePage(html, PAGE)).toBe(false);
  });
});

describe('parsePage: hostile nesting', () => {
  const nested = (depth: number, inner: string) => `<title>Deep</title><a href="/top">t</a>${'<div>'.repeat(depth)}${inner}${'</div>'.repeat(depth)}<a href="/after">a</a>`;

  it('reads a page nested far past MAX_PARSE_DEPTH to the end', () => {
    expect(parsePage(nested(10 * MAX_PARSE_DEPTH, '<a href="/deep">d</a>'), 'https://e.com/')).toStrictEqual({
      title: 'Deep',
      description: null,
      links: ['https://e.com/top', 'https://e.com/deep', 'https://e.com/after'],
    });
  });

  it('10,000 nested divs with a text/html spec do not overflow the stack; the extraction DOM stops at MAX_PARSE_DEPTH', () => {
    const page = parsePage(nested(10_000, '<i>x</i>'), 'https://e.com/', { text: { selector: 'a' }, inner: { selector: 'div', html: true }, deep: { selector: 'i' } });
    expect(page).toMatchObject({
      title: 'Deep',
      links: ['https://e.com/top', 'https://e.com/after'],
      data: { text: 't', inner: expect.stringMatching(/^<div>/), deep: null },
    });
  });

  it('counts void and implied-closed elements as closed: 10,000 <br> and <p> siblings are not deep', () => {
    const flat = `<title>Flat</title>${'<br><p>x'.repeat(10_000)}<a href="/end">e</a>`;
    expect(parsePage(flat, 'https://e.com/').links).toStrictEqual(['https://e.com/end']);
  });
});
