import path from 'node:path';
import { RunInputSchema } from '../../core/schedule-input';
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

  test('duplicate names are rejected', () => {
    expect(() => parseScheduleConfig(config(valid, valid))).toThrow(/schedules\[1\] \("ok"\): duplicate schedule name/);
  });

  test('not JSON, or no schedules array', () => {
    expect(() => parseScheduleConfig('{', 'x.json')).toThrow(/x.json: not valid JSON/);
    expect(() => parseScheduleConfig('{}', 'x.json')).toThrow(/x.json: schedules/);
  });
});
