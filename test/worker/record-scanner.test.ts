import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { loadPages } from '../../bench/site';
import { MAX_PARSE_DEPTH, scanRecord, type ScannedRecord } from '../../functions/worker/parse/record-scanner';

/**
 * The reference: what the record was made from before the scanner, htmlparser2's full `Parser`
 * with a handler reading its `onopentag` attribute objects. The scanner must agree with it.
 */
function referenceScan(html: string): ScannedRecord {
  const record: ScannedRecord = { title: '', description: undefined, ogDescription: undefined, baseHref: undefined, hrefs: [] };
  let depth = 0;
  let inTitle = false;
  let titleSeen = false;
  let stopped = false;
  const parser: Parser = new Parser({
    onopentag(name, attribs) {
      if (stopped) return;
      if (++depth > MAX_PARSE_DEPTH) {
        stopped = true;
        parser.pause();
        return;
      }
      if (name === 'a' && attribs.href !== undefined) record.hrefs.push(attribs.href);
      if (name === 'title' && !titleSeen) inTitle = titleSeen = true;
      if (name === 'base' && record.baseHref === undefined) record.baseHref = attribs.href;
      if (name === 'meta' && attribs.content !== undefined && attribs.content.trim() !== '') {
        const metaName = attribs.name?.toLowerCase();
        if (metaName === 'description') record.description ??= attribs.content;
        else if (metaName === 'og:description' || attribs.property?.toLowerCase() === 'og:description') record.ogDescription ??= attribs.content;
      }
    },
    ontext(text) {
      if (inTitle && !stopped) record.title += text;
    },
    onclosetag(name) {
      if (stopped) return;
      depth--;
      if (name === 'title') inTitle = false;
    },
  });
  parser.end(html);
  return record;
}

const scan = (html: string) => scanRecord(html);

describe('scanRecord: what is and is not markup', () => {
  it.each([
    ['<a href> in a script string', '<script>var s = "<a href=/in-script>";</script><a href="/out">', ['/out']],
    ['<a href> in a style', '<style>/* <a href="/in-style"> */</style><a href="/out">', ['/out']],
    ['<a href> in a comment', '<!-- <a href="/in-comment"> --><a href="/out">', ['/out']],
    ['<a href> in a textarea', '<textarea><a href="/in-textarea"></textarea><a href="/out">', ['/out']],
    ['<a href> in the title', '<title><a href="/in-title"></title><a href="/out">', ['/out']],
    ['script end tag in any case', '<SCRIPT>"<a href=/in>"</ScRiPt><a href="/out">', ['/out']],
    ['upper-case tag and attribute', '<A HREF="/upper">', ['/upper']],
    ['unquoted value', '<a href=/unquoted>', ['/unquoted']],
    ['single-quoted value', "<a href='/single'>", ['/single']],
    ['valueless href is empty', '<a href>', ['']],
    ['first of a repeated href', '<a href="/one" HREF="/two">', ['/one']],
    ['href among other attributes', '<a class="c" data-href="/no" href="/yes" title="t">', ['/yes']],
    ['entities in href', '<a href="/s?a=1&amp;b=2&#x26;c=&lt;">', ['/s?a=1&b=2&c=<']],
    ['legacy entity before = is kept literally in an attribute', '<a href="/s?x=1&copy=2">', ['/s?x=1&copy=2']],
    ['legacy entity at the end of an unquoted value', '<a href=/s&copy>', ['/s©']],
    ['a in svg, self-closed', '<svg><a href="/svg"/></svg><a href="/after">', ['/svg', '/after']],
  ])('%s', (_name, html, hrefs) => {
    expect(scan(html).hrefs).toStrictEqual(hrefs);
  });

  it.each([
    ['named, numeric and hex references', '<title>A &amp; B &#169; &#xA9; &lt;3</title>', 'A & B © © <3'],
    ['legacy reference without a semicolon', '<title>&copy 2024 &amp co</title>', '© 2024 & co'],
    ['a reference right after < stays as written in <title>, as htmlparser2 reads it', '<title>a <&amp; b</title>', 'a <&amp; b'],
    ['unknown reference kept', '<title>&nosuch; &</title>', '&nosuch; &'],
    ['upper-case TITLE tag', '<TITLE>Up</TITLE>', 'Up'],
    ['title content is text up to </title>', '<title>T</head><p>x</p></title>', 'T</head><p>x</p>'],
    ['self-closed <title/> ended by its parent closing', '<head><title/>T</head><p>not title</p>', 'T'],
    ['references in a script inside a <title/> stay as written', '<title/><script>&amp;</script>', '&amp;'],
    ['self-closed <title/> outside svg opens a title', '<title/>x<b>y</b></title>z', 'xy'],
    ['svg <title/> is self-closed, and still the first title', '<svg><title/></svg><title>Later</title>', ''],
  ])('title: %s', (_name, html, title) => {
    expect(scan(html).title).toBe(title);
  });

  it.each([
    ['entities in meta content', '<meta name="description" content="Fish &amp; chips">', 'Fish & chips'],
    ['unquoted meta attributes', '<meta name=description content=Plain>', 'Plain'],
    ['upper-case META and attributes', '<META NAME="description" CONTENT="Up">', 'Up'],
  ])('description: %s', (_name, html, description) => {
    expect(scan(html).description).toBe(description);
  });

  it('keeps the first <base href> in the document, even after links', () => {
    expect(scan('<a href="p"><base href="/one/"><base href="/two/">')).toMatchObject({ baseHref: '/one/', hrefs: ['p'] });
  });

  it.each([
    ['</p> with no open <p> is an element', `${'<div>'.repeat(MAX_PARSE_DEPTH - 1)}<a href="/in">x</a></p><a href="/after">`, ['/in', '/after']],
    ['</p> at the cap goes past it', `${'<div>'.repeat(MAX_PARSE_DEPTH)}</p><a href="/after">`, []],
    ['a void element at the cap goes past it', `${'<div>'.repeat(MAX_PARSE_DEPTH)}<br><a href="/after">`, []],
    ['unmatched end tags do not close anything', `${'<div>'.repeat(MAX_PARSE_DEPTH)}${'</span>'.repeat(1000)}<a href="/deep">`, []],
    ['implied closes keep lists flat', `<ul>${'<li>x'.repeat(5000)}</ul><a href="/end">`, ['/end']],
  ])('depth: %s', (_name, html, hrefs) => {
    expect(scan(html).hrefs).toStrictEqual(hrefs);
  });
});

describe('scanRecord agrees with htmlparser2 Parser', () => {
  it('on every page of htmlparser-benchmark', () => {
    for (const page of loadPages()) {
      const html = page.toString('utf8');
      expect(scan(html)).toStrictEqual(referenceScan(html));
    }
  });

  // Tag soup from the pieces that matter: the record's tags, implied closes, void and foreign
  // elements, raw-text elements, comments, references, case and quoting, deep nesting.
  const piece = fc.constantFrom(
    '<a href="/a">',
    '<A HREF=/b>',
    "<a href='/c&amp;d'>",
    '<a href>',
    '</a>',
    '<a href="/x&copy=1" href="/y">',
    '<a href=/u&amp',
    '<a href="/q&not',
    '<meta content=&lt;',
    '<title>',
    '</title>',
    '<TITLE>',
    '<title/>',
    'text',
    ' &amp; ',
    '&copy',
    '&#x41;',
    '&',
    '<',
    '&not',
    'in;',
    '&#128;',
    '&#0;',
    '&#x110000;',
    '&#',
    'x',
    '<meta name="description" content="D &lt; E">',
    '<meta property="og:description" content=" OG ">',
    '<meta NAME=Description content="">',
    '<base href="/base/">',
    '<base>',
    '<p>',
    '</p>',
    '<br>',
    '</br>',
    '<div>',
    '</div>',
    '<li>',
    '<ul>',
    '</ul>',
    '<table>',
    '<tr>',
    '<td>',
    '</table>',
    '<select>',
    '<option>',
    '<svg>',
    '</svg>',
    '<path/>',
    '<math>',
    '<mi>',
    '</math>',
    '<script>',
    '</script>',
    '<style>',
    '</style>',
    '<textarea>',
    '</textarea>',
    '<!--',
    '-->',
    '<![CDATA[',
    ']]>',
    '<!doctype html>',
    '<head>',
    '</head>',
    '<body>',
    '<b>',
    '</b>',
    '/>',
    '>',
    '"',
    "'",
    '=',
    '<div>'.repeat(100),
    '<span>'.repeat(100),
    '</span>',
  );

  it('on generated tag soup', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const html = pieces.join('');
        expect(scan(html)).toStrictEqual(referenceScan(html));
      }),
      { numRuns: 1000 },
    );
  });
});
