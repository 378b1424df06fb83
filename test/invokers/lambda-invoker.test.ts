/**
 * LambdaInvoker against a mocked LambdaClient: the mock sits at the AWS network edge
 * (aws-sdk-client-mock replaces `send`) and answers InvokeWithResponseStream with an EventStream of
 * PayloadChunk / InvokeComplete events, as the real SDK yields them; everything above it is the real invoker.
 */
import { InvokeWithResponseStreamCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { makeEvent, ndjsonOf, payloadChunks, resultFor, streamedOutput, streamedResult, urlsOf } from './factories';

const lambda = mockClient(LambdaClient);
const eventOf = (input: { Payload?: unknown }) => JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as WorkerEventInput;
const endOf = (event: WorkerEventInput) => {
  const { outcomes: _records, ...end } = resultFor(event);
  return { ...end, outcomes: [] };
};

function newInvoker(concurrency = 4): LambdaInvoker {
  return new LambdaInvoker({ functionName: 'fanout-worker', region: 'us-east-1', concurrency, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}

function throttle(retryAfterSeconds = '2') {
  return new TooManyRequestsException({
    message: 'Rate Exceeded.',
    $metadata: { httpStatusCode: 429 },
    retryAfterSeconds,
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    Type: 'User',
  });
}

/** Invokes with an onRecord that collects; `error` is what the call rejected with, if it did. */
async function invokeCollecting(invoker: LambdaInvoker, event: WorkerEventInput, signal?: AbortSignal) {
  const records: Outcome[] = [];
  const settled = await invoker
    .invoke(event, signal, (r) => records.push(r))
    .then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
  return { records, ...settled };
}

beforeEach(() => lambda.reset());

describe('LambdaInvoker (mocked LambdaClient, streamed responses)', () => {
  test('each record reaches onRecord as it streams in, before the call settles; the result is the end message', async () => {
    const event = makeEvent(urlsOf(3));
    const [first, rest] = (() => {
      const bytes = ndjsonOf(resultFor(event));
      const cut = bytes.indexOf('\n') + 1;
      return [bytes.subarray(0, cut), bytes.subarray(cut)];
    })();
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    lambda
      .on(InvokeWithResponseStreamCommand)
      .callsFake(() => streamedOutput([{ PayloadChunk: { Payload: first } }, gate, { PayloadChunk: { Payload: rest } }, { InvokeComplete: {} }]));
    const invoker = newInvoker();
    const records: Outcome[] = [];
    let settled = false;

    const call = invoker.invoke(event, undefined, (r) => records.push(r)).finally(() => (settled = true));
    while (records.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(records).toStrictEqual([resultFor(event).outcomes[0]]);
    expect(settled).toBe(false);
    openGate();

    await expect(call).resolves.toStrictEqual(endOf(event));
    expect(records).toStrictEqual(resultFor(event).outcomes);
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 1);
    expect(lambda).toHaveReceivedCommandWith(InvokeWithResponseStreamCommand, { FunctionName: 'fanout-worker', InvocationType: 'RequestResponse' });
    expect(eventOf(lambda.commandCalls(InvokeWithResponseStreamCommand)[0]!.args[0].input)).toStrictEqual(event);
    await invoker.close();
  });

  test('without onRecord (a caller that does not stream), the records come back in the result', async () => {
    const event = makeEvent(urlsOf(4));
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedResult(resultFor(event)));

    await expect(newInvoker().invoke(event)).resolves.toStrictEqual(resultFor(event));
  });

  test('lines and UTF-8 characters cut across PayloadChunks arrive whole', async () => {
    const event = makeEvent(urlsOf(5));
    const result = resultFor(event);
    for (const o of result.outcomes) if (o.ok) o.title = 'Café 東京 🚀 ünïcödé';
    // 7-byte chunks cut most lines many times, and many multi-byte characters in two.
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedResult(result, 7));

    const { records, result: end } = await invokeCollecting(newInvoker(), event);

    expect(records).toStrictEqual(result.outcomes);
    expect(end).toStrictEqual(endOf(event));
  });

  test.each([
    [
      'a function error',
      { ErrorCode: 'Runtime.ExitError', ErrorDetails: 'exited with signal SIGKILL' },
      'crashed',
      'worker failed: Runtime.ExitError: exited with signal SIGKILL',
    ],
    ['a timeout', { ErrorCode: 'Sandbox.Timedout', ErrorDetails: 'Task timed out after 300.00 seconds' }, 'timeout', 'worker timed out: Task timed out after 300.00 seconds'],
    [
      'an error document',
      { ErrorCode: 'TypeError', ErrorDetails: JSON.stringify({ errorType: 'TypeError', errorMessage: 'boom' }) },
      'crashed',
      'worker failed: TypeError: boom',
    ],
  ])('InvokeComplete with %s after 30 of 50 records: the 30 are delivered, then the call rejects', async (_, complete, reason, message) => {
    const event = makeEvent(urlsOf(50));
    const thirty = ndjsonOf({ ...resultFor(event), outcomes: resultFor(event).outcomes.slice(0, 30) });
    const recordsOnly = thirty.subarray(0, thirty.lastIndexOf('{"type":"end"'));
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedOutput([...payloadChunks(recordsOnly, 1000), { InvokeComplete: complete }]));

    const { records, error } = await invokeCollecting(newInvoker(), event);

    expect(records).toStrictEqual(resultFor(event).outcomes.slice(0, 30));
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason, chunkId: 'c1', message });
  });

  test.each([
    ['completes without an end line', [{ InvokeComplete: {} }], 'bad-response', /without an end line/],
    ['ends before InvokeComplete', [], 'network', /before InvokeComplete/],
    ['breaks mid-stream', [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })], 'network', /worker stream broke: Error: socket hang up/],
  ])('a stream that %s rejects (%s) after delivering the records that arrived', async (_, tail, reason, message) => {
    const event = makeEvent(urlsOf(10));
    const bytes = ndjsonOf(resultFor(event));
    const recordsOnly = bytes.subarray(0, bytes.lastIndexOf('{"type":"end"'));
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedOutput([...payloadChunks(recordsOnly, 300), ...(tail as never[])]));

    const { records, error } = await invokeCollecting(newInvoker(), event);

    expect(records).toStrictEqual(resultFor(event).outcomes);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason });
    expect((error as Error).message).toMatch(message);
  });

  test.each([
    ['a line that is not JSON', 'not json\n', /line 1 is not JSON/],
    ['a line that is not a WorkerMessage', '{"type":"record","record":{"url":1}}\n', /line 1 is not a WorkerMessage/],
    ['a buffered WorkerResult (a worker deployed before streaming)', JSON.stringify(resultFor(makeEvent(urlsOf(1)))), /redeploy the worker/],
  ])('%s is a "bad-response"', async (_, text, message) => {
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedOutput([{ PayloadChunk: { Payload: Buffer.from(text) } }, { InvokeComplete: {} }]));

    const { error } = await invokeCollecting(newInvoker(), makeEvent(urlsOf(1)));

    expect(error).toMatchObject({ name: 'InvokeError', reason: 'bad-response', message: expect.stringMatching(message) });
  });

  test('a throttled streaming invoke: 429 becomes "throttled" with retryAfterMs, halves the limit, and the retry streams', async () => {
    const event = makeEvent(urlsOf(2));
    lambda
      .on(InvokeWithResponseStreamCommand)
      .rejectsOnce(throttle('2'))
      .callsFake(() => streamedResult(resultFor(event)));
    const invoker = newInvoker(8);

    const first = await invokeCollecting(invoker, event);
    expect(first.records).toStrictEqual([]);
    expect(first.error).toBeInstanceOf(InvokeError);
    expect(first.error).toMatchObject({ reason: 'throttled', retryAfterMs: 2000 });
    expect((first.error as Error).message).toContain('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(invoker.stats).toStrictEqual({ invokes: 1, throttles: 1, splits: 0, limit: 4 });

    // run.ts retries a throttled chunk; the retry goes through.
    const retry = await invokeCollecting(invoker, event);
    expect(retry.records).toStrictEqual(resultFor(event).outcomes);
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 2);
  });

  test('a 50 MB chunk result streams through whole: every record delivered, one invoke, no split (the 6 MB buffered limit would have split it)', async () => {
    // 500 records of ~120 kB of links each: about 60 MB of NDJSON, in Lambda-sized 64 KiB chunks.
    const event = makeEvent(urlsOf(500));
    const result = resultFor(event, 100_000);
    const bytes = ndjsonOf(result);
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => streamedOutput([...payloadChunks(bytes), { InvokeComplete: {} }]));
    const invoker = newInvoker();
    let delivered = 0;
    const urls: string[] = [];

    const end = await invoker.invoke(event, undefined, (r) => {
      delivered += Buffer.byteLength(JSON.stringify(r));
      urls.push(r.url);
    });

    expect(bytes.byteLength).toBeGreaterThan(50 * 1024 * 1024);
    expect(delivered).toBeGreaterThan(50 * 1024 * 1024);
    expect(urls).toStrictEqual(event.urls);
    expect(end).toStrictEqual(endOf(event));
    expect(invoker.stats).toMatchObject({ invokes: 1, splits: 0 });
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 1);
  });
});
