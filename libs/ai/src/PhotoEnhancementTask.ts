/**
 * The photo enhancement task program (EnhancementPipeline's photo Map
 * iteration), run by apps/enhancement-worker on Lambda and by the local
 * executor in-process: download the original to a per-invocation temp dir,
 * decide the adjustments (round 0: `PhotoEditor.analyze` on the image's
 * statistics; later rounds: the person's feedback applied to the latest
 * round's adjustments, "undo" restoring the round before it), render at full
 * resolution with `PhotoRenderer`, store `<session>/enhanced/<fileId>[.r<n>].<ext>`
 * with the extension of the real output (HEIC in -> .jpg) and its display
 * preview (`....preview.jpg`, JPEG, long edge <= ENHANCEMENT_PREVIEW_EDGE,
 * the round's `previewKey`), and append the round to the item record. Round 0
 * also stores the comparison's "before" (`<fileId>.before.jpg`): the original
 * decoded the same way with no adjustment, at the previews' size and format.
 *
 * Idempotent: a retry whose round is already stored returns it without
 * rendering or writing again; the append itself is conditional on the round
 * before it (a retry after the blobs were written but before the append
 * overwrites them with the same content).
 *
 * Errors: the renderer's CorruptMediaError, UnsupportedMediaError,
 * MediaTooLargeError (terminal) and MediaToolTimeoutError; StoreConflictError
 * for a stale round or a video's record; InvalidInputError for a feedback
 * round without feedback; the PhotoEditor's AI errors; the store errors. The
 * state machine's Catch records a failure on the item.
 */
import { BlobKeys, PhotoAdjustments, PhotoEnhanceTaskEvent, PhotoEnhanceTaskResult } from "@curator/contracts"
import { PhotoRenderer, ProcessRunner } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { checkRound, roundBasis, roundRecord, sniffFile, storedRound } from "./internal/enhancementRounds.js"
import { PhotoEditor } from "./PhotoEditor.js"

/** The services the photo enhancement task needs. */
export type PhotoEnhancementTaskServices = BlobStore | SessionStore | ProcessRunner | PhotoRenderer | PhotoEditor

/** Runs one photo enhancement round; returns the round and its output key. */
export const runPhotoEnhancementTask = Effect.fn("PhotoEnhancementTask.run")(function* (event: PhotoEnhanceTaskEvent) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const runner = yield* ProcessRunner
  const renderer = yield* PhotoRenderer
  const editor = yield* PhotoEditor
  const { sessionId, jobId, fileId, expiresAt } = event
  const existing = yield* sessions.getEnhancementItem(sessionId, jobId, fileId)
  const stored = existing?.kind === "photo" ? storedRound(existing, event) : undefined
  if (stored !== undefined) return { fileId, round: stored.round, outputKey: stored.outputKey } satisfies PhotoEnhanceTaskResult
  const record = yield* sessions.markEnhancementItemProcessing(sessionId, jobId, fileId, "photo", expiresAt)
  yield* checkRound(record, event)
  const dir = yield* runner.tempDir
  const local = `${dir}/original`
  yield* blobs.download(event.key, local)
  const sniffed = yield* sniffFile(local)
  // Decoded once for the statistics, the render and the "before" (a HEIC goes through libheif one time).
  const photo = yield* renderer.open(local, sniffed)
  const params: PhotoAdjustments =
    event.round === 0
      ? yield* editor.analyze({ stats: yield* photo.statistics })
      : yield* Effect.gen(function* () {
          const basis = yield* roundBasis(PhotoAdjustments, record)
          const feedback = yield* editor.applyFeedback(basis.current, event.feedback ?? "")
          return feedback.undo ? basis.previous : feedback.params
        })
  const rendered = yield* photo.render(params)
  const outputKey = BlobKeys.enhancedRound(sessionId, fileId, event.round, rendered.ext)
  const previewKey = BlobKeys.enhancedPhotoPreview(sessionId, fileId, event.round)
  yield* blobs.put(outputKey, rendered.bytes, rendered.mime)
  yield* blobs.put(previewKey, (yield* renderer.preview(rendered)).bytes, "image/jpeg")
  if (event.round === 0) {
    yield* blobs.put(BlobKeys.enhancedBefore(sessionId, fileId, "photo"), (yield* photo.previewOriginal).bytes, "image/jpeg")
  }
  yield* sessions.appendEnhancementRound(sessionId, jobId, fileId, "photo", yield* roundRecord(PhotoAdjustments, event, params, outputKey, previewKey))
  return { fileId, round: event.round, outputKey } satisfies PhotoEnhanceTaskResult
}, Effect.scoped)

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/enhancement-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const photoEnhancementTask = { event: PhotoEnhanceTaskEvent, result: PhotoEnhanceTaskResult, program: runPhotoEnhancementTask } as const
