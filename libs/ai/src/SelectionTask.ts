/**
 * The selection task program (SelectionPipeline's fan-in), run by
 * apps/selection-worker on Lambda and by the local executor in-process:
 * read every item record of the job, load thumbnails (and video frames), ask
 * the SelectionModel for the pick, add the files that could not be processed
 * as `unprocessable` exclusions, and complete the job record.
 *
 * Errors: the SelectionModel's AI errors and the store errors; a failure is
 * recorded on the job by the state machine's Catch.
 */
import { BlobKeys, type ExcludedItem, SelectionTaskEvent, SelectionTaskResult, VIDEO_FRAME_COUNT } from "@curator/contracts"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect, Option } from "effect"
import { SelectionModel } from "./SelectionModel.js"

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
  const items = yield* Effect.forEach(
    done,
    (r) =>
      Effect.gen(function* () {
        const thumbnail = yield* blobs.get(r.thumbnailKey!)
        const frames = r.item!.kind === "video"
          ? yield* Effect.forEach(Array.from({ length: VIDEO_FRAME_COUNT }, (_, i) => BlobKeys.frame(sessionId, r.fileId, i)), (key) =>
              blobs.get(key).pipe(Effect.map(Option.some), Effect.catchTag("NotFoundError", () => Effect.succeed(Option.none()))))
          : []
        return { item: r.item!, thumbnail, frames: frames.flatMap((f) => (Option.isSome(f) ? [f.value] : [])) }
      }),
    { concurrency: 8 }
  )
  const result = yield* model.select({ tripContext: event.tripContext, targetCount: event.targetCount, items })
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
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/selection-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const selectionTask = { event: SelectionTaskEvent, result: SelectionTaskResult, program: runSelectionTask } as const
