/**
 * What several route groups share: the clock, ownership checks (session,
 * selection job, upload: another session's id is simply not found, 404),
 * the review state, the reconciliation of a job left running with its
 * execution, signed media URLs, and the kept items of a reviewed selection.
 */
import {
  type EnhancementJobItem,
  type JobStatus,
  type MediaItem,
  type MediaUrl,
  type NotFoundError,
  type ReviewState,
  type SelectionJobRecord,
  type StoreConflictError,
  type UploadRecord
} from "@curator/contracts"
import { type ExecutionDescription, Orchestrator } from "@curator/orchestration"
import type { ExecutionAlreadyExistsError, OrchestratorUnavailableError } from "@curator/contracts"
import { BlobStore, SessionStore, type StoreCallError } from "@curator/store"
import { Clock, Effect } from "effect"
import { UrlSigner } from "../UrlSigner.js"
import { fromDomain, notFound, unavailableAs503 } from "./apiErrors.js"

/** One kept item: its job entry (fileId, kind), its upload record and its MediaItem. */
export interface KeptItem {
  readonly item: EnhancementJobItem
  readonly upload: UploadRecord
  readonly media: MediaItem
}

/** Lifetime of a media GET URL: 15 min (seconds); the web app asks again when one expired. */
export const MEDIA_URL_TTL_SECONDS = 15 * 60

/** Now, epoch seconds (the Clock in context). */
export const nowSeconds = Clock.currentTimeMillis.pipe(Effect.map((ms) => Math.floor(ms / 1000)))
/** Now, ISO 8601 (the Clock in context). */
export const nowIso = Clock.currentTimeMillis.pipe(Effect.map((ms) => new Date(ms).toISOString()))

/** The session's META, or 404 when unknown or expired. */
export const requireSession = (sessionId: string) =>
  SessionStore.use((s) => s.getSession(sessionId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`session ${sessionId} not found (unknown or expired)`))),
    unavailableAs503
  )

/** The session's job, or 404 (also for another session's job id). */
export const requireJob = (sessionId: string, jobId: string) =>
  SessionStore.use((s) => s.getSelectionJob(sessionId, jobId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`selection job ${jobId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The session's upload, or 404 (also for another session's file id). */
export const requireUpload = (sessionId: string, fileId: string) =>
  SessionStore.use((s) => s.getUpload(sessionId, fileId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`file ${fileId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The review state of a job from its records. */
export const reviewOf = (sessionId: string, jobId: string) =>
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


/** Why a record left running/processing is failed, from its execution's description; `subject` names the execution ("its execution"). */
export const interruptedWhy = (execution: ExecutionDescription, subject = "its execution") =>
  execution.status === "UNKNOWN"
    ? `${subject} is no longer known (the process that ran it stopped)`
    : `${subject} ended as ${execution.status}${execution.error === undefined ? "" : ` (${execution.error})`} without recording an outcome`

/**
 * How long after a job or round was recorded as started an execution the
 * orchestrator does not know yet is still taken as starting, not interrupted
 * (seconds). The record is written just before the execution is started, so
 * a poll can fall in between; 60 s is far above that gap (milliseconds) and
 * far below any wait a person would notice.
 */
export const START_GRACE_SECONDS = 60

/** Whether an execution reported UNKNOWN may still be starting: `startedAt` (ISO 8601) less than START_GRACE_SECONDS ago. */
export const mayStillBeStarting = (execution: ExecutionDescription, startedAt: string | null | undefined) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    if (execution.status !== "UNKNOWN" || startedAt === null || startedAt === undefined) return false
    const at = Date.parse(startedAt)
    return Number.isFinite(at) && now - at < START_GRACE_SECONDS * 1000
  })

/**
 * Reconciles a job whose record says `running` with its execution (named by
 * its job id): when the orchestrator reports it ended (FAILED, TIMED_OUT,
 * ABORTED, or SUCCEEDED without recording an outcome) or does not know it (a
 * local process that stopped), the job is failed with JobInterruptedError,
 * so no job stays running forever (ARCHITECTURE.md "Errors and retries").
 * An UNKNOWN execution within START_GRACE_SECONDS of `startedAt` is still
 * starting (the record is written just before the execution starts).
 * `reread` reads the record again (the execution may have recorded its
 * outcome meanwhile); `fail` fails it (a StoreConflictError = it completed
 * meanwhile). Returns the current record.
 */
export const reconcileRunning = <J extends { readonly jobId: string; readonly status: JobStatus; readonly startedAt: string }, R1, R2>(
  job: J,
  reread: Effect.Effect<J, NotFoundError | StoreCallError, R1>,
  fail: (errorTag: string, errorMessage: string, finishedAt: string) => Effect.Effect<void, NotFoundError | StoreConflictError | StoreCallError, R2>
) =>
  Effect.gen(function* () {
    if (job.status !== "running") return job
    const execution = yield* (yield* Orchestrator).describe(job.jobId)
    if (execution.status === "RUNNING" || (yield* mayStillBeStarting(execution, job.startedAt))) return job
    const current = yield* reread
    if (current.status !== "running") return current
    yield* fail("JobInterruptedError", `interrupted: ${interruptedWhy(execution)}; retry to start a new job`, yield* nowIso).pipe(
      Effect.catchTag("StoreConflictError", () => Effect.void)
    )
    return yield* reread
  }).pipe(
    Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
    unavailableAs503
  )


/** A signed GET URL of `key` (404 when the blob does not exist yet). */
export const mediaUrl = (key: string, variant: MediaUrl["variant"], what: string) =>
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


/**
 * The kept items of a selection job, in rank order: its selected items minus
 * `exclude` overrides, then `include` overrides (fileId order), keeping only
 * files whose selection item is done (its MediaItem gives the kind) and
 * whose upload is stored. The rule of issue 4 that issue 7 reuses for the
 * pool of the Group step and the download.
 */
export const keptItems = (sessionId: string, selection: SelectionJobRecord) =>
  Effect.gen(function* () {
    const sessions = yield* SessionStore
    const overrides = yield* sessions.listOverrides(sessionId, selection.jobId)
    const excluded = new Set(overrides.filter((o) => o.action === "exclude").map((o) => o.fileId))
    const selected = [...(selection.result?.selected ?? [])].sort((a, b) => a.rank - b.rank).map((s) => s.fileId)
    const ordered = [...new Set([...selected.filter((f) => !excluded.has(f)), ...overrides.filter((o) => o.action === "include").map((o) => o.fileId)])]
    const done = new Map(
      (yield* sessions.listSelectionItems(sessionId, selection.jobId)).flatMap((r) => (r.status === "done" && r.item !== null ? [[r.fileId, r.item] as const] : []))
    )
    const uploaded = new Map((yield* sessions.listUploads(sessionId)).filter((u) => u.status === "uploaded").map((u) => [u.fileId, u]))
    return ordered.flatMap((fileId): Array<KeptItem> => {
      const media = done.get(fileId)
      const upload = uploaded.get(fileId)
      return media === undefined || upload === undefined ? [] : [{ item: { fileId, kind: media.kind }, upload, media }]
    })
  }).pipe(unavailableAs503)


/**
 * Runs an Orchestrator start. When it fails, `recordFailure(error, at)` marks the job (or the
 * round) failed at once, so nothing stays running for an execution that never started (a failed
 * write there is ignored: reconciliation catches it later); the error then maps to the API's:
 * ExecutionAlreadyExistsError -> 409, OrchestratorUnavailableError -> 503.
 */
export const startExecution = <R>(
  start: Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError>,
  recordFailure: (error: ExecutionAlreadyExistsError | OrchestratorUnavailableError, at: string) => Effect.Effect<unknown, unknown, R>
) =>
  start.pipe(
    Effect.tapError((e) => Effect.flatMap(nowIso, (at) => recordFailure(e, at)).pipe(Effect.ignore)),
    Effect.catchTag("ExecutionAlreadyExistsError", (e) => Effect.fail(fromDomain(e))),
    unavailableAs503
  )
