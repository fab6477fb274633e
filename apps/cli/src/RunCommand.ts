/**
 * `curator run <folder>`: the main job, headless. Ingests every file of the
 * folder into the local stores, runs SelectionPipeline in-process (the same
 * ASL the cloud runs), shows a progress bar, prints a summary and writes
 * `selection.json`, `contact-sheet.jpg` and `report.html` into `--out`.
 *
 * Exit code 0 when the job completed (whatever individual files did: a
 * corrupt file is reported, not fatal); 1 when the job itself failed.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { DEFAULT_TTL_SECONDS, type SelectionJobInput, type SelectionJobRecord } from "@curator/contracts"
import { DataDirLock, geminiConfigFromEnv, LocalOrchestrator, LocalStack } from "@curator/local"
import { BlobStore, SessionStore } from "@curator/store"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { ingestFolder } from "./Ingest.js"
import { ProgressDisplay } from "./ProgressDisplay.js"
import { writeReport } from "./report/index.js"
import type { ReportInput } from "./report/ReportInput.js"
import { randomId } from "./ids.js"
import { generateSampleTrip } from "./SampleTrip.js"
import { printSummary } from "./Summary.js"

const options = {
  folder: Argument.String("folder").pipe(Argument.withDescription("Folder of photos and videos (searched recursively)"), Argument.optional),
  out: Flag.String("out").pipe(Flag.withDescription("Where to write selection.json, contact-sheet.jpg, report.html"), Flag.withDefault("curator-out")),
  max: Flag.Int("max").pipe(Flag.withDescription("How many items to pick"), Flag.withDefault(20)),
  context: Flag.String("context").pipe(Flag.withDescription("A sentence about the trip, used by the selection"), Flag.withDefault("")),
  data: Flag.String("data").pipe(Flag.withDescription("Data folder of the local stack (default: $CURATOR_DATA_DIR or ./.curator)"), Flag.optional),
  sample: Flag.Boolean("sample").pipe(Flag.withDescription("Generate a sample trip and run on it"), Flag.withDefault(false))
}

/** The `run` subcommand. */
export const runCommand = Command.make("run", options, (cfg) =>
  Effect.gen(function* () {
    const out = path.resolve(cfg.out)
    const dataDir = path.resolve(Option.getOrElse(cfg.data, () => process.env["CURATOR_DATA_DIR"] ?? ".curator"))
    let folder: string
    if (cfg.sample) {
      folder = path.join(out, "sample-trip")
      yield* Console.log(`Generating a sample trip in ${folder} ...`)
      yield* Effect.promise(() => generateSampleTrip(folder))
    } else if (Option.isSome(cfg.folder)) {
      folder = path.resolve(cfg.folder.value)
    } else {
      return yield* Effect.fail(new Error("Give a folder (curator run <folder>) or --sample."))
    }
    const stat = yield* Effect.tryPromise(() => fs.stat(folder)).pipe(Effect.orElseSucceed(() => null))
    if (!stat?.isDirectory()) return yield* Effect.fail(new Error(`Not a folder: ${folder}`))
    if (cfg.max < 1) return yield* Effect.fail(new Error("--max must be at least 1"))

    yield* DataDirLock.acquire(dataDir)
    // GEMINI_API_KEY set -> Gemini selection (CURATOR_GEMINI_* settings); unset -> offline, no network.
    const gemini = geminiConfigFromEnv(process.env)
    yield* Console.log(gemini === null ? "Offline selection (no GEMINI_API_KEY)." : `Gemini selection (${gemini.models.selection}).`)
    const job = yield* runJob({ folder, out, targetCount: cfg.max, tripContext: cfg.context }).pipe(Effect.provide(LocalStack.layer({ dataDir, gemini })))
    if (job.status === "failed") {
      yield* Console.error(`The selection job failed: ${job.errorMessage ?? job.errorTag ?? "unknown error"}`)
      process.exitCode = 1
    }
  }).pipe(Effect.scoped)
).pipe(Command.withDescription("Pick the best, most varied photos and videos of a folder (offline, no account needed)."))

interface JobOptions {
  readonly folder: string
  readonly out: string
  readonly targetCount: number
  readonly tripContext: string
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
  const { uploads, skipped } = yield* ingestFolder(opts.folder, sessionId, expiresAt)
  if (skipped.length > 0) yield* Console.log(`Skipped ${skipped.length} file(s) that are not photos or videos: ${skipped.join(", ")}`)
  if (uploads.length === 0) return yield* Effect.fail(new Error(`No photos or videos in ${opts.folder}`))
  yield* Console.log(`Curator: ${uploads.length} files from ${opts.folder}`)

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
  if (job.status !== "complete" || job.result === null) return job

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
  const written = yield* writeReport(opts.out, {
    title: `Curator selection — ${path.basename(opts.folder)}`,
    tripContext: opts.tripContext,
    generatedAt: new Date().toISOString(),
    result: job.result,
    items
  })
  yield* printSummary(job.result, items, written)
  return job
})
