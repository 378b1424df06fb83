/**
 * The stack's switches as CDK context (`npx cdk deploy -c allowPrivate=true -c workerReservedConcurrency=200`,
 * or `context` in cdk.json), validated once here: `-c` values arrive as strings, cdk.json values as JSON.
 */
import { z } from 'zod';
import { ALLOW_PRIVATE_CONTEXT } from '../../core/deploy';
import { FanoutError } from '../../core/errors';
import type { FanoutStackProps } from './fanout-stack';

/** The CDK context key for the worker's reserved concurrency. */
export const WORKER_RESERVED_CONCURRENCY_CONTEXT = 'workerReservedConcurrency';

const BooleanContext = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const IntegerContext = z.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)]).pipe(z.number().int().min(1).max(100_000));

const StackContextSchema = z.object({
  [ALLOW_PRIVATE_CONTEXT]: BooleanContext.optional(),
  [WORKER_RESERVED_CONCURRENCY_CONTEXT]: IntegerContext.optional(),
});

/** A `-c` value (or cdk.json context entry) the stack cannot use. */
export class StackContextError extends FanoutError {
  override readonly name = 'StackContextError';
  readonly code = 'FANOUT_STACK_CONTEXT';
  override readonly userFacing = true;
  constructor(
    message: string,
    /** The context key at fault. */
    readonly key: string,
  ) {
    super(message);
  }
}

/** The FanoutStack props the context sets; keys not given are left to the stack's defaults. */
export function stackPropsFromContext(tryGetContext: (key: string) => unknown): Pick<FanoutStackProps, 'allowPrivate' | 'workerReservedConcurrency'> {
  const keys = [ALLOW_PRIVATE_CONTEXT, WORKER_RESERVED_CONCURRENCY_CONTEXT] as const;
  const raw = Object.fromEntries(keys.map((key) => [key, tryGetContext(key)]).filter(([, value]) => value !== undefined));
  const parsed = StackContextSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const expected = key === ALLOW_PRIVATE_CONTEXT ? 'true or false' : 'a whole number from 1 to 100000';
    throw new StackContextError(`CDK context ${key}=${JSON.stringify(raw[key])} must be ${expected} (-c ${key}=...)`, key);
  }
  return { allowPrivate: parsed.data[ALLOW_PRIVATE_CONTEXT], workerReservedConcurrency: parsed.data[WORKER_RESERVED_CONCURRENCY_CONTEXT] };
}
