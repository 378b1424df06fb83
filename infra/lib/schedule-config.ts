/**
 * The schedules config (infra/schedules.json): validated with zod at synth time, each entry turned
 * into the orchestrator's input and validated again with the orchestrator's own schema.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatZodError } from '../../core/contract';
import { checkOneSource, CrawlSourceSchema, ListSourceSchema, RunInputSchema, RunSettingsSchema, ScheduleNameSchema, type RunInput } from '../../core/schedule-input';
import { FanoutError } from '../../core/errors';

/** `rate(5 minutes)` or a six-field `cron(...)`, as EventBridge accepts them. */
const EXPRESSION = /^(rate\(1 (minute|hour|day)\)|rate\([1-9]\d* (minutes|hours|days)\)|cron\(\S+( \S+){5}\))$/;

export const ScheduleEntrySchema = z
  .strictObject({
    name: ScheduleNameSchema,
    /** EventBridge schedule expression. */
    expression: z.string().regex(EXPRESSION, 'must be rate(N unit) or cron(min hour day-of-month month day-of-week year)'),
    description: z.string().max(512).optional(),
    /** A disabled schedule is deployed but does not fire. @default true */
    enabled: z.boolean().default(true),
    /** The URLs to run; or `crawl`, exactly one of the two. */
    list: ListSourceSchema.optional(),
    /** Seeds and how far to follow their links (core/crawl-spec.ts); or `list`. */
    crawl: CrawlSourceSchema.optional(),
    options: RunSettingsSchema.default(RunSettingsSchema.parse({})),
  })
  .superRefine(checkOneSource);
export type ScheduleEntry = z.output<typeof ScheduleEntrySchema>;

export const ScheduleConfigSchema = z.strictObject({ schedules: z.array(z.unknown()) });

export class ScheduleConfigError extends FanoutError {
  override readonly name = 'ScheduleConfigError';
  readonly code = 'FANOUT_SCHEDULE_CONFIG';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly file: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** A validated schedule and the exact input its rule sends the orchestrator. */
export interface Schedule {
  entry: ScheduleEntry;
  input: RunInput;
}

/** Parses the config text; errors name the file and the offending entry (index and name). */
export function parseScheduleConfig(text: string, file = 'schedules.json'): Schedule[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ScheduleConfigError(`${file}: not valid JSON: ${(cause as Error).message}`, file);
  }
  const top = ScheduleConfigSchema.safeParse(json);
  if (!top.success) throw new ScheduleConfigError(`${file}: ${formatZodError(top.error)}`, file);
  const seen = new Set<string>();
  return top.data.schedules.map((raw, i) => {
    const label = `schedules[${i}]${typeof (raw as { name?: unknown })?.name === 'string' ? ` ("${(raw as { name: string }).name}")` : ''}`;
    const entry = ScheduleEntrySchema.safeParse(raw);
    if (!entry.success) throw new ScheduleConfigError(`${file}: ${label}: ${formatZodError(entry.error)}`, file, label);
    if (seen.has(entry.data.name)) throw new ScheduleConfigError(`${file}: ${label}: duplicate schedule name`, file, label);
    seen.add(entry.data.name);
    const { name: schedule, list, crawl, options } = entry.data;
    // Only the source given: an absent one must not reach the rule input as a key.
    const input = RunInputSchema.safeParse({ schedule, ...(list === undefined ? { crawl } : { list }), options });
    if (!input.success) throw new ScheduleConfigError(`${file}: ${label}: not a valid orchestrator input: ${formatZodError(input.error)}`, file, label);
    return { entry: entry.data, input: input.data };
  });
}

export function loadScheduleConfig(file: string): Schedule[] {
  return parseScheduleConfig(readFileSync(file, 'utf8'), file);
}
