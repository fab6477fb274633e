/**
 * The video worker's handler as Step Functions calls it, on the local stores
 * with real ffmpeg and the offline VideoAnalyzer.
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys } from "@curator/contracts"
import { VideoAnalyzer, type VideoEnhancementTaskServices } from "@curator/ai"
import { Media, VideoProbe } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dir: string
let runtime: ManagedRuntime.ManagedRuntime<VideoEnhancementTaskServices, unknown>
let handler: ReturnType<typeof makeHandler>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

const upload = async (fileName: string, fileId: string) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "e1", expiresAt, fileId, key, fileName, feedback: null, round: 0 }
}
/** ffprobe's streams of a stored blob (the folder store keeps `<root>/data/<key>`). */
const streams = (key: string): ReadonlyArray<{ codec_type: string; codec_name: string; width?: number; height?: number }> =>
  JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_streams", "-of", "json", path.join(dir, "blobs", "data", key)], { encoding: "utf8" })).streams
const thrown = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error)

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "video-worker-"))
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    SessionStoreLocal.layer({ dataDir: dir }),
    Media.layer,
    VideoAnalyzer.layerOffline
  )
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<VideoEnhancementTaskServices, unknown>
  handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<VideoEnhancementTaskServices>())))
})

afterAll(async () => {
  await runtime.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("video-worker handler", () => {
  it("enhances a MOV into an H.264/AAC MP4 and a preview, and records round 0", async () => {
    const event = await upload("video-apple-iphone6-gps-rot90.mov", "v1")
    expect(await handler(event)).toEqual({ fileId: "v1", round: 0, outputKey: "s1/enhanced/v1.mp4", previewKey: "s1/enhanced/v1.preview.mp4" })
    const codecs = streams("s1/enhanced/v1.mp4").map((st) => `${st.codec_type}:${st.codec_name}`)
    expect(codecs).toContain("video:h264")
    expect(codecs).toContain("audio:aac")
    const preview = await runtime.runPromise(BlobStore.use((b) => b.head("s1/enhanced/v1.preview.mp4")))
    expect(preview.bytes).toBeGreaterThan(1000)
    const record = await runtime.runPromise(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", "v1")))
    expect(record).toMatchObject({ kind: "video", status: "done", currentRound: 0 })
    expect(record?.rounds[0]?.previewKey).toBe("s1/enhanced/v1.preview.mp4")
    // Round 0's "before" clip: the preview's size and codecs (upright portrait, 480 px long edge).
    const shape = (key: string) => streams(key).map((st) => `${st.codec_type}:${st.codec_name}:${st.width ?? ""}x${st.height ?? ""}`).sort()
    expect(shape("s1/enhanced/v1.before.mp4")).toEqual(shape("s1/enhanced/v1.preview.mp4"))
    expect(shape("s1/enhanced/v1.before.mp4")).toEqual(["audio:aac:x", "video:h264:270x480"])
  }, 120_000)

  it("an under-exposed clip's before clip is darker than its round-0 preview", async () => {
    const dark = path.join(dir, "dark.mp4")
    execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=2", "-vf", "eq=brightness=-0.35:contrast=0.6",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dark])
    const key = BlobKeys.original("s1", "v3", "mp4")
    await runtime.runPromise(BlobStore.use((b) => b.putFile(key, dark, "video/mp4")))
    await handler({ sessionId: "s1", jobId: "e1", expiresAt, fileId: "v3", key, fileName: "dark.mp4", feedback: null, round: 0 })
    const yavg = (key: string) => runtime.runPromise(VideoProbe.use((p) => p.measureSignal(path.join(dir, "blobs", "data", key)))).then((a) => a.yavg)
    const [before, after] = [await yavg("s1/enhanced/v3.before.mp4"), await yavg("s1/enhanced/v3.preview.mp4")]
    expect(before).toBeLessThan(after - 10)
    expect(streams("s1/enhanced/v3.before.mp4").map((st) => `${st.codec_name}:${st.width}x${st.height}`)).toEqual(["h264:480x270"])
  }, 120_000)

  it("never writes a video into a photo's slot, and throws CorruptMediaError for a truncated video", async () => {
    await runtime.runPromise(SessionStore.use((s) => s.markEnhancementItemProcessing("s1", "e1", "p1", "photo", expiresAt)))
    expect((await thrown(handler(await upload("video-apple-iphone6-gps-rot90.mov", "p1"))))?.name).toBe("StoreConflictError")
    expect((await thrown(handler(await upload("truncated-iphone6-no-moov.mov", "v2"))))?.name).toBe("CorruptMediaError")
  })
})
