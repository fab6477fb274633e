/**
 * The rules of issue 7 the routes share (docs: notes of issue 7, Posts.ts):
 * the reviewed selection a session's posts group, the export source of each
 * kept item, the pool, caption and download staleness, the reconciliation
 * of posts with the kept items after a review is confirmed again, and the
 * ZIP entry names snapshotted at download start.
 */
import {
  type CaptionJobRecord,
  type CaptionState,
  type CaptionSummary,
  type DownloadJobRecord,
  type DownloadJobSummary,
  type PoolItem,
  type Post,
  type PostRecord,
  type PostsState,
  type SelectionJobRecord,
  type SessionMeta,
  type StoreConflictError
} from "@curator/contracts"
import { Orchestrator } from "@curator/orchestration"
import anyAscii from "any-ascii"
import { PostStore, SessionStore, type StoreCallError } from "@curator/store"
import { Effect } from "effect"
import { conflict, notFound, unavailableAs503 } from "./apiErrors.js"
import { type KeptItem, keptItems, mayStillBeStarting, interruptedWhy, nowIso, reconcileRunning } from "./common.js"

/** What a kept item exports: the enhanced output of a round, or the original upload. */
export interface ExportSource {
  readonly key: string
  readonly enhancement: { readonly jobId: string; readonly round: number } | null
}

/** A kept item with its export source. */
export interface PoolEntry extends KeptItem {
  readonly source: ExportSource
}

/**
 * The session's latest selection job when its review is confirmed: the
 * selection the posts group. 409 (tag InvalidInputError) when there is no
 * selection yet, it is not complete, or its review is not confirmed
 * (including after a reopen).
 */
export const reviewedSelection = (sessionId: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionStore
    const latest = (yield* sessions.listSelectionJobs(sessionId)).at(-1)
    if (latest === undefined) return yield* conflict("InvalidInputError", "this session has no selection yet; there is nothing to group")
    if (latest.status !== "complete") {
      return yield* conflict("InvalidInputError", `selection job ${latest.jobId} is ${latest.status}; posts need a complete selection with a confirmed review`)
    }
    if ((yield* sessions.getReview(sessionId, latest.jobId)) === null) {
      return yield* conflict("InvalidInputError", `the review of selection job ${latest.jobId} is not confirmed; confirm it before grouping, captioning or downloading`)
    }
    return latest
  }).pipe(unavailableAs503)

/**
 * The export source of every kept item that has an enhanced version: the
 * selection's current enhancement job (the oldest that did not fail, else
 * the latest), per item the accepted round when the job is accepted (and
 * the item was chosen), else its latest stored round; its `outputKey`.
 * Items without an entry export their original upload.
 */
export const exportSources = (sessionId: string, selectionJobId: string) =>
  Effect.gen(function* () {
    const sessions = yield* SessionStore
    const jobs = (yield* sessions.listEnhancementJobs(sessionId)).filter((j) => j.selectionJobId === selectionJobId)
    const job = jobs.find((j) => j.status !== "failed") ?? jobs.at(-1)
    const sources = new Map<string, ExportSource>()
    if (job === undefined) return sources
    const acceptance = yield* sessions.getEnhancementAcceptance(sessionId, job.jobId)
    for (const record of yield* sessions.listEnhancementItems(sessionId, job.jobId)) {
      const chosen = acceptance?.choices.find((c) => c.fileId === record.fileId)?.round
      const round = (chosen === undefined ? undefined : record.rounds[chosen]) ?? record.rounds.at(-1)
      if (round === undefined) continue
      if (!round.outputKey.startsWith(`${sessionId}/enhanced/`)) {
        return yield* Effect.die(new Error(`stored key ${round.outputKey} is not an enhanced blob of session ${sessionId}`))
      }
      sources.set(record.fileId, { key: round.outputKey, enhancement: { jobId: job.jobId, round: round.round } })
    }
    return sources
  }).pipe(unavailableAs503)

/** The kept items of `selection` in rank order, each with its export source. */
export const poolOf = (sessionId: string, selection: SelectionJobRecord) =>
  Effect.gen(function* () {
    const kept = yield* keptItems(sessionId, selection)
    const sources = yield* exportSources(sessionId, selection.jobId)
    return kept.map((k): PoolEntry => ({ ...k, source: sources.get(k.item.fileId) ?? { key: k.upload.key, enhancement: null } }))
  })

/** A caption job is stale when its latest version was written for another revision of its post (or the post is gone). */
export const captionStale = (job: CaptionJobRecord, post: PostRecord | null): boolean => {
  if (post === null) return true
  const latest = job.rounds.at(-1)
  return latest !== undefined && latest.postRevision !== post.revision
}

/** The latest caption job of each post (by `startedAt`), by postId. */
export const latestCaptionJobs = (jobs: ReadonlyArray<CaptionJobRecord>): Map<string, CaptionJobRecord> => {
  const latest = new Map<string, CaptionJobRecord>()
  // listCaptionJobs is oldest first: the last one of a post wins.
  for (const job of jobs) latest.set(job.postId, job)
  return latest
}

/** A caption job as the browser sees it. */
export const captionStateOf = (job: CaptionJobRecord, post: PostRecord | null): CaptionState => {
  const accepted = job.acceptedRound === null ? undefined : job.rounds[job.acceptedRound]
  return {
    jobId: job.jobId,
    postId: job.postId,
    status: job.status,
    error: job.status === "failed" ? { tag: job.errorTag ?? "InternalDefectError", message: job.errorMessage ?? "the caption failed" } : null,
    pendingFeedback: job.status === "running" ? job.pendingFeedback : null,
    versions: job.rounds,
    current: accepted ?? job.rounds.at(-1) ?? null,
    acceptedRound: job.acceptedRound,
    stale: captionStale(job, post)
  }
}

const captionSummaryOf = (job: CaptionJobRecord, post: PostRecord): CaptionSummary => ({
  jobId: job.jobId,
  status: job.status,
  acceptedRound: job.acceptedRound,
  stale: captionStale(job, post)
})

/** The Group step's state: the pool (each kept item with the post holding it) and the posts with their latest caption. */
export const postsStateOf = (sessionId: string, meta: SessionMeta, selection: SelectionJobRecord) =>
  Effect.gen(function* () {
    const store = yield* PostStore
    const pool = yield* poolOf(sessionId, selection)
    const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
    const captions = latestCaptionJobs(yield* store.listCaptionJobs(sessionId).pipe(unavailableAs503))
    const holder = new Map(posts.flatMap((p) => p.fileIds.map((f) => [f, p.postId] as const)))
    const items = pool.map(
      (e): PoolItem => ({
        fileId: e.item.fileId,
        name: e.upload.fileName,
        kind: e.item.kind,
        source: e.source.enhancement === null ? "original" : "enhanced",
        enhancement: e.source.enhancement,
        capturedAt: e.media.captureTime?.utc ?? e.media.captureTime?.local ?? null,
        postId: holder.get(e.item.fileId) ?? null
      })
    )
    return {
      selectionJobId: selection.jobId,
      generation: meta.generation,
      items,
      posts: posts.map((p): Post => {
        const caption = captions.get(p.postId)
        return {
          postId: p.postId,
          index: p.index,
          label: p.label,
          fileIds: p.fileIds,
          revision: p.revision,
          caption: caption === undefined ? null : captionSummaryOf(caption, p)
        }
      })
    } satisfies PostsState
  })

/** How often a post write is retried after another writer changed the post meanwhile. */
const POST_WRITE_ATTEMPTS = 3

/**
 * Rewrites a post through `change` (the current record -> the new label and
 * items, or null for "no change"), conditional on the revision read;
 * re-reads and retries when another writer bumped the revision meanwhile
 * (at most POST_WRITE_ATTEMPTS times, then the StoreConflictError). A post
 * that disappeared is left alone.
 */
export const rewritePost = (
  sessionId: string,
  postId: string,
  change: (post: PostRecord) => { readonly label: string; readonly fileIds: ReadonlyArray<string> } | null
): Effect.Effect<void, StoreConflictError | StoreCallError, PostStore> =>
  Effect.gen(function* () {
    const store = yield* PostStore
    for (let attempt = 1; ; attempt++) {
      const post = yield* store.getPost(sessionId, postId).pipe(Effect.catchTag("NotFoundError", () => Effect.succeed(null)))
      if (post === null) return
      const next = change(post)
      if (next === null) return
      const written = yield* store
        .putPost(sessionId, { ...post, label: next.label, fileIds: [...next.fileIds], revision: post.revision + 1, updatedAt: yield* nowIso }, post.revision)
        .pipe(
          Effect.as(true),
          Effect.catchTag("StoreConflictError", (e) => (attempt < POST_WRITE_ATTEMPTS ? Effect.succeed(false) : Effect.fail(e)))
        )
      if (written) return
    }
  })

/** Removes `fileIds` from every post of the session except `exceptPostId` (each changed post's revision bumps). */
export const takeFromOtherPosts = (sessionId: string, posts: ReadonlyArray<PostRecord>, fileIds: ReadonlyArray<string>, exceptPostId: string | null) =>
  Effect.gen(function* () {
    const taken = new Set(fileIds)
    for (const post of posts) {
      if (post.postId === exceptPostId || !post.fileIds.some((f) => taken.has(f))) continue
      yield* rewritePost(sessionId, post.postId, (p) => {
        const kept = p.fileIds.filter((f) => !taken.has(f))
        return kept.length === p.fileIds.length ? null : { label: p.label, fileIds: kept }
      })
    }
  })

/**
 * After a review is confirmed (again): every post loses the items that are no
 * longer kept (its revision bumps, so its caption and any download turn
 * stale); untouched posts keep their revision, captions and downloads.
 */
export const reconcilePostsWithReview = (sessionId: string, selection: SelectionJobRecord) =>
  Effect.gen(function* () {
    const store = yield* PostStore
    const posts = yield* store.listPosts(sessionId)
    if (posts.length === 0) return
    const kept = new Set((yield* keptItems(sessionId, selection)).map((k) => k.item.fileId))
    for (const post of posts) {
      if (post.fileIds.every((f) => kept.has(f))) continue
      yield* rewritePost(sessionId, post.postId, (p) => {
        const still = p.fileIds.filter((f) => kept.has(f))
        return still.length === p.fileIds.length ? null : { label: p.label, fileIds: still }
      })
    }
  }).pipe(
    Effect.catchTag("StoreConflictError", (e) => Effect.fail(conflict(e._tag, `${e.message}; confirm again`))),
    unavailableAs503
  )

/**
 * A download job is stale when the session generation or a post changed
 * since it started: a recorded post gone or at another revision, or a post
 * with items that it did not record.
 */
export const downloadStale = (job: DownloadJobRecord, generation: number, posts: ReadonlyArray<PostRecord>): boolean => {
  if (job.generation !== generation) return true
  const current = new Map(posts.map((p) => [p.postId, p]))
  for (const [postId, revision] of Object.entries(job.postRevisions)) {
    if (current.get(postId)?.revision !== revision) return true
  }
  return posts.some((p) => p.fileIds.length > 0 && job.postRevisions[p.postId] === undefined)
}

/** A download job reconciled with its execution (named by the job id; see `reconcileRunning`). */
export const reconcileDownloadJob = (sessionId: string, job: DownloadJobRecord) =>
  PostStore.use((store) =>
    reconcileRunning(job, store.getDownloadJob(sessionId, job.jobId), (errorTag, errorMessage, finishedAt) =>
      store.failDownloadJob(sessionId, job.jobId, { errorTag, errorMessage, finishedAt })
    )
  )

/** The summary of a (reconciled) download job. */
export const downloadSummaryOf = (job: DownloadJobRecord, stale: boolean): DownloadJobSummary => ({
  jobId: job.jobId,
  status: job.status,
  error: job.status === "failed" ? { tag: job.errorTag ?? "InternalDefectError", message: job.errorMessage ?? "the download failed" } : null,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
  stale
})

/** `SessionState`'s issue 7 fields: the generation, how many posts, the latest download job (reconciled), and the session's Gemini tokens and estimated cost. */
export const sessionPostsSummary = (sessionId: string, meta: SessionMeta) =>
  Effect.gen(function* () {
    const store = yield* PostStore
    const posts = yield* store.listPosts(sessionId).pipe(unavailableAs503)
    const latest = (yield* store.listDownloadJobs(sessionId).pipe(unavailableAs503)).at(-1)
    const job = latest === undefined ? null : yield* reconcileDownloadJob(sessionId, latest)
    return {
      generation: meta.generation,
      postCount: posts.length,
      download: job === null ? null : downloadSummaryOf(job, downloadStale(job, meta.generation, posts)),
      tokensUsed: meta.tokensUsed ?? 0,
      costUsd: (meta.costMicroUsd ?? 0) / 1_000_000
    }
  })

/**
 * Reconciles a caption job whose record says `running` with the execution of
 * its running round (`execution`): when that ended without an outcome or is
 * unknown past START_GRACE_SECONDS of the round's start, the job is failed
 * with JobInterruptedError. Returns the current record.
 */
export const reconcileCaptionJob = (sessionId: string, job: CaptionJobRecord) =>
  Effect.gen(function* () {
    if (job.status !== "running") return job
    const execution = yield* (yield* Orchestrator).describe(job.execution)
    if (execution.status === "RUNNING" || (yield* mayStillBeStarting(execution, job.startedAt))) return job
    const store = yield* PostStore
    yield* store.failCaptionJob(sessionId, job.jobId, {
      errorTag: "JobInterruptedError",
      errorMessage: `interrupted: ${interruptedWhy(execution, "the caption round's execution")}; ask again`,
      finishedAt: yield* nowIso
    })
    return yield* store.getCaptionJob(sessionId, job.jobId)
  }).pipe(
    Effect.catchTag("NotFoundError", (e) => Effect.fail(notFound(e.message))),
    unavailableAs503
  )

/** Longest sanitised base name in a ZIP entry name (characters). */
export const ENTRY_BASE_MAX = 80

/**
 * The ZIP entry name of the item at carousel `position` (1-based):
 * `NN-<sanitised base name of the upload>.<ext of the exported key>`. The
 * base name is the upload's file name without folders and extension,
 * transliterated to ASCII (`any-ascii`: "Café" -> "Cafe", "Rødberg" ->
 * "Rodberg"), every character outside `[A-Za-z0-9._-]` replaced by `_`, leading dots
 * dropped, at most {@link ENTRY_BASE_MAX} characters (`file` when nothing is
 * left); the extension is the exported key's, lower-cased (`bin` when none).
 */
export const entryName = (position: number, fileName: string, key: string): string => {
  const leaf = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1)
  const dot = leaf.lastIndexOf(".")
  const base = dot > 0 ? leaf.slice(0, dot) : leaf
  const safe = anyAscii(base)
    .replace(/[^A-Za-z0-9._-]/gu, "_")
    .replace(/^\.+/, "")
    .slice(0, ENTRY_BASE_MAX)
  const keyLeaf = key.slice(key.lastIndexOf("/") + 1)
  const keyDot = keyLeaf.lastIndexOf(".")
  const ext = keyDot < 0 ? "" : keyLeaf.slice(keyDot + 1).toLowerCase().replace(/[^a-z0-9]/g, "")
  return `${String(position).padStart(2, "0")}-${safe === "" ? "file" : safe}.${ext === "" ? "bin" : ext}`
}
