/**
 * The selection worker's handler as Step Functions calls it: item records and
 * thumbnails in the local stores, the offline SelectionModel, a raw event in,
 * counts out, and the job record completed with the result.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { SelectionModel } from "@curator/ai"
import { BlobKeys, type MediaItem } from "@curator/contracts"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/main.js"

type Services = BlobStore | SessionStore | SelectionModel
let dir: string
let runtime: ManagedRuntime.ManagedRuntime<Services, unknown>
const expiresAt = Math.floor(Date.now() / 1000) + 3600

/** A 400x300 JPEG: a colour field with a sharp-edged pattern (so it has detail), shifted by `dx`. */
const picture = (hue: string, dx: number) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="${hue}"/>${Array.from({ length: 12 }, (_, i) => `<rect x="${i * 33 + dx}" y="${(i * 37) % 200}" width="20" height="90" fill="#111"/>`).join("")}</svg>`)).jpeg().toBuffer()

const item = (fileId: string, local: string): MediaItem => ({
  fileId, key: BlobKeys.original("s1", fileId, "jpg"), fileName: `${fileId}.jpg`, kind: "photo", mime: "image/jpeg", bytes: 1000,
  width: 4000, height: 3000, captureTime: { local, offsetMinutes: 120, utc: null, source: "exif" }, gps: null, make: "Test", model: "Cam",
  orientation: 1, rotation: 0, durationSeconds: null, hasAudio: null, codec: "jpeg", contentHash: `hash-${fileId}`
})

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "selection-worker-"))
  runtime = ManagedRuntime.make(
    Layer.mergeAll(BlobStore.layerLocal({ root: path.join(dir, "blobs") }), SessionStoreLocal.layer({ dataDir: dir }), SelectionModel.layerOffline)
  ) as ManagedRuntime.ManagedRuntime<Services, unknown>
})

afterAll(async () => {
  await runtime.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("selection-worker handler", () => {
  it("selects over the done items, adds failed files as unprocessable and completes the job", async () => {
    const shots = [["a", "#c33", 0, "2025-06-14T09:00:00"], ["b", "#3c3", 0, "2025-06-14T14:00:00"], ["c", "#33c", 0, "2025-06-15T10:00:00"]] as const
    await runtime.runPromise(
      Effect.gen(function* () {
        const blobs = yield* BlobStore
        const sessions = yield* SessionStore
        yield* sessions.createSelectionJob("s1", {
          jobId: "j1", status: "running", fileCount: 4, tripContext: "", targetCount: 20, startedAt: "2025-06-16T00:00:00Z",
          finishedAt: null, errorTag: null, errorMessage: null, result: null, expiresAt
        })
        for (const [id, hue, dx, local] of shots) {
          yield* blobs.put(BlobKeys.thumbnail("s1", id), yield* Effect.promise(() => picture(hue, dx)), "image/jpeg")
          yield* sessions.putItemDone("s1", "j1", id, item(id, local), BlobKeys.thumbnail("s1", id), expiresAt)
        }
        yield* sessions.putItemFailed("s1", "j1", "d", "CorruptMediaError", "JPEG data ends early: the file is truncated", expiresAt)
      })
    )
    const handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<Services>())))
    const result = await handler({ sessionId: "s1", jobId: "j1", expiresAt, tripContext: "", targetCount: 20 })
    expect(result).toEqual({ jobId: "j1", selectedCount: 3, excludedCount: 0, failedCount: 1, sceneGroupCount: 3 })
    const job = await runtime.runPromise(SessionStore.use((s) => s.getSelectionJob("s1", "j1")))
    expect(job.status).toBe("complete")
    expect(job.result?.selected.map((s) => s.fileId).sort()).toEqual(["a", "b", "c"])
    expect(job.result?.excluded).toEqual([
      { fileId: "d", category: "unprocessable", duplicateOf: null, reason: "JPEG data ends early: the file is truncated (CorruptMediaError)" }
    ])
  })

  it("throws InvalidInputError for an event that fails its Schema", async () => {
    const handler = makeHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<Services>())))
    const error = await handler({ jobId: 3 }).then(() => null, (e: unknown) => e)
    expect((error as Error).name).toBe("InvalidInputError")
  })
})
