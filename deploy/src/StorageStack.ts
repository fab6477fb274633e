/**
 * StorageStack: the private media bucket and the session table
 * (ARCHITECTURE.md "State", "Hardening", "Deployment").
 *
 * Both are RETAINed on stack deletion: they hold users' data, and a table
 * or bucket re-created under the same name by a rollback must not be empty.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib"
import * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import * as s3 from "aws-cdk-lib/aws-s3"
import type { Construct } from "constructs"
import { MEDIA_EXPIRATION_DAYS } from "./config.js"

/** Props: the browser origins allowed to PUT/GET blobs directly (the CloudFront domain; a custom domain when there is one). */
export interface StorageStackProps extends StackProps {
  /** Origins for the bucket's CORS rule (`DeployConfig.webOrigins`; S3 CORS accepts one `*` wildcard per origin). */
  readonly corsOrigins: ReadonlyArray<string>
}

/** The media bucket and the session table. */
export class StorageStack extends Stack {
  /** `<session>/original|thumb|enhanced|bundle/...` blobs, expiring with the session. */
  readonly mediaBucket: s3.Bucket
  /** One table, `PK`/`SK` strings, TTL on `expiresAt`. */
  readonly table: dynamodb.Table

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props)

    this.mediaBucket = new s3.Bucket(this, "MediaBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Sessions live DEFAULT_TTL_SECONDS; their blobs go a day later (S3 counts whole days).
        { id: "expire-session-media", enabled: true, expiration: Duration.days(MEDIA_EXPIRATION_DAYS) },
        // A browser that dies mid-upload leaves parts that are billed but invisible (ARCHITECTURE.md "Hardening").
        { id: "abort-incomplete-multipart", enabled: true, abortIncompleteMultipartUploadAfter: Duration.days(1) }
      ],
      cors: [
        {
          // Presigned PUTs (and multipart part PUTs) from the browser, presigned GETs for <img>/<video>.
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: [...props.corsOrigins],
          allowedHeaders: ["content-type", "content-length", "content-md5", "x-amz-*"],
          // The browser must read each part's ETag to complete a multipart upload.
          exposedHeaders: ["ETag"],
          maxAge: 3000
        }
      ]
    })

    this.table = new dynamodb.Table(this, "SessionTable", {
      partitionKey: { name: "PK", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "SK", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: "expiresAt",
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN
    })
  }
}
