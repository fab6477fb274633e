/**
 * The steps of `curator run` after the selection, driven through the SAME
 * API handler the browser uses (in-process, see ApiClient.ts), so the rules
 * of kept items, export sources, ZIP entry names and staleness live in one
 * place (apps/api):
 *
 * 1. confirm the review as the selection picked it (`POST .../confirm`);
 * 2. enhance every kept item (`POST .../enhancement`: the EnhancementPipeline),
 *    one progress tick per item; a failed item is reported, the run goes on;
 * 3. accept every item's latest version (`POST .../accept`) and copy each
 *    accepted output to `<out>/enhanced/<base name of the original>.<ext of
 *    the output>` (read from the stores and the blob store);
 * 4. group the kept items into posts (grouping.ts: one per scene, rank
 *    order, split at 20) with `POST .../posts`;
 * 5. a caption per post (`POST .../posts/:postId/captions`: the
 *    CaptionPipeline with the offline or Gemini Captioner), accepted;
 * 6. bundles (`POST .../downloads`: the DownloadPipeline; GPS stripped
 *    unless `keepGps`), each ZIP copied to `<out>/bundles/<name>.zip`.
 *
 * Steps 4-6 run only for `--steps posts`. Results are read back from the
 * stores (acceptance, item rounds) and the blob store (outputs, bundles).
 */
import fs from "node:fs/promises"
import path from "node:path"
import {
  AcceptCaptionRequest,
  AcceptEnhancementRequest,
  BlobKeys,
  CaptionState,
  captionExecutionName,
  CreatePostRequest,
  DownloadStatus,
  EnhancementStatus,
  PostsState,
  ReviewState,
  type SelectionResult,
  StartDownloadRequest,
  StartDownloadResponse,
  StartEnhancementRequest,
  StartEnhancementResponse
} from "@curator/contracts"
import { LocalOrchestrator } from "@curator/local"
import { BlobStore, SessionStore } from "@curator/store"
import { Console, Effect } from "effect"
import type { ApiClient } from "./ApiClient.js"
import { planPosts } from "./grouping.js"
import { ProgressDisplay } from "./ProgressDisplay.js"

/** How far `curator run` goes: `select` (selection only), `enhance` (+ confirm, enhance, accept), `posts` (everything). */
export type RunSteps = "select" | "enhance" | "posts"

/** Folder of the accepted enhanced files, relative to `--out`. */
export const ENHANCED_DIR = "enhanced"
/** Folder of the ZIP bundles, relative to `--out`. */
export const BUNDLES_DIR = "bundles"

/** What the flow needs from the selection step. */
export interface FlowInput {
  readonly sessionId: string
  readonly selectionJobId: string
  readonly result: SelectionResult
  /** fileId -> the file's name as ingested (relative path). */
  readonly names: ReadonlyMap<string, string>
  readonly out: string
  readonly steps: Exclude<RunSteps, "select">
  readonly keepGps: boolean
  /** Largest ZIP, bytes. */
  readonly bundleBytes: number
}

/** One kept item's enhancement outcome. */
export interface EnhancedItem {
  readonly fileId: string
  readonly fileName: string
  /** The accepted output copied into `enhanced/` (absolute path), null when the item has no enhanced version. */
  readonly file: string | null
  /** Why the item has no enhanced version (its error), null when it has one. */
  readonly failure: { readonly tag: string; readonly message: string } | null
}

/** The enhancement step's outcome. */
export interface EnhanceOutcome {
  readonly jobId: string
  readonly status: string
  readonly error: string | null
  readonly items: ReadonlyArray<EnhancedItem>
}

/** One ZIP copied out of the blob store. */
export interface BundleOutcome {
  readonly name: string
  /** Absolute path of the copy in `bundles/`. */
  readonly file: string
  readonly bytes: number
  /** Entry names in ZIP (carousel) order. */
  readonly entries: ReadonlyArray<string>
}

/** One post with its caption and bundles. */
export interface PostOutcome {
  readonly postId: string
  /** 1-based position among the posts. */
  readonly number: number
  readonly label: string
  /** Items in carousel order. */
  readonly fileIds: ReadonlyArray<string>
  readonly caption: { readonly caption: string; readonly hashtags: ReadonlyArray<string>; readonly locationTag: string | null; readonly model: string } | null
  readonly captionError: string | null
  /** ZIP entry names in carousel order (as the API snapshotted them), empty when the download did not reach the post. */
  readonly entries: ReadonlyArray<string>
  readonly bundles: ReadonlyArray<BundleOutcome>
  readonly bundleError: string | null
}

/** The posts step's outcome. */
export interface PostsOutcome {
  readonly posts: ReadonlyArray<PostOutcome>
  readonly downloadJobId: string | null
  readonly downloadStatus: string | null
  readonly downloadError: string | null
  readonly keepGps: boolean
  readonly bundleBytes: number
}

/** Everything after the selection; `failedJobs` lists every job that failed (the run then exits 1). */
export interface FlowOutcome {
  readonly enhancement: EnhanceOutcome
  readonly posts: PostsOutcome | null
  readonly failedJobs: ReadonlyArray<string>
}

/** The file name an accepted output gets in `enhanced/`: the original's base name + the output's real extension, unique in `taken`. */
export const enhancedFileName = (originalName: string, outputKey: string, taken: Set<string>): string => {
  const base = path.posix.basename(originalName.replaceAll("\\", "/"))
  const stem = base.includes(".") && !base.startsWith(".") ? base.slice(0, base.lastIndexOf(".")) : base
  const safeStem = stem.replace(/[\u0000-\u001f\u007f/]/g, "_") || "item"
  const ext = path.posix.extname(outputKey).toLowerCase() || ".bin"
  let name = `${safeStem}${ext}`
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${safeStem}-${n}${ext}`
  taken.add(name.toLowerCase())
  return name
}

const mkdirp = (dir: string) => Effect.promise(() => fs.mkdir(dir, { recursive: true }))

/** Steps 1-3: confirm, enhance (progress per item), accept, copy the accepted outputs to `enhanced/`. */
const enhance = Effect.fn("curator.flow.enhance")(function* (api: ApiClient, input: FlowInput) {
  const sessions = yield* SessionStore
  const blobs = yield* BlobStore
  const orchestrator = yield* LocalOrchestrator
  const { sessionId } = input
  yield* api.call("confirmReview", { sessionId, jobId: input.selectionJobId }, ReviewState)
  const { jobId } = yield* api.call("startEnhancement", { sessionId }, StartEnhancementResponse, {
    schema: StartEnhancementRequest,
    body: { selectionJobId: input.selectionJobId }
  })
  const status = api.call("enhancementStatus", { sessionId, jobId }, EnhancementStatus)
  const total = (yield* status).items.length
  yield* Console.log(`Enhancing ${total} kept item(s) ...`)
  yield* ProgressDisplay.followCounts({
    total,
    unit: "items",
    poll: status.pipe(Effect.map((s) => ({ finished: s.counts.done + s.counts.failed, failed: s.counts.failed, processing: s.counts.processing }))),
    phase: (c) => (c.finished >= total ? "done" : "enhancing"),
    // Round 0's execution is named after the job (enhancementExecutionName).
    done: orchestrator.awaitCompletion(jobId)
  })
  let final = yield* status
  const error = final.status === "failed" ? (final.error?.message ?? "the enhancement job failed") : null
  // Accept every item's latest version (the browser's "Accept" without choices); nothing to accept when no item has one.
  if (final.items.some((i) => i.versions.length > 0)) {
    final = yield* api.call("acceptEnhancement", { sessionId, jobId }, EnhancementStatus, { schema: AcceptEnhancementRequest, body: {} })
  }
  const acceptance = yield* sessions.getEnhancementAcceptance(sessionId, jobId)
  const chosen = new Map((acceptance?.choices ?? []).map((c) => [c.fileId, c.round]))
  const dir = path.join(input.out, ENHANCED_DIR)
  yield* mkdirp(dir)
  const taken = new Set<string>()
  const items: Array<EnhancedItem> = []
  for (const item of final.items) {
    const fileName = input.names.get(item.fileId) ?? item.name
    const round = chosen.get(item.fileId)
    const record = round === undefined ? null : yield* sessions.getEnhancementItem(sessionId, jobId, item.fileId)
    const stored = round === undefined ? undefined : record?.rounds[round]
    if (stored === undefined) {
      items.push({ fileId: item.fileId, fileName, file: null, failure: item.reason ?? { tag: "NotEnhanced", message: "no enhanced version was stored" } })
      continue
    }
    const file = path.join(dir, enhancedFileName(fileName, stored.outputKey, taken))
    yield* blobs.download(stored.outputKey, file)
    items.push({ fileId: item.fileId, fileName, file, failure: null })
  }
  return { jobId, status: final.status, error, items } satisfies EnhanceOutcome
})

/** Steps 4-6: group, caption (accepted), bundle; copies the ZIPs to `bundles/`. */
const posts = Effect.fn("curator.flow.posts")(function* (api: ApiClient, input: FlowInput) {
  const blobs = yield* BlobStore
  const orchestrator = yield* LocalOrchestrator
  const { sessionId } = input
  const pool = yield* api.call("listPosts", { sessionId }, PostsState)
  const plan = planPosts(
    pool.items.map((i) => i.fileId),
    input.result
  )
  for (const p of plan) {
    yield* api.call("createPost", { sessionId }, PostsState, { schema: CreatePostRequest, body: { label: p.label, fileIds: [...p.fileIds] } })
  }
  const created = (yield* api.call("listPosts", { sessionId }, PostsState)).posts.filter((p) => p.fileIds.length > 0)
  if (created.length === 0) {
    return { posts: [], downloadJobId: null, downloadStatus: null, downloadError: null, keepGps: input.keepGps, bundleBytes: input.bundleBytes } satisfies PostsOutcome
  }

  yield* Console.log(`Writing captions for ${created.length} post(s) ...`)
  const started = yield* Effect.forEach(created, (p) => api.call("startCaption", { sessionId, postId: p.postId }, CaptionState))
  const captionStatuses = Effect.forEach(started, (c) => api.call("captionStatus", { sessionId, jobId: c.jobId }, CaptionState))
  yield* ProgressDisplay.followCounts({
    total: created.length,
    unit: "posts",
    poll: captionStatuses.pipe(
      Effect.map((all) => ({
        finished: all.filter((c) => c.status !== "running").length,
        failed: all.filter((c) => c.status === "failed").length,
        processing: all.filter((c) => c.status === "running").length
      }))
    ),
    phase: () => "captions",
    done: Effect.forEach(started, (c) => orchestrator.awaitCompletion(captionExecutionName({ jobId: c.jobId, round: 0 })), { concurrency: "unbounded" })
  })
  const captions = new Map<string, CaptionState | string>()
  for (const c of yield* captionStatuses) {
    if (c.status !== "complete" || c.current === null) {
      captions.set(c.postId, c.error?.message ?? `the caption job ended ${c.status}`)
      continue
    }
    captions.set(c.postId, yield* api.call("acceptCaption", { sessionId, jobId: c.jobId }, CaptionState, { schema: AcceptCaptionRequest, body: {} }))
  }

  yield* Console.log(`Bundling ${created.length} post(s) (${input.keepGps ? "GPS kept" : "GPS stripped"}, at most ${(input.bundleBytes / 1024 / 1024).toFixed(0)} MiB per ZIP) ...`)
  const download = yield* api.call("startDownload", { sessionId }, StartDownloadResponse, {
    schema: StartDownloadRequest,
    body: { keepGps: input.keepGps, bundleBytes: input.bundleBytes }
  })
  const downloadStatus = api.call("downloadStatus", { sessionId, jobId: download.jobId }, DownloadStatus)
  yield* ProgressDisplay.followCounts({
    total: created.length,
    unit: "posts",
    poll: downloadStatus.pipe(Effect.map((s) => ({ finished: s.counts.done + s.counts.failed, failed: s.counts.failed, processing: s.counts.processing }))),
    phase: () => "bundles",
    done: orchestrator.awaitCompletion(download.jobId)
  })
  const bundled = yield* downloadStatus
  const byPost = new Map(bundled.posts.map((p) => [p.postId, p]))
  const dir = path.join(input.out, BUNDLES_DIR)
  yield* mkdirp(dir)
  const outcomes: Array<PostOutcome> = []
  for (const [i, post] of created.entries()) {
    const caption = captions.get(post.postId)
    const current = typeof caption === "object" ? caption.current : null
    const status = byPost.get(post.postId)
    const bundles: Array<BundleOutcome> = []
    for (const b of status?.status === "done" ? status.bundles : []) {
      const file = path.join(dir, `${b.name}.zip`)
      yield* blobs.download(BlobKeys.bundle(sessionId, download.jobId, b.name), file)
      bundles.push({ name: b.name, file, bytes: b.bytes, entries: b.entries })
    }
    outcomes.push({
      postId: post.postId,
      number: i + 1,
      label: post.label,
      fileIds: post.fileIds,
      caption: current === null ? null : { ...current.draft, model: current.model },
      captionError: typeof caption === "string" ? caption : caption === undefined ? "no caption job" : null,
      entries: status?.entries ?? [],
      bundles,
      bundleError: status === undefined ? "not part of the download" : status.status === "failed" ? (status.reason?.message ?? "bundling failed") : null
    })
  }
  return {
    posts: outcomes,
    downloadJobId: download.jobId,
    downloadStatus: bundled.status,
    downloadError: bundled.status === "failed" ? (bundled.error?.message ?? "the download failed") : null,
    keepGps: input.keepGps,
    bundleBytes: input.bundleBytes
  } satisfies PostsOutcome
})

/**
 * Runs the steps after a complete selection through `api` (the in-process
 * API handler over the same services this effect is provided with).
 * Fails with ApiCallError when the API refuses a step (a bug or a store
 * outage: every step's preconditions are met by the previous one) or a
 * StoreCallError / blob error while reading results; job failures are
 * reported in the outcome (`failedJobs`), not as errors.
 */
export const runFlow = Effect.fn("curator.flow")(function* (api: ApiClient, input: FlowInput) {
  const failedJobs: Array<string> = []
  const enhancement = yield* enhance(api, input)
  if (enhancement.error !== null) failedJobs.push(`enhancement: ${enhancement.error}`)
  if (input.steps !== "posts") return { enhancement, posts: null, failedJobs } satisfies FlowOutcome
  const result = yield* posts(api, input)
  for (const p of result.posts) if (p.captionError !== null) failedJobs.push(`caption of post ${p.number} "${p.label}": ${p.captionError}`)
  if (result.downloadError !== null) failedJobs.push(`download: ${result.downloadError}`)
  else for (const p of result.posts) if (p.bundleError !== null) failedJobs.push(`bundle of post ${p.number} "${p.label}": ${p.bundleError}`)
  return { enhancement, posts: result, failedJobs } satisfies FlowOutcome
})
