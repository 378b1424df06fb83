import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { loadPages } from '../../bench/site';
import { FAST_FORWARD_INSTALLED, FastTokenizer } from '../../functions/worker/parse/fast-tokenizer';

function events(T: typeof Tokenizer, html: string, decodeEntities: boolean, chunkSize = html.length || 1): string[] {
  const out: string[] = [];
  const cbs = new Proxy({} as TokenizerCallbacks, {
    get:
      (_t, name) =>
      (...args: number[]) =>
        out.push(`${String(name)}:${args.join(',')}`),
  });
  const tokenizer = new T({ decodeEntities }, cbs);
  for (let i = 0; i < html.length; i += chunkSize) tokenizer.write(html.slice(i, i + chunkSize));
  tokenizer.end();
  return out;
}

describe('FastTokenizer', () => {
  it('is installed with this htmlparser2', () => {
    expect(FAST_FORWARD_INSTALLED).toBe(true);
  });

  it.each([true, false])('gives the same events as Tokenizer on every htmlparser-benchmark page (decodeEntities %s)', (decode) => {
    for (const page of loadPages()) {
      const html = page.toString('utf8');
      expect(events(FastTokenizer, html, decode)).toStrictEqual(events(Tokenizer, html, decode));
    }
  });

  it.each([
    ['text running off the end', 'abc'],
    ['an unterminated comment', '<!-- abc'],
    ['an unterminated script', '<script>a < b'],
    ['an unterminated attribute value', '<a href="abc'],
    ['an end tag without >', '</a '],
    ['empty', ''],
  ])('gives the same events for %s, whole and written in 3-character chunks', (_name, html) => {
    for (const decode of [true, false]) {
      expect(events(FastTokenizer, html, decode)).toStrictEqual(events(Tokenizer, html, decode));
      expect(events(FastTokenizer, html, decode, 3)).toStrictEqual(events(Tokenizer, html, decode, 3));
    }
  });
});
