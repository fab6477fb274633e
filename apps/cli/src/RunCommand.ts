/**
 * `curator run <folder>`: the main job, headless. Ingests every file of the
 * folder into the local stores, runs SelectionPipeline in-process (the same
 * ASL the cloud runs), shows a progress bar and writes `selection.json`,
 * `contact-sheet-01.jpg` (more pages for a big run) and `report.html` into `--out`. Then (`--steps`,
 * default `posts`) the rest of the browser's flow, driven through the SAME
 * API handler in-process (Flow.ts): confirm the review as picked, enhance
 * every kept item (`enhanced/`), accept, group into carousel posts, a
 * caption per post, the download bundles (`bundles/*.zip`, GPS stripped
 * unless `--keep-gps`, at most `--bundle-mb` MiB each), `posts.json`,
 * `posts.jpg` and the posts section of `report.html`. `--steps select` stops
 * after the selection (the behaviour the selection bench measures);
 * `--steps enhance` after the enhanced files.
 *
 * Every input of the folder is accounted for (`Inputs.ts`): processed files
 * in the selection, unreadable ones among the files that could not be
 * processed (UnreadableFileError), symbolic links and files that are not
 * photos or videos listed as skipped with their status.
 *
 * Exit code 0 when every job completed (whatever individual files did: a
 * corrupt or unreadable file or an item whose enhancement failed is
 * reported, not fatal); 1 when a job itself failed (selection, enhancement, a
 * caption, the download) or on a user error (a missing folder, a folder with
 * nothing to read: InvalidInputError, printed as one line by main.ts).
 */
import path from "node:path"
import { randomBytes } from "node:crypto"
import { type ApiServices, makeApiHandler, UrlSigner } from "@curator/api"
import {
  DEFAULT_BUNDLE_BYTES,
  DEFAULT_TTL_SECONDS,
  InvalidInputError,
  MIN_BUNDLE_BYTES,
  type SelectionJobInput,
  type SelectionJobRecord
} from "@curator/contracts"
import { checkGeminiModels, DataDirLock, describeGeminiConfig, geminiConfigFromEnv, LocalOrchestrator, LocalStack } from "@curator/local"
import { BlobStore, SessionStore } from "@curator/store"
import { Console, type Context, Effect, Layer, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { makeApiClient } from "./ApiClient.js"
import { BUNDLES_DIR, ENHANCED_DIR, type FlowOutcome, runFlow, type RunSteps } from "./Flow.js"
import { ingestInputs } from "./Ingest.js"
import { type FolderInput, readFolderInputs } from "./Inputs.js"
import { ProgressDisplay } from "./ProgressDisplay.js"
import { type PostsJson, type ReportPost, writePostsOutputs, writeReport } from "./report/index.js"
import { plural } from "./report/internal/text.js"
import type { ReportInput } from "./report/ReportInput.js"
import { randomId } from "./ids.js"
import { generateSampleTrip } from "./SampleTrip.js"
import { printFlowSummary, printSessionUsage, printSummary, reportOutputs } from "./Summary.js"

const options = {
  folder: Argument.String("folder").pipe(Argument.withDescription("Folder of photos and videos (searched recursively)"), Argument.optional),
  out: Flag.String("out").pipe(
    Flag.withDescription("Where to write selection.json, contact-sheet-01.jpg (...), report.html, enhanced/, posts.json, posts.jpg, bundles/"),
    Flag.withDefault("curator-out")
  ),
  max: Flag.Int("max").pipe(Flag.withDescription("How many items to pick"), Flag.withDefault(20)),
  context: Flag.String("context").pipe(Flag.withDescription("A sentence about the trip, used by the selection"), Flag.withDefault("")),
  data: Flag.String("data").pipe(Flag.withDescription("Data folder of the local stack (default: $CURATOR_DATA_DIR or ./.curator)"), Flag.optional),
  sample: Flag.Boolean("sample").pipe(Flag.withDescription("Generate a sample trip and run on it"), Flag.withDefault(false)),
  steps: Flag.Literals("steps", ["select", "enhance", "posts"]).pipe(
    Flag.withDescription("How far to go: select (selection only), enhance (+ enhanced files), posts (everything: posts, captions, bundles)"),
    Flag.withDefault("posts" as RunSteps)
  ),
  keepGps: Flag.Boolean("keep-gps").pipe(Flag.withDescription("Keep GPS positions in the bundled files (stripped by default)"), Flag.withDefault(false)),
  bundleMb: Flag.Int("bundle-mb").pipe(Flag.withDescription("Largest ZIP bundle, MiB"), Flag.withDefault(DEFAULT_BUNDLE_BYTES / 1024 / 1024))
}

/** The `run` subcommand. */
export const runCommand = Command.make("run", options, (cfg) =>
  Effect.gen(function* () {
    const out = path.resolve(cfg.out)
    const dataDir = path.resolve(Option.getOrElse(cfg.data, () => process.env["CURATOR_DATA_DIR"] ?? ".curator"))
    // User errors (a missing folder, nothing to read, a bad option) fail with InvalidInputError: main.ts prints its one line.
    if (cfg.max < 1) return yield* new InvalidInputError({ message: "--max must be at least 1" })
    const bundleBytes = cfg.bundleMb * 1024 * 1024
    if (bundleBytes < MIN_BUNDLE_BYTES) return yield* new InvalidInputError({ message: "--bundle-mb must be at least 1" })
    // GEMINI_API_KEY set -> Gemini selection, edits, video analysis and captions (CURATOR_GEMINI_* settings),
    // every configured model checked with models.get before any work; unset -> offline, no network.
    const configured = geminiConfigFromEnv(process.env)
    const gemini = configured === null ? null : yield* checkGeminiModels(configured)
    yield* Console.log(gemini === null ? "Offline selection (no GEMINI_API_KEY)." : describeGeminiConfig(gemini))
    let folder: string
    if (cfg.sample) {
      folder = path.join(out, "sample-trip")
      yield* Console.log(`Generating a sample trip in ${folder} ...`)
      yield* Effect.promise(() => generateSampleTrip(folder))
    } else if (Option.isSome(cfg.folder)) {
      folder = path.resolve(cfg.folder.value)
    } else {
      return yield* new InvalidInputError({ message: "Give a folder (curator run <folder>) or --sample." })
    }
    const inputs = yield* readFolderInputs(folder)
    if (!inputs.some((i) => i.kind === "media")) return yield* new InvalidInputError({ message: nothingToRead(folder, inputs) })

    yield* DataDirLock.acquire(dataDir)
    // The API handler the browser uses, over the same services (steps after the selection go through it).
    const services = (yield* Layer.build(
      Layer.merge(LocalStack.layer({ dataDir, gemini }), UrlSigner.layerLocal({ secret: randomBytes(32) }))
    )) as Context.Context<ApiServices | LocalOrchestrator>
    const outcome = yield* runJob({ folder, inputs, out, targetCount: cfg.max, tripContext: cfg.context, steps: cfg.steps, keepGps: cfg.keepGps, bundleBytes, services }).pipe(
      Effect.provideContext(services)
    )
    if (outcome.job.status === "failed") {
      yield* Console.error(`The selection job failed: ${outcome.job.errorMessage ?? outcome.job.errorTag ?? "unknown error"}`)
      process.exitCode = 1
    }
    if (outcome.flow !== null && outcome.flow.failedJobs.length > 0) {
      for (const f of outcome.flow.failedJobs) yield* Console.error(`A job failed: ${f}`)
      process.exitCode = 1
    }
  }).pipe(Effect.scoped)
).pipe(
  Command.withDescription(
    "Pick the best, most varied photos and videos of a folder, enhance them, group them into captioned posts and bundle them as ZIPs (offline, no account needed)."
  )
)

/** The one-line error for a folder with no photo or video to read: what it holds instead, by status. */
const nothingToRead = (folder: string, inputs: ReadonlyArray<FolderInput>): string => {
  if (inputs.length === 0) return `No photos or videos in ${folder}: the folder is empty`
  const counts = new Map<string, number>()
  for (const i of inputs) {
    const status = i.kind === "skipped" ? i.skipped.status : "unreadable"
    counts.set(status, (counts.get(status) ?? 0) + 1)
  }
  return `No photos or videos in ${folder}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(", ")}`
}

interface JobOptions {
  readonly folder: string
  /** The folder's inputs (readFolderInputs), at least one of them media. */
  readonly inputs: ReadonlyArray<FolderInput>
  readonly out: string
  readonly targetCount: number
  readonly tripContext: string
  readonly steps: RunSteps
  readonly keepGps: boolean
  readonly bundleBytes: number
  /** The built services (for the in-process API handler). */
  readonly services: Context.Context<ApiServices | LocalOrchestrator>
}

const runJob = Effect.fn("curator.run")(function* (opts: JobOptions) {
  const sessions = yield* SessionStore
  const blobs = yield* BlobStore
  const orchestrator = yield* LocalOrchestrator
  const now = new Date()
  const expiresAt = Math.floor(now.getTime() / 1000) + DEFAULT_TTL_SECONDS
  const sessionId = randomId()
  const jobId = randomId()
  yield* sessions.createSession({ sessionId, createdAt: now.toISOString(), expiresAt, generation: 0, tripContext: opts.tripContext })
  const { uploads, unreadable, skipped } = yield* ingestInputs(opts.inputs, sessionId, expiresAt)
  if (uploads.length === 0) return yield* new InvalidInputError({ message: nothingToRead(opts.folder, opts.inputs) })
  const notTaken = [
    ...(unreadable.length === 0 ? [] : [`${unreadable.length} could not be read`]),
    ...(skipped.length === 0 ? [] : [`${skipped.length} not taken in (symbolic links, not photos or videos)`])
  ]
  yield* Console.log(`Curator: ${plural(uploads.length, "file", "files")} from ${opts.folder}${notTaken.length === 0 ? "" : ` (${notTaken.join("; ")}: listed in the report)`}`)

  const jobRecord: SelectionJobRecord = {
    jobId, status: "running", fileCount: uploads.length, tripContext: opts.tripContext, targetCount: opts.targetCount,
    startedAt: now.toISOString(), finishedAt: null, errorTag: null, errorMessage: null, result: null, expiresAt
  }
  yield* sessions.createSelectionJob(sessionId, jobRecord)
  const input: SelectionJobInput = {
    sessionId, jobId, tripContext: opts.tripContext, targetCount: opts.targetCount, expiresAt,
    files: uploads.map((u) => ({ fileId: u.fileId, key: u.key, fileName: u.fileName }))
  }
  yield* orchestrator.startSelection(input)
  yield* ProgressDisplay.follow({
    total: uploads.length,
    poll: sessions.listSelectionItems(sessionId, jobId),
    done: orchestrator.awaitCompletion(jobId)
  })
  const job = yield* sessions.getSelectionJob(sessionId, jobId)
  if (job.status !== "complete" || job.result === null) return { job, flow: null }

  const records = yield* sessions.listSelectionItems(sessionId, jobId)
  const byId = new Map(records.map((r) => [r.fileId, r]))
  const items: Array<ReportInput["items"][number]> = []
  for (const u of uploads) {
    const r = byId.get(u.fileId)
    const thumbnail = r?.thumbnailKey ? yield* blobs.get(r.thumbnailKey) : null
    items.push({
      fileId: u.fileId,
      fileName: u.fileName,
      item: r?.item ?? null,
      thumbnail,
      failure: r?.status === "done" ? null : { tag: r?.errorTag ?? "NotProcessed", message: r?.errorMessage ?? "processing did not finish" }
    })
  }
  // Files ingest could not read: listed among the files that could not be processed, with their own error.
  for (const u of unreadable) items.push({ fileId: u.fileId, fileName: u.fileName, item: null, thumbnail: null, failure: { tag: u.error._tag, message: u.error.message } })
  items.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0))
  const report: ReportInput = {
    title: `Curator selection — ${path.basename(opts.folder)}`,
    tripContext: opts.tripContext,
    generatedAt: new Date().toISOString(),
    result: job.result,
    items,
    skipped
  }
  const written = reportOutputs(yield* writeReport(opts.out, report))
  yield* printSummary(job.result, items, opts.steps === "select" ? written : {}, skipped)
  if (opts.steps === "select") return { job, flow: null }
  if (job.result.selected.length === 0) {
    yield* Console.log("Nothing was selected: no enhancement, posts or bundles.")
    return { job, flow: null }
  }

  const api = makeApiHandler(opts.services as Context.Context<ApiServices>)
  const flow = yield* runFlow(makeApiClient(api), {
    sessionId,
    selectionJobId: jobId,
    result: job.result,
    names: new Map(uploads.map((u) => [u.fileId, u.fileName])),
    out: opts.out,
    steps: opts.steps,
    keepGps: opts.keepGps,
    bundleBytes: opts.bundleBytes
  }).pipe(Effect.ensuring(Effect.promise(api.dispose)))
  const outputs: Record<string, string> = { ...written, enhanced: path.join(opts.out, ENHANCED_DIR) }
  if (flow.posts !== null) {
    const posts = reportPosts(flow)
    const paths = yield* writePostsOutputs(opts.out, { ...report, posts }, postsJsonOf(flow, opts.out))
    Object.assign(outputs, { postsJson: paths.postsJson, postsSheet: paths.postsSheet, bundles: path.join(opts.out, BUNDLES_DIR) })
  }
  yield* printFlowSummary(flow, outputs)
  yield* printSessionUsage(yield* sessions.getSession(sessionId))
  return { job, flow }
})

/** A path relative to the output folder, with `/` separators (for posts.json and report.html links). */
const relativeTo = (out: string, file: string): string => path.relative(out, file).split(path.sep).join("/")

/** The report's view of the posts (bundles linked relative to report.html). */
const reportPosts = (flow: FlowOutcome): ReadonlyArray<ReportPost> =>
  (flow.posts?.posts ?? []).map((p) => ({
    label: p.label,
    fileIds: p.fileIds,
    caption: p.caption?.caption ?? null,
    captionError: p.captionError,
    hashtags: p.caption?.hashtags ?? [],
    locationTag: p.caption?.locationTag ?? null,
    model: p.caption?.model ?? null,
    bundles: p.bundles.map((b) => ({ name: b.name, href: `${BUNDLES_DIR}/${encodeURIComponent(`${b.name}.zip`)}`, bytes: b.bytes }))
  }))

/** posts.json: per post its items in carousel order by file name, caption, hashtags, location tag, model and bundles. */
const postsJsonOf = (flow: FlowOutcome, out: string): PostsJson => {
  const enhanced = new Map(flow.enhancement.items.map((i) => [i.fileId, i]))
  return {
    generatedAt: new Date().toISOString(),
    keepGps: flow.posts?.keepGps ?? false,
    bundleBytes: flow.posts?.bundleBytes ?? DEFAULT_BUNDLE_BYTES,
    posts: (flow.posts?.posts ?? []).map((p) => ({
      number: p.number,
      label: p.label,
      items: p.fileIds.map((fileId, i) => {
        const e = enhanced.get(fileId)
        return {
          fileName: e?.fileName ?? fileId,
          entryName: p.entries[i] ?? null,
          source: e?.file == null ? ("original" as const) : ("enhanced" as const),
          enhancedFile: e?.file == null ? null : relativeTo(out, e.file)
        }
      }),
      caption: p.caption?.caption ?? null,
      captionError: p.captionError,
      hashtags: p.caption?.hashtags ?? [],
      locationTag: p.caption?.locationTag ?? null,
      model: p.caption?.model ?? null,
      bundles: p.bundles.map((b) => ({ file: relativeTo(out, b.file), bytes: b.bytes, entries: b.entries }))
    }))
  }
}
