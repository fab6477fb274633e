/**
 * The enhancement job (issue 4): its state-machine input, the task events and
 * results of its two Maps, and its records in the session table.
 *
 * `PK = SESSION#<id>`; `SK = ENHANCE#<job>` (the job) and
 * `ENHANCE#<job>#ITEM#<fileId>` (one record per enhanced item, written by the
 * workers and by the state machine's failure recorder). Progress is a Query
 * over the item records, never a counter.
 *
 * A feedback round is an execution over the same job with one target whose
 * `round` is the number of the round to produce and `feedback` the person's
 * words; the first pass uses `round: 0` and `feedback: null`. Both fields are
 * always present (never optional) because a Map's `ItemSelector` path that
 * does not resolve is a `States.Runtime` error no Catch can handle.
 */
import { Schema } from "effect"

/** One item to enhance: an upload of the session, and which round of it to produce. */
export const EnhancementTarget = Schema.Struct({
  fileId: Schema.String,
  /** Blob key of the original upload. */
  key: Schema.String,
  fileName: Schema.String,
  /** The person's feedback for this round ("brighter", "undo", ...); null on the first pass. */
  feedback: Schema.NullOr(Schema.String),
  /** 0-based number of the round to produce: 0 = first enhancement, n = the n-th feedback round. */
  round: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type EnhancementTarget = typeof EnhancementTarget.Type

/**
 * Input of the enhancement state machine. Deterministic (no timestamps), so a
 * repeated start with the same input is harmless.
 */
export const EnhancementJobInput = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  /** Record lifetime end (epoch seconds), fixed when the job is created. */
  expiresAt: Schema.Int,
  photos: Schema.Array(EnhancementTarget),
  videos: Schema.Array(EnhancementTarget),
  /**
   * Which attempt of a one-item feedback round this is (absent = 0): a round
   * whose execution failed is started again under a new execution name
   * (`-a<attempt>`), since an ended execution's name cannot be reused.
   */
  attempt: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})
export type EnhancementJobInput = typeof EnhancementJobInput.Type

/**
 * The Step Functions execution name of an enhancement input: the job id for
 * the first pass; `<job>-<fileId>-r<round>` for a one-item feedback round
 * (names are unique per state machine, and each item's rounds are numbered
 * on their own), plus `-a<attempt>` for a later attempt of a round. Step
 * Functions allows 80 characters: ids must stay short enough (two 26-char
 * RandomIds, a round and an attempt number fit).
 */
export const enhancementExecutionName = (input: EnhancementJobInput): string => {
  const targets = [...input.photos, ...input.videos]
  const only = targets.length === 1 ? targets[0] : undefined
  const attempt = input.attempt ?? 0
  return only !== undefined && only.round > 0
    ? `${input.jobId}-${only.fileId}-r${only.round}${attempt > 0 ? `-a${attempt}` : ""}`
    : input.jobId
}

/** One Map iteration of the photo branch: enhance one photo (round `round`). */
export const PhotoEnhanceTaskEvent = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  expiresAt: Schema.Int,
  fileId: Schema.String,
  key: Schema.String,
  fileName: Schema.String,
  feedback: Schema.NullOr(Schema.String),
  round: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type PhotoEnhanceTaskEvent = typeof PhotoEnhanceTaskEvent.Type

/** One Map iteration of the video branch: enhance one video (round `round`). Same shape as the photo event. */
export const VideoEnhanceTaskEvent = PhotoEnhanceTaskEvent
export type VideoEnhanceTaskEvent = typeof VideoEnhanceTaskEvent.Type

/** Result of a photo enhancement task: the round it produced and the enhanced blob's key. */
export const PhotoEnhanceTaskResult = Schema.Struct({
  fileId: Schema.String,
  round: Schema.Int,
  outputKey: Schema.String
})
export type PhotoEnhanceTaskResult = typeof PhotoEnhanceTaskResult.Type

/** Result of a video enhancement task: as the photo's, plus the preview clip's key. */
export const VideoEnhanceTaskResult = Schema.Struct({
  fileId: Schema.String,
  round: Schema.Int,
  outputKey: Schema.String,
  previewKey: Schema.String
})
export type VideoEnhanceTaskResult = typeof VideoEnhanceTaskResult.Type

/** What was enhanced: decides the worker, and a record of one kind never takes the other. */
export const EnhancementKind = Schema.Literals(["photo", "video"])
export type EnhancementKind = typeof EnhancementKind.Type

/** One kept item of a job: which file, and the kind it is enhanced as (from its validated MediaItem). */
export const EnhancementJobItem = Schema.Struct({ fileId: Schema.String, kind: EnhancementKind })
export type EnhancementJobItem = typeof EnhancementJobItem.Type

/** `ENHANCE#<job>`: the job. `complete` when both Maps ended (items may have failed: see their records). */
export const EnhancementJobRecord = Schema.Struct({
  jobId: Schema.String,
  /** The selection job whose kept items this job enhances. */
  selectionJobId: Schema.String,
  /**
   * The kept items, in the selection's rank order (included overrides after
   * the selected ones), fixed when the job is created: the job's item list
   * is read from here, never derived again from the review.
   */
  items: Schema.Array(EnhancementJobItem),
  status: Schema.Literals(["running", "complete", "failed"]),
  photoCount: Schema.Int,
  videoCount: Schema.Int,
  startedAt: Schema.String,
  /**
   * ISO 8601 instant the job ended; null while running. Written by the state
   * machine's MarkJobComplete / RecordJobFailed from the context object's
   * `$$.State.EnteredTime` (ASL has no clock intrinsic), or by the reconciler
   * that fails a job left running.
   */
  finishedAt: Schema.NullOr(Schema.String),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type EnhancementJobRecord = typeof EnhancementJobRecord.Type

/** One version of an item: the parameters used and where the output is. */
export const EnhancementRound = Schema.Struct({
  /** 0-based, equal to its index in `rounds`. */
  round: Schema.Int,
  /** The feedback that produced this round; null for the first enhancement. */
  feedback: Schema.NullOr(Schema.String),
  /** The PhotoAdjustments / VideoAdjustments used, encoded as JSON (so later feedback can nudge them). */
  params: Schema.Record(Schema.String, Schema.Json),
  /** Blob key of the enhanced output (`<session>/enhanced/<fileId>.<ext>`; later rounds add `.r<n>`). */
  outputKey: Schema.String,
  /**
   * Blob key of the round's preview for the comparison — photos: JPEG display preview (long edge
   * <= ENHANCEMENT_PREVIEW_EDGE, `BlobKeys.enhancedPhotoPreview`); videos: preview clip
   * (`BlobKeys.enhancedPreview`). Both workers always write one; null only for a round stored without.
   */
  previewKey: Schema.NullOr(Schema.String),
  createdAt: Schema.String
})
export type EnhancementRound = typeof EnhancementRound.Type

/**
 * `ENHANCE#<job>#ITEM#<fileId>`: one enhanced item. `status` is `processing`
 * while a round runs, `done` when the latest round is stored, `failed` with
 * `errorTag` / `errorMessage` when a round failed (earlier rounds are kept).
 * `currentRound` is the index of the latest round in `rounds` (-1 before the
 * first); a round is appended only when `currentRound` is the one the writer
 * expected (optimistic concurrency), so a retried task never adds one twice.
 */
export const EnhancementItemRecord = Schema.Struct({
  fileId: Schema.String,
  kind: EnhancementKind,
  status: Schema.Literals(["processing", "done", "failed"]),
  rounds: Schema.Array(EnhancementRound),
  currentRound: Schema.Int,
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int,
  /**
   * The feedback of the round a person started through the API, while it
   * runs (`status = processing`); null or absent otherwise. Only meaningful
   * while processing: the failure recorder does not clear it.
   */
  pendingFeedback: Schema.optional(Schema.NullOr(Schema.String)),
  /**
   * The execution name of the latest round started through the API
   * (`enhancementExecutionName`); absent for round 0, whose execution is the
   * job's. Lets a poll tell whether a `processing` round is still running.
   */
  execution: Schema.optional(Schema.NullOr(Schema.String)),
  /**
   * When the latest round was started through the API (ISO 8601). A poll
   * that finds the round's execution not yet known this soon after does not
   * take it for interrupted (the execution is started just after this write).
   */
  roundStartedAt: Schema.optional(Schema.NullOr(Schema.String))
})
export type EnhancementItemRecord = typeof EnhancementItemRecord.Type

/**
 * `ENHANCE#<job>#ACCEPTED`: the person accepted the job's versions.
 * `choices`: the round kept per item (every item of the job); `acceptedAt`
 * ISO 8601. Written again when the person accepts again.
 */
export const EnhancementAcceptanceRecord = Schema.Struct({
  jobId: Schema.String,
  choices: Schema.Array(Schema.Struct({ fileId: Schema.String, round: Schema.Int })),
  acceptedAt: Schema.String,
  expiresAt: Schema.Int
})
export type EnhancementAcceptanceRecord = typeof EnhancementAcceptanceRecord.Type
