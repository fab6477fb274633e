/**
 * `UrlSigner`: short-lived URLs through which the browser sends uploads
 * straight to blob storage and reads media back, without the bytes passing
 * through the API (ARCHITECTURE.md "The flow", 1).
 *
 * Layers: `layerLocal` (here) signs URLs of the local server, `/blob/<key>`,
 * with HMAC-SHA256; `layerS3` presigns S3 URLs (SigV4 query signing through
 * `@curator/store/aws`): a PUT signs the exact `Content-Length` and
 * `Content-Type` (`signableHeaders`; they stay headers), a GET is served with
 * the grant's content type (`response-content-type`) and, when the grant has
 * one, its content disposition (`response-content-disposition`).
 *
 * Local URL grammar (all query values ASCII):
 *
 *   /blob/<key>?m=PUT|GET&exp=<epoch s>&ct=<content type>&len=<bytes, PUT only>[&cd=<content disposition, GET only>]&sig=<base64url>
 *
 * `sig = HMAC-SHA256(sessionKey, "curator-blob-v1\n" + m + "\n" + key + "\n" + exp + "\n" + ct + "\n" + len [+ "\n" + cd])`
 * (the `cd` line only when the URL carries one, so URLs without it sign as before)
 * where `sessionKey = HMAC-SHA256(secret, "curator-session-key-v1\n" + sessionId)`
 * and `sessionId` is the key's first segment: every session has its own
 * signing key (derived, so nothing extra is stored), a URL binds the session's
 * key, the method, the content type, the exact size and the expiry, and
 * changing any of them breaks the signature. Verification compares in
 * constant time (`timingSafeEqual`).
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import type { S3Client } from "@aws-sdk/client-s3"
import { presignS3Get, presignS3Put, S3Storage } from "@curator/store/aws"
import { Context, Effect, Layer, Schema } from "effect"

/** What a signed URL allows. */
export interface BlobGrant {
  /** `PUT` (upload) or `GET` (download). */
  readonly method: "PUT" | "GET"
  /** Blob key, `<sessionId>/...` (BlobKeys of @curator/contracts). */
  readonly key: string
  /** Content type the PUT must send, or the GET is served with. */
  readonly contentType: string
  /** Exact body size in bytes (PUT); null for GET. */
  readonly contentLength: number | null
  /** Expiry, epoch seconds. */
  readonly expiresAt: number
  /** GET only: the `Content-Disposition` the blob is served with (e.g. `attachment; filename="01-post.zip"`); absent = none. */
  readonly contentDisposition?: string | undefined
}

/** The UrlSigner operations. */
export interface UrlSignerService {
  /** A URL that lets its holder PUT exactly `contentLength` bytes of `contentType` under `key` until `expiresAt`. */
  readonly presignPut: (grant: Omit<BlobGrant, "method">) => Effect.Effect<string>
  /** A URL that lets its holder GET `key` (served as `contentType`, and with `contentDisposition` when given) until `expiresAt`. */
  readonly presignGet: (grant: Omit<BlobGrant, "method" | "contentLength">) => Effect.Effect<string>
}

/** A signed blob URL was malformed, tampered with or expired (the local server answers 403). */
export class BlobSignatureError extends Schema.TaggedError<BlobSignatureError>()("BlobSignatureError", {
  message: Schema.String
}) {}

/** Path prefix of blob URLs on the local server. */
export const BLOB_PATH_PREFIX = "/blob/"

const SESSION_KEY_CONTEXT = "curator-session-key-v1\n"
const SIGNATURE_CONTEXT = "curator-blob-v1\n"
/** Smallest accepted secret: 32 bytes, the HMAC-SHA256 block-size guidance of RFC 2104 §3 (key >= hash output length). */
export const MIN_SECRET_BYTES = 32

const sessionKey = (secret: Uint8Array, sessionId: string) => createHmac("sha256", secret).update(SESSION_KEY_CONTEXT + sessionId).digest()

const signatureOf = (secret: Uint8Array, grant: BlobGrant): Buffer => {
  const sessionId = grant.key.split("/")[0] ?? ""
  const canonical = [
    grant.method,
    grant.key,
    String(grant.expiresAt),
    grant.contentType,
    grant.contentLength === null ? "" : String(grant.contentLength),
    ...(grant.contentDisposition === undefined ? [] : [grant.contentDisposition])
  ].join("\n")
  return createHmac("sha256", sessionKey(secret, sessionId)).update(SIGNATURE_CONTEXT + canonical).digest()
}

/** Signs `grant` into a local `/blob/...` URL (path + query, same-origin). */
export const signBlobUrl = (secret: Uint8Array, grant: BlobGrant): string => {
  const query = new URLSearchParams({ m: grant.method, exp: String(grant.expiresAt), ct: grant.contentType })
  if (grant.contentLength !== null) query.set("len", String(grant.contentLength))
  if (grant.contentDisposition !== undefined) query.set("cd", grant.contentDisposition)
  query.set("sig", signatureOf(secret, grant).toString("base64url"))
  return `${BLOB_PATH_PREFIX}${grant.key}?${query.toString()}`
}

const INTEGER = /^[0-9]{1,16}$/

/**
 * Checks a request for a local blob URL and returns what it grants.
 * `method` is the HTTP method used (must be the signed one; HEAD counts as
 * GET), `url` the request URL (path and query), `now` epoch seconds.
 * Fails with BlobSignatureError when a parameter is missing or malformed,
 * the signature does not match (any part changed), or the URL expired.
 */
export const verifyBlobUrl = (
  secret: Uint8Array,
  method: string,
  url: URL,
  now: number
): Effect.Effect<BlobGrant, BlobSignatureError> =>
  Effect.suspend(() => {
    const refuse = (message: string) => Effect.fail(new BlobSignatureError({ message }))
    if (!url.pathname.startsWith(BLOB_PATH_PREFIX)) return refuse("not a blob URL")
    const key = url.pathname.slice(BLOB_PATH_PREFIX.length)
    const q = url.searchParams
    const signedMethod = q.get("m")
    const exp = q.get("exp")
    const contentType = q.get("ct")
    const len = q.get("len")
    const cd = q.get("cd")
    const sig = q.get("sig")
    if (signedMethod !== "PUT" && signedMethod !== "GET") return refuse("the blob URL has no valid method (m)")
    if (exp === null || !INTEGER.test(exp)) return refuse("the blob URL has no valid expiry (exp)")
    if (contentType === null || contentType === "") return refuse("the blob URL has no content type (ct)")
    if (signedMethod === "PUT" ? len === null || !INTEGER.test(len) : len !== null) return refuse("the blob URL has no valid size (len)")
    if (cd !== null && signedMethod !== "GET") return refuse("only a GET blob URL carries a content disposition (cd)")
    if (sig === null || sig === "") return refuse("the blob URL is not signed (sig)")
    const grant: BlobGrant = {
      method: signedMethod,
      key,
      contentType,
      contentLength: len === null ? null : Number(len),
      expiresAt: Number(exp),
      ...(cd === null ? {} : { contentDisposition: cd })
    }
    const expected = signatureOf(secret, grant)
    const given = Buffer.from(sig, "base64url")
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse("the blob URL's signature does not match (tampered or from another server)")
    const used = method === "HEAD" ? "GET" : method
    if (used !== signedMethod) return refuse(`the blob URL was signed for ${signedMethod}, not ${method}`)
    if (grant.expiresAt <= now) return refuse(`the blob URL expired at ${new Date(grant.expiresAt * 1000).toISOString()}`)
    return Effect.succeed(grant)
  })

/** Options of the local signer. */
export interface LocalUrlSignerOptions {
  /** The server secret (>= 32 random bytes); per-session keys are derived from it. */
  readonly secret: Uint8Array
}

/** Options of the S3 signer. */
export interface S3UrlSignerOptions {
  /** The media bucket (`CURATOR_BUCKET`). */
  readonly bucket: string
  /** The S3 client (`s3Client` of `@curator/store/aws`: checksums WHEN_REQUIRED, so a browser PUT needs none). */
  readonly client: S3Client
}

/** The URL signer service (`curator/api/UrlSigner`). */
export class UrlSigner extends Context.Service<UrlSigner, UrlSignerService>()("curator/api/UrlSigner") {
  /**
   * HMAC-signed URLs of the local server (see the module doc). Dies when the
   * secret is shorter than {@link MIN_SECRET_BYTES}: a configuration bug.
   */
  static readonly layerLocal = (options: LocalUrlSignerOptions): Layer.Layer<UrlSigner> =>
    Layer.effect(
      UrlSigner,
      Effect.gen(function* () {
        if (options.secret.byteLength < MIN_SECRET_BYTES) {
          return yield* Effect.die(new Error(`UrlSigner secret must be at least ${MIN_SECRET_BYTES} bytes`))
        }
        const secret = options.secret
        return UrlSigner.of({
          presignPut: (grant) => Effect.sync(() => signBlobUrl(secret, { ...grant, method: "PUT" })),
          presignGet: (grant) => Effect.sync(() => signBlobUrl(secret, { ...grant, method: "GET", contentLength: null }))
        })
      })
    )

  /**
   * SigV4-presigned S3 URLs for `options.bucket`, valid until the grant's
   * `expiresAt` (at most 7 days, SigV4's limit). PUT: `X-Amz-SignedHeaders`
   * is `content-length;content-type;host`, so S3 refuses (403
   * SignatureDoesNotMatch) a body of another size or type. GET: served with
   * the grant's content type. Credentials come from the client (the Lambda
   * role); presigning makes no network call.
   */
  static readonly layerS3 = (options: S3UrlSignerOptions): Layer.Layer<UrlSigner> =>
    Layer.succeed(
      UrlSigner,
      UrlSigner.of({
        presignPut: (grant) =>
          grant.contentLength === null
            ? Effect.die(new Error(`presignPut ${grant.key}: an S3 upload URL signs the exact Content-Length; none was given`))
            : presignS3Put(options.client, {
                bucket: options.bucket,
                key: grant.key,
                contentType: grant.contentType,
                contentLength: grant.contentLength,
                expiresAt: grant.expiresAt
              }),
        presignGet: (grant) =>
          presignS3Get(options.client, {
            bucket: options.bucket,
            key: grant.key,
            contentType: grant.contentType,
            expiresAt: grant.expiresAt,
            ...(grant.contentDisposition === undefined ? {} : { contentDisposition: grant.contentDisposition })
          })
      })
    )

  /** {@link UrlSigner.layerS3} over the bucket and client of the `S3Storage` in context (`AwsStores.layerFromEnv` provides it). */
  static readonly layerS3FromStorage: Layer.Layer<UrlSigner, never, S3Storage> = Layer.unwrap(
    Effect.gen(function* () {
      return UrlSigner.layerS3(yield* S3Storage)
    })
  )
}
