/**
 * The video worker's handler with the Gemini VideoAnalyzer, `@google/genai` pointed at the local
 * strict Gemini-protocol stand-in: round 0 encodes the H.264/AAC MP4 preview, uploads it through
 * the Files API (its codecs checked: ACTIVE) and sends its `fileData.fileUri` sampled above 1 fps;
 * the scripted JSON parameters are what VideoEnhancer applies (stored with the model's reason and
 * turn); a feedback round is a further turn and uploads the preview again; "undo" makes no call; a
 * preview the Files API reports FAILED keeps the offline rules for the round. Local stores, real ffmpeg.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { GeminiClient, geminiConfigFromEnv, VideoAnalyzerGemini, type VideoEnhancementTaskServices } from "@curator/ai"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { BlobKeys } from "@curator/contracts"
import { Media } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dir: string
let standIn: GeminiStandIn
let runtime: ManagedRuntime.ManagedRuntime<VideoEnhancementTaskServices, unknown>
let handler: ReturnType<typeof makeHandler>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

const event = async (fileName: string, fileId: string, round = 0, feedback: string | null = null) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  if (round === 0) await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "e1", expiresAt, fileId, key, fileName, feedback, round }
}
const item = (fileId: string) => runtime.runPromise(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", fileId)))
const answer = { brightness: 0.03, contrast: 1.1, saturation: 1.15, gamma: 1.1, warmth: 0.05, denoise: 2, stabilise: false, sharpen: 0.4, reason: "A little dim and flat." }

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "video-worker-gemini-"))
  standIn = await startGeminiStandIn()
  // Previews through the Files API (the fixture's is small enough to go inline otherwise).
  const gemini = { ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_INLINE_VIDEO_BYTES: "1000" })!, filePollMs: 20 }
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    SessionStoreLocal.layer({ dataDir: dir }),
    Media.layer,
    VideoAnalyzerGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))
  )
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<VideoEnhancementTaskServices, unknown>
  handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<VideoEnhancementTaskServices>())))
})

afterAll(async () => {
  await runtime.dispose()
  await standIn.close()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("video-worker handler with the Gemini VideoAnalyzer", () => {
  it("sends the MP4 preview by fileUri, applies the answer, continues the conversation on feedback, undoes without a call", async () => {
    const file = "video-apple-iphone6-gps-rot90.mov"
    standIn.script({ text: JSON.stringify(answer) })
    expect(await handler(await event(file, "v1"))).toEqual({ fileId: "v1", round: 0, outputKey: "s1/enhanced/v1.mp4", previewKey: "s1/enhanced/v1.preview.mp4" })
    const [uploaded] = [...standIn.files.values()]
    expect(uploaded).toMatchObject({ mimeType: "video/mp4", outcome: "ACTIVE" })
    // An ISO BMFF "ftyp" box: the uploaded bytes are the MP4 preview, not the original MOV (its brand is "qt  ").
    expect(Buffer.from(uploaded!.bytes.subarray(4, 8)).toString("latin1")).toBe("ftyp")
    expect(Buffer.from(uploaded!.bytes.subarray(8, 12)).toString("latin1")).not.toBe("qt  ")
    const body = standIn.generateRequests()[0]!.json as { contents: Array<{ parts: Array<{ fileData?: { fileUri: string; mimeType: string }; videoMetadata?: { fps: number } }> }>; generationConfig: Record<string, unknown> }
    expect(body.contents[0]!.parts[0]).toEqual({ fileData: { fileUri: uploaded!.uri, mimeType: "video/mp4" }, videoMetadata: { fps: 5 } })
    expect(standIn.rejections).toEqual([])
    expect(body.generationConfig["responseMimeType"]).toBe("application/json")
    const r0 = (await item("v1"))!.rounds[0]!
    expect(r0.params).toMatchObject({ brightness: 0.03, contrast: 1.1, saturation: 1.15, warmth: 0.05, toneMap: "none", gemini: { reason: "A little dim and flat.", requests: [] } })

    standIn.reset()
    standIn.script({ text: JSON.stringify({ ...answer, warmth: 0.15, reason: "Warmer." }) })
    await handler(await event(file, "v1", 1, "warmer"))
    const feedback = standIn.generateRequests()[0]!.json as { contents: Array<{ role: string }> }
    expect(feedback.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect((await item("v1"))!.rounds[1]!.params).toMatchObject({ warmth: 0.15, gemini: { requests: ["warmer"] } })

    standIn.reset()
    await handler(await event(file, "v1", 2, "undo"))
    expect(standIn.requests).toHaveLength(0)
    expect((await item("v1"))!.rounds[2]!.params).toEqual(r0.params)
  }, 240_000)
})
