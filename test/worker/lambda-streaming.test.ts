/**
 * The deployed worker entry (functions/worker/lambda.ts) as the Node.js Lambda runtime drives it:
 * marked by `awslambda.streamifyResponse`, called `(event, responseStream, context)`, writing NDJSON
 * WorkerMessages. The stream is a real PassThrough; the pages come from the loopback demo site.
 */
import '../helpers/quiet-powertools';
import type { Context } from 'aws-lambda';
import { PrivateNetworkForbiddenError } from '../../core/deploy';
import { InvalidEventError } from '../../core/errors';
import { closeAgents } from '../../http/agent';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { ndjsonSink } from '../helpers/ndjson-sink';
import { fakeLambdaRuntime, isStreamingHandler, withFakeLambdaGlobal } from '../helpers/fake-lambda-runtime';

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite({ pages: 10 });
});
afterAll(async () => {
  await site.close();
  await closeAgents();
});

const context = { functionName: 'worker', awsRequestId: 'r1', memoryLimitInMB: '1769', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** Runs the handler (wrapped as the runtime wraps it) on a PassThrough and collects what it wrote. */
async function runOnStream(event: unknown) {
  const sink = ndjsonSink();
  const handler = streamify(streamChunk, fakeLambdaRuntime);
  const settled = await handler(event, sink.stream, context).then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await new Promise((resolve) => setImmediate(resolve)); // let the PassThrough hand on what it holds
  return { settled, stream: sink.stream, lines: sink.lines, partial: sink.partial(), messages: sink.messages() };
}

describe('worker Lambda entry (response streaming)', () => {
  test('writes one record line per URL, then one end line, and has finished the stream when it resolves', async () => {
    const urls = site.urls(5);

    const { settled, stream, messages, partial } = await runOnStream({ runId: 'run-1', chunkId: 'c7', urls, options: { allowPrivate: true } });

    expect(settled).toStrictEqual({ ok: true });
    expect(stream.writableFinished).toBe(true); // the runtime fails an invocation whose stream is not finished
    expect(partial).toBe('');
    expect(
      messages
        .slice(0, -1)
        .map((m) => m.type === 'record' && m.record.url)
        .sort(),
    ).toStrictEqual([...urls].sort());
    expect(messages.at(-1)).toStrictEqual({ type: 'end', runId: 'run-1', chunkId: 'c7', unstarted: [], stats: expect.objectContaining({ ok: 5, failed: 0, memoryMb: 1769 }) });
  });

  test('an invalid event rejects with InvalidEventError and writes no end line (the runtime reports the error)', async () => {
    const { settled, stream, lines } = await runOnStream({ runId: 'r', chunkId: 'c', urls: [] });

    expect(settled.ok).toBe(false);
    expect((settled as { error: unknown }).error).toBeInstanceOf(InvalidEventError);
    expect(lines).toStrictEqual([]);
    expect(stream.writableEnded).toBe(false);
  });

  test('called as a buffered handler (event, context, callback), it says how it must be deployed instead of writing to the context', async () => {
    const callback = () => undefined;
    await expect((streamChunk as unknown as (...args: unknown[]) => Promise<void>)({ runId: 'r', chunkId: 'c', urls: ['http://x/'] }, context, callback)).rejects.toThrow(
      /response-streaming handler \(awslambda\.streamifyResponse\)/,
    );
  });

  test('the exported handler is marked as streaming when the runtime global exists at load time, and is the plain function without it', () => {
    let loaded: { handler: unknown; streamChunk: unknown } | undefined;
    jest.isolateModules(() => {
      loaded = withFakeLambdaGlobal(() => require('../../functions/worker/lambda'));
    });
    expect(isStreamingHandler(loaded!.handler)).toBe(true);

    jest.isolateModules(() => {
      loaded = require('../../functions/worker/lambda');
    });
    expect(isStreamingHandler(loaded!.handler)).toBe(false);
    expect(loaded!.handler).toBe(loaded!.streamChunk);
  });
});

describe("the stack's allowPrivate switch (FANOUT_ALLOW_PRIVATE, read when the worker loads)", () => {
  const saved = process.env.FANOUT_ALLOW_PRIVATE;
  afterEach(() => {
    process.env.FANOUT_ALLOW_PRIVATE = saved;
  });

  /** streamChunk of a worker loaded with FANOUT_ALLOW_PRIVATE set to `value` (unset: undefined). */
  function workerLoadedWith(value: string | undefined): typeof streamChunk {
    if (value === undefined) delete process.env.FANOUT_ALLOW_PRIVATE;
    else process.env.FANOUT_ALLOW_PRIVATE = value;
    let loaded: { streamChunk: typeof streamChunk } | undefined;
    jest.isolateModules(() => {
      loaded = require('../../functions/worker/lambda');
    });
    return loaded!.streamChunk;
  }

  it.each([['false'], [undefined]])('with %p the deployed worker refuses an allowPrivate event, and writes nothing', async (value) => {
    const sink = ndjsonSink();
    const entry = workerLoadedWith(value);

    const settled = entry({ runId: 'r', chunkId: 'c', urls: site.urls(2), options: { allowPrivate: true } }, sink.stream, context);

    // A class of the isolated module registry: matched by its stable name and code.
    await expect(settled).rejects.toMatchObject({ name: 'PrivateNetworkForbiddenError', code: new PrivateNetworkForbiddenError('worker').code, refusedBy: 'worker' });
    await expect(settled).rejects.toThrow(/-c allowPrivate=true/);
    expect(sink.lines).toStrictEqual([]);
  });

  test('with true it runs the allowPrivate event', async () => {
    const sink = ndjsonSink();
    const entry = workerLoadedWith('true');

    await entry({ runId: 'r', chunkId: 'c', urls: site.urls(2), options: { allowPrivate: true } }, sink.stream, context);
    await new Promise((resolve) => setImmediate(resolve));

    expect(sink.messages().at(-1)).toMatchObject({ type: 'end', stats: { ok: 2, failed: 0 } });
  });
});
