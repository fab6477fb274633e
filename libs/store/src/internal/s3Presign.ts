/**
 * Presigned S3 URLs (SigV4 query signing) for browser uploads and downloads
 * that never pass through the API (ARCHITECTURE.md "The flow", 1).
 *
 * PUT signs the exact `Content-Length` and `Content-Type`: the v3 presigner
 * adds `content-type` to its unsignable headers (s3-request-presigner
 * `prepareRequest`), so both are named in `signableHeaders` (which wins over
 * the unsignable list in @smithy/signature-v4 `getCanonicalHeaders`). They are
 * also `unhoistableHeaders` so they stay request headers the browser must
 * send, never query parameters: a PUT with any other size or type gets S3's
 * 403 SignatureDoesNotMatch. `X-Amz-SignedHeaders` therefore reads
 * `content-length;content-type;host`.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import { Clock, Effect } from "effect"

/** Longest lifetime of a SigV4 presigned URL: 7 days in seconds (S3 User Guide, "Sharing objects with presigned URLs"). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60

/** Headers a presigned PUT signs besides `host`. */
export const PRESIGNED_PUT_SIGNED_HEADERS: ReadonlySet<string> = new Set(["content-type", "content-length"])

/** A presigned PUT. */
export interface PresignPutRequest {
  readonly bucket: string
  readonly key: string
  /** The `Content-Type` the upload must send. */
  readonly contentType: string
  /** The exact body size in bytes the upload must send. */
  readonly contentLength: number
  /** Expiry, epoch seconds. */
  readonly expiresAt: number
}

/** A presigned GET. */
export interface PresignGetRequest {
  readonly bucket: string
  readonly key: string
  /** Served as this `Content-Type` (`response-content-type`); omitted: the object's own. */
  readonly contentType?: string
  /** `response-content-disposition`, e.g. `attachment; filename="IMG_1.jpg"`; omitted: none. */
  readonly contentDisposition?: string
  /** Expiry, epoch seconds. */
  readonly expiresAt: number
}

/**
 * `X-Amz-Expires`: seconds from the signing second (`X-Amz-Date` has whole
 * seconds) to `expiresAt`, so the URL dies exactly at `expiresAt`; clamped
 * to SigV4's 1 s .. 7 days.
 */
const lifetime = (expiresAt: number, signingSecond: number) => Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(expiresAt) - signingSecond))

/**
 * Signs at the clock's `now` (signingDate) for `expiresAt - now` seconds.
 * Presigning is local computation (credentials from the client's provider);
 * a failure (no credentials) is a defect: a deployment bug.
 */
const presign = (client: S3Client, command: PutObjectCommand | GetObjectCommand, expiresAt: number, put: boolean) =>
  Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
    Effect.promise(() =>
      getSignedUrl(client, command, {
        signingDate: new Date(Math.floor(nowMs / 1000) * 1000),
        expiresIn: lifetime(expiresAt, Math.floor(nowMs / 1000)),
        ...(put ? { signableHeaders: new Set(PRESIGNED_PUT_SIGNED_HEADERS), unhoistableHeaders: new Set(PRESIGNED_PUT_SIGNED_HEADERS) } : {})
      })
    )
  )

/** A URL that lets its holder PUT exactly `contentLength` bytes of `contentType` under `key` until `expiresAt`. */
export const presignS3Put = (client: S3Client, request: PresignPutRequest): Effect.Effect<string> =>
  presign(
    client,
    new PutObjectCommand({ Bucket: request.bucket, Key: request.key, ContentType: request.contentType, ContentLength: request.contentLength }),
    request.expiresAt,
    true
  )

/** A URL that lets its holder GET `key` until `expiresAt`, optionally with response content type and disposition. */
export const presignS3Get = (client: S3Client, request: PresignGetRequest): Effect.Effect<string> =>
  presign(
    client,
    new GetObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      ResponseContentType: request.contentType,
      ResponseContentDisposition: request.contentDisposition
    }),
    request.expiresAt,
    false
  )
