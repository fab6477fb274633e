/**
 * The bundle handler as Step Functions calls it (DownloadPipeline's Map
 * iteration), on the local stores (folder blobs, embedded dynalite) with the
 * real ExifTool: an event -> the post's ZIP and its `done` record; a bad
 * event and a missing blob -> Errors named by the tag.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys, type DownloadPostRecord } from "@curator/contracts"
import { type BundleTaskServices, GpsStripper, Media } from "@curator/media"
import { BlobStore, PostStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeBundleHandler } from "../src/main.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
const expiresAt = Math.floor(Date.now() / 1000) + 3600
let dir: string
let runtime: ManagedRuntime.ManagedRuntime<BundleTaskServices, unknown>
let handler: ReturnType<typeof makeBundleHandler>
const thrown = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error)

/** A download job of session s1 with one post of the given fixtures (missing ones are not uploaded). */
const start = async (jobId: string, files: ReadonlyArray<{ readonly name: string; readonly upload: boolean }>) => {
  const entries = await Promise.all(
    files.map(async ({ name, upload }, i) => {
      const ext = path.extname(name).slice(1)
      const key = BlobKeys.original("s1", `${jobId}-f${i}`, ext)
      if (upload) await runtime.runPromise(BlobStore.use((b) => b.putFile(key, path.join(fixtures, name), "application/octet-stream")))
      return { fileId: `f${i}`, key, entryName: `0${i + 1}-${path.basename(name, `.${ext}`)}.${ext}`, kind: ext === "mov" ? "video" : "photo", bytes: 1000 } as const
    })
  )
  const post: DownloadPostRecord = { postId: "p1", index: 0, label: "Day one", status: "pending", entries, bundles: [], errorTag: null, errorMessage: null, expiresAt }
  await runtime.runPromise(
    PostStore.use((p) =>
      p.createDownloadJob("s1", {
        jobId, status: "running", keepGps: false, bundleBytes: 375 * 1024 * 1024, generation: 0, postRevisions: { p1: 0 },
        startedAt: new Date().toISOString(), finishedAt: null, errorTag: null, errorMessage: null, expiresAt
      }, [post])
    )
  )
  return { sessionId: "s1", jobId, expiresAt, keepGps: false, bundleBytes: 375 * 1024 * 1024, postId: "p1" }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "video-worker-bundle-"))
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    SessionStoreLocal.layer({ dataDir: dir }),
    GpsStripper.layer.pipe(Layer.provideMerge(Media.layer))
  )
  runtime = ManagedRuntime.make(layer) as ManagedRuntime.ManagedRuntime<BundleTaskServices, unknown>
  handler = makeBundleHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<BundleTaskServices>())))
}, 60_000)

afterAll(async () => {
  await runtime.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("video-worker bundle handler", () => {
  it("bundles a post: the ZIP in the blob store, the post record done with its bundles", async () => {
    const event = await start("d1", [{ name: "jpeg-nikon-coolpix-p6000-gps.jpg", upload: true }, { name: "video-apple-iphone6-gps-rot90.mov", upload: true }])
    const result = await handler(event)
    expect(result).toEqual({
      postId: "p1",
      bundles: [{ name: "01-day-one", bytes: expect.any(Number), entries: ["01-jpeg-nikon-coolpix-p6000-gps.jpg", "02-video-apple-iphone6-gps-rot90.mov"] }]
    })
    const head = await runtime.runPromise(BlobStore.use((b) => b.head(BlobKeys.bundle("s1", "d1", "01-day-one"))))
    expect(head).toEqual({ bytes: result.bundles[0]!.bytes, contentType: "application/zip" })
    expect(await runtime.runPromise(PostStore.use((p) => p.getDownloadPost("s1", "d1", "p1")))).toMatchObject({ status: "done", bundles: result.bundles })
  }, 120_000)

  it("throws InvalidInputError for a bad event and NotFoundError for a missing blob", async () => {
    expect((await thrown(handler({ sessionId: "s1" })))?.name).toBe("InvalidInputError")
    const event = await start("d2", [{ name: "jpeg-nikon-coolpix-p6000-gps.jpg", upload: false }])
    expect((await thrown(handler(event)))?.name).toBe("NotFoundError")
  }, 60_000)
})
