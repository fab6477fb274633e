/**
 * The enhancement worker's handler with the Gemini PhotoEditor, `@google/genai` pointed at the
 * local Gemini-protocol stand-in (scripted: a deterministic warm edit, a review score): round 0
 * edits, reviews and renders the ~1 MP answer at full resolution by the LUT (decision 0006); a
 * feedback round continues the conversation with the stored model turn (thought signatures kept:
 * the strict stand-in answers 400 without them); "undo" restores round 0 without a model call; a
 * refusal fails the item with AiRefusedError; an answer without an image (NO_IMAGE) keeps the
 * offline edit. Local stores, real sharp.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { GeminiClient, geminiConfigFromEnv, GeminiPhotoEdit, PhotoEditorGemini, type PhotoEnhancementTaskServices } from "@curator/ai"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { BlobKeys } from "@curator/contracts"
import { Media } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dir: string
let standIn: GeminiStandIn
let runtime: ManagedRuntime.ManagedRuntime<PhotoEnhancementTaskServices, unknown>
let handler: ReturnType<typeof makeHandler>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

const upload = async (fileName: string, fileId: string, round = 0, feedback: string | null = null) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  if (round === 0) await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "e1", expiresAt, fileId, key, fileName, feedback, round }
}
const item = (fileId: string) => runtime.runPromise(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", fileId)))
const blob = (key: string) => runtime.runPromise(BlobStore.use((b) => b.get(key)))
/** Mean R minus mean B of a downscaled copy. */
const warmth = async (bytes: Uint8Array) => {
  const { channels } = await sharp(bytes).resize(256).stats()
  return channels[0]!.mean - channels[2]!.mean
}
/** Variance of the Laplacian of luma (detail), on a centre crop of 512 px at full resolution. */
const detail = async (bytes: Uint8Array) => {
  const image = sharp(bytes).autoOrient()
  const m = await sharp(bytes).autoOrient().toBuffer({ resolveWithObject: true })
  const crop = { left: Math.floor(m.info.width / 2) - 256, top: Math.floor(m.info.height / 2) - 256, width: 512, height: 512 }
  const { data } = await image.extract(crop).grayscale().convolve({ width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], offset: 128 }).raw().toBuffer({ resolveWithObject: true })
  let sum = 0
  let sum2 = 0
  for (const v of data) {
    sum += v
    sum2 += v * v
  }
  return sum2 / data.length - (sum / data.length) ** 2
}
const thrown = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error)
const review = (score: number) => ({ text: JSON.stringify({ overallAssessment: "Natural and balanced.", remainingImprovements: [], professionalScore: score }) })

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "enhancement-worker-gemini-"))
  standIn = await startGeminiStandIn()
  const gemini = geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })!
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    SessionStoreLocal.layer({ dataDir: dir }),
    Media.layer,
    PhotoEditorGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))
  )
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<PhotoEnhancementTaskServices, unknown>
  handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<PhotoEnhancementTaskServices>())))
})

afterAll(async () => {
  await runtime.dispose()
  await standIn.close()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("enhancement-worker handler with the Gemini PhotoEditor", () => {
  it("round 0: edit + review, full resolution by LUT with the original's detail; feedback continues the conversation; undo makes no call", async () => {
    const file = "jpeg-canon-eos-5d-12mp.jpg"
    standIn.script({ image: {} }, review(9))
    expect(await handler(await upload(file, "c1"))).toEqual({ fileId: "c1", round: 0, outputKey: "s1/enhanced/c1.jpg" })
    const original = new Uint8Array(await fs.readFile(path.join(fixtures, file)))
    const out0 = await blob("s1/enhanced/c1.jpg")
    const meta = await sharp(out0).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2912, 4368])
    expect(meta.exif).toBeDefined()
    expect(await warmth(out0)).toBeGreaterThan((await warmth(original)) + 5)
    // Full-resolution detail survives (an upscaled ~1 MP answer would keep a fraction of it).
    expect(await detail(out0)).toBeGreaterThan(0.7 * (await detail(original)))
    const r0 = (await item("c1"))!.rounds[0]!
    const params0 = Schema.decodeUnknownSync(GeminiPhotoEdit)(r0.params)
    expect(params0).toMatchObject({ editor: "gemini", transfer: "lut", passes: 1, answerKey: "s1/enhanced/c1.gemini.png", turnKey: "s1/enhanced/c1.gemini.json", review: { professionalScore: 9 } })
    expect(params0.lutFitError).toBeLessThan(3)
    expect((await sharp(await blob(params0.answerKey)).metadata()).width).toBe(832) // 2:3 at 1K: 832 x 1248

    standIn.reset()
    standIn.script({ image: {} })
    expect(await handler(await upload(file, "c1", 1, "warmer"))).toEqual({ fileId: "c1", round: 1, outputKey: "s1/enhanced/c1.r1.jpg" })
    const [feedbackRequest] = standIn.generateRequests()
    const contents = (feedbackRequest!.json as { contents: Array<{ role: string; parts: Array<{ inlineData?: { data: string }; thoughtSignature?: string }> }> }).contents
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    // The stored model turn, verbatim: its final image (the stored answer) with its thought signature.
    expect(contents[1]).toEqual(JSON.parse(new TextDecoder().decode(await blob(params0.turnKey!))))
    expect(contents[1]!.parts.at(-1)).toMatchObject({ inlineData: { data: Buffer.from(await blob(params0.answerKey)).toString("base64") }, thoughtSignature: expect.any(String) })
    expect(standIn.rejections).toEqual([])
    const out1 = await blob("s1/enhanced/c1.r1.jpg")
    expect(await warmth(out1)).toBeGreaterThan((await warmth(out0)) + 5)
    expect(Schema.decodeUnknownSync(GeminiPhotoEdit)((await item("c1"))!.rounds[1]!.params).requests).toEqual(["warmer"])

    standIn.reset()
    expect(await handler(await upload(file, "c1", 2, "undo"))).toEqual({ fileId: "c1", round: 2, outputKey: "s1/enhanced/c1.r2.jpg" })
    expect(standIn.generateRequests()).toHaveLength(0)
    expect((await item("c1"))!.rounds[2]!.params).toEqual(r0.params)
    expect(Math.abs((await warmth(await blob("s1/enhanced/c1.r2.jpg"))) - (await warmth(out0)))).toBeLessThan(0.5)
  }, 180_000)

  it("an image model that makes no image (NO_IMAGE) keeps the offline edit for the round", async () => {
    standIn.reset()
    standIn.script({ finishReason: "NO_IMAGE", noContent: true })
    expect(await handler(await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "n2"))).toEqual({ fileId: "n2", round: 0, outputKey: "s1/enhanced/n2.jpg" })
    const params = (await item("n2"))!.rounds[0]!.params as Record<string, unknown>
    expect("editor" in params).toBe(false)
    expect(params).toHaveProperty("gamma")
    expect(standIn.generateRequests()).toHaveLength(1)
  }, 60_000)

  it("a refusal fails the item with AiRefusedError (terminal)", async () => {
    standIn.reset()
    standIn.script({ blockReason: "SAFETY" })
    const error = await thrown(handler(await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "n1")))
    expect(error?.name).toBe("AiRefusedError")
  }, 60_000)
})
