/**
 * The CDK app: one stack, its schedules read from infra/schedules.json (validated at synth), its
 * switches from CDK context (`-c allowPrivate=true`, `-c workerReservedConcurrency=N`), cdk-nag on.
 */
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FanoutStack } from '../lib/fanout-stack';
import { loadScheduleConfig } from '../lib/schedule-config';
import { stackPropsFromContext } from '../lib/stack-context';

const app = new App();
new FanoutStack(app, app.node.tryGetContext('stackName') ?? 'Fanout', {
  schedules: loadScheduleConfig(path.join(__dirname, '..', 'schedules.json')),
  description: 'fanout: serverless fan-out web scraper',
  ...stackPropsFromContext((key) => app.node.tryGetContext(key)),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
