/**
 * Records of the single session table (ARCHITECTURE.md "State").
 *
 * `PK = SESSION#<id>`; `SK` by kind: `META`, `UPLOAD#<fileId>`,
 * `SELECTION#<job>`, `SELECTION#<job>#ITEM#<fileId>`, ... Every record carries
 * `expiresAt` (epoch seconds, DynamoDB TTL) and reads filter `expiresAt > now`
 * because TTL deletion is lazy. Parallel workers write their own item records;
 * progress is derived by a Query over them, never kept in counters.
 */
import { Schema } from "effect"
import { MediaItem } from "./MediaItem.js"
import { SelectionResult } from "./Selection.js"

/** Frames sampled from each video (besides its thumbnail) so the selection can score it like a burst of photos. */
export const VIDEO_FRAME_COUNT = 4

/** Default record lifetime: 24 h (seconds). */
export const DEFAULT_TTL_SECONDS = 24 * 60 * 60

/** Key builders: the one place the SK grammar lives. */
export const Keys = {
  pk: (sessionId: string) => `SESSION#${sessionId}`,
  meta: () => "META",
  upload: (fileId: string) => `UPLOAD#${fileId}`,
  uploadPrefix: () => "UPLOAD#",
  selectionJob: (jobId: string) => `SELECTION#${jobId}`,
  selectionItem: (jobId: string, fileId: string) => `SELECTION#${jobId}#ITEM#${fileId}`,
  selectionItemPrefix: (jobId: string) => `SELECTION#${jobId}#ITEM#`,
  selectionJobPrefix: () => "SELECTION#",
  review: (jobId: string) => `REVIEW#${jobId}`,
  reviewOverride: (jobId: string, fileId: string) => `REVIEW#${jobId}#OVERRIDE#${fileId}`,
  reviewOverridePrefix: (jobId: string) => `REVIEW#${jobId}#OVERRIDE#`,
  enhanceJob: (jobId: string) => `ENHANCE#${jobId}`,
  /** Prefix of every enhancement record (jobs, items, acceptances): a job's SK is the prefix plus its id and nothing else. */
  enhanceJobPrefix: () => "ENHANCE#",
  enhanceItem: (jobId: string, fileId: string) => `ENHANCE#${jobId}#ITEM#${fileId}`,
  enhanceItemPrefix: (jobId: string) => `ENHANCE#${jobId}#ITEM#`,
  enhanceAccepted: (jobId: string) => `ENHANCE#${jobId}#ACCEPTED`,
  /** A carousel post (Posts.ts `PostRecord`). */
  post: (postId: string) => `GROUP#${postId}`,
  postPrefix: () => "GROUP#",
  /** A post's caption job (Posts.ts `CaptionJobRecord`). */
  captionJob: (jobId: string) => `CAPTION#${jobId}`,
  captionJobPrefix: () => "CAPTION#",
  /** A download job (Posts.ts `DownloadJobRecord`); a job's SK is the prefix plus its id and nothing else. */
  downloadJob: (jobId: string) => `DOWNLOAD#${jobId}`,
  downloadJobPrefix: () => "DOWNLOAD#",
  /** One post of a download job (Posts.ts `DownloadPostRecord`). */
  downloadPost: (jobId: string, postId: string) => `DOWNLOAD#${jobId}#POST#${postId}`,
  downloadPostPrefix: (jobId: string) => `DOWNLOAD#${jobId}#POST#`
} as const

/** Long edge, px, of a photo round's display preview and of its "before" (sharp on a full-HD screen, a few hundred kB as JPEG). */
export const ENHANCEMENT_PREVIEW_EDGE = 2048

/** Blob key builders (ARCHITECTURE.md "State"): derived blobs never collide with uploads. */
export const BlobKeys = {
  original: (sessionId: string, fileId: string, ext: string) => `${sessionId}/original/${fileId}.${ext}`,
  thumbnail: (sessionId: string, fileId: string) => `${sessionId}/thumb/${fileId}.jpg`,
  /** The i-th extra frame of a video (0-based), sampled across its duration for scoring. */
  frame: (sessionId: string, fileId: string, index: number) => `${sessionId}/thumb/${fileId}.f${index}.jpg`,
  enhanced: (sessionId: string, fileId: string, ext: string) => `${sessionId}/enhanced/${fileId}.${ext}`,
  /** The output of an item's enhancement round: round 0 is `enhanced`, later rounds add `.r<round>` so every version stays. */
  enhancedRound: (sessionId: string, fileId: string, round: number, ext: string) =>
    round === 0 ? `${sessionId}/enhanced/${fileId}.${ext}` : `${sessionId}/enhanced/${fileId}.r${round}.${ext}`,
  /** A video round's small preview clip (always MP4). */
  enhancedPreview: (sessionId: string, fileId: string, round: number) =>
    `${sessionId}/enhanced/${fileId}${round === 0 ? "" : `.r${round}`}.preview.mp4`,
  /** A photo round's display preview (always JPEG, long edge {@link ENHANCEMENT_PREVIEW_EDGE} px). */
  enhancedPhotoPreview: (sessionId: string, fileId: string, round: number) =>
    `${sessionId}/enhanced/${fileId}${round === 0 ? "" : `.r${round}`}.preview.jpg`,
  /**
   * The "before" of the comparison, written by round 0: the original with no
   * adjustment, at the same size and in the same format as the round previews
   * (photos: JPEG, orientation normalised; videos: an H.264 MP4 clip, HDR
   * tone-mapped as the rounds are, so the only difference is the enhancement).
   */
  enhancedBefore: (sessionId: string, fileId: string, kind: "photo" | "video") =>
    `${sessionId}/enhanced/${fileId}.before.${kind === "photo" ? "jpg" : "mp4"}`,
  bundle: (sessionId: string, jobId: string, name: string) => `${sessionId}/bundle/${jobId}/${name}.zip`
} as const

/** `META`: one per session. `generation` is bumped when the person goes back a step. */
export const SessionMeta = Schema.Struct({
  sessionId: Schema.String,
  createdAt: Schema.String,
  expiresAt: Schema.Int,
  generation: Schema.Int,
  tripContext: Schema.String,
  /**
   * Gemini tokens (prompt + output) every AI call of the session used so far, added atomically
   * after each call (`SessionStore.addTokensUsed`); absent = 0. Capped by the per-session quota
   * (`CURATOR_GEMINI_SESSION_TOKEN_QUOTA`): a call is refused once the total reaches it.
   */
  tokensUsed: Schema.optional(Schema.Int),
  /**
   * Estimated cost of those calls in millionths of a US dollar (libs/ai GeminiPrices.ts), added
   * with the tokens in the same atomic update; absent = 0. Capped by the per-session budget
   * (`CURATOR_GEMINI_SESSION_BUDGET_USD`): a call is refused once the total reaches it.
   */
  costMicroUsd: Schema.optional(Schema.Int)
})
export type SessionMeta = typeof SessionMeta.Type

/** `UPLOAD#<fileId>`: one declared upload. `status` turns `uploaded` once the stored size matched `bytes`. */
export const UploadRecord = Schema.Struct({
  fileId: Schema.String,
  fileName: Schema.String,
  mime: Schema.String,
  bytes: Schema.Int,
  key: Schema.String,
  status: Schema.Literals(["pending", "uploaded"]),
  expiresAt: Schema.Int
})
export type UploadRecord = typeof UploadRecord.Type

/** Status of a job. `failed` carries the terminal error tag and message. */
export const JobStatus = Schema.Literals(["running", "complete", "failed"])
export type JobStatus = typeof JobStatus.Type

/** `SELECTION#<job>`: the job; `result` once complete. */
export const SelectionJobRecord = Schema.Struct({
  jobId: Schema.String,
  status: JobStatus,
  fileCount: Schema.Int,
  tripContext: Schema.String,
  targetCount: Schema.Int,
  startedAt: Schema.String,
  /**
   * ISO 8601 instant the job ended; null while running. Written by the selection worker
   * on completion, by the state machine's RecordJobFailed (`$$.State.EnteredTime`) or by
   * the reconciler on failure.
   */
  finishedAt: Schema.NullOr(Schema.String),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  result: Schema.NullOr(SelectionResult),
  expiresAt: Schema.Int
})
export type SelectionJobRecord = typeof SelectionJobRecord.Type

/** Per-file status inside a job. `pending` is never stored: it is the absence of a record. */
export const ItemStatus = Schema.Literals(["pending", "processing", "done", "failed"])
export type ItemStatus = typeof ItemStatus.Type

/**
 * `SELECTION#<job>#ITEM#<fileId>`: written by the thumbnail worker
 * (`processing`, then `done` with the item) or by the Catch path of the state
 * machine (`failed` with `errorTag` / `errorMessage`). A `done` record is never
 * downgraded.
 */
export const SelectionItemRecord = Schema.Struct({
  fileId: Schema.String,
  status: Schema.Literals(["processing", "done", "failed"]),
  item: Schema.NullOr(MediaItem),
  thumbnailKey: Schema.NullOr(Schema.String),
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  expiresAt: Schema.Int
})
export type SelectionItemRecord = typeof SelectionItemRecord.Type

/**
 * `REVIEW#<job>`: the person confirmed the review of a selection job
 * (written once; absent = not confirmed). Overrides are separate records, so
 * toggling one item never read-modify-writes a shared list.
 */
export const ReviewRecord = Schema.Struct({
  jobId: Schema.String,
  confirmedAt: Schema.String,
  expiresAt: Schema.Int
})
export type ReviewRecord = typeof ReviewRecord.Type

/** `REVIEW#<job>#OVERRIDE#<fileId>`: the person forced an item in (`include`) or out (`exclude`); deleted on reset. */
export const OverrideRecord = Schema.Struct({
  fileId: Schema.String,
  action: Schema.Literals(["include", "exclude"]),
  updatedAt: Schema.String,
  expiresAt: Schema.Int
})
export type OverrideRecord = typeof OverrideRecord.Type
