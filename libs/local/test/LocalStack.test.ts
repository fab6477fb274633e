/**
 * The local stack end to end for enhancement: real fixture media in the blob
 * folder, the EnhancementPipeline run by the LocalOrchestrator with its Task
 * states bound to the real task programs (sharp/libheif, ffmpeg, the offline
 * PhotoEditor and VideoAnalyzer), records in the embedded dynalite.
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys, type EnhancementJobInput, enhancementExecutionName } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Orchestrator } from "@curator/orchestration"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalOrchestrator } from "../src/LocalOrchestrator.js"
import { LocalStack } from "../src/LocalStack.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dataDir: string
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-localstack-"))
})
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }))

const expiresAt = Math.floor(Date.now() / 1000) + 3600
const photoKey = BlobKeys.original("s1", "photo1", "jpg")
const videoKey = BlobKeys.original("s1", "video1", "mov")
const input: EnhancementJobInput = {
  sessionId: "s1",
  jobId: "enh-e2e",
  expiresAt,
  photos: [{ fileId: "photo1", key: photoKey, fileName: "DSCN0010.jpg", feedback: null, round: 0 }],
  videos: [{ fileId: "video1", key: videoKey, fileName: "with-gps.mov", feedback: null, round: 0 }]
}
const feedbackInput: EnhancementJobInput = {
  ...input,
  photos: [{ fileId: "photo1", key: photoKey, fileName: "DSCN0010.jpg", feedback: "brighter", round: 1 }],
  videos: []
}
const blobPath = (key: string) => path.join(dataDir, "blobs", "data", key)

describe("LocalStack enhancement", () => {
  // Real media on a 2-core machine shared with other suites: a longer budget than the preset's 60 s.
  it("enhances a JPEG photo and a MOV video in parallel, then a feedback round, with records and outputs", { timeout: 180_000 }, async () => {
    const out = await runWith(
      Effect.gen(function* () {
        const blobs = yield* BlobStore
        const sessions = yield* SessionStore
        const orchestrator = yield* Orchestrator
        const local = yield* LocalOrchestrator
        yield* blobs.putFile(photoKey, path.join(fixtures, "jpeg-nikon-coolpix-p6000-gps.jpg"), "image/jpeg")
        yield* blobs.putFile(videoKey, path.join(fixtures, "video-apple-iphone6-gps-rot90.mov"), "video/quicktime")
        yield* sessions.createEnhancementJob("s1", {
          jobId: input.jobId,
          selectionJobId: "sel1",
          items: [
            { fileId: "photo1", kind: "photo" },
            { fileId: "video1", kind: "video" }
          ],
          status: "running",
          photoCount: 1,
          videoCount: 1,
          startedAt: new Date().toISOString(),
          finishedAt: null,
          errorTag: null,
          errorMessage: null,
          expiresAt
        })
        yield* orchestrator.startEnhancement(input)
        const first = yield* local.awaitCompletion(input.jobId)
        const afterFirst = yield* sessions.listEnhancementItems("s1", input.jobId)
        yield* orchestrator.startEnhancement(feedbackInput)
        const feedback = yield* local.awaitCompletion(enhancementExecutionName(feedbackInput))
        return {
          first,
          feedback,
          afterFirst,
          items: yield* sessions.listEnhancementItems("s1", input.jobId),
          job: yield* sessions.getEnhancementJob("s1", input.jobId)
        }
      }),
      LocalStack.layer({ dataDir })
    )
    expect(out.first).toEqual({ status: "SUCCEEDED" })
    expect(out.feedback).toEqual({ status: "SUCCEEDED" })
    expect(out.job.status).toBe("complete")
    expect(out.afterFirst.map((r) => [r.fileId, r.kind, r.status, r.currentRound])).toEqual([
      ["photo1", "photo", "done", 0],
      ["video1", "video", "done", 0]
    ])
    const [photo, video] = out.items
    // Keys named by the real output (HEIC in -> .jpg is covered by apps/enhancement-worker's test).
    expect(photo?.rounds.map((r) => [r.round, r.feedback, r.outputKey])).toEqual([
      [0, null, "s1/enhanced/photo1.jpg"],
      [1, "brighter", "s1/enhanced/photo1.r1.jpg"]
    ])
    for (const key of ["s1/enhanced/photo1.jpg", "s1/enhanced/photo1.r1.jpg"]) {
      expect((await sharp(blobPath(key)).metadata()).format).toBe("jpeg")
    }
    expect(video?.rounds.map((r) => [r.outputKey, r.previewKey])).toEqual([["s1/enhanced/video1.mp4", "s1/enhanced/video1.preview.mp4"]])
    const format = JSON.parse(
      execFileSync("ffprobe", ["-v", "error", "-show_format", "-of", "json", blobPath("s1/enhanced/video1.mp4")], { encoding: "utf8" })
    ).format as { format_name: string }
    expect(format.format_name).toContain("mp4")
    expect((await fs.stat(blobPath("s1/enhanced/video1.preview.mp4"))).size).toBeGreaterThan(1000)
  })

  it("fails an enhancement job a stopped process left running when the stack starts again", async () => {
    const record = {
      jobId: "enh-left",
      selectionJobId: "sel-left",
      items: [{ fileId: "photo1", kind: "photo" as const }],
      status: "running" as const,
      photoCount: 1,
      videoCount: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      errorTag: null,
      errorMessage: null,
      expiresAt
    }
    await runWith(SessionStore.use((s) => s.createEnhancementJob("s1", record)), LocalStack.layer({ dataDir }))
    const after = await runWith(SessionStore.use((s) => s.getEnhancementJob("s1", "enh-left")), LocalStack.layer({ dataDir }))
    expect(after).toMatchObject({ status: "failed", errorTag: "JobInterruptedError" })
    expect(after.finishedAt).not.toBeNull()
  })
})
