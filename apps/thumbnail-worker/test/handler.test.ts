/**
 * The thumbnail worker's handler as Step Functions calls it: a raw JSON event
 * in, a JSON result out, or a thrown Error whose `name` is the error tag.
 * Runs on the local stores (folder + dynalite) with real media code.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys, VIDEO_FRAME_COUNT } from "@curator/contracts"
import { Media, type ThumbnailTaskServices } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dir: string
let runtime: ManagedRuntime.ManagedRuntime<ThumbnailTaskServices, unknown>
let handler: ReturnType<typeof makeHandler>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

const upload = async (fileName: string, fileId: string) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "j1", expiresAt, fileId, key, fileName }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "thumbnail-worker-"))
  const layer = Layer.mergeAll(BlobStore.layerLocal({ root: path.join(dir, "blobs") }), SessionStoreLocal.layer({ dataDir: dir }), Media.layer)
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<ThumbnailTaskServices, unknown>
  handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<ThumbnailTaskServices>())))
})

afterAll(async () => {
  await runtime.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("thumbnail-worker handler", () => {
  it("validates a JPEG, stores an upright 400 px thumbnail and records the item as done", async () => {
    const event = await upload("jpeg-samsung-sm-j327t1-orient6.jpg", "f1")
    const result = await handler(event)
    expect(result).toEqual({ fileId: "f1", thumbnailKey: "s1/thumb/f1.jpg" })
    const thumb = await runtime.runPromise(BlobStore.use((b) => b.get("s1/thumb/f1.jpg")))
    const meta = await sharp(thumb).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 300, 400])
    const [record] = await runtime.runPromise(SessionStore.use((s) => s.listSelectionItems("s1", "j1")))
    expect(record?.status).toBe("done")
    expect(record?.item?.make).toMatch(/samsung/i)
    expect(record?.item?.orientation).toBe(6)
  })

  it("stores sampled frames for a video, with its GPS on the record", async () => {
    const event = await upload("video-apple-iphone6-gps-rot90.mov", "f2")
    await handler(event)
    for (let i = 0; i < VIDEO_FRAME_COUNT; i++) {
      const info = await runtime.runPromise(BlobStore.use((b) => b.head(BlobKeys.frame("s1", "f2", i))))
      expect(info.bytes).toBeGreaterThan(1000)
    }
    const records = await runtime.runPromise(SessionStore.use((s) => s.listSelectionItems("s1", "j1")))
    const item = records.find((r) => r.fileId === "f2")?.item
    expect(item?.gps?.lat).toBeCloseTo(32.0929, 3)
    expect(item?.rotation).toBe(90)
  })

  it("throws an Error named CorruptMediaError for a truncated file (Step Functions matches the name)", async () => {
    const event = await upload("truncated-nikon-p6000-half.jpg", "f3")
    const error = await handler(event).then(() => null, (e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).name).toBe("CorruptMediaError")
    expect((error as Error).message).toMatch(/truncated/)
  })

  it("throws InvalidInputError for an event that fails its Schema", async () => {
    const error = await handler({ sessionId: "s1" }).then(() => null, (e: unknown) => e)
    expect((error as Error).name).toBe("InvalidInputError")
  })
})
