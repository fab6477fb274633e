/**
 * The enhancement worker's handler as Step Functions calls it: a raw JSON
 * event in, a JSON result out, or a thrown Error whose `name` is the error
 * tag. Runs on the local stores (folder + dynalite) with real sharp/libheif
 * and the offline PhotoEditor.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys, PhotoAdjustments } from "@curator/contracts"
import { PhotoEditor, type PhotoEnhancementTaskServices } from "@curator/ai"
import { Media } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dir: string
let runtime: ManagedRuntime.ManagedRuntime<PhotoEnhancementTaskServices, unknown>
let handler: ReturnType<typeof makeHandler>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

const upload = async (fileName: string, fileId: string, round = 0, feedback: string | null = null) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "e1", expiresAt, fileId, key, fileName, feedback, round }
}
const item = (fileId: string) => runtime.runPromise(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", fileId)))
const meanLuma = async (key: string) => {
  const bytes = await runtime.runPromise(BlobStore.use((b) => b.get(key)))
  const { channels } = await sharp(bytes).resize(256).grayscale().stats()
  return channels[0]?.mean ?? Number.NaN
}
/** A stored blob's file in the folder store (`<root>/data/<key>`). */
const blobFile = (key: string) => path.join(dir, "blobs", "data", key)
const metaOf = async (key: string) => sharp(await runtime.runPromise(BlobStore.use((b) => b.get(key)))).metadata()
const thrown = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error)

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "enhancement-worker-"))
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    SessionStoreLocal.layer({ dataDir: dir }),
    Media.layer,
    PhotoEditor.layerOffline
  )
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<PhotoEnhancementTaskServices, unknown>
  handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<PhotoEnhancementTaskServices>())))
})

afterAll(async () => {
  await runtime.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("enhancement-worker handler", () => {
  it("enhances a HEIC at full resolution into a JPEG stored under .jpg, and records round 0", async () => {
    const event = await upload("heic-apple-iphone7-gps.heic", "h1")
    expect(await handler(event)).toEqual({ fileId: "h1", round: 0, outputKey: "s1/enhanced/h1.jpg" })
    const out = await runtime.runPromise(BlobStore.use((b) => b.get("s1/enhanced/h1.jpg")))
    const meta = await sharp(out).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 4032, 3024])
    const record = await item("h1")
    expect(record).toMatchObject({ kind: "photo", status: "done", currentRound: 0 })
    expect(Schema.is(PhotoAdjustments)(record?.rounds[0]?.params)).toBe(true)
    // The comparison's pair: the round's display preview and the unadjusted "before", same size and format.
    expect(record?.rounds[0]?.previewKey).toBe("s1/enhanced/h1.preview.jpg")
    for (const key of ["s1/enhanced/h1.preview.jpg", "s1/enhanced/h1.before.jpg"]) {
      const preview = await metaOf(key)
      expect([preview.format, preview.width, preview.height]).toEqual(["jpeg", 2048, 1536])
    }
  })

  it("an under-exposed photo's before preview is darker than its round-0 preview; later rounds add previews, not befores", async () => {
    const dark = path.join(dir, "dark.jpg")
    await sharp(path.join(fixtures, "jpeg-canon-eos-5d-12mp.jpg")).linear(0.3, 0).jpeg({ quality: 92 }).toFile(dark)
    const key = BlobKeys.original("s1", "d1", "jpg")
    await runtime.runPromise(BlobStore.use((b) => b.putFile(key, dark, "image/jpeg")))
    const event = { sessionId: "s1", jobId: "e1", expiresAt, fileId: "d1", key, fileName: "dark.jpg", feedback: null, round: 0 }
    await handler(event)
    const [before, after] = ["s1/enhanced/d1.before.jpg", "s1/enhanced/d1.preview.jpg"]
    expect([(await metaOf(before)).width, (await metaOf(before)).height]).toEqual([1365, 2048])
    expect([(await metaOf(after)).width, (await metaOf(after)).height]).toEqual([1365, 2048])
    expect(await meanLuma(before)).toBeLessThan((await meanLuma(after)) - 20)
    const beforeWritten = (await fs.stat(blobFile(before))).mtimeMs
    await handler({ ...event, round: 1, feedback: "brighter" })
    expect((await item("d1"))?.rounds.map((r) => r.previewKey)).toEqual([after, "s1/enhanced/d1.r1.preview.jpg"])
    expect(await meanLuma("s1/enhanced/d1.r1.preview.jpg")).toBeGreaterThan(await meanLuma(after))
    expect((await fs.stat(blobFile(before))).mtimeMs).toBe(beforeWritten)
  }, 60_000)

  it("a retried round is not appended twice; feedback moves the picture; undo restores the previous round's parameters", async () => {
    const first = await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "p1")
    await handler(first)
    const written = await Promise.all(["p1.jpg", "p1.preview.jpg", "p1.before.jpg"].map(async (name) => (await fs.stat(blobFile(`s1/enhanced/${name}`))).mtimeMs))
    await handler(first) // a retry after success: same result, no second round, no blob written again
    expect((await item("p1"))?.rounds).toHaveLength(1)
    expect(await Promise.all(["p1.jpg", "p1.preview.jpg", "p1.before.jpg"].map(async (name) => (await fs.stat(blobFile(`s1/enhanced/${name}`))).mtimeMs))).toEqual(written)
    expect(await handler({ ...first, round: 1, feedback: "brighter" })).toEqual({ fileId: "p1", round: 1, outputKey: "s1/enhanced/p1.r1.jpg" })
    expect(await meanLuma("s1/enhanced/p1.r1.jpg")).toBeGreaterThan(await meanLuma("s1/enhanced/p1.jpg"))
    await handler({ ...first, round: 2, feedback: "undo" })
    const record = await item("p1")
    expect(record?.rounds.map((r) => [r.round, r.feedback])).toEqual([[0, null], [1, "brighter"], [2, "undo"]])
    expect(record?.rounds[2]?.params).toEqual(record?.rounds[0]?.params)
    expect(record?.currentRound).toBe(2)
  })

  it("refuses a stale round with StoreConflictError and keeps the history", async () => {
    const event = await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "p2")
    await handler(event)
    const error = await thrown(handler({ ...event, round: 3, feedback: "warmer" }))
    expect(error?.name).toBe("StoreConflictError")
    expect((await item("p2"))?.rounds).toHaveLength(1)
  })

  it("throws CorruptMediaError for a truncated photo and InvalidInputError for a bad event", async () => {
    const error = await thrown(handler(await upload("truncated-nikon-p6000-half.jpg", "p3")))
    expect(error).toBeInstanceOf(Error)
    expect(error?.name).toBe("CorruptMediaError")
    expect((await thrown(handler({ sessionId: "s1" })))?.name).toBe("InvalidInputError")
  })
})
