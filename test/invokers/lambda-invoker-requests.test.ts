/**
 * LambdaInvoker's request side against a mocked LambdaClient: the 6 MB request limit (which
 * streaming does not lift), setup and network errors, aborts, and the concurrency bound.
 */
import { InvokeWithResponseStreamCommand, LambdaClient, RequestTooLargeException, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaInvoker, LambdaSetupError } from '../../orchestrator/invokers/lambda';
import { LAMBDA_REQUEST_LIMIT_BYTES } from '../../orchestrator/invokers/lambda-split';
import { makeEvent, ndjsonOf, payloadChunks, resultFor, streamedOutput, streamedResult, urlsOf } from './factories';

const lambda = mockClient(LambdaClient);
const eventOf = (input: { Payload?: unknown }) => JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as WorkerEventInput;
const echo = (input: { Payload?: unknown }) => streamedResult(resultFor(eventOf(input)));

function newInvoker(concurrency = 4): LambdaInvoker {
  return new LambdaInvoker({ functionName: 'fanout-worker', region: 'us-east-1', concurrency, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}

beforeEach(() => lambda.reset());

describe('LambdaInvoker requests (mocked LambdaClient)', () => {
  test('a chunk whose request is over 6 MB is split before any call until every half fits; all records delivered', async () => {
    // 3,000 URLs of ~3 kB: a 9 MB event, so two halves of ~4.5 MB.
    const event = makeEvent(urlsOf(3000, `http://127.0.0.1:9/${'p'.repeat(3000)}`));
    lambda.on(InvokeWithResponseStreamCommand).callsFake(echo);
    const invoker = newInvoker();
    const records: Outcome[] = [];

    const result = await invoker.invoke(event, undefined, (r) => records.push(r));

    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(LAMBDA_REQUEST_LIMIT_BYTES);
    const payloads = lambda.commandCalls(InvokeWithResponseStreamCommand).map((c) => (c.args[0].input.Payload as Uint8Array).byteLength);
    expect(payloads).toHaveLength(2);
    for (const bytes of payloads) expect(bytes).toBeLessThanOrEqual(LAMBDA_REQUEST_LIMIT_BYTES);
    expect(records.map((r) => r.url).sort()).toStrictEqual([...event.urls].sort());
    expect(result).toMatchObject({ chunkId: 'c1', outcomes: [], unstarted: [], stats: { ok: 3000, failed: 0 } });
    expect(invoker.stats.splits).toBe(1);
  });

  test('Lambda refusing a request as too large (413) splits the chunk too', async () => {
    lambda.on(InvokeWithResponseStreamCommand).callsFake((input: { Payload?: unknown }) => {
      if (eventOf(input).urls.length > 2)
        throw new RequestTooLargeException({ message: 'Request must be smaller than 6291456 bytes', $metadata: { httpStatusCode: 413 }, Type: 'User' });
      return echo(input);
    });
    const event = makeEvent(urlsOf(8));

    const result = await newInvoker().invoke(event);

    expect(result.outcomes.map((o) => o.url).sort()).toStrictEqual([...event.urls].sort());
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 1 + 2 + 4);
  });

  test('a single URL whose request alone is over the limit gets a too-large record, and nothing is sent', async () => {
    const event = makeEvent(urlsOf(1), { options: { allowPrivate: true, userAgent: 'u'.repeat(LAMBDA_REQUEST_LIMIT_BYTES) } });

    const result = await newInvoker().invoke(event);

    expect(result.outcomes).toStrictEqual([
      { url: event.urls[0], ok: false, error: { kind: 'too-large', message: expect.stringContaining('6 MB request limit') }, attempts: 0 },
    ]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, 0);
  });

  test('network error before any stream becomes InvokeError "network" with the cause', async () => {
    const cause = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
    lambda.on(InvokeWithResponseStreamCommand).rejects(cause);

    const error = await newInvoker()
      .invoke(makeEvent(urlsOf(1)))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'network', cause });
  });

  test('a missing function is a LambdaSetupError (no retry can help), not an InvokeError', async () => {
    lambda.on(InvokeWithResponseStreamCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }));

    await expect(newInvoker().invoke(makeEvent(urlsOf(1)))).rejects.toThrow(LambdaSetupError);
  });

  test.each([
    [Object.assign(new Error('Region is missing'), { name: 'Error' }), /no AWS region .*--region/],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /no AWS credentials .*--profile/],
  ])('a client without %s is a LambdaSetupError that says how to fix it', async (error, message) => {
    lambda.on(InvokeWithResponseStreamCommand).rejects(error);
    const invoker = newInvoker();
    await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toThrow(message);
    await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toBeInstanceOf(LambdaSetupError);
  });

  test('aborting mid-stream rejects "network" and no record arrives after the call settled', async () => {
    const event = makeEvent(urlsOf(4));
    const bytes = ndjsonOf(resultFor(event));
    const controller = new AbortController();
    const never = new Promise<void>(() => undefined);
    lambda.on(InvokeWithResponseStreamCommand).callsFake(() => {
      // The SDK rejects the stream when its abortSignal fires; model that by failing the next read.
      const aborted = new Promise<void>((_, reject) => controller.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      return streamedOutput([...payloadChunks(bytes.subarray(0, bytes.indexOf('\n') + 1)), aborted, never, ...payloadChunks(bytes)]);
    });
    const records: Outcome[] = [];
    let settled = false;

    const call = newInvoker()
      .invoke(event, controller.signal, (r) => {
        expect(settled).toBe(false);
        records.push(r);
      })
      .finally(() => (settled = true));
    while (records.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();

    await expect(call).rejects.toMatchObject({ name: 'InvokeError', reason: 'network', message: 'invoke aborted' });
    expect(records).toStrictEqual(resultFor(event).outcomes.slice(0, 1));
  });

  test('invokes in flight never exceed the configured concurrency (a slot is held until the stream is over)', async () => {
    let inFlight = 0;
    let peak = 0;
    lambda.on(InvokeWithResponseStreamCommand).callsFake((input: { Payload?: unknown }) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const done = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => void inFlight--);
      return streamedOutput([done, ...payloadChunks(ndjsonOf(resultFor(eventOf(input)))), { InvokeComplete: {} }]);
    });
    const invoker = newInvoker(3);

    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => invoker.invoke(makeEvent(urlsOf(1), { chunkId: `c${i}` }))));

    expect(results).toHaveLength(12);
    expect(peak).toBe(3);
  });
});
