/**
 * S3ObjectStore, the orchestrator function's S3 adapter, against a mocked S3Client: AWS is mocked at
 * the SDK edge (aws-sdk-client-mock replaces `send`), everything above it is the real adapter.
 * Covers get (found / NoSuchKey / other errors), conditional put (412 and 409 become
 * PreconditionFailedError) and concat (one PutObject when small; else a multipart upload whose
 * parts other than the last are at least S3's 5 MiB minimum, aborted when a part is missing).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PreconditionFailedError, S3ObjectStore } from '../../functions/scheduled-run/object-store';

const s3 = mockClient(S3Client);
const BUCKET = 'results';
const MiB = 1024 * 1024;
/** S3 rejects a multipart part under 5 MiB unless it is the last one. */
const S3_MIN_PART_BYTES = 5 * MiB;

const store = () => new S3ObjectStore(BUCKET, new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
/** A GetObject output whose body reads as `text` (the SDK's stream mixin, as far as the adapter uses it). */
const body = (text: string) => ({ transformToString: async () => text }) as never;
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status < 500 ? 'client' : 'server', $metadata: { httpStatusCode: status }, message: `${name} (${status})` });

beforeEach(() => s3.reset());

describe('S3ObjectStore.get', () => {
  test('returns the body and etag of an object', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'lists/a.txt' }).resolves({ Body: body('https://a.test/\n'), ETag: '"e1"' });
    await expect(store().get('lists/a.txt')).resolves.toStrictEqual({ body: 'https://a.test/\n', etag: '"e1"' });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: 'lists/a.txt' });
  });

  test('returns undefined for NoSuchKey', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    await expect(store().get('runs/x/checkpoint.json')).resolves.toBeUndefined();
  });

  test('rethrows any other error (e.g. AccessDenied)', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().get('lists/secret.txt')).rejects.toThrow(/AccessDenied/);
  });
});

describe('S3ObjectStore.put', () => {
  test('sends the conditions and a content type by extension, and returns the new etag', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    const objects = store();
    await expect(objects.put('runs/r/checkpoint.json', '{}', { ifMatch: '"e1"' })).resolves.toBe('"e2"');
    await objects.put('runs/r/parts/1.jsonl', '{"url":"x"}\n', { ifNoneMatch: '*' });
    expect(s3).toHaveReceivedNthCommandWith(1, PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/r/checkpoint.json',
      Body: '{}',
      ContentType: 'application/json',
      IfMatch: '"e1"',
    });
    expect(s3).toHaveReceivedNthCommandWith(2, PutObjectCommand, { Key: 'runs/r/parts/1.jsonl', ContentType: 'application/x-ndjson', IfNoneMatch: '*' });
  });

  test.each([
    ['412 PreconditionFailed (If-Match or If-None-Match did not hold)', 'PreconditionFailed', 412],
    ['409 ConditionalRequestConflict (a concurrent conditional write)', 'ConditionalRequestConflict', 409],
  ])('%s becomes PreconditionFailedError with the key', async (_, name, status) => {
    s3.on(PutObjectCommand).rejects(s3Error(name, status));
    const error = await store()
      .put('runs/r/checkpoint.json', '{}', { ifMatch: '"old"' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ name: 'PreconditionFailedError', key: 'runs/r/checkpoint.json' });
  });

  test('other failures are rethrown as they are', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('InternalError', 500));
    await expect(store().put('runs/r/summary.json', '{}')).rejects.toThrow(/InternalError/);
  });
});

describe("S3ObjectStore binary objects (a crawl checkpoint's seen-set)", () => {
  /** Bytes no UTF-8 round trip would keep: a lone continuation byte, a NUL, 0xff. */
  const bytes = Uint8Array.from([0x80, 0x00, 0xff, 0x41, 0xc3]);

  test('getBytes returns the body as bytes, unchanged, with its etag', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'runs/r/crawl/1/seen.bin' }).resolves({ Body: { transformToByteArray: async () => bytes } as never, ETag: '"b1"' });
    await expect(store().getBytes('runs/r/crawl/1/seen.bin')).resolves.toStrictEqual({ bytes, etag: '"b1"' });
  });

  test('getBytes returns undefined for NoSuchKey', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    await expect(store().getBytes('runs/r/crawl/1/seen.bin')).resolves.toBeUndefined();
  });

  test('putBytes sends the bytes as they are, as octet-stream, with its condition', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"b2"' });
    await expect(store().putBytes('runs/r/crawl/1/seen.bin', bytes, { ifNoneMatch: '*' })).resolves.toBe('"b2"');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/r/crawl/1/seen.bin',
      Body: bytes,
      ContentType: 'application/octet-stream',
      IfNoneMatch: '*',
    });
  });

  test('a lost conditional putBytes is a PreconditionFailedError too', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await expect(store().putBytes('runs/r/crawl/1/seen.bin', bytes, { ifNoneMatch: '*' })).rejects.toThrow(PreconditionFailedError);
  });
});

describe('S3ObjectStore.concat', () => {
  /** Parts in S3, served by GetObject, and what the adapter uploads. */
  function serveParts(parts: Record<string, string>) {
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const text = parts[input.Key];
      if (text === undefined) throw new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } });
      return { Body: body(text), ETag: `"${input.Key}"` };
    });
    s3.on(PutObjectCommand).resolves({ ETag: '"whole"' });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"p${input.PartNumber}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(AbortMultipartUploadCommand).resolves({});
  }
  const uploadedParts = () => s3.commandCalls(UploadPartCommand).map((c) => ({ number: c.args[0].input.PartNumber, body: Buffer.from(c.args[0].input.Body as Buffer) }));

  test('parts that add up to less than a multipart part are written with one PutObject', async () => {
    serveParts({ 'runs/r/parts/a.jsonl': 'a\n', 'runs/r/parts/b.jsonl': 'b\n' });
    await store().concat(['runs/r/parts/b.jsonl', 'runs/r/parts/a.jsonl'], 'runs/r/results.jsonl');
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: BUCKET, Key: 'runs/r/results.jsonl', ContentType: 'application/x-ndjson' });
    expect(Buffer.from(put.Body as Buffer).toString()).toBe('b\na\n');
    expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  test('large results go up as a multipart upload of the parts in order, every part but the last at least 5 MiB', async () => {
    // Seven 3 MiB part files: each alone is under S3's minimum, so the adapter must join them.
    const parts: Record<string, string> = {};
    const keys = Array.from({ length: 7 }, (_, i) => `runs/r/parts/${i}.jsonl`);
    keys.forEach((key, i) => {
      parts[key] = String.fromCharCode(97 + i).repeat(3 * MiB - 1) + '\n';
    });
    serveParts(parts);

    await store().concat(keys, 'runs/r/results.jsonl');

    expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, { Bucket: BUCKET, Key: 'runs/r/results.jsonl', ContentType: 'application/x-ndjson' });
    const uploaded = uploadedParts();
    expect(uploaded.length).toBeGreaterThan(1);
    expect(uploaded.map((p) => p.number)).toStrictEqual(uploaded.map((_, i) => i + 1));
    for (const part of uploaded.slice(0, -1)) expect(part.body.length).toBeGreaterThanOrEqual(S3_MIN_PART_BYTES);
    expect(Buffer.concat(uploaded.map((p) => p.body)).toString()).toBe(keys.map((k) => parts[k]).join(''));
    expect(s3).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      Key: 'runs/r/results.jsonl',
      UploadId: 'up-1',
      MultipartUpload: { Parts: uploaded.map((p) => ({ ETag: `"p${p.number}"`, PartNumber: p.number })) },
    });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  });

  test('a missing part aborts the multipart upload and fails the concat', async () => {
    serveParts({ 'runs/r/parts/0.jsonl': 'x'.repeat(9 * MiB) });
    await expect(store().concat(['runs/r/parts/0.jsonl', 'runs/r/parts/gone.jsonl'], 'runs/r/results.jsonl')).rejects.toThrow(/runs\/r\/parts\/gone.jsonl is missing/);
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: BUCKET, Key: 'runs/r/results.jsonl', UploadId: 'up-1' });
    expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });
});
