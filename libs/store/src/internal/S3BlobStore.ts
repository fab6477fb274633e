/**
 * The S3 implementation of BlobStore (see `S3BlobStore.layer` in
 * `@curator/store/aws`). One object per key; the content type is the
 * object's `Content-Type`. Writes go through `@aws-sdk/lib-storage`'s
 * `Upload`: a body up to one part is a single `PutObject`, a larger one a
 * multipart upload of {@link S3_PART_SIZE_BYTES} parts that is aborted
 * (`AbortMultipartUpload`) when the body or a part fails, so a failed write
 * never leaves an object behind (S3 objects appear whole on
 * `PutObject` / `CompleteMultipartUpload`, never partly).
 */
import { randomUUID } from "node:crypto"
import { createReadStream, createWriteStream } from "node:fs"
import fs from "node:fs/promises"
import path from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client
} from "@aws-sdk/client-s3"
import { Upload } from "@aws-sdk/lib-storage"
import { InvalidInputError, NotFoundError, StoreUnavailableError } from "@curator/contracts"
import { Effect, Stream } from "effect"
import type { BlobStoreService } from "../BlobStore.js"
import { validateKey } from "./blobKey.js"
import { classifyS3, s3Call, s3Read } from "./s3Errors.js"

/**
 * Multipart part size: 8 MiB, the AWS CLI's default `multipart_chunksize`
 * (and `multipart_threshold`: bodies up to one part go as one PutObject).
 * S3 allows parts of 5 MiB to 5 GiB and at most 10,000 parts (S3 User Guide,
 * "Amazon S3 multipart upload limits"), so the largest object this writes is
 * 8 MiB x 10,000 = 78 GiB, far above any video Curator accepts.
 */
export const S3_PART_SIZE_BYTES = 8 * 1024 * 1024

/**
 * Parts in flight per upload: 4 (lib-storage's default). Memory held by one
 * upload is at most about `queueSize x partSize` = 32 MiB.
 */
export const S3_UPLOAD_QUEUE_SIZE = 4

/** Keys per `DeleteObjects` request: S3's maximum (S3 API Reference, DeleteObjects). */
const DELETE_BATCH = 1000

/** Options of the S3 blob store. */
export interface S3BlobStoreOptions {
  /** The bucket holding every blob (keys are used unchanged as object keys). */
  readonly bucket: string
  /** The client (configure it with `s3Client`; the layer does not destroy it). */
  readonly client: S3Client
  /** Multipart part size in bytes (>= 5 MiB, S3's minimum); default {@link S3_PART_SIZE_BYTES}. */
  readonly partSizeBytes?: number
}

/** The caller's stream failed with `error` (kept aside: lib-storage only sees a thrown value, and its abort may throw another). */
interface BodyFailure<E> {
  readonly error: E
}

/** Builds the service over `options.bucket`. */
export const makeS3BlobStore = (options: S3BlobStoreOptions): BlobStoreService => {
  const { bucket: Bucket, client } = options
  const partSize = options.partSizeBytes ?? S3_PART_SIZE_BYTES

  /**
   * Uploads `body` (bytes or a Node stream) with lib-storage. When
   * `bodyFailure()` reports that the caller's stream failed, that typed
   * error wins over whatever lib-storage threw (the stream's error, or the
   * error of its AbortMultipartUpload); other failures are classified.
   */
  const upload = <E = never>(
    operation: string,
    Key: string,
    body: Uint8Array | Readable,
    ContentType: string,
    bodyFailure: () => BodyFailure<E> | undefined = () => undefined
  ) =>
    Effect.tryPromise({
      try: async (signal) => {
        const task = new Upload({
          client,
          params: { Bucket, Key, Body: body, ContentType },
          partSize,
          queueSize: S3_UPLOAD_QUEUE_SIZE,
          leavePartsOnError: false
        })
        const abort = () => void task.abort()
        signal.addEventListener("abort", abort, { once: true })
        try {
          await task.done()
        } finally {
          signal.removeEventListener("abort", abort)
        }
      },
      catch: (error) => error
    }).pipe(
      Effect.catch((error): Effect.Effect<never, E | StoreUnavailableError> => {
        const failed = bodyFailure()
        if (failed !== undefined) return Effect.fail(failed.error)
        const typed = classifyS3(operation, error)
        return typed === undefined ? Effect.die(error) : Effect.fail(typed as StoreUnavailableError)
      })
    )

  const put: BlobStoreService["put"] = (key, body, contentType) =>
    validateKey(key).pipe(Effect.flatMap(() => upload(`put ${key}`, key, body, contentType)))

  const putFile: BlobStoreService["putFile"] = (key, source, contentType) =>
    validateKey(key).pipe(
      Effect.flatMap(() =>
        Effect.tryPromise({ try: () => fs.stat(source), catch: (error) => error }).pipe(
          Effect.catch((error) =>
            typeof error === "object" && error !== null && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR")
              ? Effect.fail(new NotFoundError({ message: `source file not found: ${source}` }))
              : Effect.die(error)
          )
        )
      ),
      Effect.flatMap((stat) =>
        stat.isFile()
          ? Effect.void
          : Effect.fail(new InvalidInputError({ message: `putFile source is not a regular file: ${source}` }))
      ),
      // Streamed from disk: never more than queueSize parts in memory.
      Effect.flatMap(() => Effect.suspend(() => upload(`put ${key} from ${source}`, key, createReadStream(source), contentType)))
    )

  const putStream: BlobStoreService["putStream"] = <E>(key: string, body: Stream.Stream<Uint8Array, E>, contentType: string) =>
    validateKey(key).pipe(
      Effect.flatMap(() =>
        Effect.suspend(() => {
          let bytes = 0
          let failure: BodyFailure<E> | undefined
          const counted = body.pipe(
            Stream.tap((chunk) => Effect.sync(() => void (bytes += chunk.byteLength))),
            Stream.tapError((error) => Effect.sync(() => void (failure = { error })))
          )
          // On a stream failure the iterator throws: lib-storage stops, aborts a started multipart upload (no object) and rejects.
          const readable = Readable.from(Stream.toAsyncIterable(counted), { objectMode: false })
          return upload<E>(`put ${key} (stream)`, key, readable, contentType, () => failure).pipe(Effect.map(() => bytes))
        })
      )
    )

  /** GetObject of `key` (optionally a byte range); the body is a Node stream the caller must consume or destroy. */
  const getObject = (key: string, range?: { readonly start: number; readonly end: number }) =>
    s3Read(`get ${key}`, key, (signal) =>
      client.send(
        new GetObjectCommand({ Bucket, Key: key, Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}` }),
        { abortSignal: signal }
      )
    ).pipe(
      Effect.flatMap((out) =>
        out.Body instanceof Readable
          ? Effect.succeed(out.Body)
          : Effect.die(new Error(`S3 get ${key}: expected a Node stream body (the node runtime of the SDK)`))
      )
    )

  const getStream: BlobStoreService["getStream"] = (key, range) =>
    validateKey(key).pipe(
      Effect.flatMap(() => getObject(key, range)),
      Effect.map((body) =>
        Stream.fromAsyncIterable(body as AsyncIterable<Uint8Array>, (error) => {
          const typed = classifyS3(`read ${key}`, error)
          return typed instanceof StoreUnavailableError
            ? typed
            : new StoreUnavailableError({ message: `S3 read ${key}: ${error instanceof Error ? error.message : String(error)}` })
        }).pipe(
          // A consumer that stops early (or fails) releases the connection.
          Stream.ensuring(Effect.sync(() => body.destroy()))
        )
      )
    )

  const get: BlobStoreService["get"] = (key) =>
    validateKey(key).pipe(
      Effect.flatMap(() =>
        s3Read(`get ${key}`, key, async (signal) => {
          const out = await client.send(new GetObjectCommand({ Bucket, Key: key }), { abortSignal: signal })
          if (out.Body === undefined) return new Uint8Array(0)
          return out.Body.transformToByteArray()
        })
      )
    )

  const download: BlobStoreService["download"] = (key, destPath) =>
    validateKey(key).pipe(
      Effect.flatMap(() => getObject(key)),
      Effect.flatMap((body) => {
        const dest = path.resolve(destPath)
        const staged = `${dest}.part-${randomUUID()}`
        // Streamed to a temporary name beside dest (no whole-file buffer), then renamed into place.
        return s3Call(`download ${key}`, async (signal) => {
          try {
            await pipeline(body, createWriteStream(staged), { signal })
            await fs.rename(staged, dest)
          } finally {
            body.destroy()
            await fs.rm(staged, { force: true })
          }
        }).pipe(
          Effect.catchDefect((defect) => {
            // Local disk failures while writing dest: the same whitelist as the folder layer would be ideal, but a
            // full or read-only disk is retryable elsewhere (another Lambda instance): report it as unavailable.
            const code = typeof defect === "object" && defect !== null && "code" in defect ? defect.code : undefined
            return typeof code === "string" && ["ENOSPC", "EIO", "EMFILE", "ENFILE", "EACCES", "EPERM", "EROFS", "EDQUOT"].includes(code)
              ? Effect.fail(new StoreUnavailableError({ message: `download ${key} to ${dest}: ${code}` }))
              : Effect.die(defect)
          })
        )
      })
    )

  const head: BlobStoreService["head"] = (key) =>
    validateKey(key).pipe(
      Effect.flatMap(() => s3Read(`head ${key}`, key, (signal) => client.send(new HeadObjectCommand({ Bucket, Key: key }), { abortSignal: signal }))),
      Effect.map((out) => ({ bytes: out.ContentLength ?? 0, contentType: out.ContentType ?? "application/octet-stream" }))
    )

  /** Every key under `prefix`, all pages of ListObjectsV2 (S3 returns keys in ascending UTF-8 binary order). */
  const listKeys = (prefix: string) =>
    s3Call(`list ${prefix}`, async (signal) => {
      const keys: Array<string> = []
      for await (const page of paginateListObjectsV2({ client }, { Bucket, Prefix: prefix === "" ? undefined : prefix }, { abortSignal: signal })) {
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key)
      }
      return keys
    })

  const list: BlobStoreService["list"] = (prefix) => validateKey(prefix, "prefix").pipe(Effect.flatMap(() => listKeys(prefix)))

  const del: BlobStoreService["delete"] = (key) =>
    validateKey(key).pipe(
      Effect.flatMap(() => s3Call(`delete ${key}`, (signal) => client.send(new DeleteObjectCommand({ Bucket, Key: key }), { abortSignal: signal }))),
      Effect.asVoid
    )

  const deletePrefix: BlobStoreService["deletePrefix"] = (prefix) =>
    (prefix === ""
      ? Effect.fail(new InvalidInputError({ message: "deletePrefix needs a non-empty prefix (refusing to delete every blob)" }))
      : validateKey(prefix, "prefix")
    ).pipe(
      Effect.flatMap(() => listKeys(prefix)),
      Effect.flatMap((keys) =>
        Effect.forEach(
          Array.from({ length: Math.ceil(keys.length / DELETE_BATCH) }, (_, i) => keys.slice(i * DELETE_BATCH, (i + 1) * DELETE_BATCH)),
          (batch) =>
            s3Call(`delete prefix ${prefix}`, (signal) =>
              client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: signal })
            ).pipe(
              // DeleteObjects answers 200 with per-key errors: any of them fails the call (retrying deletes is safe).
              Effect.flatMap((out) => {
                const first = out.Errors?.[0]
                return first === undefined
                  ? Effect.void
                  : Effect.fail(
                      new StoreUnavailableError({
                        message: `S3 delete prefix ${prefix}: ${out.Errors?.length ?? 0} key(s) not deleted, e.g. ${first.Key ?? "?"}: ${first.Code ?? "?"} ${first.Message ?? ""}`
                      })
                    )
              })
            ),
          { discard: true }
        ).pipe(Effect.as(keys.length))
      )
    )

  return { put, putFile, putStream, getStream, get, download, head, list, delete: del, deletePrefix }
}
