import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../../core/extract-spec';
import { loadSpecFile, validateSpec } from '../../core/extract-spec';

describe('validateSpec', () => {
  it('accepts every form and returns the spec', () => {
    const spec = {
      a: { selector: 'h1' },
      b: { selector: 'a', attr: 'href', all: true },
      c: { selector: '.x > p:first-child', html: true },
    };
    expect(validateSpec(spec)).toStrictEqual(spec);
  });

  it.each([
    ['not an object', [], /\(root\)/],
    ['no fields', {}, /no fields/],
    ['empty selector', { price: { selector: '' } }, /price\.selector: selector must not be empty/],
    ['missing selector', { price: { attr: 'x' } }, /price\.selector/],
    ['unknown key', { price: { selector: 'p', text: true } }, /price.*text/],
    ['attr and html together', { price: { selector: 'p', attr: 'x', html: true } }, /price.*either "attr" or "html"/],
    ['wrong type', { price: { selector: 'p', all: 'yes' } }, /price\.all/],
    ['unknown pseudo-class', { title: { selector: 'h1:bogus' } }, /title\.selector: .*h1:bogus.*Unknown pseudo-class/],
    ['unparseable selector', { links: { selector: 'a[' } }, /links\.selector/],
  ])('rejects %s with a message naming the field', (_name, json, message) => {
    expect(() => validateSpec(json)).toThrow(SpecError);
    expect(() => validateSpec(json)).toThrow(message);
  });

  it('records the offending field on the error', () => {
    try {
      validateSpec({ good: { selector: 'p' }, bad: { selector: 'p:nope' } });
      throw new Error('expected a SpecError');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).field).toBe('bad');
    }
  });
});

describe('loadSpecFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-spec-'));
  });

  it('loads a valid file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ t: { selector: 'title' } }));
    await expect(loadSpecFile(path)).resolves.toStrictEqual({ t: { selector: 'title' } });
  });

  it('says when the file is missing', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadSpecFile(path)).rejects.toThrow(`cannot read extraction spec ${path}: file not found`);
  });

  it('says when the JSON is bad', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{ "t": ');
    await expect(loadSpecFile(path)).rejects.toThrow(/is not valid JSON/);
  });

  it('names the file and the field when the spec is invalid', async () => {
    const path = join(dir, 'invalid.json');
    await writeFile(path, JSON.stringify({ t: { selector: 'p:nope' } }));
    await expect(loadSpecFile(path)).rejects.toThrow(new RegExp(`^${path}: .*t\\.selector`));
  });
});
