/**
 * The local stack end to end for issue 7's state machines: the
 * DownloadPipeline and the CaptionPipeline run by the LocalOrchestrator with
 * their Task states bound to the real task programs (`bundleTask` with the
 * ExifTool GpsStripper; `captionTask` with the offline Captioner), records in
 * the embedded dynalite PostStore, blobs in the folder store; and start-up
 * reconciliation of caption and download jobs a stopped process left running.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import {
  BlobKeys,
  type CaptionJobInput,
  type CaptionJobRecord,
  captionExecutionName,
  type DownloadJobInput,
  type DownloadJobRecord,
  type DownloadPostRecord,
  type ExportEntry
} from "@curator/contracts"
import { startGeminiStandIn } from "@curator/ai/gemini-testing"
import { runWith } from "@curator/contracts/testing"
import { CaptionStates, Orchestrator, taskErrorMessage } from "@curator/orchestration"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import yauzl from "yauzl"
import { LocalOrchestrator } from "../src/LocalOrchestrator.js"
import { geminiConfigFromEnv, LocalStack } from "../src/index.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dataDir: string
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-localstack-posts-"))
})
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }))

const SESSION = "s1"
const expiresAt = Math.floor(Date.now() / 1000) + 3600
const blobPath = (key: string) => path.join(dataDir, "blobs", "data", key)

/** The entry names of a ZIP file, in central-directory order, with their sizes and compression methods. */
const zipEntries = (file: string): Promise<ReadonlyArray<{ name: string; size: number; method: number }>> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: false, autoClose: true }, (error, zip) => {
      if (error !== null || zip === undefined) return reject(error)
      const out: Array<{ name: string; size: number; method: number }> = []
      zip.on("error", reject)
      zip.on("entry", (entry: yauzl.Entry) => out.push({ name: entry.fileName, size: entry.uncompressedSize, method: entry.compressionMethod }))
      zip.on("end", () => resolve(out))
    })
  })

describe("LocalStack download", () => {
  const jobId = "dljob"
  const files = {
    photoA: { fixture: "jpeg-nikon-coolpix-p6000-gps.jpg", key: BlobKeys.original(SESSION, "fa", "jpg"), kind: "photo" as const },
    videoA: { fixture: "video-apple-iphone6-gps-rot90.mov", key: BlobKeys.original(SESSION, "fb", "mov"), kind: "video" as const },
    photoB: { fixture: "jpeg-apple-iphone5-gps-orient3.jpg", key: BlobKeys.original(SESSION, "fc", "jpg"), kind: "photo" as const }
  }
  const entry = async (fileId: string, file: (typeof files)[keyof typeof files], entryName: string): Promise<ExportEntry> => ({
    fileId,
    key: file.key,
    entryName,
    kind: file.kind,
    bytes: (await fs.stat(path.join(fixtures, file.fixture))).size
  })
  const post = (postId: string, index: number, label: string, entries: ReadonlyArray<ExportEntry>): DownloadPostRecord => ({
    postId,
    index,
    label,
    status: "pending",
    entries,
    bundles: [],
    errorTag: null,
    errorMessage: null,
    expiresAt
  })

  it("bundles two posts into one ZIP each, entries in carousel order, records a post whose blob is gone failed, job complete", { timeout: 180_000 }, async () => {
    const posts = [
      post("pa", 0, "Lisbon, old town", [await entry("fb", files.videoA, "01-IMG_0001.mov"), await entry("fa", files.photoA, "02-DSCN0010.jpg")]),
      post("pb", 1, "", [await entry("fc", files.photoB, "01-IMG_0002.jpg")]),
      post("pc", 2, "gone", [{ fileId: "fd", key: BlobKeys.original(SESSION, "fd", "jpg"), entryName: "01-gone.jpg", kind: "photo", bytes: 1000 }])
    ]
    const job: DownloadJobRecord = {
      jobId,
      status: "running",
      keepGps: false,
      bundleBytes: 375 * 1024 * 1024,
      generation: 0,
      postRevisions: { pa: 0, pb: 0, pc: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      errorTag: null,
      errorMessage: null,
      expiresAt
    }
    const input: DownloadJobInput = { sessionId: SESSION, jobId, expiresAt, keepGps: false, bundleBytes: job.bundleBytes, posts: [{ postId: "pa" }, { postId: "pb" }, { postId: "pc" }] }
    const out = await runWith(
      Effect.gen(function* () {
        const blobs = yield* BlobStore
        const store = yield* PostStore
        for (const file of Object.values(files)) yield* blobs.putFile(file.key, path.join(fixtures, file.fixture), "application/octet-stream")
        yield* store.createDownloadJob(SESSION, job, posts)
        yield* Orchestrator.use((o) => o.startDownload(input))
        const outcome = yield* LocalOrchestrator.use((o) => o.awaitCompletion(jobId))
        return { outcome, job: yield* store.getDownloadJob(SESSION, jobId), posts: yield* store.listDownloadPosts(SESSION, jobId) }
      }),
      LocalStack.layer({ dataDir })
    )
    expect(out.outcome).toEqual({ status: "SUCCEEDED" })
    expect(out.job.status).toBe("complete")
    expect(out.job.finishedAt).not.toBeNull()
    expect(out.posts.map((p) => [p.postId, p.status, p.bundles.map((b) => [b.name, b.entries])])).toEqual([
      ["pa", "done", [["01-lisbon-old-town", ["01-IMG_0001.mov", "02-DSCN0010.jpg"]]]],
      ["pb", "done", [["02-post", ["01-IMG_0002.jpg"]]]],
      ["pc", "failed", []]
    ])
    // Written by the state machine's Catch (DynamoDB integration), read back through the PostStore's Schema.
    expect(out.posts[2]).toMatchObject({ errorTag: "NotFoundError", entries: posts[2]!.entries })
    expect(taskErrorMessage(out.posts[2]!.errorMessage ?? "")).toBe("blob not found: s1/original/fd.jpg")
    for (const p of out.posts) {
      for (const bundle of p.bundles) {
        const file = blobPath(BlobKeys.bundle(SESSION, jobId, bundle.name))
        expect((await fs.stat(file)).size).toBe(bundle.bytes)
        const entries = await zipEntries(file)
        expect(entries.map((e) => e.name)).toEqual(bundle.entries)
        // Stored, not deflated (media is already compressed); GPS stripping only ever removes bytes.
        for (const [i, e] of entries.entries()) {
          expect(e.method).toBe(0)
          expect(e.size).toBeGreaterThan(0)
          expect(e.size).toBeLessThanOrEqual(p.entries[i]!.bytes)
        }
      }
    }
  })
})

describe("LocalStack captions", () => {
  const now = new Date().toISOString()
  const captionJob = (jobId: string, postId: string): CaptionJobRecord => ({
    jobId,
    postId,
    status: "running",
    rounds: [],
    pendingFeedback: null,
    acceptedRound: null,
    execution: jobId,
    startedAt: now,
    finishedAt: null,
    errorTag: null,
    errorMessage: null,
    expiresAt
  })
  const input = (jobId: string, postId: string, round: number, feedback: string | null): CaptionJobInput => ({
    sessionId: "s2",
    jobId,
    postId,
    round,
    feedback,
    expiresAt
  })

  it("writes round 0 with the offline Captioner, then a feedback round; a failing round is recorded on the job", { timeout: 120_000 }, async () => {
    const out = await runWith(
      Effect.gen(function* () {
        const sessions = yield* SessionStore
        const posts = yield* PostStore
        const orchestrator = yield* Orchestrator
        const local = yield* LocalOrchestrator
        yield* sessions.createSession({ sessionId: "s2", createdAt: now, expiresAt, generation: 0, tripContext: "A weekend in Lisbon" })
        yield* posts.putPost("s2", { postId: "p1", index: 0, label: "Lisbon weekend", fileIds: [], revision: 0, createdAt: now, updatedAt: now, expiresAt }, null)
        yield* posts.createCaptionJob("s2", captionJob("cap1", "p1"))
        yield* orchestrator.startCaption(input("cap1", "p1", 0, null))
        const first = yield* local.awaitCompletion("cap1")
        const afterFirst = yield* posts.getCaptionJob("s2", "cap1")
        const feedback = input("cap1", "p1", 1, "shorter")
        yield* posts.beginCaptionRound("s2", "cap1", { expectedRounds: 1, feedback: "shorter", execution: captionExecutionName(feedback), startedAt: now })
        yield* orchestrator.startCaption(feedback)
        const second = yield* local.awaitCompletion("cap1-r1")
        // A job whose post does not exist: the task fails with NotFoundError (terminal), the Catch records it.
        yield* posts.createCaptionJob("s2", captionJob("cap2", "no-such-post"))
        yield* orchestrator.startCaption(input("cap2", "no-such-post", 0, null))
        const failed = yield* local.awaitCompletion("cap2")
        return { first, afterFirst, second, failed, job: yield* posts.getCaptionJob("s2", "cap1"), failedJob: yield* posts.getCaptionJob("s2", "cap2") }
      }),
      LocalStack.layer({ dataDir })
    )
    expect(out.first).toEqual({ status: "SUCCEEDED" })
    expect(out.afterFirst).toMatchObject({ status: "complete", pendingFeedback: null })
    expect(out.afterFirst.rounds.map((r) => [r.round, r.source, r.feedback, r.model])).toEqual([[0, "generated", null, "offline"]])
    expect(out.afterFirst.rounds[0]!.draft.caption).toContain("Lisbon weekend")
    expect(out.second).toEqual({ status: "SUCCEEDED" })
    expect(out.job).toMatchObject({ status: "complete", pendingFeedback: null, execution: "cap1-r1" })
    expect(out.job.rounds.map((r) => [r.round, r.feedback])).toEqual([
      [0, null],
      [1, "shorter"]
    ])
    expect(out.failed).toMatchObject({ status: "FAILED", error: "NotFoundError" })
    // Written by the state machine's Catch (DynamoDB integration), read back through the PostStore's Schema.
    expect(out.failedJob).toMatchObject({ status: "failed", errorTag: "NotFoundError", pendingFeedback: null, rounds: [] })
    expect(out.failedJob.finishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    expect(taskErrorMessage(out.failedJob.errorMessage ?? "")).toMatch(/^post not found: .*no-such-post/)
  })
})

describe("LocalStack captions with Gemini", () => {
  it("uses the Gemini Captioner when `gemini` is given; a 429 is retried by the state machine", { timeout: 120_000 }, async () => {
    const standIn = await startGeminiStandIn()
    try {
      standIn.script({ status: 429, message: "quota" }, { text: JSON.stringify({ caption: "Trams and tiles.", hashtags: ["Lisbon", "#Trams"], locationTag: "Lisbon, Portugal" }) })
      const now = new Date().toISOString()
      const job = await runWith(
        Effect.gen(function* () {
          const sessions = yield* SessionStore
          const posts = yield* PostStore
          yield* sessions.createSession({ sessionId: "s3", createdAt: now, expiresAt, generation: 0, tripContext: "Lisbon" })
          yield* posts.putPost("s3", { postId: "p1", index: 0, label: "Trams", fileIds: [], revision: 0, createdAt: now, updatedAt: now, expiresAt }, null)
          yield* posts.createCaptionJob("s3", {
            jobId: "capg",
            postId: "p1",
            status: "running",
            rounds: [],
            pendingFeedback: null,
            acceptedRound: null,
            execution: "capg",
            startedAt: now,
            finishedAt: null,
            errorTag: null,
            errorMessage: null,
            expiresAt
          })
          yield* Orchestrator.use((o) => o.startCaption({ sessionId: "s3", jobId: "capg", postId: "p1", round: 0, feedback: null, expiresAt }))
          expect(yield* LocalOrchestrator.use((o) => o.awaitCompletion("capg"))).toEqual({ status: "SUCCEEDED" })
          return yield* posts.getCaptionJob("s3", "capg")
        }),
        LocalStack.layer({
          dataDir,
          gemini: geminiConfigFromEnv({ GEMINI_API_KEY: "test-key", CURATOR_GEMINI_BASE_URL: standIn.baseUrl }),
          retryIntervalOverrides: { [CaptionStates.writeCaption]: 0 }
        })
      )
      expect(standIn.generateRequests()).toHaveLength(2)
      expect(job.status).toBe("complete")
      expect(job.rounds[0]).toMatchObject({ model: expect.stringMatching(/^gemini-/), draft: { caption: "Trams and tiles.", hashtags: ["Lisbon", "Trams"], locationTag: "Lisbon, Portugal" } })
    } finally {
      await standIn.close()
    }
  })
})

describe("LocalStack start-up reconciliation of issue 7's jobs", () => {
  it("fails caption and download jobs a stopped process left running", { timeout: 60_000 }, async () => {
    const now = new Date().toISOString()
    await runWith(
      PostStore.use((store) =>
        Effect.gen(function* () {
          yield* store.createCaptionJob(SESSION, {
            jobId: "capleft",
            postId: "pa",
            status: "running",
            rounds: [],
            pendingFeedback: null,
            acceptedRound: null,
            execution: "capleft",
            startedAt: now,
            finishedAt: null,
            errorTag: null,
            errorMessage: null,
            expiresAt
          })
          yield* store.createDownloadJob(
            SESSION,
            {
              jobId: "dlleft",
              status: "running",
              keepGps: true,
              bundleBytes: 1024 * 1024,
              generation: 0,
              postRevisions: {},
              startedAt: now,
              finishedAt: null,
              errorTag: null,
              errorMessage: null,
              expiresAt
            },
            []
          )
        })
      ),
      LocalStack.layer({ dataDir })
    )
    const after = await runWith(
      PostStore.use((store) => Effect.all([store.getCaptionJob(SESSION, "capleft"), store.getDownloadJob(SESSION, "dlleft")])),
      LocalStack.layer({ dataDir })
    )
    for (const job of after) {
      expect(job).toMatchObject({ status: "failed", errorTag: "JobInterruptedError" })
      expect(job.finishedAt).not.toBeNull()
    }
  })
})
