/**
 * Finds the worker function's name: a `--function` flag, else `FANOUT_FUNCTION`, else the
 * `WorkerFunctionName` output that `cdk deploy --outputs-file cdk-outputs.json` wrote.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV } from '../../core/deploy';
import { FanoutError } from '../../core/errors';

/** The environment variable naming the worker function. */
export const FUNCTION_NAME_ENV = ENV.workerFunction;
/** The stack output key holding the worker function's name (infra/lib/fanout-stack.ts writes it). */
export const WORKER_FUNCTION_OUTPUT = 'WorkerFunctionName';
/** Where `cdk deploy --outputs-file` is told to write, relative to the working directory. */
export const DEFAULT_OUTPUTS_FILE = 'cdk-outputs.json';

export class FunctionNameNotFoundError extends FanoutError {
  override readonly name = 'FunctionNameNotFoundError';
  readonly code = 'FANOUT_FUNCTION_NOT_FOUND';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly outputsFile: string,
  ) {
    super(message);
  }
}

export interface FunctionNameSources {
  /** `--function NAME`. */
  flag?: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default `cdk-outputs.json` in the working directory */
  outputsFile?: string;
}

/**
 * @example
 * resolveFunctionName({ flag: opts.function }) // flag, then $FANOUT_FUNCTION, then ./cdk-outputs.json
 * @throws FunctionNameNotFoundError when no source names a function
 */
export function resolveFunctionName(sources: FunctionNameSources = {}): string {
  const flag = sources.flag?.trim();
  if (flag) return flag;
  const fromEnv = (sources.env ?? process.env)[FUNCTION_NAME_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const file = path.resolve(sources.outputsFile ?? DEFAULT_OUTPUTS_FILE);
  const fromFile = existsSync(file) ? functionNameFromOutputs(readFileSync(file, 'utf8'), file) : undefined;
  if (fromFile) return fromFile;
  throw new FunctionNameNotFoundError(
    `no worker function named: pass --function NAME, set ${FUNCTION_NAME_ENV}, or run \`cdk deploy --outputs-file ${DEFAULT_OUTPUTS_FILE}\` (looked in ${file})`,
    file,
  );
}

/** Reads `{ StackName: { WorkerFunctionName: "..." } }` as cdk writes it; undefined if absent. */
export function functionNameFromOutputs(json: string, file = DEFAULT_OUTPUTS_FILE): string | undefined {
  let outputs: unknown;
  try {
    outputs = JSON.parse(json);
  } catch (cause) {
    throw new FunctionNameNotFoundError(`${file} is not valid JSON: ${(cause as Error).message}`, file);
  }
  if (typeof outputs !== 'object' || outputs === null) return undefined;
  const names = Object.values(outputs as Record<string, unknown>)
    .map((stack) => (stack && typeof stack === 'object' ? (stack as Record<string, unknown>)[WORKER_FUNCTION_OUTPUT] : undefined))
    .filter((name): name is string => typeof name === 'string' && name.length > 0);
  if (names.length > 1) {
    throw new FunctionNameNotFoundError(`${file} names ${names.length} worker functions (${names.join(', ')}); pass --function NAME`, file);
  }
  return names[0];
}
