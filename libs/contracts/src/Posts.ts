/**
 * Posts (issue 7): carousel posts grouped from the kept items, their captions,
 * and the download bundles — the records in the session table, the inputs of
 * the caption and download state machines, their task events and results.
 * The HTTP shapes are in Api.ts.
 *
 * `PK = SESSION#<id>`; `SK`:
 * - `GROUP#<postId>`: one post (label, carousel order of fileIds, revision);
 * - `CAPTION#<job>`: one caption job of one post, its rounds appended by the
 *   caption task (and the person's edits);
 * - `DOWNLOAD#<job>`: one download job; `DOWNLOAD#<job>#POST#<postId>`: one
 *   post of it — the entries snapshotted by the API at start, the bundles
 *   written by the bundle task (or the failure by the state machine's Catch).
 *
 * Staleness (ARCHITECTURE.md "State"): every post carries a `revision`
 * bumped on each change; a caption round remembers the revision it was
 * written for, a download job the session `generation` and every post's
 * revision. Going back to the review bumps the session generation; a later
 * re-confirmation removes excluded items from their posts (bumping those
 * posts' revisions). A caption or download whose revisions no longer match is
 * `stale`: shown as such, never silently reused; untouched posts keep theirs.
 */
import { Schema } from "effect"

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

/** Post limits. `itemsPerPost` is Instagram's carousel maximum (20 since 2024); `postsPerSession` keeps state-machine inputs small. */
export const PostLimits = {
  /** Most items in one post (carousel slides). */
  itemsPerPost: 20,
  /** Most posts in one session. */
  postsPerSession: 100,
  /** Longest post label, UTF-16 code units. */
  labelLength: 120,
  /** Longest caption, characters: Instagram's caption limit (2,200). */
  captionLength: 2200,
  /** Most hashtags on one caption: Instagram's limit (30). */
  hashtags: 30,
  /** Longest caption feedback, characters (as enhancement feedback). */
  feedbackLength: 500
} as const

/** Default largest ZIP bundle, bytes (375 MiB, DDR-034: fits a phone's download and Lambda's ephemeral disk comfortably). */
export const DEFAULT_BUNDLE_BYTES = 375 * 1024 * 1024
/** Smallest accepted bundle size setting, bytes (1 MiB; a file larger than the setting gets a bundle of its own). */
export const MIN_BUNDLE_BYTES = 1024 * 1024

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

/**
 * `GROUP#<postId>`: one carousel post. `fileIds` in carousel order (at most
 * {@link PostLimits.itemsPerPost}; each fileId in at most one post of the
 * session); `index` orders the posts (creation order, 0-based, never reused);
 * `revision` starts at 0 and is bumped by every change (label, items, order),
 * and writes are conditional on the revision read.
 */
export const PostRecord = Schema.Struct({
  postId: Schema.String,
  index: Schema.Int,
  label: Schema.String,
  fileIds: Schema.Array(Schema.String),
  revision: Schema.Int,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  expiresAt: Schema.Int
})
export type PostRecord = typeof PostRecord.Type

/** A caption as the Captioner writes it and the person edits it: text without hashtags, hashtags without `#`, an optional location tag. */
export const CaptionDraft = Schema.Struct({
  caption: Schema.String,
  /** Hashtags without the leading `#`, letters/digits/underscore only, no duplicates (case-insensitive). */
  hashtags: Schema.Array(Schema.String),
  /** A place name for the post's location tag ("Lisbon, Portugal"); null when the items have no GPS. */
  locationTag: Schema.NullOr(Schema.String)
})
export type CaptionDraft = typeof CaptionDraft.Type

/**
 * One version of a caption. `source`: `generated` by the Captioner (round 0,
 * or a feedback round with `feedback`) or `edited` by the person. `model`:
 * `offline` or the Gemini model name. `postRevision`: the post's revision it
 * was written for. `createdAt` ISO 8601. `note` (optional): what the
 * Captioner says about a generated round for the person — which feedback it
 * applied, or that it could not follow free text and kept the previous draft
 * (the offline captioner); absent or null when there is nothing to say.
 */
export const CaptionVersion = Schema.Struct({
  round: Schema.Int,
  source: Schema.Literals(["generated", "edited"]),
  feedback: Schema.NullOr(Schema.String),
  draft: CaptionDraft,
  model: Schema.String,
  postRevision: Schema.Int,
  createdAt: Schema.String,
  note: Schema.optionalKey(Schema.NullOr(Schema.String))
})
export type CaptionVersion = typeof CaptionVersion.Type

/**
 * `CAPTION#<job>`: the caption job of one post. `status`: `running` while a
 * round is being generated (`pendingFeedback` its words, null for round 0),
 * `complete` when the latest round is stored, `failed` with the error.
 * `rounds` in order (index = round); a round is appended only when
 * `rounds.length` is the one the writer expected. `acceptedRound`: the
 * version the person accepted (null until then). `execution`: the execution
 * name of the running round (`captionExecutionName`).
 */
export const CaptionJobRecord = Schema.Struct({
  jobId: Schema.String,
  postId: Schema.String,
  status: Schema.Literals(["running", "complete", "failed"]),
  rounds: Schema.Array(CaptionVersion),
  pendingFeedback: Schema.NullOr(Schema.String),
  acceptedRound: Schema.NullOr(Schema.Int),
  execution: Schema.String,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type CaptionJobRecord = typeof CaptionJobRecord.Type

/**
 * One file of a post to export, snapshotted by the API when the download
 * starts: `key` is the blob to export (the accepted enhanced output when
 * there is one, else the original upload), `entryName` the ZIP entry name
 * (safe: `NN-<sanitised original name>.<ext of key>`, carousel order),
 * `bytes` the blob's size.
 */
export const ExportEntry = Schema.Struct({
  fileId: Schema.String,
  key: Schema.String,
  entryName: Schema.String,
  kind: Schema.Literals(["photo", "video"]),
  bytes: Schema.Int
})
export type ExportEntry = typeof ExportEntry.Type

/** One written ZIP: `name` is safe (`[a-z0-9-]`), its blob is `BlobKeys.bundle(session, job, name)`; `entries` in ZIP order. */
export const BundleInfo = Schema.Struct({
  name: Schema.String,
  bytes: Schema.Int,
  entries: Schema.Array(Schema.String)
})
export type BundleInfo = typeof BundleInfo.Type

/** `DOWNLOAD#<job>`: one download job. `postRevisions` maps postId -> revision at start; `generation` is the session's at start. */
export const DownloadJobRecord = Schema.Struct({
  jobId: Schema.String,
  status: Schema.Literals(["running", "complete", "failed"]),
  keepGps: Schema.Boolean,
  bundleBytes: Schema.Int,
  generation: Schema.Int,
  postRevisions: Schema.Record(Schema.String, Schema.Int),
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type DownloadJobRecord = typeof DownloadJobRecord.Type

/**
 * `DOWNLOAD#<job>#POST#<postId>`: one post of a download job. Written
 * `pending` with its `entries` by the API at start; `processing`, then `done`
 * with `bundles` by the bundle task; `failed` with the error by the state
 * machine's Catch.
 */
export const DownloadPostRecord = Schema.Struct({
  postId: Schema.String,
  index: Schema.Int,
  label: Schema.String,
  status: Schema.Literals(["pending", "processing", "done", "failed"]),
  entries: Schema.Array(ExportEntry),
  bundles: Schema.Array(BundleInfo),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type DownloadPostRecord = typeof DownloadPostRecord.Type

// ---------------------------------------------------------------------------
// State machines
// ---------------------------------------------------------------------------

/**
 * Input of the caption state machine (`CaptionPipeline`: one Task, Retry and
 * Catch from the error table; the Catch records the job failed). Small and
 * deterministic: the task reads the post, its items and the history from the
 * table. `round` 0 = first caption (`feedback` null); n = the n-th feedback
 * round.
 */
export const CaptionJobInput = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  postId: Schema.String,
  round: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  feedback: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type CaptionJobInput = typeof CaptionJobInput.Type

/** The caption task's event is the state machine's input. */
export const CaptionTaskEvent = CaptionJobInput
export type CaptionTaskEvent = CaptionJobInput

/** The caption task's result: the stored version. */
export const CaptionTaskResult = Schema.Struct({ jobId: Schema.String, round: Schema.Int })
export type CaptionTaskResult = typeof CaptionTaskResult.Type

/** Execution name of a caption round: `<job>` for round 0, `<job>-r<round>` after (unique per state machine). */
export const captionExecutionName = (input: { readonly jobId: string; readonly round: number }): string =>
  input.round === 0 ? input.jobId : `${input.jobId}-r${input.round}`

/**
 * Input of the download state machine (`DownloadPipeline`): Map over `posts`
 * (MaxConcurrency 2) -> bundle task; every Task in the ItemProcessor has a
 * Catch ending in `States.ALL` that records the post failed; then the job is
 * marked complete. The entries live in the `DOWNLOAD#<job>#POST#<postId>`
 * records (state payloads stay small).
 */
export const DownloadJobInput = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  expiresAt: Schema.Int,
  keepGps: Schema.Boolean,
  bundleBytes: Schema.Int,
  posts: Schema.Array(Schema.Struct({ postId: Schema.String }))
})
export type DownloadJobInput = typeof DownloadJobInput.Type

/** One Map iteration of the download state machine: bundle one post. */
export const BundleTaskEvent = Schema.Struct({
  sessionId: Schema.String,
  jobId: Schema.String,
  expiresAt: Schema.Int,
  keepGps: Schema.Boolean,
  bundleBytes: Schema.Int,
  postId: Schema.String
})
export type BundleTaskEvent = typeof BundleTaskEvent.Type

/** The bundle task's result: the post and its written bundles. */
export const BundleTaskResult = Schema.Struct({ postId: Schema.String, bundles: Schema.Array(BundleInfo) })
export type BundleTaskResult = typeof BundleTaskResult.Type
