/**
 * cdk.json's `context`: the feature flags (and settings) `cdk synth` applies. In-process `new App()`
 * does not read cdk.json, so Template tests pass this to synthesize the stack `cdk deploy` deploys.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const CDK_JSON = path.resolve(__dirname, '..', '..', 'cdk.json');

/** cdk.json's context, plus `extra` (e.g. `'aws:cdk:bundling-stacks': []` to skip bundling). */
export function cdkJsonContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { context } = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> };
  return { ...context, ...extra };
}
