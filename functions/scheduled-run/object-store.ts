/**
 * The little the orchestrator needs from S3, as a one-method-per-need interface: get and put text
 * with conditional writes (so a duplicated continuation cannot overwrite a newer checkpoint), get and
 * put bytes (a scheduled crawl's seen-set), and concatenation of part files into one object.
 * `S3ObjectStore` is the S3 adapter; tests use memory.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { FanoutError } from '../../core/errors';

export interface StoredObject {
  body: string;
  etag: string;
}

export interface StoredBytes {
  bytes: Uint8Array;
  etag: string;
}

/** `ifMatch`: write only over that version; `ifNoneMatch: '*'`: only if the object is absent. */
export interface PutCondition {
  ifMatch?: string;
  ifNoneMatch?: '*';
}

/** A conditional write lost: someone else wrote the object first. */
export class PreconditionFailedError extends FanoutError {
  override readonly name = 'PreconditionFailedError';
  readonly code = 'FANOUT_PRECONDITION_FAILED';
  constructor(readonly key: string) {
    super(`conditional write to ${key} failed: the object changed`);
  }
}

export interface ObjectStore {
  /** undefined when the object does not exist. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Writes and returns the new etag. `ifMatch`: only over that version; `ifNoneMatch: '*'`: only if absent. */
  put(key: string, body: string, condition?: PutCondition): Promise<string>;
  /** {@link get} for a binary object: its bytes as stored. */
  getBytes(key: string): Promise<StoredBytes | undefined>;
  /** {@link put} for a binary object. */
  putBytes(key: string, bytes: Uint8Array, condition?: PutCondition): Promise<string>;
  /** Writes the concatenation of `keys`, in order, to `target`. */
  concat(keys: readonly string[], target: string): Promise<void>;
}

/** S3 multipart parts must be at least 5 MiB, except the last. */
const PART_BYTES = 8 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Client = new S3Client({}),
  ) {}

  async get(key: string): Promise<StoredObject | undefined> {
    return this.read(key, async (out) => ({ body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' }));
  }

  async getBytes(key: string): Promise<StoredBytes | undefined> {
    return this.read(key, async (out) => ({ bytes: (await out.Body?.transformToByteArray()) ?? new Uint8Array(), etag: out.ETag ?? '' }));
  }

  put(key: string, body: string, condition: PutCondition = {}): Promise<string> {
    return this.write(key, body, condition);
  }

  putBytes(key: string, bytes: Uint8Array, condition: PutCondition = {}): Promise<string> {
    return this.write(key, bytes, condition);
  }

  private async read<T>(key: string, body: (out: GetObjectCommandOutput) => Promise<T>): Promise<T | undefined> {
    try {
      return await body(await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private async write(key: string, body: string | Uint8Array, condition: PutCondition): Promise<string> {
    try {
      const out = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType(key), IfMatch: condition.ifMatch, IfNoneMatch: condition.ifNoneMatch }),
      );
      return out.ETag ?? '';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) throw new PreconditionFailedError(key);
      throw error;
    }
  }

  async concat(keys: readonly string[], target: string): Promise<void> {
    const bodies: Buffer[] = [];
    let buffered = 0;
    let uploadId: string | undefined;
    const parts: { ETag?: string; PartNumber: number }[] = [];
    const flush = async () => {
      uploadId ??= (await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: target, ContentType: contentType(target) }))).UploadId;
      const out = await this.s3.send(
        new UploadPartCommand({ Bucket: this.bucket, Key: target, UploadId: uploadId, PartNumber: parts.length + 1, Body: Buffer.concat(bodies) }),
      );
      parts.push({ ETag: out.ETag, PartNumber: parts.length + 1 });
      bodies.length = 0;
      buffered = 0;
    };
    try {
      for (const key of keys) {
        const object = await this.get(key);
        if (!object) throw new Error(`part ${key} is missing`);
        const body = Buffer.from(object.body);
        bodies.push(body);
        buffered += body.length;
        if (buffered >= PART_BYTES) await flush();
      }
      if (uploadId === undefined) {
        await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: target, Body: Buffer.concat(bodies), ContentType: contentType(target) }));
        return;
      }
      if (buffered > 0) await flush();
      await this.s3.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      if (uploadId) await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId: uploadId })).catch(() => undefined);
      throw error;
    }
  }
}

function contentType(key: string): string {
  if (key.endsWith('.jsonl')) return 'application/x-ndjson';
  if (key.endsWith('.txt')) return 'text/plain; charset=utf-8';
  return key.endsWith('.bin') ? 'application/octet-stream' : 'application/json';
}
