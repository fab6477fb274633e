/**
 * The Curator HTTP API (issue 3): every route, body, response and error as an
 * effect `HttpApi` definition. Served by `apps/api` (a runtime-agnostic
 * `Request -> Response` handler mounted by the local server now and by a
 * Lambda adapter later) and called by `apps/web` (typed client via
 * `HttpApiClient.make(CuratorApi)`, or plain `fetch` with these Schemas).
 * `effect/http-api` imports no Node module, so this file is browser-safe.
 *
 * Conventions:
 * - every route is under `/api`; ids are {@link RandomId}s (128-bit, base32);
 * - sizes are bytes, times ISO 8601 strings, `expiresAt` epoch seconds;
 * - every error answers `{ error: { tag, message } }` ({@link ApiErrorBody})
 *   with the status of its class below; the local server's own refusals
 *   (401 no cookie, 403 Host/Origin/signature, 413 body too large) use the
 *   same body;
 * - every id and key a route receives must belong to the caller's session:
 *   an unknown session, or a job/file of another session, is 404.
 */
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { MediaItem, MediaKind } from "./MediaItem.js"
import { JobStatus } from "./Records.js"
import { BundleInfo, CaptionDraft, CaptionVersion } from "./Posts.js"
import { SelectionResult } from "./Selection.js"

// ---------------------------------------------------------------------------
// Ids and limits
// ---------------------------------------------------------------------------

/**
 * A random identifier: 128 bits of CSPRNG output in RFC 4648 base32 (lower
 * case, unpadded) = 26 characters of `[a-z2-7]`. Sessions, files and jobs all
 * use it; nothing is sequential, so ids cannot be guessed or enumerated.
 */
export const RandomId = Schema.String.check(Schema.isPattern(/^[a-z2-7]{26}$/))
export type RandomId = typeof RandomId.Type

/** Content types accepted for upload, by media kind (browsers' `File.type` for these formats). */
export const UploadContentTypes = {
  photo: ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/avif", "image/gif", "image/tiff"],
  video: ["video/mp4", "video/quicktime", "video/3gpp", "video/3gpp2", "video/x-m4v", "video/webm"]
} as const satisfies Record<MediaKind, ReadonlyArray<string>>

/** One accepted upload content type. */
export type UploadContentType = (typeof UploadContentTypes)[MediaKind][number]

/**
 * Upload limits. Per-file bytes by kind as in the origin's DDR-028 (photos
 * 50 MB, videos 5 GB; binary units, 5 GiB is also S3's single-PUT maximum);
 * the per-session caps keep one session from filling the disk or the table.
 */
export const UploadLimits = {
  /** Largest photo, bytes (50 MiB). */
  photoBytes: 50 * 1024 * 1024,
  /** Largest video, bytes (5 GiB). */
  videoBytes: 5 * 1024 * 1024 * 1024,
  /** Most files one session may declare (across all upload requests). */
  filesPerSession: 500,
  /** Most files in one upload request. */
  filesPerRequest: 100,
  /** Longest file name, UTF-16 code units (common file-system limit of 255). */
  fileNameLength: 255,
  /** Longest trip-context text, characters. */
  tripContextLength: 2000,
  /** Most items a selection may pick. */
  maxTargetCount: 200
} as const

/** The media kind of an accepted content type, or null when the type is not accepted. */
export const uploadKindOf = (contentType: string): MediaKind | null =>
  (UploadContentTypes.photo as ReadonlyArray<string>).includes(contentType)
    ? "photo"
    : (UploadContentTypes.video as ReadonlyArray<string>).includes(contentType)
      ? "video"
      : null

// C0 controls, DEL and C1 controls: never part of a display name, and some terminals and logs act on them.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Why a declared upload is refused, or null when it is acceptable. The same
 * check runs in the browser (to warn early) and in the API (authoritative).
 * - `name`: non-empty, at most {@link UploadLimits.fileNameLength}, no `..`,
 *   `/`, `\` or control characters (a name is display-only, never a path);
 * - `type`: one of {@link UploadContentTypes};
 * - `size`: an integer > 0 bytes and at most the limit of its kind.
 */
export const uploadRefusal = (file: { readonly name: string; readonly type: string; readonly size: number }): string | null => {
  const { name, type, size } = file
  if (name.length === 0) return "the file name is empty"
  if (name.length > UploadLimits.fileNameLength) return `the file name is longer than ${UploadLimits.fileNameLength} characters`
  if (name.includes("..")) return `the file name "${name}" contains ".."`
  if (name.includes("/") || name.includes("\\")) return `the file name "${name}" contains a path separator ("/" or "\\")`
  if (CONTROL_CHARACTERS.test(name)) return `the file name ${JSON.stringify(name)} contains a control character`
  const kind = uploadKindOf(type)
  if (kind === null) {
    return `"${name}": content type "${type}" is not accepted (photos: ${UploadContentTypes.photo.join(", ")}; videos: ${UploadContentTypes.video.join(", ")})`
  }
  if (!Number.isSafeInteger(size) || size <= 0) return `"${name}": size must be a whole number of bytes greater than 0`
  const limit = kind === "photo" ? UploadLimits.photoBytes : UploadLimits.videoBytes
  if (size > limit) return `"${name}": ${size} bytes is over the ${kind} limit of ${limit} bytes`
  return null
}

// ---------------------------------------------------------------------------
// Errors: every one answers { error: { tag, message } }
// ---------------------------------------------------------------------------

/** The body of every error response. `tag` names the failure (e.g. `InvalidInputError`, `NotFoundError`). */
export const ApiErrorDetail = Schema.Struct({ tag: Schema.String, message: Schema.String })
export type ApiErrorDetail = typeof ApiErrorDetail.Type

/** `{ error: { tag, message } }`: what every non-2xx response of the API and the local server carries. */
export const ApiErrorBody = Schema.Struct({ error: ApiErrorDetail })
export type ApiErrorBody = typeof ApiErrorBody.Type

const errorFields = { error: ApiErrorDetail }

/** 400: a body, parameter or declared file failed validation (tag `InvalidInputError`). */
export class ApiBadRequest extends Schema.Error<ApiBadRequest>("ApiBadRequest")(errorFields, { httpApiStatus: 400 }) {}
/** 401: no valid access cookie (local server only). */
export class ApiUnauthorized extends Schema.Error<ApiUnauthorized>("ApiUnauthorized")(errorFields, { httpApiStatus: 401 }) {}
/** 403: wrong Host or Origin, or a tampered / expired signed URL (local server). */
export class ApiForbidden extends Schema.Error<ApiForbidden>("ApiForbidden")(errorFields, { httpApiStatus: 403 }) {}
/** 404: unknown or expired session, or a job / file that is not the session's (tag `NotFoundError`). */
export class ApiNotFound extends Schema.Error<ApiNotFound>("ApiNotFound")(errorFields, { httpApiStatus: 404 }) {}
/**
 * 409: the request conflicts with the stored state: an upload whose stored
 * size differs from the declared one or that was never stored, a selection
 * with no uploaded file or while one runs, new files after the session's
 * selection started (its files are then fixed), an override before the job
 * completed or after the review was confirmed (tag `StoreConflictError`,
 * `InvalidInputError` or `NotFoundError`).
 */
export class ApiConflict extends Schema.Error<ApiConflict>("ApiConflict")(errorFields, { httpApiStatus: 409 }) {}
/** 413: a declared file over its kind's byte limit, or more files than a session may hold (tag `MediaTooLargeError` / `QuotaExceededError`). */
export class ApiTooLarge extends Schema.Error<ApiTooLarge>("ApiTooLarge")(errorFields, { httpApiStatus: 413 }) {}
/** 500: a bug (tag `InternalDefectError`). */
export class ApiInternal extends Schema.Error<ApiInternal>("ApiInternal")(errorFields, { httpApiStatus: 500 }) {}
/** 503: the store or the orchestrator is unavailable or throttling; retry later (tag from THE error table). */
export class ApiUnavailable extends Schema.Error<ApiUnavailable>("ApiUnavailable")(errorFields, { httpApiStatus: 503 }) {}

/** Errors any session-scoped route can answer. */
const sessionErrors = [ApiBadRequest, ApiNotFound, ApiUnavailable, ApiInternal] as const

// ---------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------

/** `POST /api/sessions` body. `tripContext`: a sentence about the trip for the selection (<= 2000 chars, default ""). */
export const CreateSessionRequest = Schema.Struct({
  tripContext: Schema.optional(Schema.String)
})
export type CreateSessionRequest = typeof CreateSessionRequest.Type

/** A session as the browser sees it. `expiresAt`: epoch seconds after which it and all its records are gone. */
export const SessionInfo = Schema.Struct({
  sessionId: RandomId,
  createdAt: Schema.String,
  expiresAt: Schema.Int,
  tripContext: Schema.String
})
export type SessionInfo = typeof SessionInfo.Type

/** Upload status: `pending` until `complete` confirmed the stored size, then `uploaded`. */
export const UploadStatus = Schema.Literals(["pending", "uploaded"])
export type UploadStatus = typeof UploadStatus.Type

/** One declared upload. `name` is display-only; `type` the declared content type; `size` bytes. */
export const UploadInfo = Schema.Struct({
  fileId: RandomId,
  name: Schema.String,
  type: Schema.String,
  size: Schema.Int,
  status: UploadStatus
})
export type UploadInfo = typeof UploadInfo.Type

/** A job's terminal error: THE error table's tag and a human message. */
export const JobError = Schema.Struct({ tag: Schema.String, message: Schema.String })
export type JobError = typeof JobError.Type

/** The latest selection job of a session, for resuming. */
export const SelectionJobSummary = Schema.Struct({
  jobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String)
})
export type SelectionJobSummary = typeof SelectionJobSummary.Type

/** An override: force an item into (`include`) or out of (`exclude`) the selection. */
export const OverrideAction = Schema.Literals(["include", "exclude"])
export type OverrideAction = typeof OverrideAction.Type

/** One stored override. */
export const Override = Schema.Struct({ fileId: RandomId, action: OverrideAction })
export type Override = typeof Override.Type

/** The review of one selection job: overrides in fileId order; `confirmedAt` once the person confirmed. */
export const ReviewState = Schema.Struct({
  jobId: RandomId,
  overrides: Schema.Array(Override),
  confirmed: Schema.Boolean,
  confirmedAt: Schema.NullOr(Schema.String)
})
export type ReviewState = typeof ReviewState.Type

/**
 * `GET /api/sessions/:sessionId`: everything needed to resume in a reload or
 * another tab. `selection` is the latest job (null before the first start);
 * `review` its review state (null before the job exists); `enhancement` the
 * latest enhancement job of that selection (null before one started).
 */
export const SessionState = Schema.Struct({
  session: SessionInfo,
  uploads: Schema.Array(UploadInfo),
  selection: Schema.NullOr(SelectionJobSummary),
  review: Schema.NullOr(ReviewState),
  enhancement: Schema.NullOr(Schema.suspend(() => EnhancementJobSummary)),
  /** The session generation (ARCHITECTURE.md "State"): bumped each time a confirmed review is reopened. */
  generation: Schema.Int,
  /** How many posts the session has (0 before the Group step). */
  postCount: Schema.Int,
  /** The latest download job (null before the first). */
  download: Schema.NullOr(Schema.suspend(() => DownloadJobSummary)),
  /** Gemini tokens the session has used so far (0 offline), capped by the per-session quota. */
  tokensUsed: Schema.Int,
  /** Their estimated cost in US dollars (libs/ai GeminiPrices.ts; 0 offline), capped by the per-session budget. Absent from older servers. */
  costUsd: Schema.optional(Schema.Finite)
})
export type SessionState = typeof SessionState.Type

/** How an estimated cost in US dollars is shown (review page, `curator run`): "$0.0123" under a dollar, "$1.23" above. */
export const formatUsd = (usd: number): string => `$${usd < 1 ? Math.max(0, usd).toFixed(4) : usd.toFixed(2)}`

/** One file to upload, as the browser's `File` describes it: `name`, `type` (content type), `size` (bytes). */
export const UploadDeclaration = Schema.Struct({
  name: Schema.String,
  type: Schema.String,
  size: Schema.Number
})
export type UploadDeclaration = typeof UploadDeclaration.Type

/** `POST /api/sessions/:sessionId/uploads` body: 1..100 files (see {@link uploadRefusal} for each file's rules). */
export const CreateUploadsRequest = Schema.Struct({
  files: Schema.Array(UploadDeclaration)
})
export type CreateUploadsRequest = typeof CreateUploadsRequest.Type

/**
 * Where to send one file: `PUT uploadUrl` with exactly `headers` (its
 * `Content-Type`) and a body of exactly the declared size, before
 * `expiresAt` (epoch seconds). `uploadUrl` is same-origin (`/blob/...`)
 * locally and an S3 presigned URL on AWS. Then call `complete`.
 * Two files with the same name get distinct fileIds and are both kept.
 */
export const UploadTarget = Schema.Struct({
  fileId: RandomId,
  name: Schema.String,
  uploadUrl: Schema.String,
  method: Schema.Literal("PUT"),
  headers: Schema.Struct({ "Content-Type": Schema.String }),
  expiresAt: Schema.Int
})
export type UploadTarget = typeof UploadTarget.Type

/** Response of `POST /api/sessions/:sessionId/uploads`: one target per declared file, in request order. */
export const CreateUploadsResponse = Schema.Struct({ uploads: Schema.Array(UploadTarget) })
export type CreateUploadsResponse = typeof CreateUploadsResponse.Type

/** `POST /api/sessions/:sessionId/selection` body. `targetCount`: items to pick, 1..200 (default 20). */
export const StartSelectionRequest = Schema.Struct({
  targetCount: Schema.optional(Schema.Int)
})
export type StartSelectionRequest = typeof StartSelectionRequest.Type

/** Response of starting a selection: the new job (a retry of a failed job is a new POST, hence a new job id). */
export const StartSelectionResponse = Schema.Struct({ jobId: RandomId })
export type StartSelectionResponse = typeof StartSelectionResponse.Type

/** A file's progress inside a job; `pending` = no item record yet. */
export const FileProgressStatus = Schema.Literals(["pending", "processing", "done", "failed"])
export type FileProgressStatus = typeof FileProgressStatus.Type

/**
 * One file of a job: its upload name and type, progress, the failure reason
 * (`failed` only) and the validated MediaItem (`done` only).
 */
export const FileProgress = Schema.Struct({
  fileId: RandomId,
  name: Schema.String,
  type: Schema.String,
  status: FileProgressStatus,
  reason: Schema.NullOr(JobError),
  item: Schema.NullOr(MediaItem)
})
export type FileProgress = typeof FileProgress.Type

/** Counts of `files` by status (`total` = files in the job). */
export const ProgressCounts = Schema.Struct({
  total: Schema.Int,
  pending: Schema.Int,
  processing: Schema.Int,
  done: Schema.Int,
  failed: Schema.Int
})
export type ProgressCounts = typeof ProgressCounts.Type

/**
 * `GET /api/sessions/:sessionId/selection/:jobId`: the job with per-file
 * progress (derived from the item records), the result once `complete`, the
 * terminal `error` once `failed`, and the review state. Poll while
 * `status = running`; the server never leaves a job `running` whose
 * execution has ended (it is failed with `JobInterruptedError`).
 */
export const SelectionStatus = Schema.Struct({
  jobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  targetCount: Schema.Int,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  files: Schema.Array(FileProgress),
  counts: ProgressCounts,
  result: Schema.NullOr(SelectionResult),
  review: ReviewState
})
export type SelectionStatus = typeof SelectionStatus.Type

/** `PUT .../overrides` body: `reset` removes the file's override. */
export const OverrideRequest = Schema.Struct({
  fileId: RandomId,
  action: Schema.Literals(["include", "exclude", "reset"])
})
export type OverrideRequest = typeof OverrideRequest.Type

/**
 * A short-lived signed GET URL (`expiresAt` epoch seconds, 15 min) of one
 * media blob, with the content type it is served with. `variant` says which
 * blob the URL points at: a HEIC/HEIF original cannot be shown by most
 * browsers, so its `preview-url` falls back to the thumbnail. Enhancement
 * URLs: `before` (the original rendered at preview size with no adjustment,
 * for comparison), `enhanced` (a round's full output) and `enhanced-preview`
 * (a round's preview: JPEG for photos, a short H.264 clip for videos).
 */
export const MediaUrl = Schema.Struct({
  url: Schema.String,
  contentType: Schema.String,
  variant: Schema.Literals(["thumbnail", "original", "before", "enhanced", "enhanced-preview", "bundle"]),
  expiresAt: Schema.Int
})
export type MediaUrl = typeof MediaUrl.Type


// ---------------------------------------------------------------------------
// Enhancement (issue 4)
// ---------------------------------------------------------------------------

/** Longest feedback text of one round, characters. */
export const FEEDBACK_MAX_LENGTH = 500

/**
 * The latest enhancement job of a session, for resuming. `acceptedAt`: when
 * the person accepted the versions (null until then).
 */
export const EnhancementJobSummary = Schema.Struct({
  jobId: RandomId,
  selectionJobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  acceptedAt: Schema.NullOr(Schema.String)
})
export type EnhancementJobSummary = typeof EnhancementJobSummary.Type

/**
 * `POST /api/sessions/:sessionId/enhancement` body: enhance the kept items of
 * this selection job (its selected items, minus `exclude` overrides, plus
 * `include` overrides, in rank order). The review must be confirmed.
 */
export const StartEnhancementRequest = Schema.Struct({ selectionJobId: RandomId })
export type StartEnhancementRequest = typeof StartEnhancementRequest.Type

/**
 * Response of starting an enhancement. Starting again for a selection whose
 * enhancement is running or complete returns that job (`created: false`); a
 * failed one is replaced by a new job.
 */
export const StartEnhancementResponse = Schema.Struct({ jobId: RandomId, created: Schema.Boolean })
export type StartEnhancementResponse = typeof StartEnhancementResponse.Type

/**
 * One version of an item. `round` 0 is the automatic enhancement; each
 * feedback round adds one. `feedback`: the words that produced it (null for
 * round 0). `params`: the PhotoAdjustments / VideoAdjustments it used (see
 * Enhancement.ts for units). `createdAt`: ISO 8601.
 */
export const EnhancementVersion = Schema.Struct({
  round: Schema.Int,
  feedback: Schema.NullOr(Schema.String),
  params: Schema.Record(Schema.String, Schema.Json),
  createdAt: Schema.String
})
export type EnhancementVersion = typeof EnhancementVersion.Type

/**
 * One item of an enhancement job. `status`: `pending` (no record yet),
 * `processing` (a round runs: wait for it to end), `done` (the latest round
 * is stored), `failed` (the latest round failed: `reason`; earlier versions
 * are kept). `versions` in round order; `currentRound` = the latest stored
 * round (-1 before the first). `pendingFeedback`: the words of the round
 * that is running, null otherwise. `accepted`: the round the person chose
 * (null until the job is accepted).
 */
export const EnhancementItemStatus = Schema.Struct({
  fileId: RandomId,
  name: Schema.String,
  type: Schema.String,
  kind: MediaKind,
  status: FileProgressStatus,
  reason: Schema.NullOr(JobError),
  versions: Schema.Array(EnhancementVersion),
  currentRound: Schema.Int,
  pendingFeedback: Schema.NullOr(Schema.String),
  accepted: Schema.NullOr(Schema.Int)
})
export type EnhancementItemStatus = typeof EnhancementItemStatus.Type

/**
 * `GET /api/sessions/:sessionId/enhancement/:jobId`: the job with one entry
 * per kept item (derived from the item records by Query), counts by status,
 * and the acceptance. Poll while `status = running` or any item is
 * `processing`; a job whose execution ended is never left running, and an
 * item whose round's execution ended is never left processing.
 */
export const EnhancementStatus = Schema.Struct({
  jobId: RandomId,
  selectionJobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  acceptedAt: Schema.NullOr(Schema.String),
  items: Schema.Array(EnhancementItemStatus),
  counts: ProgressCounts
})
export type EnhancementStatus = typeof EnhancementStatus.Type

/** `POST .../enhancement/:jobId/items/:fileId/feedback` body: free text, 1..500 characters ("brighter", "less saturated", "warmer", "undo"). */
export const FeedbackRequest = Schema.Struct({ feedback: Schema.String })
export type FeedbackRequest = typeof FeedbackRequest.Type

/** The version of one item to keep. */
export const EnhancementChoice = Schema.Struct({ fileId: RandomId, round: Schema.Int })
export type EnhancementChoice = typeof EnhancementChoice.Type

/**
 * `POST .../enhancement/:jobId/accept` body: the version to keep per item;
 * an item not named keeps its latest round. Accepting again replaces the
 * choices; feedback after acceptance is refused (409).
 */
export const AcceptEnhancementRequest = Schema.Struct({ choices: Schema.optional(Schema.Array(EnhancementChoice)) })
export type AcceptEnhancementRequest = typeof AcceptEnhancementRequest.Type

/** A round number in a path: a non-negative decimal integer without leading zeros (at most 4 digits). */
export const RoundParam = Schema.String.check(Schema.isPattern(/^(0|[1-9][0-9]{0,3})$/))


// ---------------------------------------------------------------------------
// Posts, captions, downloads (issue 7; records and limits in Posts.ts)
// ---------------------------------------------------------------------------

/**
 * One kept item as the Group step shows it: the kept items are the confirmed
 * review's (selected minus `exclude`, plus `include`), in rank order. `source`
 * is what a post exports: the accepted (else latest) enhanced round when there
 * is one, else the original. `postId`: the post holding it (null = in the pool).
 */
export const PoolItem = Schema.Struct({
  fileId: RandomId,
  name: Schema.String,
  kind: MediaKind,
  source: Schema.Literals(["enhanced", "original"]),
  /** The enhancement job and round exported (null for `original`); its preview via the enhancement routes. */
  enhancement: Schema.NullOr(Schema.Struct({ jobId: RandomId, round: Schema.Int })),
  capturedAt: Schema.NullOr(Schema.String),
  postId: Schema.NullOr(RandomId)
})
export type PoolItem = typeof PoolItem.Type

/** A caption job as listed with its post; `stale` when its latest version was written for an older revision of the post. */
export const CaptionSummary = Schema.Struct({
  jobId: RandomId,
  status: JobStatus,
  acceptedRound: Schema.NullOr(Schema.Int),
  stale: Schema.Boolean
})
export type CaptionSummary = typeof CaptionSummary.Type

/** One post: label, items in carousel order, `revision` (send it back on update), its latest caption job (null before one). */
export const Post = Schema.Struct({
  postId: RandomId,
  index: Schema.Int,
  label: Schema.String,
  fileIds: Schema.Array(RandomId),
  revision: Schema.Int,
  caption: Schema.NullOr(CaptionSummary)
})
export type Post = typeof Post.Type

/**
 * `GET /api/sessions/:sessionId/posts`: the kept items (each with the post
 * holding it) and the posts in `index` order. 409 when the review is not
 * confirmed (there is nothing to group yet).
 */
export const PostsState = Schema.Struct({
  selectionJobId: RandomId,
  generation: Schema.Int,
  items: Schema.Array(PoolItem),
  posts: Schema.Array(Post)
})
export type PostsState = typeof PostsState.Type

/** `POST /api/sessions/:sessionId/posts` body: a new post, optionally with a label and first items (each moved out of any other post). */
export const CreatePostRequest = Schema.Struct({
  label: Schema.optional(Schema.String),
  fileIds: Schema.optional(Schema.Array(RandomId))
})
export type CreatePostRequest = typeof CreatePostRequest.Type

/**
 * `PUT /api/sessions/:sessionId/posts/:postId` body: the post's label and its
 * items in carousel order, conditional on `revision` (409 when the post
 * changed meanwhile). At most 20 items (400 beyond); every fileId must be a
 * kept item of this session (404 otherwise); an item taken from another post
 * is removed from it (that post's revision bumps too).
 */
export const UpdatePostRequest = Schema.Struct({
  label: Schema.String,
  fileIds: Schema.Array(RandomId),
  revision: Schema.Int
})
export type UpdatePostRequest = typeof UpdatePostRequest.Type

/**
 * A caption job: its versions in order (generated and edited), the one to
 * show (`current` = the accepted one if any, else the latest), progress, and
 * `stale` (the post changed since the latest version was written).
 */
export const CaptionState = Schema.Struct({
  jobId: RandomId,
  postId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  pendingFeedback: Schema.NullOr(Schema.String),
  versions: Schema.Array(CaptionVersion),
  current: Schema.NullOr(CaptionVersion),
  acceptedRound: Schema.NullOr(Schema.Int),
  stale: Schema.Boolean
})
export type CaptionState = typeof CaptionState.Type

/** `POST .../captions/:jobId/feedback` body: "shorter", "more casual", "more hashtags" or free text (1..500 characters). 409 while a round runs. */
export const CaptionFeedbackRequest = Schema.Struct({ feedback: Schema.String })
export type CaptionFeedbackRequest = typeof CaptionFeedbackRequest.Type

/** `PUT .../captions/:jobId` body: the person's edit, stored as a new `edited` version (409 while a round runs). */
export const EditCaptionRequest = CaptionDraft
export type EditCaptionRequest = typeof EditCaptionRequest.Type

/** `POST .../captions/:jobId/accept` body: the version to accept (default: the latest). */
export const AcceptCaptionRequest = Schema.Struct({ round: Schema.optional(Schema.Int) })
export type AcceptCaptionRequest = typeof AcceptCaptionRequest.Type

/**
 * `POST /api/sessions/:sessionId/downloads` body. `keepGps` (default false):
 * keep GPS in the exported files; `bundleBytes`: largest ZIP, bytes (default
 * 375 MiB, at least 1 MiB). Every non-empty post is exported; 409 when there
 * is none.
 */
export const StartDownloadRequest = Schema.Struct({
  keepGps: Schema.optional(Schema.Boolean),
  bundleBytes: Schema.optional(Schema.Int)
})
export type StartDownloadRequest = typeof StartDownloadRequest.Type

/** Response of starting a download: the new job. */
export const StartDownloadResponse = Schema.Struct({ jobId: RandomId })
export type StartDownloadResponse = typeof StartDownloadResponse.Type

/** The latest download job, for resuming. */
export const DownloadJobSummary = Schema.Struct({
  jobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  stale: Schema.Boolean
})
export type DownloadJobSummary = typeof DownloadJobSummary.Type

/** One post of a download: `pending` / `processing` / `done` (with its bundles) / `failed` (with the reason). */
export const DownloadPostStatus = Schema.Struct({
  postId: RandomId,
  index: Schema.Int,
  label: Schema.String,
  status: FileProgressStatus,
  reason: Schema.NullOr(JobError),
  entries: Schema.Array(Schema.String),
  bundles: Schema.Array(BundleInfo)
})
export type DownloadPostStatus = typeof DownloadPostStatus.Type

/**
 * `GET /api/sessions/:sessionId/downloads/:jobId`: the job, per post progress
 * (derived by Query over its post records), counts by status, and `stale`
 * (a post or the session generation changed since it started).
 */
export const DownloadStatus = Schema.Struct({
  jobId: RandomId,
  status: JobStatus,
  error: Schema.NullOr(JobError),
  keepGps: Schema.Boolean,
  bundleBytes: Schema.Int,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  stale: Schema.Boolean,
  posts: Schema.Array(DownloadPostStatus),
  counts: ProgressCounts
})
export type DownloadStatus = typeof DownloadStatus.Type

/** A bundle name in a path: `[a-z0-9-]`, 1..100 characters. */
export const BundleNameParam = Schema.String.check(Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,99}$/))

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

const SessionParams = { sessionId: RandomId }
const FileParams = { sessionId: RandomId, fileId: RandomId }
const JobParams = { sessionId: RandomId, jobId: RandomId }
const ItemParams = { sessionId: RandomId, jobId: RandomId, fileId: RandomId }
const RoundParams = { sessionId: RandomId, jobId: RandomId, fileId: RandomId, round: RoundParam }
const PostParams = { sessionId: RandomId, postId: RandomId }
const BundleParams = { sessionId: RandomId, jobId: RandomId, name: BundleNameParam }

/** Sessions: create, and read everything needed to resume. */
export class SessionsGroup extends HttpApiGroup.make("sessions").add(
  HttpApiEndpoint.post("create", "/api/sessions", {
    payload: CreateSessionRequest,
    success: SessionInfo,
    error: [ApiBadRequest, ApiUnavailable, ApiInternal]
  }),
  HttpApiEndpoint.get("get", "/api/sessions/:sessionId", {
    params: SessionParams,
    success: SessionState,
    error: sessionErrors
  })
) {}

/** Uploads: signed targets for declared files, then `complete` per file. */
export class UploadsGroup extends HttpApiGroup.make("uploads").add(
  HttpApiEndpoint.post("create", "/api/sessions/:sessionId/uploads", {
    params: SessionParams,
    payload: CreateUploadsRequest,
    success: CreateUploadsResponse,
    error: [...sessionErrors, ApiTooLarge, ApiConflict]
  }),
  HttpApiEndpoint.post("complete", "/api/sessions/:sessionId/uploads/:fileId/complete", {
    params: FileParams,
    success: UploadInfo,
    error: [...sessionErrors, ApiConflict]
  })
) {}

/** Selection: start a job, poll it, record overrides, confirm the review. */
export class SelectionGroup extends HttpApiGroup.make("selection").add(
  HttpApiEndpoint.post("start", "/api/sessions/:sessionId/selection", {
    params: SessionParams,
    payload: StartSelectionRequest,
    success: StartSelectionResponse,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.get("status", "/api/sessions/:sessionId/selection/:jobId", {
    params: JobParams,
    success: SelectionStatus,
    error: sessionErrors
  }),
  HttpApiEndpoint.put("override", "/api/sessions/:sessionId/selection/:jobId/overrides", {
    params: JobParams,
    payload: OverrideRequest,
    success: ReviewState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.post("confirm", "/api/sessions/:sessionId/selection/:jobId/confirm", {
    params: JobParams,
    success: ReviewState,
    error: [...sessionErrors, ApiConflict]
  })
) {}

/** Media: short-lived signed GET URLs (thumbnail 400 px JPEG; original; preview = original, or thumbnail for HEIC/HEIF). */
export class MediaGroup extends HttpApiGroup.make("media").add(
  HttpApiEndpoint.get("thumbnailUrl", "/api/sessions/:sessionId/media/:fileId/thumbnail-url", {
    params: FileParams,
    success: MediaUrl,
    error: sessionErrors
  }),
  HttpApiEndpoint.get("originalUrl", "/api/sessions/:sessionId/media/:fileId/original-url", {
    params: FileParams,
    success: MediaUrl,
    error: sessionErrors
  }),
  HttpApiEndpoint.get("previewUrl", "/api/sessions/:sessionId/media/:fileId/preview-url", {
    params: FileParams,
    success: MediaUrl,
    error: sessionErrors
  })
) {}

/**
 * Enhancement: start for a confirmed review, poll, send feedback per item,
 * accept; signed URLs of the before image / clip and of each round's output
 * and preview.
 */
export class EnhancementGroup extends HttpApiGroup.make("enhancement").add(
  HttpApiEndpoint.post("start", "/api/sessions/:sessionId/enhancement", {
    params: SessionParams,
    payload: StartEnhancementRequest,
    success: StartEnhancementResponse,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.get("status", "/api/sessions/:sessionId/enhancement/:jobId", {
    params: JobParams,
    success: EnhancementStatus,
    error: sessionErrors
  }),
  HttpApiEndpoint.post("feedback", "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/feedback", {
    params: ItemParams,
    payload: FeedbackRequest,
    success: EnhancementItemStatus,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.post("accept", "/api/sessions/:sessionId/enhancement/:jobId/accept", {
    params: JobParams,
    payload: AcceptEnhancementRequest,
    success: EnhancementStatus,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.get("beforeUrl", "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/before-url", {
    params: ItemParams,
    success: MediaUrl,
    error: sessionErrors
  }),
  HttpApiEndpoint.get("outputUrl", "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/rounds/:round/output-url", {
    params: RoundParams,
    success: MediaUrl,
    error: sessionErrors
  }),
  HttpApiEndpoint.get("previewUrl", "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/rounds/:round/preview-url", {
    params: RoundParams,
    success: MediaUrl,
    error: sessionErrors
  })
) {}

/**
 * Posts: the pool of kept items and the posts (GROUP# records); create,
 * update (label, items, carousel order; max 20, conditional on revision),
 * delete (its items return to the pool); reopen a confirmed review (bumps
 * the session generation).
 */
export class PostsGroup extends HttpApiGroup.make("posts").add(
  HttpApiEndpoint.get("list", "/api/sessions/:sessionId/posts", {
    params: SessionParams,
    success: PostsState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.post("create", "/api/sessions/:sessionId/posts", {
    params: SessionParams,
    payload: CreatePostRequest,
    success: PostsState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.put("update", "/api/sessions/:sessionId/posts/:postId", {
    params: PostParams,
    payload: UpdatePostRequest,
    success: PostsState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.delete("remove", "/api/sessions/:sessionId/posts/:postId", {
    params: PostParams,
    success: PostsState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.post("reopenReview", "/api/sessions/:sessionId/selection/:jobId/reopen", {
    params: JobParams,
    success: ReviewState,
    error: [...sessionErrors, ApiConflict]
  })
) {}

/** Captions: start a post's caption job, poll it, feedback rounds, edit, accept. */
export class CaptionsGroup extends HttpApiGroup.make("captions").add(
  HttpApiEndpoint.post("start", "/api/sessions/:sessionId/posts/:postId/captions", {
    params: PostParams,
    success: CaptionState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.get("status", "/api/sessions/:sessionId/captions/:jobId", {
    params: JobParams,
    success: CaptionState,
    error: sessionErrors
  }),
  HttpApiEndpoint.post("feedback", "/api/sessions/:sessionId/captions/:jobId/feedback", {
    params: JobParams,
    payload: CaptionFeedbackRequest,
    success: CaptionState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.put("edit", "/api/sessions/:sessionId/captions/:jobId", {
    params: JobParams,
    payload: EditCaptionRequest,
    success: CaptionState,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.post("accept", "/api/sessions/:sessionId/captions/:jobId/accept", {
    params: JobParams,
    payload: AcceptCaptionRequest,
    success: CaptionState,
    error: [...sessionErrors, ApiConflict]
  })
) {}

/** Downloads: start a download job (DownloadPipeline), poll it, a signed GET per bundle (`Content-Disposition: attachment`). */
export class DownloadsGroup extends HttpApiGroup.make("downloads").add(
  HttpApiEndpoint.post("start", "/api/sessions/:sessionId/downloads", {
    params: SessionParams,
    payload: StartDownloadRequest,
    success: StartDownloadResponse,
    error: [...sessionErrors, ApiConflict]
  }),
  HttpApiEndpoint.get("status", "/api/sessions/:sessionId/downloads/:jobId", {
    params: JobParams,
    success: DownloadStatus,
    error: sessionErrors
  }),
  HttpApiEndpoint.get("bundleUrl", "/api/sessions/:sessionId/downloads/:jobId/bundles/:name/url", {
    params: BundleParams,
    success: MediaUrl,
    error: [...sessionErrors, ApiConflict]
  })
) {}

/** The whole API. */
export class CuratorApi extends HttpApi.make("curator")
  .add(SessionsGroup)
  .add(UploadsGroup)
  .add(SelectionGroup)
  .add(MediaGroup)
  .add(EnhancementGroup)
  .add(PostsGroup)
  .add(CaptionsGroup)
  .add(DownloadsGroup) {}

/**
 * The same routes as a plain table, for callers that use `fetch` directly
 * (method, path template with `:param`s). Kept in step with {@link CuratorApi}.
 */
export const ApiRoutes = {
  createSession: { method: "POST", path: "/api/sessions" },
  getSession: { method: "GET", path: "/api/sessions/:sessionId" },
  createUploads: { method: "POST", path: "/api/sessions/:sessionId/uploads" },
  completeUpload: { method: "POST", path: "/api/sessions/:sessionId/uploads/:fileId/complete" },
  startSelection: { method: "POST", path: "/api/sessions/:sessionId/selection" },
  selectionStatus: { method: "GET", path: "/api/sessions/:sessionId/selection/:jobId" },
  putOverride: { method: "PUT", path: "/api/sessions/:sessionId/selection/:jobId/overrides" },
  confirmReview: { method: "POST", path: "/api/sessions/:sessionId/selection/:jobId/confirm" },
  thumbnailUrl: { method: "GET", path: "/api/sessions/:sessionId/media/:fileId/thumbnail-url" },
  originalUrl: { method: "GET", path: "/api/sessions/:sessionId/media/:fileId/original-url" },
  previewUrl: { method: "GET", path: "/api/sessions/:sessionId/media/:fileId/preview-url" },
  startEnhancement: { method: "POST", path: "/api/sessions/:sessionId/enhancement" },
  enhancementStatus: { method: "GET", path: "/api/sessions/:sessionId/enhancement/:jobId" },
  enhancementFeedback: { method: "POST", path: "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/feedback" },
  acceptEnhancement: { method: "POST", path: "/api/sessions/:sessionId/enhancement/:jobId/accept" },
  enhancementBeforeUrl: { method: "GET", path: "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/before-url" },
  enhancementOutputUrl: { method: "GET", path: "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/rounds/:round/output-url" },
  enhancementPreviewUrl: { method: "GET", path: "/api/sessions/:sessionId/enhancement/:jobId/items/:fileId/rounds/:round/preview-url" },
  listPosts: { method: "GET", path: "/api/sessions/:sessionId/posts" },
  createPost: { method: "POST", path: "/api/sessions/:sessionId/posts" },
  updatePost: { method: "PUT", path: "/api/sessions/:sessionId/posts/:postId" },
  deletePost: { method: "DELETE", path: "/api/sessions/:sessionId/posts/:postId" },
  reopenReview: { method: "POST", path: "/api/sessions/:sessionId/selection/:jobId/reopen" },
  startCaption: { method: "POST", path: "/api/sessions/:sessionId/posts/:postId/captions" },
  captionStatus: { method: "GET", path: "/api/sessions/:sessionId/captions/:jobId" },
  captionFeedback: { method: "POST", path: "/api/sessions/:sessionId/captions/:jobId/feedback" },
  editCaption: { method: "PUT", path: "/api/sessions/:sessionId/captions/:jobId" },
  acceptCaption: { method: "POST", path: "/api/sessions/:sessionId/captions/:jobId/accept" },
  startDownload: { method: "POST", path: "/api/sessions/:sessionId/downloads" },
  downloadStatus: { method: "GET", path: "/api/sessions/:sessionId/downloads/:jobId" },
  bundleUrl: { method: "GET", path: "/api/sessions/:sessionId/downloads/:jobId/bundles/:name/url" }
} as const
