/**
 * The thumbnail task program (SelectionPipeline's Map iteration), run by
 * apps/thumbnail-worker on Lambda and by the local executor in-process:
 * download one upload to a per-invocation temp dir, validate it (size, magic
 * bytes, header limits), read its metadata, render its 400 px thumbnail (and,
 * for videos, a few frames for scoring), store them and write the item record.
 *
 * Errors: CorruptMediaError, UnsupportedMediaError, MediaTooLargeError
 * (terminal), MediaToolTimeoutError and the store errors (retryable); the
 * state machine's Catch records a terminal failure on the item.
 */
import { BlobKeys, type MediaItem, ThumbnailTaskEvent, ThumbnailTaskResult, VIDEO_FRAME_COUNT } from "@curator/contracts"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { MediaInspector } from "./MediaInspector.js"
import { VideoFrameSampler } from "./VideoFrameSampler.js"
import { ProcessRunner } from "./ProcessRunner.js"

/** The services the thumbnail task needs. */
export type ThumbnailTaskServices = BlobStore | SessionStore | MediaInspector | VideoFrameSampler | ProcessRunner

/** Runs one thumbnail task; returns the thumbnail key. */
export const runThumbnailTask = Effect.fn("ThumbnailTask.run")(function* (event: ThumbnailTaskEvent) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const inspector = yield* MediaInspector
  const sampler = yield* VideoFrameSampler
  const runner = yield* ProcessRunner
  const { sessionId, jobId, fileId, expiresAt } = event
  yield* sessions.markItemProcessing(sessionId, jobId, fileId, expiresAt)
  const dir = yield* runner.tempDir
  const local = `${dir}/original`
  yield* blobs.download(event.key, local)
  const inspected = yield* inspector.inspect({ path: local, fileName: event.fileName })
  const thumbnailKey = BlobKeys.thumbnail(sessionId, fileId)
  yield* blobs.put(thumbnailKey, inspected.thumbnail.jpeg, "image/jpeg")
  if (inspected.metadata.kind === "video") {
    const frames = yield* sampler.sample(local, inspected.metadata, VIDEO_FRAME_COUNT)
    yield* Effect.forEach(frames, (jpeg, i) => blobs.put(BlobKeys.frame(sessionId, fileId, i), jpeg, "image/jpeg"), { discard: true })
  }
  const item: MediaItem = {
    ...inspected.metadata,
    fileId,
    key: event.key,
    fileName: event.fileName,
    bytes: inspected.bytes,
    contentHash: inspected.contentHash
  }
  yield* sessions.putItemDone(sessionId, jobId, fileId, item, thumbnailKey, expiresAt)
  return { fileId, thumbnailKey } satisfies ThumbnailTaskResult
}, Effect.scoped)

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/thumbnail-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const thumbnailTask = { event: ThumbnailTaskEvent, result: ThumbnailTaskResult, program: runThumbnailTask } as const
