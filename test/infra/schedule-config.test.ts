import path from 'node:path';
import { RunInputSchema, RunSettingsSchema } from '../../core/schedule-input';
import { loadScheduleConfig, parseScheduleConfig, ScheduleConfigError } from '../../infra/lib/schedule-config';

const config = (...schedules: unknown[]) => JSON.stringify({ schedules });
const valid = { name: 'ok', expression: 'rate(5 minutes)', list: { urls: ['https://example.com/'] } };

describe('schedule config', () => {
  test('the repository config parses, and each rule input is a valid orchestrator input', () => {
    const schedules = loadScheduleConfig(path.join(__dirname, '../../infra/schedules.json'));
    expect(schedules.length).toBeGreaterThan(0);
    for (const { input } of schedules) expect(RunInputSchema.parse(input)).toStrictEqual(input);
  });

  test('defaults: enabled, allowPrivate false, robots obeyed', () => {
    const [schedule] = parseScheduleConfig(config(valid));
    expect(schedule!.entry.enabled).toBe(true);
    expect(schedule!.input.options.allowPrivate).toBe(false);
    expect(schedule!.input.options.robots).toBe('obey');
  });

  test.each([
    ['a bad expression', { ...valid, expression: 'every day' }, /schedules\[1\] \("bad"\): expression: must be rate/],
    ['an unknown option', { ...valid, options: { concurency: 3 } }, /schedules\[1\] \("bad"\): options: .*concurency/],
    ['a list outside lists/', { ...valid, list: { s3Key: 'runs/x.txt' } }, /schedules\[1\] \("bad"\): list/],
    ['allowPrivate not a boolean', { ...valid, options: { allowPrivate: 'yes' } }, /schedules\[1\] \("bad"\): options.allowPrivate/],
    ['robots neither obey nor ignore', { ...valid, options: { robots: 'sometimes' } }, /schedules\[1\] \("bad"\): options.robots/],
    ['a bad name', { ...valid, name: 'Bad Name' }, /schedules\[1\] \("Bad Name"\): name/],
  ])('names the offending entry: %s', (_, entry, message) => {
    const bad = { ...entry, name: (entry as { name: string }).name === 'ok' ? 'bad' : (entry as { name: string }).name };
    expect(() => parseScheduleConfig(config(valid, bad))).toThrow(ScheduleConfigError);
    expect(() => parseScheduleConfig(config(valid, bad))).toThrow(message);
  });

  test('a crawl entry validates, and its rule input carries the crawl with its defaults and no list', () => {
    const crawl = { name: 'docs', expression: 'rate(1 day)', crawl: { seeds: { urls: ['https://example.com/docs/'] }, scope: 'prefix', maxPages: 500, exclude: ['*.pdf'] } };
    const [schedule] = parseScheduleConfig(config(crawl));
    expect(schedule!.input).toStrictEqual({
      schedule: 'docs',
      crawl: { seeds: { urls: ['https://example.com/docs/'] }, scope: 'prefix', maxDepth: 3, maxPages: 500, exclude: ['*.pdf'] },
      options: RunSettingsSchema.parse({}),
    });
    expect(RunInputSchema.parse(schedule!.input)).toStrictEqual(schedule!.input);
  });

  const crawlEntry = (crawl: object) => ({ name: 'bad', expression: 'rate(1 day)', crawl: { seeds: { urls: ['https://example.com/'] }, ...crawl } });
  test.each([
    ['both list and crawl', { ...crawlEntry({}), list: { urls: ['https://example.com/'] } }, /\("bad"\): crawl: give either "list" .* or "crawl" .*, not both: remove one/],
    ['neither list nor crawl', { name: 'bad', expression: 'rate(1 day)' }, /\("bad"\): list: missing: give "list" .* or "crawl"/],
    ['an unknown scope', crawlEntry({ scope: 'domain' }), /\("bad"\): crawl.scope: must be one of host, site, prefix/],
    ['a negative depth', crawlEntry({ maxDepth: -1 }), /\("bad"\): crawl.maxDepth: must be at least 0 \(the seeds only\)/],
    ['a depth past the limit', crawlEntry({ maxDepth: 5000 }), /\("bad"\): crawl.maxDepth: must be at most 1000; .* bound it with maxPages/],
    ['fewer pages than seeds', crawlEntry({ seeds: { urls: ['https://a.test/', 'https://b.test/'] }, maxPages: 1 }), /crawl.maxPages: 1 is less than the 2 seeds: raise it/],
    ['no http(s) seed', crawlEntry({ seeds: { urls: ['example.com'] } }), /crawl.seeds.urls: no http\(s\) URL to crawl from: give at least one/],
    ['a seeds object outside lists/', crawlEntry({ seeds: { s3Key: 'seeds.txt' } }), /crawl.seeds.s3Key: must be under lists\//],
    ['a bad include regex', crawlEntry({ include: ['/(/'] }), /crawl.include.0: bad URL pattern \/\(\/: .*fix the regular expression/],
    ['a misspelt setting', crawlEntry({ depth: 2 }), /\("bad"\): crawl: Unrecognized key: "depth"/],
  ])('a bad crawl entry fails synth with what is wrong and how to fix it: %s', (_, entry, message) => {
    expect(() => parseScheduleConfig(config(valid, entry))).toThrow(ScheduleConfigError);
    expect(() => parseScheduleConfig(config(valid, entry))).toThrow(message);
  });

  test('duplicate names are rejected', () => {
    expect(() => parseScheduleConfig(config(valid, valid))).toThrow(/schedules\[1\] \("ok"\): duplicate schedule name/);
  });

  test('not JSON, or no schedules array', () => {
    expect(() => parseScheduleConfig('{', 'x.json')).toThrow(/x.json: not valid JSON/);
    expect(() => parseScheduleConfig('{}', 'x.json')).toThrow(/x.json: schedules/);
  });
});
