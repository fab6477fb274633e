/**
 * BlobStore: originals, thumbnails, enhanced files and bundles by key
 * (`<session>/original/<fileId>.<ext>`, ARCHITECTURE.md "State"). Cloud-shaped:
 * the interface is S3's object model (put / get / head / list by prefix /
 * delete), so the S3 layer (`S3BlobStore` in `@curator/store/aws`) and the
 * local folder layer run the same behaviour suite (test/BlobStore.suite.ts).
 *
 * Keys are validated by every method (segments of `[A-Za-z0-9._-]`, no `.`
 * or `..` segment, no leading `/`, no empty segment), so a key can never
 * escape the local root and is always a safe S3 key.
 *
 * Presigned URLs are not BlobStore methods: the API's `UrlSigner` signs
 * them (S3's presigner via `presignS3Put` / `presignS3Get` of
 * `@curator/store/aws` on AWS, HMAC-signed URLs of the local server);
 * nothing here assumes bytes flow through the API process.
 */
import type { InvalidInputError, NotFoundError, StoreUnavailableError } from "@curator/contracts"
import { Context, type Effect, Layer, type Stream } from "effect"
import { makeFolderBlobStore } from "./internal/FolderBlobStore.js"

/** What `head` tells about a stored blob. */
export interface BlobInfo {
  /** Size in bytes. */
  readonly bytes: number
  /** The `Content-Type` given when the blob was written. */
  readonly contentType: string
}

/** The BlobStore operations. Every key argument is validated (InvalidInputError). */
export interface BlobStoreService {
  /** Writes `body` under `key` atomically (readers see the old blob or the new one, never part of it). */
  readonly put: (key: string, body: Uint8Array, contentType: string) => Effect.Effect<void, StoreUnavailableError | InvalidInputError>
  /** Streams the local file at `path` in under `key`; NotFoundError when `path` does not exist. */
  readonly putFile: (
    key: string,
    path: string,
    contentType: string
  ) => Effect.Effect<void, NotFoundError | StoreUnavailableError | InvalidInputError>
  /**
   * Streams `body` in under `key` and returns the bytes written. Atomic like
   * `put`: when `body` fails (a client aborted, a size check in the stream
   * refused it), nothing is stored and the effect fails with the stream's
   * error `E`. The local server uses it for signed PUT uploads.
   */
  readonly putStream: <E>(
    key: string,
    body: Stream.Stream<Uint8Array, E>,
    contentType: string
  ) => Effect.Effect<number, E | StoreUnavailableError | InvalidInputError>
  /**
   * The blob's bytes as a stream, whole or the inclusive byte `range`
   * (HTTP Range semantics, RFC 9110 §14.1.2; the caller clamps it to the
   * size from `head`).
   */
  readonly getStream: (
    key: string,
    range?: { readonly start: number; readonly end: number }
  ) => Effect.Effect<Stream.Stream<Uint8Array, StoreUnavailableError>, NotFoundError | StoreUnavailableError | InvalidInputError>
  /** The whole blob in memory (thumbnails, small files; use `download` for originals). */
  readonly get: (key: string) => Effect.Effect<Uint8Array, NotFoundError | StoreUnavailableError | InvalidInputError>
  /** Streams the blob to `destPath` (written to a temporary name beside it, then renamed). */
  readonly download: (key: string, destPath: string) => Effect.Effect<void, NotFoundError | StoreUnavailableError | InvalidInputError>
  /** Size (bytes) and content type of the blob. */
  readonly head: (key: string) => Effect.Effect<BlobInfo, NotFoundError | StoreUnavailableError | InvalidInputError>
  /** Every key starting with `prefix` (a plain string prefix, as S3 `ListObjectsV2`), in ascending order. */
  readonly list: (prefix: string) => Effect.Effect<ReadonlyArray<string>, StoreUnavailableError | InvalidInputError>
  /** Deletes the blob; deleting a missing key succeeds (as S3 `DeleteObject`). */
  readonly delete: (key: string) => Effect.Effect<void, StoreUnavailableError | InvalidInputError>
  /** Deletes every blob under a non-empty `prefix`; returns how many were deleted. */
  readonly deletePrefix: (prefix: string) => Effect.Effect<number, StoreUnavailableError | InvalidInputError>
}

/** Options of the local folder layer. */
export interface FolderBlobStoreOptions {
  /** The folder holding `data/` (blobs, one file per key), `meta/` (content-type sidecars) and `tmp/` (atomic writes). */
  readonly root: string
}

/** The blob store service (`curator/store/BlobStore`). */
export class BlobStore extends Context.Service<BlobStore, BlobStoreService>()("curator/store/BlobStore") {
  /**
   * Blobs in a folder on disk: `<root>/data/<key>` holds the bytes,
   * `<root>/meta/<key>.meta.json` the content type (a parallel tree, so a
   * sidecar never collides with a key). Writes go to `<root>/tmp` and are
   * renamed into place (rename is atomic within one file system, POSIX
   * rename(2)). Only node:fs is used, so this layer carries no dynalite.
   */
  static readonly layerLocal = (options: FolderBlobStoreOptions): Layer.Layer<BlobStore, StoreUnavailableError> =>
    Layer.effect(BlobStore, makeFolderBlobStore(options.root))
}
