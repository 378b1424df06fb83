/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`) for the Lambda emulator, with the
 * AWS SDK's own codec (@smithy/core's EventStreamCodec, the one the SDK decodes with): each event is
 * a binary message with `:message-type`, `:event-type` and `:content-type` headers and a CRC-checked
 * prelude and body.
 */
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { EventStreamCodec } from '@smithy/core/event-streams';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

const header = (value: string) => ({ type: 'string' as const, value });

/** One InvokeWithResponseStream event as the bytes Lambda sends for it. */
export function encodeStreamEvent(event: InvokeWithResponseStreamResponseEvent): Uint8Array {
  if (event.PayloadChunk) {
    return codec.encode({
      headers: { ':message-type': header('event'), ':event-type': header('PayloadChunk'), ':content-type': header('application/octet-stream') },
      body: event.PayloadChunk.Payload ?? new Uint8Array(),
    });
  }
  return codec.encode({
    headers: { ':message-type': header('event'), ':event-type': header('InvokeComplete'), ':content-type': header('application/json') },
    body: new Uint8Array(Buffer.from(JSON.stringify(event.InvokeComplete ?? {}))),
  });
}
