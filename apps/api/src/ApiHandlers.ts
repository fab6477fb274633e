/**
 * The implementation of every route of `CuratorApi` (@curator/contracts
 * Api.ts) over five services: SessionStore, PostStore, BlobStore (only `head`
 * and `delete`: bytes never pass through the API), UrlSigner and
 * Orchestrator. The routes of issue 7 (posts, captions, downloads) are in
 * PostsHandlers.ts; helpers shared by both in internal/.
 *
 * Ownership: every route first reads the session's META (unknown or expired
 * -> 404), and reads jobs, uploads and reviews under the session's partition
 * key only, so another session's job or file id is simply not found (404).
 * Blob keys are never taken from the request: they are read from the
 * session's own upload records or built with BlobKeys from checked ids.
 */
import {
  BlobKeys,
  CuratorApi,
  DEFAULT_TTL_SECONDS,
  type EnhancementAcceptanceRecord,
  type EnhancementItemRecord,
  type EnhancementItemStatus,
  type EnhancementJobInput,
  type EnhancementJobItem,
  type EnhancementJobRecord,
  type EnhancementJobSummary,
  type EnhancementStatus,
  type EnhancementTarget,
  enhancementExecutionName,
  FEEDBACK_MAX_LENGTH,
  type FileProgress,
  type JobStatus,
  type MediaUrl,
  type NotFoundError,
  type ReviewState,
  type SelectionJobInput,
  type SelectionJobRecord,
  type SelectionJobSummary,
  type SessionMeta,
  type StoreConflictError,
  type UploadInfo,
  type UploadRecord,
  type UploadTarget,
  uploadKindOf,
  UploadLimits,
  uploadRefusal
} from "@curator/contracts"
import { type ExecutionDescription, Orchestrator } from "@curator/orchestration"
import { BlobStore, SessionStore, type StoreCallError } from "@curator/store"
import { Clock, Effect, Layer } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { badRequest, conflict, fromDomain, notFound, tooLarge, unavailableAs503 } from "./internal/apiErrors.js"
import {
  keptItems,
  mayStillBeStarting,
  mediaUrl,
  interruptedWhy,
  nowIso,
  nowSeconds,
  reconcileRunning,
  requireJob,
  requireSession,
  requireUpload,
  reviewOf,
  startExecution
} from "./internal/common.js"
import { reconcilePostsWithReview, sessionPostsSummary } from "./internal/posts.js"
import { PostsApiHandlers } from "./PostsHandlers.js"
import { randomId } from "./internal/ids.js"
import { UrlSigner } from "./UrlSigner.js"

/** Lifetime of an upload URL: 1 h (seconds), long enough for a 5 GiB video on a slow uplink to start. */
export const UPLOAD_URL_TTL_SECONDS = 60 * 60
export { MEDIA_URL_TTL_SECONDS, START_GRACE_SECONDS } from "./internal/common.js"
/** Items a selection picks when the request does not say. */
export const DEFAULT_TARGET_COUNT = 20

/** Blob-key extension per accepted content type. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "image/heif": "heif",
  "image/avif": "avif",
  "image/gif": "gif",
  "image/tiff": "tif",
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/3gpp": "3gp",
  "video/3gpp2": "3g2",
  "video/x-m4v": "m4v",
  "video/webm": "webm"
}

/** Content types most browsers cannot display: their preview is the thumbnail. */
const NOT_BROWSER_DISPLAYABLE = new Set(["image/heic", "image/heif", "image/tiff"])


const uploadInfo = (u: UploadRecord): UploadInfo => ({ fileId: u.fileId, name: u.fileName, type: u.mime, size: u.bytes, status: u.status })

const jobSummary = (j: SelectionJobRecord): SelectionJobSummary => ({
  jobId: j.jobId,
  status: j.status,
  error: j.status === "failed" ? { tag: j.errorTag ?? "InternalDefectError", message: j.errorMessage ?? "the job failed" } : null,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt
})

/** A selection job reconciled with its execution (see {@link reconcileRunning}). */
const reconcileJob = (sessionId: string, job: SelectionJobRecord) =>
  SessionStore.use((sessions) =>
    reconcileRunning(job, sessions.getSelectionJob(sessionId, job.jobId), (tag, message, at) =>
      sessions.failSelectionJob(sessionId, job.jobId, tag, message, at)
    )
  )

const SessionsLive = HttpApiBuilder.group(CuratorApi, "sessions", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      Effect.gen(function* () {
        const tripContext = (payload.tripContext ?? "").trim()
        if (tripContext.length > UploadLimits.tripContextLength) {
          return yield* badRequest(`the trip context is longer than ${UploadLimits.tripContextLength} characters`)
        }
        const now = yield* Clock.currentTimeMillis
        const meta: SessionMeta = {
          sessionId: randomId(),
          createdAt: new Date(now).toISOString(),
          expiresAt: Math.floor(now / 1000) + DEFAULT_TTL_SECONDS,
          generation: 0,
          tripContext
        }
        yield* SessionStore.use((s) => s.createSession(meta)).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
        return { sessionId: meta.sessionId, createdAt: meta.createdAt, expiresAt: meta.expiresAt, tripContext: meta.tripContext }
      })
    )
    .handle("get", ({ params }) =>
      Effect.gen(function* () {
        const meta = yield* requireSession(params.sessionId)
        const sessions = yield* SessionStore
        const uploads = yield* sessions.listUploads(params.sessionId).pipe(unavailableAs503)
        const jobs = yield* sessions.listSelectionJobs(params.sessionId).pipe(unavailableAs503)
        const latest = jobs.at(-1)
        const job = latest === undefined ? null : yield* reconcileJob(params.sessionId, latest)
        return {
          session: { sessionId: meta.sessionId, createdAt: meta.createdAt, expiresAt: meta.expiresAt, tripContext: meta.tripContext },
          uploads: uploads.map(uploadInfo),
          selection: job === null ? null : jobSummary(job),
          review: job === null ? null : yield* reviewOf(params.sessionId, job.jobId),
          enhancement: job === null ? null : yield* enhancementSummaryOf(params.sessionId, job.jobId),
          ...(yield* sessionPostsSummary(params.sessionId, meta))
        }
      })
    )
)

const UploadsLive = HttpApiBuilder.group(CuratorApi, "uploads", (handlers) =>
  handlers
    .handle("create", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId } = params
        const meta = yield* requireSession(sessionId)
        const sessions = yield* SessionStore
        const signer = yield* UrlSigner
        const files = payload.files
        if (files.length === 0) return yield* badRequest("declare at least one file")
        if (files.length > UploadLimits.filesPerRequest) {
          return yield* badRequest(`at most ${UploadLimits.filesPerRequest} files per request (got ${files.length}); split the request`)
        }
        // Too large first (413), then every other refusal (400), each naming the file.
        const oversized = files.filter((f) => {
          const kind = uploadKindOf(f.type)
          return kind !== null && Number.isFinite(f.size) && f.size > (kind === "photo" ? UploadLimits.photoBytes : UploadLimits.videoBytes)
        })
        if (oversized.length > 0) return yield* tooLarge("MediaTooLargeError", oversized.map((f) => uploadRefusal(f)).join("; "))
        const refusals = files.map((f, i) => [i, uploadRefusal(f)] as const).filter(([, r]) => r !== null)
        if (refusals.length > 0) return yield* badRequest(refusals.map(([i, r]) => `file ${i + 1}: ${r}`).join("; "))
        if ((yield* sessions.listSelectionJobs(sessionId).pipe(unavailableAs503)).length > 0) {
          return yield* conflict("InvalidInputError", "this session's selection has started, so its files are fixed; start a new session to add files")
        }
        const existing = yield* sessions.listUploads(sessionId).pipe(unavailableAs503)
        if (existing.length + files.length > UploadLimits.filesPerSession) {
          return yield* tooLarge(
            "QuotaExceededError",
            `a session holds at most ${UploadLimits.filesPerSession} files; it has ${existing.length} and ${files.length} more were declared`
          )
        }
        const now = yield* nowSeconds
        const urlExpiresAt = Math.min(now + UPLOAD_URL_TTL_SECONDS, meta.expiresAt)
        const targets: Array<UploadTarget> = []
        for (const f of files) {
          const fileId = randomId()
          const key = BlobKeys.original(sessionId, fileId, EXTENSIONS[f.type] ?? "bin")
          yield* sessions
            .putUpload(sessionId, { fileId, fileName: f.name, mime: f.type, bytes: f.size, key, status: "pending", expiresAt: meta.expiresAt })
            .pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
          const uploadUrl = yield* signer.presignPut({ key, contentType: f.type, contentLength: f.size, expiresAt: urlExpiresAt })
          targets.push({ fileId, name: f.name, uploadUrl, method: "PUT", headers: { "Content-Type": f.type }, expiresAt: urlExpiresAt })
        }
        return { uploads: targets }
      })
    )
    .handle("complete", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, fileId } = params
        yield* requireSession(sessionId)
        const upload = yield* requireUpload(sessionId, fileId)
        if (upload.status === "uploaded") return uploadInfo(upload)
        const blobs = yield* BlobStore
        const stored = yield* blobs.head(upload.key).pipe(
          Effect.catchTag("NotFoundError", () =>
            Effect.fail(conflict("NotFoundError", `nothing was stored for "${upload.fileName}" yet: PUT it to its upload URL first`))
          ),
          Effect.catchTag("InvalidInputError", (e) => Effect.die(e)),
          unavailableAs503
        )
        if (stored.bytes !== upload.bytes || stored.contentType !== upload.mime) {
          // A mismatching blob is never trusted: remove it so a correct PUT can follow.
          yield* blobs.delete(upload.key).pipe(Effect.catchTag("InvalidInputError", (e) => Effect.die(e)), unavailableAs503)
          return yield* conflict(
            "InvalidInputError",
            `"${upload.fileName}": stored ${stored.bytes} bytes of ${stored.contentType} but ${upload.bytes} bytes of ${upload.mime} were declared; upload it again`
          )
        }
        const marked = yield* SessionStore.use((s) => s.markUploaded(sessionId, fileId)).pipe(
          Effect.catchTag("NotFoundError", (e) => Effect.fail(fromDomain(e))),
          unavailableAs503
        )
        return uploadInfo(marked)
      })
    )
)

const SelectionLive = HttpApiBuilder.group(CuratorApi, "selection", (handlers) =>
  handlers
    .handle("start", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId } = params
        const meta = yield* requireSession(sessionId)
        const targetCount = payload.targetCount ?? DEFAULT_TARGET_COUNT
        if (targetCount < 1 || targetCount > UploadLimits.maxTargetCount) {
          return yield* badRequest(`targetCount must be between 1 and ${UploadLimits.maxTargetCount} (got ${targetCount})`)
        }
        const sessions = yield* SessionStore
        const uploaded = (yield* sessions.listUploads(sessionId).pipe(unavailableAs503)).filter((u) => u.status === "uploaded")
        if (uploaded.length === 0) return yield* conflict("InvalidInputError", "no file of this session has been uploaded and completed yet")
        const jobs = yield* sessions.listSelectionJobs(sessionId).pipe(unavailableAs503)
        const latest = jobs.at(-1)
        if (latest !== undefined && (yield* reconcileJob(sessionId, latest)).status === "running") {
          return yield* conflict("StoreConflictError", `selection job ${latest.jobId} is still running; wait for it to finish`)
        }
        const startedAt = yield* nowIso
        const jobId = randomId()
        // Fixed now, so the execution input is deterministic and a repeated start is harmless.
        const expiresAt = Math.floor(Date.parse(startedAt) / 1000) + DEFAULT_TTL_SECONDS
        const record: SelectionJobRecord = {
          jobId,
          status: "running",
          fileCount: uploaded.length,
          tripContext: meta.tripContext,
          targetCount,
          startedAt,
          finishedAt: null,
          errorTag: null,
          errorMessage: null,
          result: null,
          expiresAt
        }
        yield* sessions.createSelectionJob(sessionId, record).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
        const input: SelectionJobInput = {
          sessionId,
          jobId,
          tripContext: meta.tripContext,
          targetCount,
          expiresAt,
          files: uploaded.map((u) => ({ fileId: u.fileId, key: u.key, fileName: u.fileName }))
        }
        // A job that could not start is failed at once; the person retries with a new job.
        yield* startExecution((yield* Orchestrator).startSelection(input), (e, at) => sessions.failSelectionJob(sessionId, jobId, e._tag, e.message, at))
        return { jobId }
      })
    )
    .handle("status", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        yield* requireSession(sessionId)
        const job = yield* reconcileJob(sessionId, yield* requireJob(sessionId, jobId))
        const sessions = yield* SessionStore
        // The session's files are fixed once a selection started (uploads refuse new files), so the job's files are its uploaded ones.
        const uploads = (yield* sessions.listUploads(sessionId).pipe(unavailableAs503)).filter((u) => u.status === "uploaded")
        const items = new Map((yield* sessions.listSelectionItems(sessionId, jobId).pipe(unavailableAs503)).map((r) => [r.fileId, r]))
        const files = uploads.map((u): FileProgress => {
          const r = items.get(u.fileId)
          // A job that ended leaves no file "processing" forever: an unfinished item of a finished job failed with it.
          const status = r?.status ?? "pending"
          const unfinished = job.status === "failed" && status !== "done" && status !== "failed"
          return {
            fileId: u.fileId,
            name: u.fileName,
            type: u.mime,
            status: unfinished ? "failed" : status,
            reason:
              r?.status === "failed"
                ? { tag: r.errorTag ?? "InternalDefectError", message: r.errorMessage ?? "processing failed" }
                : unfinished
                  ? { tag: job.errorTag ?? "JobInterruptedError", message: `not processed: the job failed (${job.errorMessage ?? "no reason recorded"})` }
                  : null,
            item: r?.status === "done" ? r.item : null
          }
        })
        const count = (s: FileProgress["status"]) => files.filter((f) => f.status === s).length
        return {
          jobId,
          status: job.status,
          error: jobSummary(job).error,
          targetCount: job.targetCount,
          startedAt: job.startedAt,
          finishedAt: job.finishedAt,
          files,
          counts: { total: files.length, pending: count("pending"), processing: count("processing"), done: count("done"), failed: count("failed") },
          result: job.result,
          review: yield* reviewOf(sessionId, jobId)
        }
      })
    )
    .handle("override", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        yield* requireSession(sessionId)
        const job = yield* requireJob(sessionId, jobId)
        yield* requireUpload(sessionId, payload.fileId)
        if (job.status !== "complete") return yield* conflict("InvalidInputError", `selection job ${jobId} is ${job.status}; overrides need a complete job`)
        const sessions = yield* SessionStore
        const write =
          payload.action === "reset"
            ? sessions.deleteOverride(sessionId, jobId, payload.fileId)
            : sessions.putOverride(sessionId, jobId, { fileId: payload.fileId, action: payload.action, updatedAt: yield* nowIso, expiresAt: job.expiresAt })
        yield* write.pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        return yield* reviewOf(sessionId, jobId)
      })
    )
    .handle("confirm", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        yield* requireSession(sessionId)
        const job = yield* requireJob(sessionId, jobId)
        if (job.status !== "complete") return yield* conflict("InvalidInputError", `selection job ${jobId} is ${job.status}; only a complete job's review can be confirmed`)
        yield* SessionStore.use((s) => Effect.flatMap(nowIso, (confirmedAt) => s.confirmReview(sessionId, { jobId, confirmedAt, expiresAt: job.expiresAt }))).pipe(unavailableAs503)
        // Confirming again after a reopen: posts lose the items that are no longer kept (issue 7, ARCHITECTURE.md "State").
        yield* reconcilePostsWithReview(sessionId, job)
        return yield* reviewOf(sessionId, jobId)
      })
    )
)

const thumbnailUrl = (sessionId: string, fileId: string) => mediaUrl(BlobKeys.thumbnail(sessionId, fileId), "thumbnail", `the thumbnail of file ${fileId}`)

const originalUrl = (sessionId: string, fileId: string) =>
  Effect.gen(function* () {
    const upload = yield* requireUpload(sessionId, fileId)
    if (upload.status !== "uploaded") return yield* notFound(`file ${fileId} ("${upload.fileName}") has not been uploaded`)
    return yield* mediaUrl(upload.key, "original", `the original of "${upload.fileName}"`)
  })

const MediaLive = HttpApiBuilder.group(CuratorApi, "media", (handlers) =>
  handlers
    .handle("thumbnailUrl", ({ params }) =>
      Effect.gen(function* () {
        yield* requireSession(params.sessionId)
        yield* requireUpload(params.sessionId, params.fileId)
        return yield* thumbnailUrl(params.sessionId, params.fileId)
      })
    )
    .handle("originalUrl", ({ params }) => Effect.andThen(requireSession(params.sessionId), originalUrl(params.sessionId, params.fileId)))
    .handle("previewUrl", ({ params }) =>
      Effect.gen(function* () {
        yield* requireSession(params.sessionId)
        const upload = yield* requireUpload(params.sessionId, params.fileId)
        return NOT_BROWSER_DISPLAYABLE.has(upload.mime)
          ? yield* thumbnailUrl(params.sessionId, params.fileId)
          : yield* originalUrl(params.sessionId, params.fileId)
      })
    )
)

// ---------------------------------------------------------------------------
// Enhancement (issue 4)
// ---------------------------------------------------------------------------

/**
 * Highest attempt number of one feedback round: a round whose execution
 * ended (e.g. failed) is started again under `<job>-<fileId>-r<n>-a<attempt>`,
 * since Step Functions never reuses an execution name.
 */
export const MAX_ROUND_ATTEMPTS = 10

/** The session's enhancement job, or 404 (also for another session's job id). */
const requireEnhancementJob = (sessionId: string, jobId: string) =>
  SessionStore.use((s) => s.getEnhancementJob(sessionId, jobId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`enhancement job ${jobId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The job's entry for `fileId`, or 404 when the file is not one of the job's kept items. */
const requireJobItem = (job: EnhancementJobRecord, fileId: string) => {
  const entry = job.items.find((i) => i.fileId === fileId)
  return entry === undefined ? Effect.fail(notFound(`file ${fileId} is not an item of enhancement job ${job.jobId}`)) : Effect.succeed(entry)
}

/** An enhancement job reconciled with its first-pass execution (named by the job id; see {@link reconcileRunning}). */
const reconcileEnhancementJob = (sessionId: string, job: EnhancementJobRecord) =>
  SessionStore.use((sessions) =>
    reconcileRunning(job, sessions.getEnhancementJob(sessionId, job.jobId), (tag, message, at) =>
      sessions.failEnhancementJob(sessionId, job.jobId, tag, message, at)
    )
  )

/**
 * Reconciles an item record left `processing` by a round whose execution
 * ended: while the job itself is not running, an item whose round execution
 * (its stored `execution`, or the job id for round 0) is not RUNNING is
 * failed with JobInterruptedError (conditional on it still processing, so a
 * round that ended meanwhile stands). While the job runs, its own
 * reconciliation covers the first pass. Returns the current record.
 */
const reconcileItem = (sessionId: string, job: EnhancementJobRecord, record: EnhancementItemRecord) =>
  Effect.gen(function* () {
    if (record.status !== "processing" || job.status === "running") return record
    const execution = yield* (yield* Orchestrator).describe(record.execution ?? job.jobId)
    if (execution.status === "RUNNING" || (yield* mayStillBeStarting(execution, record.roundStartedAt))) return record
    const sessions = yield* SessionStore
    yield* sessions
      .failEnhancementItem(
        sessionId,
        job.jobId,
        record.fileId,
        "JobInterruptedError",
        `interrupted: ${interruptedWhy(execution, "the round's execution")}; send the feedback again`
      )
      .pipe(Effect.catchTag("StoreConflictError", () => Effect.void))
    return (yield* sessions.getEnhancementItem(sessionId, job.jobId, record.fileId)) ?? record
  }).pipe(unavailableAs503)

/** The job's item records by fileId, each reconciled. */
const itemRecordsOf = (sessionId: string, job: EnhancementJobRecord) =>
  Effect.gen(function* () {
    const records = yield* SessionStore.use((s) => s.listEnhancementItems(sessionId, job.jobId)).pipe(unavailableAs503)
    const reconciled = yield* Effect.forEach(records, (r) => reconcileItem(sessionId, job, r))
    return new Map(reconciled.map((r) => [r.fileId, r]))
  })

const acceptanceOf = (sessionId: string, jobId: string) =>
  SessionStore.use((s) => s.getEnhancementAcceptance(sessionId, jobId)).pipe(unavailableAs503)

/** One kept item as the browser sees it (see EnhancementItemStatus in contracts/Api.ts). */
const itemStatusOf = (
  job: EnhancementJobRecord,
  entry: EnhancementJobItem,
  upload: UploadRecord | undefined,
  record: EnhancementItemRecord | undefined,
  acceptance: EnhancementAcceptanceRecord | null
): EnhancementItemStatus => {
  // A job that failed leaves no item pending forever: an item it never reached failed with it.
  const unreached = record === undefined && job.status === "failed"
  const status = record?.status ?? (unreached ? "failed" : "pending")
  return {
    fileId: entry.fileId,
    name: upload?.fileName ?? entry.fileId,
    type: upload?.mime ?? "application/octet-stream",
    kind: entry.kind,
    status,
    reason:
      record?.status === "failed"
        ? { tag: record.errorTag ?? "InternalDefectError", message: record.errorMessage ?? "the enhancement failed" }
        : unreached
          ? { tag: job.errorTag ?? "JobInterruptedError", message: `not enhanced: the job failed (${job.errorMessage ?? "no reason recorded"})` }
          : null,
    versions: (record?.rounds ?? []).map((r) => ({ round: r.round, feedback: r.feedback, params: r.params, createdAt: r.createdAt })),
    currentRound: record?.currentRound ?? -1,
    pendingFeedback: status === "processing" ? (record?.pendingFeedback ?? null) : null,
    accepted: acceptance?.choices.find((c) => c.fileId === entry.fileId)?.round ?? null
  }
}

const enhancementError = (j: EnhancementJobRecord) =>
  j.status === "failed" ? { tag: j.errorTag ?? "InternalDefectError", message: j.errorMessage ?? "the job failed" } : null

/** The status of a (reconciled) job: one entry per kept item, joined with its record, upload and acceptance. */
const enhancementStatusOf = (sessionId: string, job: EnhancementJobRecord) =>
  Effect.gen(function* () {
    const sessions = yield* SessionStore
    const uploads = new Map((yield* sessions.listUploads(sessionId).pipe(unavailableAs503)).map((u) => [u.fileId, u]))
    const records = yield* itemRecordsOf(sessionId, job)
    const acceptance = yield* acceptanceOf(sessionId, job.jobId)
    const items = job.items.map((entry) => itemStatusOf(job, entry, uploads.get(entry.fileId), records.get(entry.fileId), acceptance))
    const count = (s: EnhancementItemStatus["status"]) => items.filter((i) => i.status === s).length
    return {
      jobId: job.jobId,
      selectionJobId: job.selectionJobId,
      status: job.status,
      error: enhancementError(job),
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      acceptedAt: acceptance?.acceptedAt ?? null,
      items,
      counts: { total: items.length, pending: count("pending"), processing: count("processing"), done: count("done"), failed: count("failed") }
    } satisfies EnhancementStatus
  })

/**
 * The enhancement job of a selection that a start would return: the oldest
 * job that is running or complete (after reconciliation), else the latest
 * failed one, else null. Two starts racing each other both see the same one.
 */
const currentEnhancementJob = (sessionId: string, selectionJobId: string) =>
  Effect.gen(function* () {
    const jobs = (yield* SessionStore.use((s) => s.listEnhancementJobs(sessionId)).pipe(unavailableAs503)).filter(
      (j) => j.selectionJobId === selectionJobId
    )
    const reconciled = yield* Effect.forEach(jobs, (j) => reconcileEnhancementJob(sessionId, j))
    return reconciled.find((j) => j.status !== "failed") ?? reconciled.at(-1) ?? null
  })

/** `SessionState.enhancement`: the current enhancement job of the selection job, or null. */
const enhancementSummaryOf = (sessionId: string, selectionJobId: string) =>
  Effect.gen(function* () {
    const job = yield* currentEnhancementJob(sessionId, selectionJobId)
    if (job === null) return null
    const acceptance = yield* acceptanceOf(sessionId, job.jobId)
    return {
      jobId: job.jobId,
      selectionJobId: job.selectionJobId,
      status: job.status,
      error: enhancementError(job),
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      acceptedAt: acceptance?.acceptedAt ?? null
    } satisfies EnhancementJobSummary
  })

const targetOf = (upload: UploadRecord, round: number, feedback: string | null): EnhancementTarget => ({
  fileId: upload.fileId,
  key: upload.key,
  fileName: upload.fileName,
  feedback,
  round
})

/** A signed URL of an enhancement blob, after checking the key is one of the session's enhanced blobs. */
const enhancedUrl = (sessionId: string, key: string, variant: MediaUrl["variant"], what: string) =>
  key.startsWith(`${sessionId}/enhanced/`) ? mediaUrl(key, variant, what) : Effect.die(new Error(`stored key ${key} is not an enhanced blob of session ${sessionId}`))

/** The stored round `round` of an item (404 when the item has no such round). */
const requireRound = (sessionId: string, job: EnhancementJobRecord, fileId: string, round: string) =>
  Effect.gen(function* () {
    yield* requireJobItem(job, fileId)
    const record = yield* SessionStore.use((s) => s.getEnhancementItem(sessionId, job.jobId, fileId)).pipe(unavailableAs503)
    const stored = record?.rounds[Number(round)]
    if (stored === undefined) return yield* notFound(`item ${fileId} of enhancement job ${job.jobId} has no round ${round}`)
    return stored
  })

const EnhancementLive = HttpApiBuilder.group(CuratorApi, "enhancement", (handlers) =>
  handlers
    .handle("start", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId } = params
        yield* requireSession(sessionId)
        const selection = yield* requireJob(sessionId, payload.selectionJobId)
        const sessions = yield* SessionStore
        if ((yield* sessions.getReview(sessionId, selection.jobId).pipe(unavailableAs503)) === null) {
          return yield* conflict("InvalidInputError", `the review of selection job ${selection.jobId} is not confirmed yet; confirm it before enhancing`)
        }
        const existing = yield* currentEnhancementJob(sessionId, selection.jobId)
        if (existing !== null && existing.status !== "failed") return { jobId: existing.jobId, created: false }
        const kept = yield* keptItems(sessionId, selection)
        if (kept.length === 0) return yield* conflict("InvalidInputError", `selection job ${selection.jobId} keeps no processed item; nothing to enhance`)
        const startedAt = yield* nowIso
        const jobId = randomId()
        // Fixed now, so the execution input is deterministic and a repeated start is harmless.
        const expiresAt = Math.floor(Date.parse(startedAt) / 1000) + DEFAULT_TTL_SECONDS
        const photos = kept.filter((k) => k.item.kind === "photo")
        const videos = kept.filter((k) => k.item.kind === "video")
        const record: EnhancementJobRecord = {
          jobId,
          selectionJobId: selection.jobId,
          items: kept.map((k) => k.item),
          status: "running",
          photoCount: photos.length,
          videoCount: videos.length,
          startedAt,
          finishedAt: null,
          errorTag: null,
          errorMessage: null,
          expiresAt
        }
        yield* sessions.createEnhancementJob(sessionId, record).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
        // Two starts that raced past the check above: the older job wins, the newer is failed before it ever runs.
        // (No reconciliation here: this job's execution is not started yet.)
        const winner = (yield* sessions.listEnhancementJobs(sessionId).pipe(unavailableAs503)).find(
          (j) => j.selectionJobId === selection.jobId && j.status !== "failed"
        )
        if (winner !== undefined && winner.jobId !== jobId) {
          yield* sessions
            .failEnhancementJob(sessionId, jobId, "StoreConflictError", `superseded by enhancement job ${winner.jobId}, started at the same time`, yield* nowIso)
            .pipe(Effect.catchTags({ StoreConflictError: () => Effect.void, NotFoundError: (e) => Effect.die(e) }), unavailableAs503)
          return { jobId: winner.jobId, created: false }
        }
        const input: EnhancementJobInput = {
          sessionId,
          jobId,
          expiresAt,
          photos: photos.map((k) => targetOf(k.upload, 0, null)),
          videos: videos.map((k) => targetOf(k.upload, 0, null))
        }
        // A job that could not start is failed at once; starting again makes a new job.
        yield* startExecution((yield* Orchestrator).startEnhancement(input), (e, at) => sessions.failEnhancementJob(sessionId, jobId, e._tag, e.message, at))
        return { jobId, created: true }
      })
    )
    .handle("status", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        yield* requireSession(sessionId)
        const job = yield* reconcileEnhancementJob(sessionId, yield* requireEnhancementJob(sessionId, jobId))
        return yield* enhancementStatusOf(sessionId, job)
      })
    )
    .handle("feedback", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId, fileId } = params
        yield* requireSession(sessionId)
        const found = yield* requireEnhancementJob(sessionId, jobId)
        const entry = yield* requireJobItem(found, fileId)
        const feedback = payload.feedback.trim()
        if (feedback.length === 0) return yield* badRequest("the feedback is empty: say what to change (e.g. \"brighter\", \"warmer\", \"undo\")")
        if (feedback.length > FEEDBACK_MAX_LENGTH) {
          return yield* badRequest(`the feedback is longer than ${FEEDBACK_MAX_LENGTH} characters (got ${feedback.length})`)
        }
        const job = yield* reconcileEnhancementJob(sessionId, found)
        // A round's execution ends with MarkJobComplete: while the first pass runs it would mark the job complete too early.
        if (job.status === "running") return yield* conflict("InvalidInputError", `enhancement job ${jobId} is still running; send feedback once it finished`)
        const acceptance = yield* acceptanceOf(sessionId, jobId)
        if (acceptance !== null) {
          return yield* conflict("InvalidInputError", `enhancement job ${jobId} was accepted at ${acceptance.acceptedAt}; its versions are final`)
        }
        const sessions = yield* SessionStore
        const stored = yield* sessions.getEnhancementItem(sessionId, jobId, fileId).pipe(unavailableAs503)
        const record = stored === null ? null : yield* reconcileItem(sessionId, job, stored)
        if (record === null) return yield* conflict("InvalidInputError", `item ${fileId} has not been enhanced yet`)
        if (record.status === "processing") return yield* conflict("StoreConflictError", `item ${fileId} is processing a round; wait for it to end`)
        if (record.currentRound < 0 || record.rounds.length === 0) {
          return yield* conflict("InvalidInputError", `item ${fileId} has no enhanced version to refine (${record.errorMessage ?? "its enhancement failed"})`)
        }
        const upload = yield* requireUpload(sessionId, fileId)
        const round = record.currentRound + 1
        const target = targetOf(upload, round, feedback)
        const inputOf = (attempt: number): EnhancementJobInput => ({
          sessionId,
          jobId,
          expiresAt: job.expiresAt,
          photos: entry.kind === "photo" ? [target] : [],
          videos: entry.kind === "video" ? [target] : [],
          attempt
        })
        // The first attempt whose execution name was never used (an earlier attempt of this round ended, e.g. failed).
        const orchestrator = yield* Orchestrator
        let attempt = 0
        while ((yield* orchestrator.describe(enhancementExecutionName(inputOf(attempt))).pipe(unavailableAs503)).status !== "UNKNOWN") {
          if (attempt === MAX_ROUND_ATTEMPTS) {
            return yield* conflict("ExecutionAlreadyExistsError", `round ${round} of item ${fileId} was started ${attempt + 1} times already; start a new enhancement`)
          }
          attempt += 1
        }
        const input = inputOf(attempt)
        // Marks the item processing now, only once: a second request for the same round is a 409.
        yield* sessions
          .beginEnhancementRound(sessionId, jobId, fileId, {
            kind: entry.kind,
            expectedCurrentRound: record.currentRound,
            feedback,
            execution: enhancementExecutionName(input),
            startedAt: yield* nowIso
          })
          .pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        // A round that could not start never stays processing.
        yield* startExecution(orchestrator.startEnhancement(input), (e) =>
          sessions.failEnhancementItem(sessionId, jobId, fileId, e._tag, `the round could not start: ${e.message}`)
        )
        const current = yield* sessions.getEnhancementItem(sessionId, jobId, fileId).pipe(unavailableAs503)
        return itemStatusOf(job, entry, upload, current ?? undefined, null)
      })
    )
    .handle("accept", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        yield* requireSession(sessionId)
        const job = yield* reconcileEnhancementJob(sessionId, yield* requireEnhancementJob(sessionId, jobId))
        const choices = payload.choices ?? []
        const seen = new Set<string>()
        for (const c of choices) {
          if (seen.has(c.fileId)) return yield* badRequest(`item ${c.fileId} is chosen more than once`)
          seen.add(c.fileId)
          if (!job.items.some((i) => i.fileId === c.fileId)) return yield* badRequest(`file ${c.fileId} is not an item of enhancement job ${jobId}`)
        }
        if (job.status === "running") return yield* conflict("InvalidInputError", `enhancement job ${jobId} is still running; accept once it finished`)
        const records = yield* itemRecordsOf(sessionId, job)
        const processing = job.items.filter((i) => records.get(i.fileId)?.status === "processing").map((i) => i.fileId)
        if (processing.length > 0) return yield* conflict("InvalidInputError", `item(s) ${processing.join(", ")} are processing a round; accept once they end`)
        for (const c of choices) {
          const rounds = records.get(c.fileId)?.rounds ?? []
          if (rounds[c.round] === undefined) {
            return yield* badRequest(`item ${c.fileId} has no round ${c.round} (its rounds: ${rounds.length === 0 ? "none" : `0..${rounds.length - 1}`})`)
          }
        }
        const chosen = new Map(choices.map((c) => [c.fileId, c.round]))
        // Every item with a version: the chosen round, else its latest. An item with none has nothing to keep.
        const kept = job.items.flatMap((i) => {
          const record = records.get(i.fileId)
          const round = chosen.get(i.fileId) ?? record?.currentRound ?? -1
          return record !== undefined && record.rounds[round] !== undefined ? [{ fileId: i.fileId, round }] : []
        })
        if (kept.length === 0) return yield* conflict("InvalidInputError", `enhancement job ${jobId} has no enhanced version to accept`)
        yield* SessionStore.use((s) =>
          Effect.flatMap(nowIso, (acceptedAt) => s.putEnhancementAcceptance(sessionId, { jobId, choices: kept, acceptedAt, expiresAt: job.expiresAt }))
        ).pipe(unavailableAs503)
        return yield* enhancementStatusOf(sessionId, job)
      })
    )
    .handle("beforeUrl", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId, fileId } = params
        yield* requireSession(sessionId)
        const entry = yield* requireJobItem(yield* requireEnhancementJob(sessionId, jobId), fileId)
        return yield* mediaUrl(BlobKeys.enhancedBefore(sessionId, fileId, entry.kind), "before", `the "before" of item ${fileId}`)
      })
    )
    .handle("outputUrl", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId, fileId, round } = params
        yield* requireSession(sessionId)
        const stored = yield* requireRound(sessionId, yield* requireEnhancementJob(sessionId, jobId), fileId, round)
        return yield* enhancedUrl(sessionId, stored.outputKey, "enhanced", `round ${round} of item ${fileId}`)
      })
    )
    .handle("previewUrl", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId, fileId, round } = params
        yield* requireSession(sessionId)
        const stored = yield* requireRound(sessionId, yield* requireEnhancementJob(sessionId, jobId), fileId, round)
        if (stored.previewKey === null) return yield* notFound(`round ${round} of item ${fileId} has no preview`)
        return yield* enhancedUrl(sessionId, stored.previewKey, "enhanced-preview", `the preview of round ${round} of item ${fileId}`)
      })
    )
)

/** Every group's handlers; needs SessionStore, PostStore, BlobStore, UrlSigner and Orchestrator. */
export const CuratorApiHandlers = Layer.mergeAll(SessionsLive, UploadsLive, SelectionLive, MediaLive, EnhancementLive, PostsApiHandlers)
