/**
 * The selection task program (SelectionPipeline's fan-in), run by
 * apps/selection-worker on Lambda and by the local executor in-process:
 * read every item record of the job, load thumbnails (and video frames), ask
 * the SelectionModel for the pick (a model that takes video previews — Gemini —
 * gets each video's AI preview, H.264 + AAC MP4 from `AiPreviewEncoder`, made
 * here from the original when the home provides `ProcessRunner` and
 * `AiPreviewEncoder` (the local stack does; the selection-worker Lambda needs
 * `Media.layer` for it); a video whose preview cannot be made, e.g. over the
 * encoder's time budget, goes with its frames instead, with a warning), fold
 * exact copies out first (one copy judged, the others excluded as its
 * duplicates, in an order that does not depend on arrival), add
 * the files that could not be processed
 * as `unprocessable` exclusions, and complete the job record.
 *
 * Errors: the SelectionModel's AI errors and the store errors; a failure is
 * recorded on the job by the state machine's Catch.
 */
import { BlobKeys, type ExcludedItem, type MediaItem, SelectionTaskEvent, SelectionTaskResult, VIDEO_FRAME_COUNT } from "@curator/contracts"
import { readFile } from "node:fs/promises"
import { AiPreviewEncoder, ProcessRunner } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect, Option } from "effect"
import { foldExactCopies } from "./internal/exactCopies.js"
import { SelectionModel } from "./SelectionModel.js"
import { meteredFor } from "./SessionTokenMeter.js"

/** The services the selection task needs. */
export type SelectionTaskServices = BlobStore | SessionStore | SelectionModel

/** Runs the selection for one job and records its result. */
export const runSelectionTask = Effect.fn("SelectionTask.run")(function* (event: SelectionTaskEvent) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const model = yield* SelectionModel
  const { sessionId, jobId } = event
  const records = yield* sessions.listSelectionItems(sessionId, jobId)
  const done = records.filter((r) => r.status === "done" && r.item !== null && r.thumbnailKey !== null)
  const failed = records.filter((r) => r.status !== "done")
  // Exact copies (same bytes) are folded out for every model: one copy is judged, the others are
  // excluded as its duplicates; the order is canonical, so the result never depends on arrival order.
  const { unique, unfold } = foldExactCopies(done.map((r) => ({ item: r.item!, thumbnailKey: r.thumbnailKey! })))
  const items = yield* Effect.forEach(
    unique,
    ({ item, thumbnailKey }) =>
      Effect.gen(function* () {
        const thumbnail = yield* blobs.get(thumbnailKey)
        const frames = item.kind === "video"
          ? yield* Effect.forEach(Array.from({ length: VIDEO_FRAME_COUNT }, (_, i) => BlobKeys.frame(sessionId, item.fileId, i)), (key) =>
              blobs.get(key).pipe(Effect.map(Option.some), Effect.catchTag("NotFoundError", () => Effect.succeed(Option.none()))))
          : []
        return { item, thumbnail, frames: frames.flatMap((f) => (Option.isSome(f) ? [f.value] : [])) }
      }),
    { concurrency: 8 }
  )
  // The encoder is optional in the task's services: a home without the media services (no ffmpeg)
  // sends frames, with a warning, instead of failing the selection.
  const media = Option.all({ runner: yield* Effect.serviceOption(ProcessRunner), encoder: yield* Effect.serviceOption(AiPreviewEncoder) })
  const wantsPreviews = model.videoPreviews === true && items.some((c) => c.item.kind === "video")
  if (wantsPreviews && Option.isNone(media)) yield* Effect.logWarning("the SelectionModel takes video previews but no AiPreviewEncoder is provided: videos go as frames")
  const withPreviews = wantsPreviews && Option.isSome(media)
    ? yield* Effect.forEach(
        items,
        (c) => (c.item.kind === "video" ? Effect.map(videoPreview(c.item, media.value), (preview) => (preview === null ? c : { ...c, preview })) : Effect.succeed(c)),
        { concurrency: 2 }
      )
    : items
  const result = unfold(yield* model.select({ tripContext: event.tripContext, targetCount: event.targetCount, items: withPreviews }))
  const unprocessable: Array<ExcludedItem> = failed.map((r) => ({
    fileId: r.fileId,
    reason: r.status === "failed" ? `${r.errorMessage ?? "could not be processed"} (${r.errorTag ?? "unknown error"})` : "processing did not finish",
    category: "unprocessable",
    duplicateOf: null
  }))
  const full = { ...result, excluded: [...result.excluded, ...unprocessable] }
  yield* sessions.completeSelectionJob(sessionId, jobId, full, new Date().toISOString())
  return {
    jobId,
    selectedCount: full.selected.length,
    excludedCount: result.excluded.length,
    failedCount: unprocessable.length,
    sceneGroupCount: full.sceneGroups.length
  } satisfies SelectionTaskResult
})

/**
 * A video's AI preview bytes (MP4), encoded from its original in a temp dir; null (with a warning)
 * when the preview cannot be made (the selection then uses the video's frames).
 */
const videoPreview = (item: MediaItem, { encoder, runner }: { readonly runner: ProcessRunner["Service"]; readonly encoder: AiPreviewEncoder["Service"] }) =>
  Effect.scoped(
    Effect.gen(function* () {
      const blobs = yield* BlobStore
      const dir = yield* runner.tempDir
      yield* blobs.download(item.key, `${dir}/original`)
      const preview = yield* encoder.video(`${dir}/original`, { outDir: `${dir}/ai`, name: "preview", metadata: item })
      return new Uint8Array(yield* Effect.promise(() => readFile(preview.path)))
    })
  ).pipe(
    Effect.catch((e) =>
      Effect.as(Effect.logWarning(`no AI preview for video ${item.fileId}, its frames go instead`).pipe(Effect.annotateLogs({ error: `${e._tag}: ${e.message}` })), null)
    )
  )

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/selection-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const selectionTask = {
  event: SelectionTaskEvent,
  result: SelectionTaskResult,
  /** The program, its Gemini calls metered against the session's token quota (SessionTokenMeter). */
  program: (event: SelectionTaskEvent) => runSelectionTask(event).pipe(meteredFor(event.sessionId))
} as const
