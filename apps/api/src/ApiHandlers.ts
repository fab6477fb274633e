/**
 * The implementation of every route of `CuratorApi` (@curator/contracts
 * Api.ts) over four services: SessionStore, BlobStore (only `head` and
 * `delete`: bytes never pass through the API), UrlSigner and Orchestrator.
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
  type FileProgress,
  type ReviewState,
  type SelectionJobInput,
  type SelectionJobRecord,
  type SelectionJobSummary,
  type SessionMeta,
  type UploadInfo,
  type UploadRecord,
  type UploadTarget,
  uploadKindOf,
  UploadLimits,
  uploadRefusal
} from "@curator/contracts"
import { Orchestrator } from "@curator/orchestration"
import { BlobStore, SessionStore } from "@curator/store"
import { Clock, Effect, Layer } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { badRequest, conflict, fromDomain, notFound, tooLarge, unavailableAs503 } from "./internal/apiErrors.js"
import { randomId } from "./internal/ids.js"
import { UrlSigner } from "./UrlSigner.js"

/** Lifetime of an upload URL: 1 h (seconds), long enough for a 5 GiB video on a slow uplink to start. */
export const UPLOAD_URL_TTL_SECONDS = 60 * 60
/** Lifetime of a media GET URL: 15 min (seconds); the web app asks again when one expired. */
export const MEDIA_URL_TTL_SECONDS = 15 * 60
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

const nowSeconds = Clock.currentTimeMillis.pipe(Effect.map((ms) => Math.floor(ms / 1000)))
const nowIso = Clock.currentTimeMillis.pipe(Effect.map((ms) => new Date(ms).toISOString()))

const uploadInfo = (u: UploadRecord): UploadInfo => ({ fileId: u.fileId, name: u.fileName, type: u.mime, size: u.bytes, status: u.status })

const jobSummary = (j: SelectionJobRecord): SelectionJobSummary => ({
  jobId: j.jobId,
  status: j.status,
  error: j.status === "failed" ? { tag: j.errorTag ?? "InternalDefectError", message: j.errorMessage ?? "the job failed" } : null,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt
})

/** The session's META, or 404 when unknown or expired. */
const requireSession = (sessionId: string) =>
  SessionStore.use((s) => s.getSession(sessionId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`session ${sessionId} not found (unknown or expired)`))),
    unavailableAs503
  )

/** The session's job, or 404 (also for another session's job id). */
const requireJob = (sessionId: string, jobId: string) =>
  SessionStore.use((s) => s.getSelectionJob(sessionId, jobId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`selection job ${jobId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The session's upload, or 404 (also for another session's file id). */
const requireUpload = (sessionId: string, fileId: string) =>
  SessionStore.use((s) => s.getUpload(sessionId, fileId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`file ${fileId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The review state of a job from its records. */
const reviewOf = (sessionId: string, jobId: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionStore
    const overrides = yield* sessions.listOverrides(sessionId, jobId)
    const review = yield* sessions.getReview(sessionId, jobId)
    return {
      jobId,
      overrides: overrides.map((o) => ({ fileId: o.fileId, action: o.action })),
      confirmed: review !== null,
      confirmedAt: review?.confirmedAt ?? null
    } satisfies ReviewState
  }).pipe(unavailableAs503)

/**
 * Reconciles a job whose record says `running` with its execution: when the
 * orchestrator reports it ended (FAILED, TIMED_OUT, ABORTED, or SUCCEEDED
 * without recording a result) or does not know it (a local process that
 * stopped), the job is failed with JobInterruptedError, so no job stays
 * running forever (ARCHITECTURE.md "Errors and retries"). Returns the
 * current record.
 */
const reconcileJob = (sessionId: string, job: SelectionJobRecord) =>
  Effect.gen(function* () {
    if (job.status !== "running") return job
    const sessions = yield* SessionStore
    const orchestrator = yield* Orchestrator
    const execution = yield* orchestrator.describe(job.jobId)
    if (execution.status === "RUNNING") return job
    // Re-read: the execution may have recorded its outcome between our read and describe.
    const current = yield* sessions.getSelectionJob(sessionId, job.jobId)
    if (current.status !== "running") return current
    const why =
      execution.status === "UNKNOWN"
        ? "its execution is no longer known (the process that ran it stopped)"
        : `its execution ended as ${execution.status}${execution.error === undefined ? "" : ` (${execution.error})`} without recording an outcome`
    yield* sessions
      .failSelectionJob(sessionId, job.jobId, "JobInterruptedError", `interrupted: ${why}; retry to start a new job`, yield* nowIso)
      .pipe(Effect.catchTag("StoreConflictError", () => Effect.void))
    return yield* sessions.getSelectionJob(sessionId, job.jobId)
  }).pipe(
    Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
    unavailableAs503
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
          review: job === null ? null : yield* reviewOf(params.sessionId, job.jobId)
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
        yield* (yield* Orchestrator).startSelection(input).pipe(
          // A job that could not start is failed at once (it never stays running); the person retries with a new job.
          Effect.tapError((e) =>
            Effect.flatMap(nowIso, (at) => sessions.failSelectionJob(sessionId, jobId, e._tag, e.message, at)).pipe(Effect.ignore)
          ),
          Effect.catchTag("ExecutionAlreadyExistsError", (e) => Effect.fail(fromDomain(e))),
          unavailableAs503
        )
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
        return yield* reviewOf(sessionId, jobId)
      })
    )
)

/** A signed GET URL of `key` (404 when the blob does not exist yet). */
const mediaUrl = (key: string, variant: "thumbnail" | "original", what: string) =>
  Effect.gen(function* () {
    const info = yield* (yield* BlobStore).head(key).pipe(
      Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`${what} does not exist (yet)`))),
      Effect.catchTag("InvalidInputError", (e) => Effect.die(e)),
      unavailableAs503
    )
    const expiresAt = (yield* nowSeconds) + MEDIA_URL_TTL_SECONDS
    const url = yield* (yield* UrlSigner).presignGet({ key, contentType: info.contentType, expiresAt })
    return { url, contentType: info.contentType, variant, expiresAt }
  })

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

/** Every group's handlers; needs SessionStore, BlobStore, UrlSigner and Orchestrator. */
export const CuratorApiHandlers = Layer.mergeAll(SessionsLive, UploadsLive, SelectionLive, MediaLive)
