/**
 * LambdaInvoker against a mocked LambdaClient: the mock sits at the AWS network edge
 * (aws-sdk-client-mock replaces `send`), everything above it is the real invoker.
 */
import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { WorkerEventInput } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaInvoker, LambdaSetupError } from '../../orchestrator/invokers/lambda';
import { LAMBDA_RESPONSE_LIMIT_BYTES, makeEvent, resultFor, urlsOf } from './factories';

const lambda = mockClient(LambdaClient);
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)) as never;
const eventOf = (input: { Payload?: unknown }) => JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as WorkerEventInput;

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

beforeEach(() => lambda.reset());

describe('LambdaInvoker (mocked LambdaClient)', () => {
  test('success: sends the event as a RequestResponse invoke and returns the parsed result', async () => {
    const event = makeEvent(urlsOf(3));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode(resultFor(event)) });
    const invoker = newInvoker();

    const result = await invoker.invoke(event);

    expect(result).toStrictEqual(resultFor(event));
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'fanout-worker', InvocationType: 'RequestResponse' });
    expect(eventOf(lambda.commandCalls(InvokeCommand)[0]!.args[0].input)).toStrictEqual(event);
    await invoker.close();
  });

  test('FunctionError becomes InvokeError "crashed" with the error type and message', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: encode({ errorType: 'TypeError', errorMessage: 'boom' }) });
    const invoker = newInvoker();

    const error = await invoker.invoke(makeEvent(urlsOf(2))).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'crashed', chunkId: 'c1', message: 'worker failed: TypeError: boom' });
  });

  test('"Task timed out" becomes InvokeError "timeout"', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'Sandbox.Timedout', errorMessage: '2024-01-01T00:00:00.000Z abc Task timed out after 60.00 seconds' }),
    });

    await expect(newInvoker().invoke(makeEvent(urlsOf(2)))).rejects.toMatchObject({ name: 'InvokeError', reason: 'timeout' });
  });

  test('throttling then success: 429 becomes "throttled" with retryAfterMs, halves the limit, and the retry succeeds', async () => {
    const event = makeEvent(urlsOf(2));
    lambda
      .on(InvokeCommand)
      .rejectsOnce(throttle('2'))
      .resolves({ StatusCode: 200, Payload: encode(resultFor(event)) });
    const invoker = newInvoker(8);

    const first = await invoker.invoke(event).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(InvokeError);
    expect(first).toMatchObject({ reason: 'throttled', retryAfterMs: 2000 });
    expect((first as Error).message).toContain('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(invoker.stats).toStrictEqual({ invokes: 1, throttles: 1, splits: 0, limit: 4 });

    // run.ts retries a throttled chunk; the retry goes through.
    await expect(invoker.invoke(event)).resolves.toStrictEqual(resultFor(event));
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 2);
  });

  test('oversized outcomes: a chunk whose outcomes exceed 6 MB is split in halves and merged, one record per URL', async () => {
    // Each record carries ~120 kB of links, so 64 URLs answer ~7.7 MB: over the limit until split.
    const linkBytes = 120_000;
    lambda.on(InvokeCommand).callsFake((input: { Payload?: unknown }) => {
      const body = JSON.stringify(resultFor(eventOf(input), linkBytes));
      if (Buffer.byteLength(body) > LAMBDA_RESPONSE_LIMIT_BYTES) {
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          Payload: encode({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' }),
        };
      }
      return { StatusCode: 200, Payload: Buffer.from(body) };
    });
    const event = makeEvent(urlsOf(64));
    const invoker = newInvoker();

    const result = await invoker.invoke(event);

    expect(Buffer.byteLength(JSON.stringify(result))).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(result.chunkId).toBe('c1');
    expect(result.outcomes.map((o) => o.url)).toStrictEqual(event.urls);
    expect(result.stats).toMatchObject({ ok: 64, failed: 0 });
    expect(invoker.stats.splits).toBe(1);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 3);
  });

  test('a single URL whose record alone exceeds the limit becomes a too-large failure, not a lost record', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: encode({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'too big' }) });
    const event = makeEvent(urlsOf(1));

    const result = await newInvoker().invoke(event);

    expect(result.outcomes).toStrictEqual([{ url: event.urls[0], ok: false, error: { kind: 'too-large', message: expect.stringContaining('6 MB') }, attempts: 1 }]);
  });

  test('network error becomes InvokeError "network" with the cause', async () => {
    const cause = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
    lambda.on(InvokeCommand).rejects(cause);

    const error = await newInvoker()
      .invoke(makeEvent(urlsOf(1)))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'network', cause });
  });

  test('a payload that is not a WorkerResult becomes "bad-response"', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode({ hello: 'world' }) });

    await expect(newInvoker().invoke(makeEvent(urlsOf(1)))).rejects.toMatchObject({ name: 'InvokeError', reason: 'bad-response' });
  });

  test('a missing function is a LambdaSetupError (no retry can help), not an InvokeError', async () => {
    lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }));

    await expect(newInvoker().invoke(makeEvent(urlsOf(1)))).rejects.toThrow(LambdaSetupError);
  });

  test.each([
    [Object.assign(new Error('Region is missing'), { name: 'Error' }), /no AWS region .*--region/],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /no AWS credentials .*--profile/],
  ])('a client without %s is a LambdaSetupError that says how to fix it', async (error, message) => {
    lambda.on(InvokeCommand).rejects(error);
    const invoker = newInvoker();
    await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toThrow(message);
    await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toBeInstanceOf(LambdaSetupError);
  });

  test('invokes in flight never exceed the configured concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    lambda.on(InvokeCommand).callsFake(async (input: { Payload?: unknown }) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { StatusCode: 200, Payload: encode(resultFor(eventOf(input))) };
    });
    const invoker = newInvoker(3);

    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => invoker.invoke(makeEvent(urlsOf(1), { chunkId: `c${i}` }))));

    expect(results).toHaveLength(12);
    expect(peak).toBe(3);
  });
});
