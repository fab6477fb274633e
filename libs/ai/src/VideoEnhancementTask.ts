/**
 * The video enhancement task program (EnhancementPipeline's video Map
 * iteration), run by apps/video-worker on Lambda and by the local executor
 * in-process: download the original to a per-invocation temp dir, decide the
 * adjustments (round 0: `VideoAnalyzer.analyse` on `VideoProbe`'s signal
 * measurement; later rounds: the person's feedback applied to the latest
 * round's adjustments, "undo" restoring the round before it), encode with
 * `VideoEnhancer` (H.264 + AAC MP4 and a small preview clip), store both
 * (`<session>/enhanced/<fileId>[.r<n>].mp4` and `....preview.mp4`) and
 * append the round to the item record. Round 0 also stores the comparison's
 * "before" clip (`<fileId>.before.mp4`): the source through the same preview
 * encoder with identity adjustments except the HDR tone map.
 *
 * With a model-backed analyzer (`VideoAnalyzer.analyseVideo` present: Gemini), round 0 and each
 * feedback round encode the video's AI preview (`AiPreviewEncoder`, H.264 + AAC MP4) and ask the
 * analyzer (feedback continues the conversation kept in the latest round's params); "undo"
 * restores the round before without a model call. A preview the Files API cannot process
 * (AiFileFailedError) makes the round fall back to the offline rules, with a warning. The stored params are {@link VideoRoundParams}
 * (VideoAdjustments + the conversation), applied by VideoEnhancer as any VideoAdjustments.
 *
 * Idempotent like the photo task: a stored round is returned, the append is
 * conditional on the round before it.
 *
 * Errors: VideoEnhancer's MediaTooLargeError (over the task's time budget,
 * before encoding), CorruptMediaError, UnsupportedMediaError (terminal) and
 * MediaToolTimeoutError; the probe's and metadata reader's errors;
 * StoreConflictError for a stale round or a photo's record;
 * InvalidInputError for a feedback round without feedback; the store errors.
 */
import { readFile } from "node:fs/promises"
import { BlobKeys, CorruptMediaError, VideoEnhanceTaskEvent, VideoEnhanceTaskResult } from "@curator/contracts"
import { AiPreviewEncoder, MetadataReader, ProcessRunner, VideoEnhancer, VideoProbe } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { checkRound, roundBasis, roundRecord, sniffFile, storedRound } from "./internal/enhancementRounds.js"
import { VideoAnalyzer, VideoRoundParams } from "./VideoAnalyzer.js"
import { isUndoFeedback } from "./GeminiPhotoEditor.js"
import { meteredFor } from "./SessionTokenMeter.js"

/** The services the video enhancement task needs. */
export type VideoEnhancementTaskServices = BlobStore | SessionStore | ProcessRunner | MetadataReader | VideoProbe | VideoEnhancer | VideoAnalyzer | AiPreviewEncoder

/** Runs one video enhancement round; returns the round, its output key and its preview key. */
export const runVideoEnhancementTask = Effect.fn("VideoEnhancementTask.run")(function* (event: VideoEnhanceTaskEvent) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const runner = yield* ProcessRunner
  const reader = yield* MetadataReader
  const probe = yield* VideoProbe
  const enhancer = yield* VideoEnhancer
  const analyzer = yield* VideoAnalyzer
  const { sessionId, jobId, fileId, expiresAt } = event
  const existing = yield* sessions.getEnhancementItem(sessionId, jobId, fileId)
  const stored = existing?.kind === "video" ? storedRound(existing, event) : undefined
  if (stored !== undefined && stored.previewKey !== null) {
    return { fileId, round: stored.round, outputKey: stored.outputKey, previewKey: stored.previewKey } satisfies VideoEnhanceTaskResult
  }
  const record = yield* sessions.markEnhancementItemProcessing(sessionId, jobId, fileId, "video", expiresAt)
  yield* checkRound(record, event)
  const dir = yield* runner.tempDir
  const local = `${dir}/original`
  yield* blobs.download(event.key, local)
  const sniffed = yield* sniffFile(local)
  const metadata = yield* reader.read(local, sniffed)
  const analyseVideo = analyzer.analyseVideo
  const basis = event.round === 0 ? null : yield* roundBasis(VideoRoundParams, record)
  const feedbackText = event.feedback ?? ""
  let params: VideoRoundParams
  if (basis !== null && isUndoFeedback(feedbackText)) params = basis.previous
  else {
    const analysis = yield* probe.measureSignal(local)
    const offline = Effect.gen(function* () {
      if (basis === null) return yield* analyzer.analyse(analysis)
      // A round made by a model keeps its conversation only while a model continues it.
      const { gemini: _, ...current } = basis.current
      return (yield* analyzer.applyFeedback(current, feedbackText)).params
    })
    if (analyseVideo === undefined) params = yield* offline
    else {
      const previewer = yield* AiPreviewEncoder
      const preview = yield* previewer.video(local, { outDir: `${dir}/ai`, name: "preview", metadata })
      const bytes = yield* Effect.tryPromise({ try: () => readFile(preview.path), catch: (e) => new CorruptMediaError({ message: `the AI preview of ${fileId} could not be read: ${String(e)}` }) })
      params = yield* analyseVideo({
        preview: { bytes: new Uint8Array(bytes), mimeType: preview.mime, displayName: `${fileId}.mp4`, durationSeconds: preview.durationSeconds },
        analysis,
        previous: basis === null ? null : { params: basis.current, feedback: feedbackText }
      }).pipe(
        Effect.catchTag("AiFileFailedError", (e) =>
          Effect.logWarning(`Gemini could not process the preview of ${fileId}; round ${event.round} keeps the offline rules`).pipe(Effect.annotateLogs({ error: e.message }), Effect.andThen(offline))
        )
      )
    }
  }
  const enhanced = yield* enhancer.enhance(local, metadata, params, { outDir: `${dir}/out`, name: "enhanced" })
  const outputKey = BlobKeys.enhancedRound(sessionId, fileId, event.round, "mp4")
  const previewKey = BlobKeys.enhancedPreview(sessionId, fileId, event.round)
  yield* blobs.putFile(outputKey, enhanced.output, "video/mp4")
  yield* blobs.putFile(previewKey, enhanced.preview, "video/mp4")
  if (event.round === 0) {
    const before = yield* enhancer.before(local, params.toneMap, { outDir: `${dir}/out`, name: "original" })
    yield* blobs.putFile(BlobKeys.enhancedBefore(sessionId, fileId, "video"), before, "video/mp4")
  }
  yield* sessions.appendEnhancementRound(sessionId, jobId, fileId, "video", yield* roundRecord(VideoRoundParams, event, params, outputKey, previewKey))
  return { fileId, round: event.round, outputKey, previewKey } satisfies VideoEnhanceTaskResult
}, Effect.scoped)

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/video-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const videoEnhancementTask = {
  event: VideoEnhanceTaskEvent,
  result: VideoEnhanceTaskResult,
  /** The program, its Gemini calls metered against the session's token quota (SessionTokenMeter). */
  program: (event: VideoEnhanceTaskEvent) => runVideoEnhancementTask(event).pipe(meteredFor(event.sessionId))
} as const
