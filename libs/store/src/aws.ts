/**
 * @curator/store/aws — the AWS layers: blobs in S3, sessions in DynamoDB
 * (the same SessionStore code as locally, over a DynamoDB client pointed at
 * AWS), and the S3 presigner behind the API's upload and media URLs.
 * Imported by the Lambda entries; never pulls dynalite or s3rver (checked by
 * test/entryPoints.test.ts on an esbuild bundle).
 *
 * Environment (read once per cold start by {@link AwsStores.layerFromEnv}):
 *
 * | variable | meaning |
 * |---|---|
 * | `CURATOR_BUCKET` | media bucket name (required) |
 * | `CURATOR_TABLE` | session table name (required) |
 * | `AWS_REGION` | region of bucket and table (required; Lambda sets it) |
 * | `CURATOR_S3_ENDPOINT` | tests only: S3 stand-in endpoint, path-style addressing |
 * | `CURATOR_DYNAMODB_ENDPOINT` | tests only: DynamoDB stand-in endpoint |
 *
 * Credentials come from the SDK's default provider chain (the Lambda
 * execution role; `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` for the
 * stand-ins).
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3"
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm"
import { Config, ConfigProvider, Context, Effect, Layer } from "effect"
import { BlobStore } from "./BlobStore.js"
import { DYNAMODB_MAX_ATTEMPTS, DynamoDb } from "./DynamoDb.js"
import { makeS3BlobStore, type S3BlobStoreOptions } from "./internal/S3BlobStore.js"
import { PostStore } from "./PostStore.js"
import { SessionStore } from "./SessionStore.js"

export { S3_PART_SIZE_BYTES, S3_UPLOAD_QUEUE_SIZE, type S3BlobStoreOptions } from "./internal/S3BlobStore.js"
export {
  MAX_PRESIGN_SECONDS,
  PRESIGNED_PUT_SIGNED_HEADERS,
  presignS3Get,
  presignS3Put,
  type PresignGetRequest,
  type PresignPutRequest
} from "./internal/s3Presign.js"
export { classifyS3 } from "./internal/s3Errors.js"

/**
 * SDK attempts per S3 call: 3 (the SDK's default, "standard" retry mode:
 * exponential backoff with jitter, retry quota). More than DynamoDB's 2
 * because one failed part of a multipart upload fails the whole upload of a
 * possibly large video; Step Functions still owns the task-level retries.
 */
export const S3_MAX_ATTEMPTS = 3

/** Options of {@link s3Client}. */
export interface S3ClientOptions {
  /** Region of the bucket (`AWS_REGION`). */
  readonly region: string
  /** A stand-in endpoint (tests: s3rver); when set, path-style addressing (`<endpoint>/<bucket>/<key>`). */
  readonly endpoint?: string
  /** Explicit credentials; default the SDK's provider chain. */
  readonly credentials?: S3ClientConfig["credentials"]
  /** SDK attempts per call; default {@link S3_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number
}

/**
 * An S3 client configured for Curator: checksums only where an operation
 * requires them (`requestChecksumCalculation` and `responseChecksumValidation`
 * `WHEN_REQUIRED`; the SDK's default since 3.729 adds CRC32 checksum headers
 * that a browser PUT to a presigned URL cannot send), the standard retry mode
 * with {@link S3_MAX_ATTEMPTS}, and path-style addressing when `endpoint` is
 * given. The caller owns the client (`destroy()` it when done).
 */
export const s3Client = (options: S3ClientOptions): S3Client =>
  new S3Client({
    region: options.region,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    retryMode: "standard",
    maxAttempts: options.maxAttempts ?? S3_MAX_ATTEMPTS,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials })
  })

/** The media bucket and the client that reaches it. */
export interface S3StorageService {
  readonly bucket: string
  readonly client: S3Client
}

/**
 * The S3 client and bucket as a service (`curator/store/S3Storage`), so the
 * API's `UrlSigner.layerS3` presigns with the same client the BlobStore uses.
 */
export class S3Storage extends Context.Service<S3Storage, S3StorageService>()("curator/store/S3Storage") {}

const s3BlobStoreFromStorage: Layer.Layer<BlobStore, never, S3Storage> = Layer.effect(
  BlobStore,
  Effect.gen(function* () {
    return makeS3BlobStore(yield* S3Storage)
  })
)

/** The S3 blob store layers. */
export const S3BlobStore = {
  /**
   * `BlobStore` over `options.bucket` with `options.client` (see
   * {@link s3Client}; the layer does not destroy it). Errors follow
   * internal/s3Errors.ts: missing key NotFoundError, throttling, 5xx,
   * network and access problems StoreUnavailableError, invalid keys
   * InvalidInputError, the rest defects.
   */
  layer: (options: S3BlobStoreOptions): Layer.Layer<BlobStore> => Layer.succeed(BlobStore, makeS3BlobStore(options)),

  /** `BlobStore` over the `S3Storage` in context. */
  layerFromStorage: s3BlobStoreFromStorage
} as const

/** Everything {@link AwsStores.layer} needs (what the environment says). */
export interface AwsStoresSettings {
  /** Media bucket (`CURATOR_BUCKET`). */
  readonly bucket: string
  /** Session table (`CURATOR_TABLE`). */
  readonly tableName: string
  /** Region (`AWS_REGION`). */
  readonly region: string
  /** S3 stand-in endpoint (`CURATOR_S3_ENDPOINT`), path-style; tests only. */
  readonly s3Endpoint?: string
  /** DynamoDB stand-in endpoint (`CURATOR_DYNAMODB_ENDPOINT`); tests only. */
  readonly dynamoDbEndpoint?: string
  /** SessionStore Query/Scan page size (tests force pagination with it); unset: DynamoDB's 1 MB pages. Not read from the environment. */
  readonly sessionPageSize?: number
}

/** What the environment variable holds, for the error when it is missing. */
const REQUIRED = {
  CURATOR_BUCKET: "the media bucket name (set by the CDK BackendStack)",
  CURATOR_TABLE: "the session table name (set by the CDK BackendStack)",
  AWS_REGION: "the AWS region (set by the Lambda runtime)"
} as const

/** A required variable: missing or blank is a ConfigError that names it. */
const required = (name: keyof typeof REQUIRED) =>
  Effect.gen(function* () {
    const value = (yield* Config.String(name).pipe(Config.withDefault(""))).trim()
    if (value !== "") return value
    return yield* Effect.fail(
      new Config.ConfigError(new ConfigProvider.SourceError({ message: `missing environment variable ${name}: ${REQUIRED[name]}` }))
    )
  })

/** An optional variable: blank counts as unset. */
const optional = (name: string) =>
  Effect.gen(function* () {
    const value = (yield* Config.String(name).pipe(Config.withDefault(""))).trim()
    return value === "" ? undefined : value
  })

/**
 * Reads {@link AwsStoresSettings} from `Config` (the environment):
 * `CURATOR_BUCKET`, `CURATOR_TABLE`, `AWS_REGION` required (a ConfigError
 * naming the first missing one), `CURATOR_S3_ENDPOINT`,
 * `CURATOR_DYNAMODB_ENDPOINT` optional.
 */
export const readAwsStoresSettings: Effect.Effect<AwsStoresSettings, Config.ConfigError> = Effect.gen(function* () {
  const bucket = yield* required("CURATOR_BUCKET")
  const tableName = yield* required("CURATOR_TABLE")
  const region = yield* required("AWS_REGION")
  const s3Endpoint = yield* optional("CURATOR_S3_ENDPOINT")
  const dynamoDbEndpoint = yield* optional("CURATOR_DYNAMODB_ENDPOINT")
  return {
    bucket,
    tableName,
    region,
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    ...(dynamoDbEndpoint === undefined ? {} : { dynamoDbEndpoint })
  }
})

/**
 * `BlobStore` (S3), `SessionStore` and `PostStore` (the shared
 * implementations over DynamoDB, one table), `DynamoDb` (the raw client) and `S3Storage` (bucket + client,
 * for the presigner), with clients acquired once and destroyed when the
 * layer's scope closes. DynamoDB: standard retry mode, `maxAttempts` 2
 * (DYNAMODB_MAX_ATTEMPTS: Step Functions owns retries); S3: see
 * {@link s3Client}. The table is NOT created here (the CDK StorageStack owns it).
 */
const awsStoresLayer = (settings: AwsStoresSettings): Layer.Layer<BlobStore | SessionStore | PostStore | DynamoDb | S3Storage> => {
  const storage = Layer.effect(
    S3Storage,
    Effect.acquireRelease(
      Effect.sync(
        (): S3StorageService => ({
          bucket: settings.bucket,
          client: s3Client({ region: settings.region, ...(settings.s3Endpoint === undefined ? {} : { endpoint: settings.s3Endpoint }) })
        })
      ),
      ({ client }) => Effect.sync(() => client.destroy())
    )
  )
  const dynamo = DynamoDb.layerConfig({
    region: settings.region,
    retryMode: "standard",
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    ...(settings.dynamoDbEndpoint === undefined ? {} : { endpoint: settings.dynamoDbEndpoint })
  })
  const tableSettings = {
    tableName: settings.tableName,
    ...(settings.sessionPageSize === undefined ? {} : { pageSize: settings.sessionPageSize })
  }
  return Layer.mergeAll(S3BlobStore.layerFromStorage, SessionStore.layerWith(tableSettings), PostStore.layerWith(tableSettings)).pipe(
    Layer.provideMerge(Layer.mergeAll(storage, dynamo))
  )
}

const awsStoresLayerFromEnv: Layer.Layer<BlobStore | SessionStore | PostStore | DynamoDb | S3Storage, Config.ConfigError> = Layer.unwrap(
  Effect.map(readAwsStoresSettings, awsStoresLayer)
)

/** The AWS stores of a Lambda. */
export const AwsStores = {
  /**
   * `BlobStore` (S3), `SessionStore` and `PostStore` (over DynamoDB), `DynamoDb` and
   * `S3Storage` from explicit settings; clients are destroyed with the
   * layer's scope; the table must exist (retries and details: `awsStoresLayer` above).
   */
  layer: awsStoresLayer,

  /** {@link AwsStores.layer} with the settings read by {@link readAwsStoresSettings} (what every Lambda entry uses). */
  layerFromEnv: awsStoresLayerFromEnv
} as const

/** SDK attempts per SSM call (standard retry mode); the Lambdas read their parameters once per cold start. */
export const SSM_MAX_ATTEMPTS = 3

/**
 * Reads one SSM parameter with `WithDecryption: true` (a SecureString's plain value; a String's
 * value as is) through a client made for this call and destroyed after it: `region`, and
 * `endpoint` for a stand-in (CURATOR_SSM_ENDPOINT in tests). Resolves to the trimmed value.
 * Rejects with an Error naming the parameter when it cannot be read (missing, access denied,
 * SSM unreachable after SSM_MAX_ATTEMPTS) or is empty.
 */
export const readSecureParameter = async (options: { readonly region: string; readonly name: string; readonly endpoint?: string | undefined }): Promise<string> => {
  const endpoint = options.endpoint?.trim() ?? ""
  const ssm = new SSMClient({ region: options.region, retryMode: "standard", maxAttempts: SSM_MAX_ATTEMPTS, ...(endpoint === "" ? {} : { endpoint }) })
  let value: string | undefined
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: options.name, WithDecryption: true }))
    value = out.Parameter?.Value?.trim()
  } catch (error) {
    throw new Error(`could not read SSM parameter ${options.name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error })
  } finally {
    ssm.destroy()
  }
  if (value === undefined || value === "") throw new Error(`SSM parameter ${options.name} is empty`)
  return value
}
