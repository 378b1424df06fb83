/**
 * Environment variables, read once where they enter and validated: a missing or malformed value
 * is a {@link ConfigError} that names the variable, never a silent `NaN` or `undefined`.
 */
import { ConfigError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

/** A required, non-empty variable. */
export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`environment variable ${name} is not set (the stack sets it)`, name);
  return value;
}

/**
 * An optional whole number within [min, max], or `fallback` when unset.
 * @example intFromEnv('WORKER_TIMEOUT_SECS', { fallback: 300, min: 1, max: 900 })
 */
export function intFromEnv(name: string, range: { fallback: number; min: number; max: number }, env: Env = process.env): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return range.fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`environment variable ${name} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`, name);
  }
  return value;
}

/**
 * An optional `true` / `false`, or `fallback` when unset.
 * @example boolFromEnv('FANOUT_ALLOW_PRIVATE', { fallback: false })
 */
export function boolFromEnv(name: string, { fallback }: { fallback: boolean }, env: Env = process.env): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`environment variable ${name} must be true or false, got ${JSON.stringify(raw)}`, name);
}
