/**
 * The orchestrator function's Lambda entry end to end, with AWS mocked at the SDK edge
 * (aws-sdk-client-mock): S3 is a small in-memory fake behind S3Client's `send` (conditional writes
 * included), worker invokes run the real worker handler against a loopback site, and the async
 * self-invoke is recorded. Covers the list read from S3, results and summary written back, the
 * continuation hand-over, and the Powertools metrics each invocation publishes (EMF on stdout).
 */
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Outcome } from '../../core/contract';
import type { handler as OrchestratorHandler } from '../../functions/scheduled-run/handler';
import { HANDOVER_MARGIN_MS } from '../../functions/scheduled-run/orchestrate';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';
import { lambdaContext, ndjsonWorker, streamedInvoke } from '../helpers/streamed-invoke';

const BUCKET = 'results-bucket';
/** Long enough that no chunk in flight is cancelled, however slow the machine. */
const WORKER_TIMEOUT_SECS = 60;
const ENV = {
  FANOUT_FUNCTION: 'fanout-worker',
  RESULTS_BUCKET: BUCKET,
  WORKER_TIMEOUT_SECS: String(WORKER_TIMEOUT_SECS),
  POWERTOOLS_METRICS_NAMESPACE: 'fanout',
  POWERTOOLS_SERVICE_NAME: 'fanout-orchestrator',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'a',
  AWS_SECRET_ACCESS_KEY: 'b',
};

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const objects = new Map<string, { body: string; etag: string }>();
let version = 0;
let site: CountingSite;
let handler: typeof OrchestratorHandler;
const saved: Record<string, string | undefined> = {};

/** One EMF document per `publishStoredMetrics`, as printed on stdout. */
let emf: Record<string, unknown>[] = [];
let stdout: jest.SpyInstance;

beforeAll(async () => {
  for (const [key, value] of Object.entries(ENV)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  // Loaded after the environment is set: Metrics and Logger read it when the module creates them.
  ({ handler } = await import('../../functions/scheduled-run/handler'));
  site = await startCountingSite({ latencyMs: 40 });
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await site.close();
});

beforeEach(() => {
  objects.clear();
  s3.reset();
  lambda.reset();
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const object = objects.get(input.Key);
    if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToString: async () => object.body }, ETag: object.etag };
  });
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string | Uint8Array; IfMatch?: string; IfNoneMatch?: string }) => {
    const current = objects.get(input.Key);
    if ((input.IfNoneMatch === '*' && current) || (input.IfMatch !== undefined && current?.etag !== input.IfMatch)) {
      throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'precondition failed' });
    }
    const etag = `"v${++version}"`;
    objects.set(input.Key, { body: typeof input.Body === 'string' ? input.Body : Buffer.from(input.Body).toString('utf8'), etag });
    return { ETag: etag };
  });
  // Workers are streamed invokes of the real worker, as the deployed orchestrator makes them.
  lambda
    .on(InvokeWithResponseStreamCommand, { FunctionName: 'fanout-worker' })
    .callsFake((input: { Payload: Uint8Array }) => streamedInvoke(ndjsonWorker, JSON.parse(Buffer.from(input.Payload).toString('utf8')), lambdaContext('fanout-worker')));
  lambda.on(InvokeCommand, { FunctionName: 'fanout-orchestrator', InvocationType: 'Event' }).resolves({ StatusCode: 202 });
  emf = [];
  const write = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array) => boolean;
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const lines = String(chunk)
      .split('\n')
      .filter((l) => l.includes('"_aws"'));
    for (const line of lines) emf.push(JSON.parse(line) as Record<string, unknown>);
    return lines.length > 0 ? true : write(chunk); // EMF documents are kept out of the test output
  });
});
afterEach(() => stdout.mockRestore());

function context(remainingMs: number, requestId: string): Context {
  const deadline = Date.now() + remainingMs;
  return { functionName: 'fanout-orchestrator', awsRequestId: requestId, getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
}

/** The metric values of the one EMF document published so far, and its namespace. */
function published() {
  expect(emf).toHaveLength(1);
  const doc = emf[0]! as { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } } & Record<string, unknown>;
  const directive = doc._aws.CloudWatchMetrics[0]!;
  const values = Object.fromEntries(directive.Metrics.map((m) => [m.Name, doc[m.Name]]));
  emf = [];
  return { namespace: directive.Namespace, values };
}

const recordsAt = (key: string) =>
  objects
    .get(key)!
    .body.trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Outcome);

describe('orchestrator handler (AWS mocked at the SDK edge)', () => {
  test('reads the list from S3, writes results.jsonl and summary.json back, and publishes its metrics', async () => {
    objects.set('lists/nightly.txt', { body: [...site.urls(10), 'not a url'].join('\n'), etag: '"l1"' });
    const event = { schedule: 'nightly', list: { s3Key: 'lists/nightly.txt' }, options: { allowPrivate: true, chunkSize: 5 } };

    const result = await handler(event, context(10 * 60_000, 'req-1'));

    expect(result).toMatchObject({ status: 'done', counts: { records: 11, ok: 10, failed: 1 } });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: 'lists/nightly.txt' });
    const records = recordsAt(`${result.runPrefix}results.jsonl`);
    expect(new Set(records.map((r) => r.url))).toStrictEqual(new Set([...site.urls(10), 'not a url']));
    expect(JSON.parse(objects.get(`${result.runPrefix}summary.json`)!.body)).toMatchObject({ records: 11, ok: 10, invocations: 1 });
    expect(lambda).not.toHaveReceivedCommandWith(InvokeCommand, { InvocationType: 'Event' });
    expect(published()).toStrictEqual({
      namespace: 'fanout',
      values: { OrchestratorInvocations: 1, UrlsDone: 11, UrlsOk: 10, UrlsFailed: 1, RunsCompleted: 1 },
    });
  });

  test('hands over to itself when time runs short; metrics per invocation add up; a replayed continuation is stale', async () => {
    const urls = site.urls(20);
    // No more than the handover margin and a worker timeout: time has run short before the first
    // chunk settles (the stop timer is due at once, each page takes 40 ms), so one chunk runs at
    // most and the rest waits for the continuation, at any machine speed.
    const short = HANDOVER_MARGIN_MS + WORKER_TIMEOUT_SECS * 1000;
    const first = await handler({ schedule: 'handover', list: { urls }, options: { allowPrivate: true, chunkSize: 2, invokeConcurrency: 1 } }, context(short, 'req-a'));
    expect(first.status).toBe('continued');
    const sent = lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' });
    expect(sent).toHaveLength(1);
    const continuation = JSON.parse(Buffer.from(sent[0]!.args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(continuation).toStrictEqual({
      continue: { runPrefix: first.runPrefix, generation: 1, runId: expect.stringMatching(/^handover-\d+$/), listKey: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const firstMetrics = published();
    expect(firstMetrics.namespace).toBe('fanout');
    expect(firstMetrics.values).toMatchObject({ OrchestratorInvocations: 1, Continuations: 1 });
    expect(firstMetrics.values.UrlsDone).toBeLessThanOrEqual(2); // one chunk of 2 at most, of 20

    const last = await handler(continuation, context(10 * 60_000, 'req-b'));
    expect(last.status).toBe('done');
    const lastMetrics = published();
    expect(lastMetrics.values).toMatchObject({ OrchestratorInvocations: 1, RunsCompleted: 1, UrlsFailed: 0 });
    expect((firstMetrics.values.UrlsDone as number) + (lastMetrics.values.UrlsDone as number)).toBe(20);
    expect(recordsAt(`${last.runPrefix}results.jsonl`)).toHaveLength(20);

    await expect(handler(continuation, context(10 * 60_000, 'req-c'))).resolves.toMatchObject({ status: 'stale' });
    expect(published().values).toStrictEqual({ OrchestratorInvocations: 1, StaleInvocations: 1 });
  });

  test('an invalid event throws, and is counted as an error', async () => {
    await expect(handler({ schedule: 'Bad Name', list: { urls: ['https://a.test/'] } }, context(60_000, 'req-x'))).rejects.toThrow(/invalid scheduled-run event: schedule/);
    expect(published().values).toStrictEqual({ OrchestratorInvocations: 1, OrchestratorErrors: 1 });
  });
});
