/**
 * The little the orchestrator needs from S3, as a one-method-per-need interface: get and put text
 * with conditional writes (so a duplicated continuation cannot overwrite a newer checkpoint), and
 * concatenation of part files into one object. `S3ObjectStore` is the S3 adapter; tests use memory.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
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
  put(key: string, body: string, condition?: { ifMatch?: string; ifNoneMatch?: '*' }): Promise<string>;
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
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' };
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string, condition: { ifMatch?: string; ifNoneMatch?: '*' } = {}): Promise<string> {
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
  return key.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json';
}
