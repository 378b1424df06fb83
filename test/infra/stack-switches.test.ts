/**
 * The stack's switches, set as a user sets them (CDK context, `-c key=value` arrives as a string):
 * allowPrivate, forbidden in deployed functions unless switched on, and the worker's reserved
 * concurrency. Targeted Template assertions; bundling is skipped (synth-bundle.test.ts bundles).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FanoutStack } from '../../infra/lib/fanout-stack';
import { parseScheduleConfig } from '../../infra/lib/schedule-config';
import { StackContextError, stackPropsFromContext } from '../../infra/lib/stack-context';
import { cdkJsonContext } from '../helpers/cdk-context';

/** The template of the stack the app would build with `context` (as `-c` gives it, or cdk.json). */
function synth(context: Record<string, unknown>, schedules = parseScheduleConfig('{"schedules":[]}')) {
  const app = new App({ context: cdkJsonContext({ 'aws:cdk:bundling-stacks': [], ...context }) });
  const stack = new FanoutStack(app, 'Switches', { schedules, ...stackPropsFromContext((key) => app.node.tryGetContext(key)) });
  return Template.fromStack(stack);
}

const service = (name: string) => ({ POWERTOOLS_SERVICE_NAME: name });

const privateSchedule = () =>
  parseScheduleConfig(JSON.stringify({ schedules: [{ name: 'intranet', expression: 'rate(1 day)', list: { urls: ['http://10.0.0.1/'] }, options: { allowPrivate: true } }] }));

describe('stack switches (CDK context)', () => {
  test('by default both functions forbid allowPrivate and the worker has no reserved concurrency', () => {
    const template = synth({});
    for (const name of ['fanout-worker', 'fanout-orchestrator']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ ...service(name), FANOUT_ALLOW_PRIVATE: 'false' }) },
        ReservedConcurrentExecutions: Match.absent(),
      });
    }
  });

  test('-c allowPrivate=true lets both functions run allowPrivate events', () => {
    const template = synth({ allowPrivate: 'true' });
    for (const name of ['fanout-worker', 'fanout-orchestrator']) {
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ...service(name), FANOUT_ALLOW_PRIVATE: 'true' }) } });
    }
  });

  test('-c workerReservedConcurrency=50 reserves (and caps) the worker at 50, not the orchestrator', () => {
    const template = synth({ workerReservedConcurrency: '50' });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50, Environment: { Variables: Match.objectLike(service('fanout-worker')) } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: Match.absent(),
      Environment: { Variables: Match.objectLike(service('fanout-orchestrator')) },
    });
  });

  test('cdk.json values (JSON, not strings) work too', () => {
    const template = synth({ allowPrivate: true, workerReservedConcurrency: 20 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 20,
      Environment: { Variables: Match.objectLike({ ...service('fanout-worker'), FANOUT_ALLOW_PRIVATE: 'true' }) },
    });
  });

  it.each([
    [{ allowPrivate: 'yes' }, /CDK context allowPrivate="yes" must be true or false \(-c allowPrivate=\.\.\.\)/],
    [{ workerReservedConcurrency: 'lots' }, /CDK context workerReservedConcurrency="lots" must be a whole number from 1 to 100000/],
    [{ workerReservedConcurrency: '0' }, /workerReservedConcurrency="0" must be a whole number from 1/],
  ])('a bad value %p fails the synth, naming the key', (context, message) => {
    expect(() => synth(context)).toThrow(StackContextError);
    expect(() => synth(context)).toThrow(message);
  });

  test('a schedule asking for allowPrivate fails the synth of a stack that forbids it, and deploys on one that allows it', () => {
    expect(() => synth({}, privateSchedule())).toThrow(/schedule "intranet": options.allowPrivate is true, but this stack forbids it; deploy with -c allowPrivate=true/);
    expect(() => synth({ allowPrivate: 'true' }, privateSchedule())).not.toThrow();
  });
});
