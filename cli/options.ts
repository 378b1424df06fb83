/**
 * Flag parsers, and options whose range and default come from the zod schema field they set, so
 * `--help`, validation and the workers agree on one default (defined next to the field, with `@default`).
 */
import { InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';

type IntField = z.ZodNumber | z.ZodDefault<z.ZodNumber> | z.ZodOptional<z.ZodNumber>;

/** A commander parser for an integer flag within [min, max]. */
export function intArg(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `bytes` the way a user would type it: `1gb`, `512k`, or plain bytes. */
function sizeFlag(bytes: number): string {
  for (const [unit, scale] of [
    ['gb', SIZE_UNITS.g],
    ['mb', SIZE_UNITS.m],
    ['k', SIZE_UNITS.k],
  ] as const) {
    if (scale !== undefined && bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return String(bytes);
}

/** A parser for sizes like `10485760`, `512k`, `10mb`, `1g`, in bytes within [1, max]. */
export function bytesArg(max: number = 1024 ** 3) {
  return (raw: string): number => {
    const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(raw.trim());
    if (!match) throw new InvalidArgumentError('expected a size such as 10485760, 512k or 10mb.');
    const unit = (match[2] ?? 'b').toLowerCase()[0] ?? 'b';
    const value = Math.floor(Number(match[1]) * (SIZE_UNITS[unit] ?? 1));
    if (value < 1 || value > max) throw new InvalidArgumentError(`expected a size from 1 byte to ${sizeFlag(max)}.`);
    return value;
  };
}

/** The range and default of an integer schema field. */
export function intRange(field: IntField): { min: number; max: number; default: number | undefined } {
  const isDefault = field.def.type === 'default';
  const inner = (field.def.type === 'number' ? field : (field as z.ZodDefault<z.ZodNumber> | z.ZodOptional<z.ZodNumber>).unwrap()) as z.ZodNumber;
  return {
    min: inner.minValue ?? 0,
    max: inner.maxValue ?? Number.MAX_SAFE_INTEGER,
    default: isDefault ? ((field as z.ZodDefault<z.ZodNumber>).def.defaultValue as number) : undefined,
  };
}

/** `--flag <n>` parsed as an integer within the field's range, defaulting to the field's default. */
export function intOption(flags: string, description: string, field: IntField): Option {
  const range = intRange(field);
  const option = new Option(flags, description).argParser(intArg(range.min, range.max));
  return range.default === undefined ? option : option.default(range.default);
}

/** `--flag <size>` in bytes within the field's range, defaulting to the field's default. */
export function bytesOption(flags: string, description: string, field: IntField): Option {
  const range = intRange(field);
  const option = new Option(flags, description).argParser(bytesArg(range.max));
  return range.default === undefined ? option : option.default(range.default);
}
