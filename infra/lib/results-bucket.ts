/**
 * The results bucket: private, TLS only, encrypted, versioned off (results are write-once per run),
 * with lifecycle expiry so old runs do not accumulate cost.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RUNS_PREFIX } from '../../core/schedule-input';

export interface ResultsBucketProps {
  /** Days before `runs/` objects (results, summaries, checkpoints) expire; 0 keeps them. @default 90 */
  expireRunsAfterDays?: number;
  /** Where S3 server access logs go; omit to not log. */
  accessLogsBucket?: Bucket;
}

export class ResultsBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ResultsBucketProps = {}) {
    super(scope, id);
    const days = props.expireRunsAfterDays ?? 90;
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? 'results/' : undefined,
      // Results are data someone may still want: keep the bucket when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(days > 0 ? [{ id: 'ExpireRuns', prefix: RUNS_PREFIX, expiration: Duration.days(days) }] : []),
      ],
    });
  }
}
