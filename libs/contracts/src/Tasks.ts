/**
 * Step Functions task events and results. Task states use plain Lambda
 * function ARNs, so these are exactly the JSON a worker receives and returns,
 * on AWS and in the local executor alike (no `Payload` nesting).
 * Keep them small: state payloads are capped at 256 KiB; data lives in the table.
 */
import { Schema } from "effect"

/** Input of the selection state machine (deterministic: no timestamps, so a repeated start is harmless). */
export const SelectionJobInput = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  tripContext: Schema.String,
  targetCount: Schema.Int,
  /** Record lifetime end (epoch seconds), fixed when the job is created so the input stays deterministic. */
  expiresAt: Schema.Int,
  files: Schema.Array(Schema.Struct({ fileId: Schema.String, key: Schema.String, fileName: Schema.String }))
})
export type SelectionJobInput = typeof SelectionJobInput.Type

/** One Map iteration: validate one upload, read its metadata and make its thumbnail. */
export const ThumbnailTaskEvent = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  expiresAt: Schema.Int,
  fileId: Schema.String,
  key: Schema.String,
  fileName: Schema.String
})
export type ThumbnailTaskEvent = typeof ThumbnailTaskEvent.Type

/** Result of a thumbnail task; `thumbnailKey` is `<session>/thumb/<fileId>.jpg`. */
export const ThumbnailTaskResult = Schema.Struct({
  fileId: Schema.String,
  thumbnailKey: Schema.String
})
export type ThumbnailTaskResult = typeof ThumbnailTaskResult.Type

/** The fan-in task: all processed items of a job -> selection. `targetCount` is the number of items to pick. */
export const SelectionTaskEvent = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  expiresAt: Schema.Int,
  tripContext: Schema.String,
  targetCount: Schema.Int
})
export type SelectionTaskEvent = typeof SelectionTaskEvent.Type

/** Counts of a finished selection job. */
export const SelectionTaskResult = Schema.Struct({
  jobId: Schema.String,
  selectedCount: Schema.Int,
  excludedCount: Schema.Int,
  failedCount: Schema.Int,
  sceneGroupCount: Schema.Int
})
export type SelectionTaskResult = typeof SelectionTaskResult.Type

/**
 * What a Catch hands to the failure recorder: Step Functions' error object
 * (`Error` is the thrown error's name, i.e. our tag; `Cause` its message or
 * the Lambda error JSON).
 */
export const TaskFailure = Schema.Struct({
  Error: Schema.String,
  Cause: Schema.optional(Schema.String)
})
export type TaskFailure = typeof TaskFailure.Type

/** Event of the failure recorder states (one per failed item, one per failed job). */
export const RecordFailureEvent = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  fileId: Schema.optional(Schema.String),
  error: TaskFailure
})
export type RecordFailureEvent = typeof RecordFailureEvent.Type
