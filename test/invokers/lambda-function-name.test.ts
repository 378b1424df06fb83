import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FunctionNameNotFoundError, resolveFunctionName } from '../../orchestrator/invokers/lambda-function-name';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fanout-outputs-'));
function outputsFile(content: unknown): string {
  const file = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
const missing = path.join(dir, 'missing.json');

describe('resolveFunctionName', () => {
  test.each([
    ['the flag wins over env and file', { flag: 'from-flag', env: { FANOUT_FUNCTION: 'from-env' } }, 'from-flag'],
    ['env when there is no flag', { env: { FANOUT_FUNCTION: 'from-env' } }, 'from-env'],
    ['a blank flag falls through to env', { flag: '  ', env: { FANOUT_FUNCTION: 'from-env' } }, 'from-env'],
  ])('%s', (_, sources, expected) => {
    expect(resolveFunctionName({ ...sources, outputsFile: missing })).toBe(expected);
  });

  test('cdk-outputs.json written by `cdk deploy --outputs-file` when neither flag nor env is set', () => {
    const file = outputsFile({ FanoutStack: { WorkerFunctionName: 'FanoutStack-Worker-abc', ResultsBucketName: 'b' } });
    expect(resolveFunctionName({ env: {}, outputsFile: file })).toBe('FanoutStack-Worker-abc');
  });

  test('nothing anywhere: an error that says how to name the function', () => {
    expect(() => resolveFunctionName({ env: {}, outputsFile: missing })).toThrow(FunctionNameNotFoundError);
    expect(() => resolveFunctionName({ env: {}, outputsFile: missing })).toThrow(/--function NAME.*FANOUT_FUNCTION/);
  });

  test('two stacks with workers are ambiguous', () => {
    const file = outputsFile({ A: { WorkerFunctionName: 'a' }, B: { WorkerFunctionName: 'b' } });
    expect(() => resolveFunctionName({ env: {}, outputsFile: file })).toThrow(/2 worker functions/);
  });

  test('a corrupt outputs file is reported, not ignored', () => {
    expect(() => resolveFunctionName({ env: {}, outputsFile: outputsFile('{nope') })).toThrow(/not valid JSON/);
  });
});
