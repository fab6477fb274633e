/**
 * The routes of issue 7 (@curator/contracts Api.ts `PostsGroup`,
 * `CaptionsGroup`, `DownloadsGroup`) over SessionStore, PostStore, BlobStore
 * (`head` only), UrlSigner and Orchestrator. Rules in internal/posts.ts.
 *
 * Ownership as everywhere: every route reads the session's META first (404),
 * and posts, caption and download jobs are read under the session's
 * partition key, so another session's id is not found (404). A fileId must
 * be a kept item of this session's reviewed selection (404 otherwise).
 * Writes of a post are conditional on its revision (409 when it changed).
 * Long work never runs here: captions and bundles run in their state
 * machines (`Orchestrator.startCaption`, `startDownload`).
 */
import {
  BlobKeys,
  type CaptionJobInput,
  type CaptionJobRecord,
  type CaptionVersion,
  captionExecutionName,
  CuratorApi,
  DEFAULT_BUNDLE_BYTES,
  DEFAULT_TTL_SECONDS,
  type DownloadJobInput,
  type DownloadJobRecord,
  type DownloadPostRecord,
  type DownloadPostStatus,
  type ExportEntry,
  MIN_BUNDLE_BYTES,
  PostLimits,
  type PostRecord
} from "@curator/contracts"
import { Orchestrator } from "@curator/orchestration"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { Effect, Layer } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { badRequest, conflict, fromDomain, notFound, unavailableAs503 } from "./internal/apiErrors.js"
import { MEDIA_URL_TTL_SECONDS, nowIso, nowSeconds, requireJob, requireSession, reviewOf, startExecution } from "./internal/common.js"
import { randomId } from "./internal/ids.js"
import {
  captionStale,
  captionStateOf,
  downloadStale,
  entryName,
  latestCaptionJobs,
  poolOf,
  postsStateOf,
  reconcileCaptionJob,
  reconcileDownloadJob,
  reviewedSelection,
  takeFromOtherPosts
} from "./internal/posts.js"
import { UrlSigner } from "./UrlSigner.js"

/** Content type of a bundle. */
const ZIP_CONTENT_TYPE = "application/zip"

/** Hashtag grammar of a caption: letters, digits, underscore (Unicode), without the `#`, at most 100 characters. */
const HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u
/** Longest location tag, characters. */
export const LOCATION_TAG_MAX = 200

/** The session's post, or 404 (also for another session's post id). */
const requirePost = (sessionId: string, postId: string) =>
  PostStore.use((s) => s.getPost(sessionId, postId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`post ${postId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The session's caption job, or 404. */
const requireCaptionJob = (sessionId: string, jobId: string) =>
  PostStore.use((s) => s.getCaptionJob(sessionId, jobId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`caption job ${jobId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** The session's download job, or 404. */
const requireDownloadJob = (sessionId: string, jobId: string) =>
  PostStore.use((s) => s.getDownloadJob(sessionId, jobId)).pipe(
    Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`download job ${jobId} not found in session ${sessionId}`))),
    unavailableAs503
  )

/** A post's label: trimmed, at most PostLimits.labelLength (400 beyond). */
const checkLabel = (label: string | undefined) => {
  const trimmed = (label ?? "").trim()
  return trimmed.length > PostLimits.labelLength
    ? Effect.fail(badRequest(`a post label is at most ${PostLimits.labelLength} characters (got ${trimmed.length})`))
    : Effect.succeed(trimmed)
}

/**
 * A post's items: at most PostLimits.itemsPerPost (400), no duplicates
 * (400), each a kept item of the session's reviewed selection (404).
 */
const checkItems = (fileIds: ReadonlyArray<string>, kept: ReadonlySet<string>) =>
  Effect.gen(function* () {
    if (fileIds.length > PostLimits.itemsPerPost) {
      return yield* badRequest(`a post holds at most ${PostLimits.itemsPerPost} items (got ${fileIds.length}); move the rest to another post`)
    }
    const seen = new Set<string>()
    for (const fileId of fileIds) {
      if (seen.has(fileId)) return yield* badRequest(`item ${fileId} appears more than once in the post`)
      seen.add(fileId)
    }
    const unknown = fileIds.filter((f) => !kept.has(f))
    if (unknown.length > 0) return yield* notFound(`file(s) ${unknown.join(", ")} are not kept items of this session`)
    return fileIds
  })

/** The reviewed selection and the set of its kept fileIds. */
const groupingContext = (sessionId: string) =>
  Effect.gen(function* () {
    const meta = yield* requireSession(sessionId)
    const selection = yield* reviewedSelection(sessionId)
    const pool = yield* poolOf(sessionId, selection)
    return { meta, selection, pool, kept: new Set(pool.map((e) => e.item.fileId)) }
  })

const PostsLive = HttpApiBuilder.group(CuratorApi, "posts", (handlers) =>
  handlers
    .handle("list", ({ params }) =>
      Effect.gen(function* () {
        const { meta, selection } = yield* groupingContext(params.sessionId)
        return yield* postsStateOf(params.sessionId, meta, selection)
      })
    )
    .handle("create", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId } = params
        const { meta, selection, kept } = yield* groupingContext(sessionId)
        const label = yield* checkLabel(payload.label)
        const fileIds = yield* checkItems(payload.fileIds ?? [], kept)
        const store = yield* PostStore
        const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
        if (posts.length >= PostLimits.postsPerSession) {
          return yield* conflict("QuotaExceededError", `a session holds at most ${PostLimits.postsPerSession} posts; delete one first`)
        }
        // Items first leave the posts holding them (so a crash in between returns them to the pool, never to two posts).
        yield* takeFromOtherPosts(sessionId, posts, fileIds, null).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        const now = yield* nowIso
        const record: PostRecord = {
          postId: randomId(),
          index: posts.reduce((max, p) => Math.max(max, p.index + 1), 0),
          label,
          fileIds: [...fileIds],
          revision: 0,
          createdAt: now,
          updatedAt: now,
          expiresAt: meta.expiresAt
        }
        yield* store.putPost(sessionId, record, null).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        return yield* postsStateOf(sessionId, meta, selection)
      })
    )
    .handle("update", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, postId } = params
        const { meta, selection, kept } = yield* groupingContext(sessionId)
        const post = yield* requirePost(sessionId, postId)
        const label = yield* checkLabel(payload.label)
        const fileIds = yield* checkItems(payload.fileIds, kept)
        if (post.revision !== payload.revision) {
          return yield* conflict("StoreConflictError", `post ${postId} changed meanwhile: it is at revision ${post.revision}, not ${payload.revision}; reload and try again`)
        }
        const unchanged = label === post.label && fileIds.length === post.fileIds.length && fileIds.every((f, i) => post.fileIds[i] === f)
        if (!unchanged) {
          const store = yield* PostStore
          const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
          yield* takeFromOtherPosts(sessionId, posts, fileIds, postId).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
          yield* store
            .putPost(sessionId, { ...post, label, fileIds: [...fileIds], revision: post.revision + 1, updatedAt: yield* nowIso }, post.revision)
            .pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        }
        return yield* postsStateOf(sessionId, meta, selection)
      })
    )
    .handle("remove", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, postId } = params
        const { meta, selection } = yield* groupingContext(sessionId)
        const post = yield* requirePost(sessionId, postId)
        yield* PostStore.use((s) => s.deletePost(sessionId, postId, post.revision)).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))), unavailableAs503)
        return yield* postsStateOf(sessionId, meta, selection)
      })
    )
    .handle("reopenReview", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        const meta = yield* requireSession(sessionId)
        const job = yield* requireJob(sessionId, jobId)
        const sessions = yield* SessionStore
        const latest = (yield* sessions.listSelectionJobs(sessionId).pipe(unavailableAs503)).at(-1)
        if (latest?.jobId !== job.jobId) return yield* conflict("InvalidInputError", `selection job ${jobId} is not the session's latest selection`)
        // Already open (a repeated request): nothing to discard again.
        if ((yield* sessions.getReview(sessionId, jobId).pipe(unavailableAs503)) === null) return yield* reviewOf(sessionId, jobId)
        const store = yield* PostStore
        yield* store.bumpGeneration(sessionId, meta.generation).pipe(
          Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))),
          Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`session ${sessionId} not found (unknown or expired)`))),
          unavailableAs503
        )
        yield* store.deleteReview(sessionId, jobId).pipe(unavailableAs503)
        return yield* reviewOf(sessionId, jobId)
      })
    )
)

/** Starts round `round` of a caption job through the orchestrator; a start failure fails the job (it never stays running). */
const startCaptionRound = (input: CaptionJobInput) =>
  Effect.gen(function* () {
    const store = yield* PostStore
    yield* startExecution((yield* Orchestrator).startCaption(input), (e, finishedAt) =>
      store.failCaptionJob(input.sessionId, input.jobId, { errorTag: e._tag, errorMessage: `the caption round could not start: ${e.message}`, finishedAt })
    )
  })

/** A caption job (reconciled) and its post (null when the post was deleted). */
const captionContext = (sessionId: string, jobId: string) =>
  Effect.gen(function* () {
    yield* requireSession(sessionId)
    const job = yield* reconcileCaptionJob(sessionId, yield* requireCaptionJob(sessionId, jobId))
    const post = yield* PostStore.use((s) => s.getPost(sessionId, job.postId)).pipe(
      Effect.catchTag("NotFoundError", () => Effect.succeed(null)),
      unavailableAs503
    )
    return { job, post }
  })

/** 409 unless the job can take a new version now: not running, not stale, post still there. */
const requireWritable = (job: CaptionJobRecord, post: PostRecord | null, action: string) => {
  if (job.status === "running") return Effect.fail(conflict("StoreConflictError", "a caption round is still running; wait for it to finish"))
  if (post === null) return Effect.fail(conflict("InvalidInputError", `post ${job.postId} was deleted; its caption cannot be ${action}`))
  if (captionStale(job, post)) {
    return Effect.fail(conflict("StoreConflictError", `the post changed since this caption was written (it is stale); ask for a new caption instead`))
  }
  return Effect.succeed(post)
}

const CaptionsLive = HttpApiBuilder.group(CuratorApi, "captions", (handlers) =>
  handlers
    .handle("start", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, postId } = params
        yield* requireSession(sessionId)
        const post = yield* requirePost(sessionId, postId)
        const store = yield* PostStore
        const latest = latestCaptionJobs((yield* store.listCaptionJobs(sessionId).pipe(unavailableAs503)).filter((j) => j.postId === postId)).get(postId)
        if (latest !== undefined) {
          const current = yield* reconcileCaptionJob(sessionId, latest)
          if (current.status === "running" || (current.status === "complete" && !captionStale(current, post))) return captionStateOf(current, post)
        }
        if (post.fileIds.length === 0) return yield* conflict("InvalidInputError", `post ${postId} has no items; add some before asking for a caption`)
        const startedAt = yield* nowIso
        const jobId = randomId()
        // Fixed now, so the execution input is deterministic and a repeated start is harmless.
        const expiresAt = Math.floor(Date.parse(startedAt) / 1000) + DEFAULT_TTL_SECONDS
        const record: CaptionJobRecord = {
          jobId,
          postId,
          status: "running",
          rounds: [],
          pendingFeedback: null,
          acceptedRound: null,
          execution: captionExecutionName({ jobId, round: 0 }),
          startedAt,
          finishedAt: null,
          errorTag: null,
          errorMessage: null,
          expiresAt
        }
        yield* store.createCaptionJob(sessionId, record).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
        // Two starts that raced past the check above (a double click): the older new job wins, the newer is deleted before it ever runs.
        const winner = (yield* store.listCaptionJobs(sessionId).pipe(unavailableAs503)).find(
          (j) => j.postId === postId && j.status === "running" && j.rounds.length === 0 && (latest === undefined || j.jobId !== latest.jobId)
        )
        if (winner !== undefined && winner.jobId !== jobId) {
          yield* store.deleteCaptionJob(sessionId, jobId).pipe(unavailableAs503)
          return captionStateOf(winner, post)
        }
        yield* startCaptionRound({ sessionId, jobId, postId, round: 0, feedback: null, expiresAt })
        return captionStateOf(yield* requireCaptionJob(sessionId, jobId), post)
      })
    )
    .handle("status", ({ params }) =>
      Effect.gen(function* () {
        const { job, post } = yield* captionContext(params.sessionId, params.jobId)
        return captionStateOf(job, post)
      })
    )
    .handle("feedback", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        const feedback = payload.feedback.trim()
        if (feedback.length === 0) return yield* badRequest("the feedback is empty: say what to change (e.g. \"shorter\", \"more casual\")")
        if (feedback.length > PostLimits.feedbackLength) {
          return yield* badRequest(`the feedback is longer than ${PostLimits.feedbackLength} characters (got ${feedback.length})`)
        }
        const { job, post } = yield* captionContext(sessionId, jobId)
        yield* requireWritable(job, post, "refined")
        if (job.status === "failed") {
          return yield* conflict("InvalidInputError", `the last caption round failed (${job.errorMessage ?? "no reason recorded"}); ask for a new caption instead`)
        }
        const round = job.rounds.length
        const input: CaptionJobInput = { sessionId, jobId, postId: job.postId, round, feedback, expiresAt: job.expiresAt }
        // Marks the job running now, only once: a second request for the same round is a 409.
        yield* PostStore.use((s) =>
          Effect.flatMap(nowIso, (startedAt) =>
            s.beginCaptionRound(sessionId, jobId, { expectedRounds: round, feedback, execution: captionExecutionName(input), startedAt })
          )
        ).pipe(
          Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))),
          Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
          unavailableAs503
        )
        yield* startCaptionRound(input)
        return captionStateOf(yield* requireCaptionJob(sessionId, jobId), post)
      })
    )
    .handle("edit", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        const caption = payload.caption.trim()
        if (caption.length > PostLimits.captionLength) {
          return yield* badRequest(`a caption is at most ${PostLimits.captionLength} characters (got ${caption.length})`)
        }
        const hashtags = payload.hashtags.map((h) => h.trim().replace(/^#/, ""))
        if (hashtags.length > PostLimits.hashtags) return yield* badRequest(`a caption has at most ${PostLimits.hashtags} hashtags (got ${hashtags.length})`)
        const bad = hashtags.filter((h) => !HASHTAG.test(h))
        if (bad.length > 0) return yield* badRequest(`hashtags hold letters, digits and underscores only: ${bad.map((h) => JSON.stringify(h)).join(", ")}`)
        const lower = hashtags.map((h) => h.toLowerCase())
        const duplicate = lower.find((h, i) => lower.indexOf(h) !== i)
        if (duplicate !== undefined) return yield* badRequest(`hashtag #${duplicate} appears more than once`)
        const locationTag = payload.locationTag === null ? null : payload.locationTag.trim() === "" ? null : payload.locationTag.trim()
        if (locationTag !== null && locationTag.length > LOCATION_TAG_MAX) {
          return yield* badRequest(`a location tag is at most ${LOCATION_TAG_MAX} characters (got ${locationTag.length})`)
        }
        const { job, post } = yield* captionContext(sessionId, jobId)
        const writable = yield* requireWritable(job, post, "edited")
        const version: CaptionVersion = {
          round: job.rounds.length,
          source: "edited",
          feedback: null,
          draft: { caption, hashtags, locationTag },
          // The model whose caption the person edited.
          model: job.rounds.at(-1)?.model ?? "person",
          postRevision: writable.revision,
          createdAt: yield* nowIso
        }
        const stored = yield* PostStore.use((s) => s.appendCaptionVersion(sessionId, jobId, version, version.createdAt)).pipe(
          Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))),
          Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
          unavailableAs503
        )
        return captionStateOf(stored, post)
      })
    )
    .handle("accept", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        const { job, post } = yield* captionContext(sessionId, jobId)
        yield* requireWritable(job, post, "accepted")
        if (job.rounds.length === 0) return yield* conflict("InvalidInputError", `caption job ${jobId} has no caption to accept yet`)
        const round = payload.round ?? job.rounds.length - 1
        if (round < 0 || round >= job.rounds.length) {
          return yield* badRequest(`caption job ${jobId} has no version ${round} (its versions: 0..${job.rounds.length - 1})`)
        }
        const stored = yield* PostStore.use((s) => s.acceptCaption(sessionId, jobId, round)).pipe(
          Effect.catchTag("StoreConflictError", (e) => Effect.fail(fromDomain(e))),
          Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
          unavailableAs503
        )
        return captionStateOf(stored, post)
      })
    )
)

/** The status of one post of a download; a post the job never finished failed with it. */
const downloadPostStatusOf = (job: DownloadJobRecord, record: DownloadPostRecord): DownloadPostStatus => {
  const unfinished = job.status !== "running" && (record.status === "pending" || record.status === "processing")
  return {
    postId: record.postId,
    index: record.index,
    label: record.label,
    status: unfinished ? "failed" : record.status,
    reason:
      record.status === "failed"
        ? { tag: record.errorTag ?? "InternalDefectError", message: record.errorMessage ?? "bundling failed" }
        : unfinished
          ? { tag: job.errorTag ?? "JobInterruptedError", message: `not bundled: the download ${job.status === "failed" ? `failed (${job.errorMessage ?? "no reason recorded"})` : "ended first"}` }
          : null,
    entries: record.entries.map((e) => e.entryName),
    bundles: record.bundles
  }
}

const DownloadsLive = HttpApiBuilder.group(CuratorApi, "downloads", (handlers) =>
  handlers
    .handle("start", ({ params, payload }) =>
      Effect.gen(function* () {
        const { sessionId } = params
        const keepGps = payload.keepGps ?? false
        const bundleBytes = payload.bundleBytes ?? DEFAULT_BUNDLE_BYTES
        if (bundleBytes < MIN_BUNDLE_BYTES) return yield* badRequest(`bundleBytes must be at least ${MIN_BUNDLE_BYTES} (1 MiB; got ${bundleBytes})`)
        const { meta, pool } = yield* groupingContext(sessionId)
        const store = yield* PostStore
        const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
        // A repeated request (double click) while the same download runs returns it.
        const latest = (yield* store.listDownloadJobs(sessionId).pipe(unavailableAs503)).at(-1)
        if (latest !== undefined) {
          const current = yield* reconcileDownloadJob(sessionId, latest)
          if (current.status === "running" && current.keepGps === keepGps && current.bundleBytes === bundleBytes && !downloadStale(current, meta.generation, posts)) {
            return { jobId: current.jobId }
          }
        }
        const exported = posts.filter((p) => p.fileIds.length > 0)
        if (exported.length === 0) return yield* conflict("InvalidInputError", "no post has items yet; group the kept items into posts first")
        const byId = new Map(pool.map((e) => [e.item.fileId, e]))
        const blobs = yield* BlobStore
        const startedAt = yield* nowIso
        const jobId = randomId()
        const expiresAt = Math.floor(Date.parse(startedAt) / 1000) + DEFAULT_TTL_SECONDS
        const records: Array<DownloadPostRecord> = []
        for (const [position, post] of exported.entries()) {
          const entries: Array<ExportEntry> = []
          for (const [i, fileId] of post.fileIds.entries()) {
            const entry = byId.get(fileId)
            if (entry === undefined) {
              return yield* conflict("InvalidInputError", `post "${post.label || post.postId}" holds file ${fileId}, which is no longer kept; confirm the review again`)
            }
            const info = yield* blobs.head(entry.source.key).pipe(
              Effect.catchTag("NotFoundError", () => Effect.fail(conflict("NotFoundError", `the file to export for "${entry.upload.fileName}" is missing from storage`))),
              Effect.catchTag("InvalidInputError", (e) => Effect.die(e)),
              unavailableAs503
            )
            entries.push({ fileId, key: entry.source.key, entryName: entryName(i + 1, entry.upload.fileName, entry.source.key), kind: entry.item.kind, bytes: info.bytes })
          }
          // `index`: the post's position among the exported posts (bundle names count 01, 02, ... from it).
          records.push({ postId: post.postId, index: position, label: post.label, status: "pending", entries, bundles: [], errorTag: null, errorMessage: null, expiresAt })
        }
        const record: DownloadJobRecord = {
          jobId,
          status: "running",
          keepGps,
          bundleBytes,
          generation: meta.generation,
          postRevisions: Object.fromEntries(posts.map((p) => [p.postId, p.revision])),
          startedAt,
          finishedAt: null,
          errorTag: null,
          errorMessage: null,
          expiresAt
        }
        yield* store.createDownloadJob(sessionId, record, records).pipe(Effect.catchTag("StoreConflictError", (e) => Effect.die(e)), unavailableAs503)
        // Two starts that raced past the check above (a double click): the older new job wins, the newer is deleted before it ever runs.
        const winner = (yield* store.listDownloadJobs(sessionId).pipe(unavailableAs503)).find(
          (j) => j.status === "running" && j.jobId !== latest?.jobId && j.keepGps === keepGps && j.bundleBytes === bundleBytes
        )
        if (winner !== undefined && winner.jobId !== jobId) {
          yield* store.deleteDownloadJob(sessionId, jobId).pipe(unavailableAs503)
          return { jobId: winner.jobId }
        }
        const input: DownloadJobInput = { sessionId, jobId, expiresAt, keepGps, bundleBytes, posts: records.map((r) => ({ postId: r.postId })) }
        // A job that could not start is failed at once; starting again makes a new job.
        yield* startExecution((yield* Orchestrator).startDownload(input), (e, finishedAt) =>
          store.failDownloadJob(sessionId, jobId, { errorTag: e._tag, errorMessage: e.message, finishedAt })
        )
        return { jobId }
      })
    )
    .handle("status", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId } = params
        const meta = yield* requireSession(sessionId)
        const job = yield* reconcileDownloadJob(sessionId, yield* requireDownloadJob(sessionId, jobId))
        const store = yield* PostStore
        const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
        const statuses = (yield* store.listDownloadPosts(sessionId, jobId).pipe(unavailableAs503)).map((r) => downloadPostStatusOf(job, r))
        const count = (s: DownloadPostStatus["status"]) => statuses.filter((p) => p.status === s).length
        return {
          jobId,
          status: job.status,
          error: job.status === "failed" ? { tag: job.errorTag ?? "InternalDefectError", message: job.errorMessage ?? "the download failed" } : null,
          keepGps: job.keepGps,
          bundleBytes: job.bundleBytes,
          startedAt: job.startedAt,
          finishedAt: job.finishedAt,
          stale: downloadStale(job, meta.generation, posts),
          posts: statuses,
          counts: { total: statuses.length, pending: count("pending"), processing: count("processing"), done: count("done"), failed: count("failed") }
        }
      })
    )
    .handle("bundleUrl", ({ params }) =>
      Effect.gen(function* () {
        const { sessionId, jobId, name } = params
        yield* requireSession(sessionId)
        const job = yield* requireDownloadJob(sessionId, jobId)
        const records = yield* PostStore.use((s) => s.listDownloadPosts(sessionId, jobId)).pipe(unavailableAs503)
        const bundle = records.flatMap((r) => (r.status === "done" ? r.bundles : [])).find((b) => b.name === name)
        if (bundle === undefined) {
          return job.status === "running"
            ? yield* conflict("InvalidInputError", `bundle ${name} is not written yet; download job ${jobId} is still running`)
            : yield* notFound(`download job ${jobId} has no bundle ${name}`)
        }
        const key = BlobKeys.bundle(sessionId, jobId, name)
        yield* (yield* BlobStore).head(key).pipe(
          Effect.catchTag("NotFoundError", () => Effect.fail(notFound(`bundle ${name} of download job ${jobId} is no longer stored`))),
          Effect.catchTag("InvalidInputError", (e) => Effect.die(e)),
          unavailableAs503
        )
        const expiresAt = (yield* nowSeconds) + MEDIA_URL_TTL_SECONDS
        const url = yield* (yield* UrlSigner).presignGet({
          key,
          contentType: ZIP_CONTENT_TYPE,
          contentDisposition: `attachment; filename="${name}.zip"`,
          expiresAt
        })
        return { url, contentType: ZIP_CONTENT_TYPE, variant: "bundle" as const, expiresAt }
      })
    )
)

/** The handlers of the posts, captions and downloads groups; need SessionStore, PostStore, BlobStore, UrlSigner and Orchestrator. */
export const PostsApiHandlers = Layer.mergeAll(PostsLive, CaptionsLive, DownloadsLive)
