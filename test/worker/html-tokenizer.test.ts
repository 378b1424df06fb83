/**
 * Where markup is, as a browser's tokenizer finds it: one case per tokenizer state (or tree-construction
 * decision that picks the state) where a reading can part from a browser's. Asserted through the record.
 */
import { scanRecord } from '../../functions/worker/parse/record-scanner';

const hrefs = (html: string) => scanRecord(html).hrefs;
const title = (html: string) => scanRecord(html).title;

describe('element names: only the exact name picks a text mode', () => {
  it.each([
    // issue 16, the Times of India page: htmlparser2 read <tmp> as <xmp> and dropped the rest of the article
    ['<tmp> is an unknown element, not <xmp>', '<tmp><a href="/in">x</a></tmp><a href="/after">', ['/in', '/after']],
    ['<titles> is not <title>', '<titles><a href="/in"></titles>', ['/in']],
    ['<scripts> is not <script>', '<scripts><a href="/in"></scripts>', ['/in']],
    ['upper case is the same name', '<SCRIPT>"<a href=/in>"</ScRiPt><a href="/out">', ['/out']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('RAWTEXT, RCDATA and PLAINTEXT: text up to the end tag, or the end', () => {
  it.each([
    // issue 16, "Mets go back to Cali": ad markup inside <noscript><iframe> was read as links
    ['<iframe>', '<iframe><a href="/in"></iframe><a href="/after">', ['/after']],
    ['<noembed>', '<noembed><a href="/in"></noembed><a href="/after">', ['/after']],
    ['<noframes>', '<noframes><a href="/in"></noframes><a href="/after">', ['/after']],
    ['<xmp>', '<xmp><a href="/in"></xmp><a href="/after">', ['/after']],
    ['<style>', '<style>/* <a href="/in"> */</style><a href="/after">', ['/after']],
    ['<textarea>', '<textarea><a href="/in"></textarea><a href="/after">', ['/after']],
    ['<plaintext>: the rest of the page is text', '<plaintext><a href="/in"></plaintext><a href="/after">', []],
    ['an end tag needs whitespace, / or > after its name', '<iframe></iframex><a href="/in"></iframe/><a href="/after">', ['/after']],
    ['an unclosed <iframe> runs to the end', '<iframe><a href="/in">', []],
    ['<noscript> is markup (scripting off)', '<noscript><a href="/ns"></noscript>', ['/ns']],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('script data: escaped and double-escaped states', () => {
  it.each([
    ['a string', '<script>var s = "<a href=/in>";</script><a href="/after">', ['/after']],
    ['</script> in an escape still ends the script', '<script><!--</script><a href="/after">', ['/after']],
    ['</script> in a double escape does not', '<script><!--<script>"</script>"<a href="/in">--></script><a href="/after">', ['/after']],
    ['--> ends the double escape, then </script> ends the script', '<script><!--<script>--></script><a href="/after">', ['/after']],
    ['<!--> leaves the escape at once', '<script><!--></script><a href="/after">', ['/after']],
    ['<script followed by a letter does not double-escape', '<script><!--<scripts></script><a href="/after">', ['/after']],
    ['an unclosed script runs to the end', '<script><a href="/in">', []],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('comments, doctypes, bogus comments and CDATA', () => {
  it.each([
    ['a comment', '<!-- <a href="/in"> --><a href="/after">', ['/after']],
    ['<!--> is a whole comment', '<!--><a href="/after">', ['/after']],
    ['<!---> is a whole comment', '<!---><a href="/after">', ['/after']],
    ['--!> ends a comment', '<!-- x --!><a href="/after">', ['/after']],
    ['-- > with a space does not', '<!-- x -- ><a href="/in">', []],
    ['an unclosed comment runs to the end', '<!-- <a href="/in">', []],
    ['a doctype ends at the first >', '<!DOCTYPE html PUBLIC "a>b"><a href="/after">', ['/after']],
    ['<? is a bogus comment to the first >', '<?php echo "<a href=/in>" ?><a href="/after">', ['/after']],
    ['</ and a non-letter is a bogus comment', '</ <a href="/in"><a href="/after">', ['/after']],
    ['</> is nothing', '</><a href="/after">', ['/after']],
    ['<![CDATA[ in HTML is a bogus comment to the first >', '<![CDATA[ x > <a href="/in"> ]]>', ['/in']],
    ['<![CDATA[ in SVG is a CDATA section', '<svg><![CDATA[ x > <a href="/in"> ]]></svg><a href="/after">', ['/after']],
    // Deliberate (README): the standard's rule, where parse5 reads a bogus comment (whatwg/html#4016)
    ['<![CDATA[ in an SVG integration point is a CDATA section', '<svg><desc><![CDATA[ > <a href="/in"> ]]></desc></svg>', []],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('attributes', () => {
  it.each([
    ['unquoted value', '<a href=/unquoted>', ['/unquoted']],
    ['single-quoted value', "<a href='/single'>", ['/single']],
    ['valueless href is empty', '<a href>', ['']],
    ['first of a repeated href', '<a href="/one" HREF="/two">', ['/one']],
    ['a / between attributes is skipped', '<a/href="/x">', ['/x']],
    ['no space after a quoted value', '<a title="t"href="/x">', ['/x']],
    ['an unquoted value may end in /: not self-closing', '<a href=/>', ['/']],
    ['= starts an attribute name', '<a =href="/no">', []],
    ['a quote in a name is part of it', '<a "href"="/no" href="/yes">', ['/yes']],
    ['a > in a quoted value', '<a title="a>b" href="/x">', ['/x']],
    ['entities decoded', '<a href="/s?a=1&amp;b=2&#x26;c=&lt;">', ['/s?a=1&b=2&c=<']],
    ['a legacy entity before = stays as written', '<a href="/s?x=1&copy=2">', ['/s?x=1&copy=2']],
    ['NUL is U+FFFD', '<a href="/\0">', ['/\uFFFD']],
    ['a tag cut off by the end of the page is dropped', '<a href="/x"', []],
    ['so is a value cut off', '<a href="/x', []],
  ])('%s', (_name, html, expected) => {
    expect(hrefs(html)).toStrictEqual(expected);
  });
});

describe('title: the first HTML <title>, RCDATA up to </title>', () => {
  it.each([
    ['references decoded', '<title>A &amp; B &#169; &#xA9; &lt;3</title>', 'A & B © © <3'],
    ['a reference right after <', '<title>a <&amp; b</title>', 'a <& b'],
    ['tags inside are text', '<title>T</head><p>x</p></title>', 'T</head><p>x</p>'],
    ['<title/> is a start tag: RCDATA to </title>', '<title/>x<b>y</b></title>z', 'x<b>y</b>'],
    ['unclosed: to the end of the page', '<title>T<script>&amp;</script>', 'T<script>&</script>'],
    ['an SVG <title> is not the document title', '<svg><title>Icon</title></svg><title>Page</title>', 'Page'],
    ['nor is one in a template', '<template><title>Tpl</title></template><title>Page</title>', 'Page'],
    ['in an SVG integration point, <title> is HTML', '<svg><foreignObject><title>In</title></foreignObject></svg>', 'In'],
  ])('%s', (_name, html, expected) => {
    expect(title(html)).toBe(expected);
  });
});
