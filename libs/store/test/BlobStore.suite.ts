/**
 * THE BlobStore behaviour suite (STYLE.md §7): one set of behaviours, run
 * against every layer: the local folder (test/BlobStore.test.ts) and the S3
 * layer on s3rver (test/aws/S3BlobStore.test.ts).
 */
import { randomBytes } from "node:crypto"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Effect, type Layer, Schema, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { BlobStore } from "../src/index.js"

/** One fresh, empty storage (a folder, a bucket); `layer()` twice over it models a restart. */
export interface BlobStorage {
  readonly layer: () => Layer.Layer<BlobStore, unknown>
  readonly dispose: () => Promise<void>
}

const tagOf = (error: unknown) => (typeof error === "object" && error !== null && "_tag" in error ? error._tag : error)

const bytes = (text: string) => new TextEncoder().encode(text)

/** Runs the suite against the storage `fresh` creates (one per test). */
export const blobStoreSuite = (name: string, fresh: () => Promise<BlobStorage>) =>
  describe(`BlobStore behaviour: ${name}`, () => {
    const withStore = async <A>(body: (store: BlobStore["Service"], storage: BlobStorage) => Effect.Effect<A, unknown>) => {
      const storage = await fresh()
      try {
        return await runWith(BlobStore.use((store) => body(store, storage)), storage.layer())
      } finally {
        await storage.dispose()
      }
    }

    it("round-trips bytes and content type through put, get and head", async () => {
      const body = randomBytes(4096)
      const [got, info] = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.put("s1/thumb/f1.jpg", body, "image/jpeg")
          return [yield* store.get("s1/thumb/f1.jpg"), yield* store.head("s1/thumb/f1.jpg")] as const
        })
      )
      expect(Buffer.from(got).equals(body)).toBe(true)
      expect(info).toEqual({ bytes: 4096, contentType: "image/jpeg" })
    })

    it("streams a blob in with putStream and out with getStream, whole and by byte range", async () => {
      const body = randomBytes(200_000)
      const chunks = [body.subarray(0, 65_536), body.subarray(65_536, 130_000), body.subarray(130_000)]
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const written = yield* store.putStream("s1/original/f1.mov", Stream.fromIterable(chunks), "video/quicktime")
          const collect = (range?: { start: number; end: number }) =>
            store.getStream("s1/original/f1.mov", range).pipe(
              Effect.flatMap((stream) => Stream.runCollect(stream)),
              Effect.map((parts) => Buffer.concat([...parts]))
            )
          return {
            written,
            info: yield* store.head("s1/original/f1.mov"),
            whole: yield* collect(),
            range: yield* collect({ start: 100, end: 199 }),
            missing: tagOf(yield* Effect.flip(store.getStream("s1/original/nope.mov")))
          }
        })
      )
      expect(out.written).toBe(200_000)
      expect(out.info).toEqual({ bytes: 200_000, contentType: "video/quicktime" })
      expect(out.whole.equals(body)).toBe(true)
      expect(out.range.equals(body.subarray(100, 200))).toBe(true)
      expect(out.missing).toBe("NotFoundError")
    })

    it("stores nothing when the stream of a putStream fails, and keeps the previous blob", async () => {
      class Aborted extends Schema.TaggedError<Aborted>()("Aborted", { message: Schema.String }) {}
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.put("s1/original/f2.jpg", bytes("old"), "image/jpeg")
          const failing = Stream.concat(Stream.make(bytes("partial new bytes")), Stream.fail(new Aborted({ message: "client went away" })))
          const newKey = tagOf(yield* Effect.flip(store.putStream("s1/original/f3.jpg", failing, "image/jpeg")))
          const overKey = tagOf(yield* Effect.flip(store.putStream("s1/original/f2.jpg", failing, "image/png")))
          return {
            newKey,
            overKey,
            keys: yield* store.list("s1/"),
            kept: new TextDecoder().decode(yield* store.get("s1/original/f2.jpg")),
            keptInfo: yield* store.head("s1/original/f2.jpg")
          }
        })
      )
      expect([out.newKey, out.overKey]).toEqual(["Aborted", "Aborted"])
      expect(out.keys).toEqual(["s1/original/f2.jpg"])
      expect(out.kept).toBe("old")
      expect(out.keptInfo.contentType).toBe("image/jpeg")
    })

    it("stores and reads back an empty blob through put, putStream and putFile", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "blob-suite-"))
      try {
        const source = path.join(dir, "empty.txt")
        await fs.writeFile(source, new Uint8Array(0))
        const out = await withStore((store) =>
          Effect.gen(function* () {
            yield* store.put("s1/e/a.txt", new Uint8Array(0), "text/plain")
            const written = yield* store.putStream("s1/e/b.txt", Stream.empty, "text/plain")
            yield* store.putFile("s1/e/c.txt", source, "text/plain")
            yield* store.download("s1/e/c.txt", path.join(dir, "out.txt"))
            return {
              written,
              sizes: yield* Effect.forEach(["a", "b", "c"], (k) => store.get(`s1/e/${k}.txt`).pipe(Effect.map((b) => b.byteLength))),
              info: yield* store.head("s1/e/b.txt")
            }
          })
        )
        expect(out).toEqual({ written: 0, sizes: [0, 0, 0], info: { bytes: 0, contentType: "text/plain" } })
        expect((await fs.readFile(path.join(dir, "out.txt"))).byteLength).toBe(0)
      } finally {
        await fs.rm(dir, { recursive: true, force: true })
      }
    })

    it("replaces a blob and its content type on overwrite", async () => {
      const [got, info] = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.put("s1/original/f1.bin", bytes("first version"), "application/octet-stream")
          yield* store.put("s1/original/f1.bin", bytes("second"), "text/plain")
          return [yield* store.get("s1/original/f1.bin"), yield* store.head("s1/original/f1.bin")] as const
        })
      )
      expect(new TextDecoder().decode(got)).toBe("second")
      expect(info).toEqual({ bytes: 6, contentType: "text/plain" })
    })

    it("streams a file in with putFile and out with download, byte for byte", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "blob-suite-"))
      try {
        const source = path.join(dir, "in.mp4")
        const content = randomBytes(3 * 1024 * 1024 + 17)
        await fs.writeFile(source, content)
        const dest = path.join(dir, "out.mp4")
        const info = await withStore((store) =>
          Effect.gen(function* () {
            yield* store.putFile("s1/original/v1.mp4", source, "video/mp4")
            yield* store.download("s1/original/v1.mp4", dest)
            return yield* store.head("s1/original/v1.mp4")
          })
        )
        expect(info).toEqual({ bytes: content.length, contentType: "video/mp4" })
        expect((await fs.readFile(dest)).equals(content)).toBe(true)
        // Only the downloaded file: no staging leftovers beside it.
        expect((await fs.readdir(dir)).sort()).toEqual(["in.mp4", "out.mp4"])
      } finally {
        await fs.rm(dir, { recursive: true, force: true })
      }
    })

    it("fails with NotFoundError for a missing blob or source file", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "blob-suite-"))
      try {
        const tags = await withStore((store) =>
          Effect.forEach(
            [
              store.get("s1/thumb/none.jpg"),
              store.head("s1/thumb/none.jpg"),
              store.download("s1/thumb/none.jpg", path.join(dir, "x")),
              store.putFile("s1/original/x.jpg", path.join(dir, "missing.jpg"), "image/jpeg")
            ],
            (effect) => Effect.flip(effect as Effect.Effect<unknown, { readonly _tag: string }>).pipe(Effect.map(tagOf))
          )
        )
        expect(tags).toEqual(["NotFoundError", "NotFoundError", "NotFoundError", "NotFoundError"])
        expect(await fs.readdir(dir)).toEqual([])
      } finally {
        await fs.rm(dir, { recursive: true, force: true })
      }
    })

    it("rejects invalid keys with InvalidInputError on every method and accepts valid ones", async () => {
      const invalid = ["", "/abs/key", "a/../b", "..", "a/./b", "a//b", "a/b/", "back\\slash", "sp ace", "tab\tkey", "nul\u0000", "é/x", "~", "a/b?c", "x".repeat(1025)]
      const results = await withStore((store) =>
        Effect.forEach(invalid, (key) =>
          Effect.all([
            Effect.flip(store.put(key, bytes("x"), "text/plain")),
            Effect.flip(store.get(key)),
            Effect.flip(store.head(key)),
            Effect.flip(store.delete(key)),
            Effect.flip(store.download(key, path.join(os.tmpdir(), "never-written")))
          ]).pipe(Effect.map((errors) => errors.map(tagOf)))
        )
      )
      for (const tags of results) expect(tags).toEqual(["InvalidInputError", "InvalidInputError", "InvalidInputError", "InvalidInputError", "InvalidInputError"])
      // (A key that is also a folder of other keys is out of scope: see README "Local layout".)
      const valid = ["a", "s-1/original/F_1.v2.heic", "b/c/d/e.f-g_h", "..x/y.."]
      const read = await withStore((store) =>
        Effect.forEach(valid, (key) => Effect.andThen(store.put(key, bytes(key), "text/plain"), store.get(key)))
      )
      expect(read.map((b) => new TextDecoder().decode(b))).toEqual(valid)
    })

    it("lists keys by plain string prefix in ascending order", async () => {
      const lists = await withStore((store) =>
        Effect.gen(function* () {
          for (const key of ["s1/thumb/b.jpg", "s1/thumb/a.jpg", "s1/original/a.heic", "s10/thumb/z.jpg", "s2/thumb/c.jpg"]) {
            yield* store.put(key, bytes(key), "image/jpeg")
          }
          return {
            all: yield* store.list(""),
            session: yield* store.list("s1/"),
            thumbs: yield* store.list("s1/thumb/"),
            partial: yield* store.list("s1/th"),
            sessionsStartingS1: yield* store.list("s1"),
            none: yield* store.list("s3/")
          }
        })
      )
      expect(lists.all).toEqual(["s1/original/a.heic", "s1/thumb/a.jpg", "s1/thumb/b.jpg", "s10/thumb/z.jpg", "s2/thumb/c.jpg"])
      expect(lists.session).toEqual(["s1/original/a.heic", "s1/thumb/a.jpg", "s1/thumb/b.jpg"])
      expect(lists.thumbs).toEqual(["s1/thumb/a.jpg", "s1/thumb/b.jpg"])
      expect(lists.partial).toEqual(["s1/thumb/a.jpg", "s1/thumb/b.jpg"])
      expect(lists.sessionsStartingS1).toEqual(["s1/original/a.heic", "s1/thumb/a.jpg", "s1/thumb/b.jpg", "s10/thumb/z.jpg"])
      expect(lists.none).toEqual([])
    })

    it("deletes one key (missing keys too) and whole prefixes", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          for (const key of ["s1/thumb/a.jpg", "s1/thumb/b.jpg", "s1/original/a.heic", "s2/thumb/c.jpg"]) {
            yield* store.put(key, bytes(key), "image/jpeg")
          }
          yield* store.delete("s1/thumb/a.jpg")
          yield* store.delete("s1/thumb/never-was.jpg")
          const afterDelete = yield* store.list("")
          const deleted = yield* store.deletePrefix("s1/")
          const refused = tagOf(yield* Effect.flip(store.deletePrefix("")))
          const gone = tagOf(yield* Effect.flip(store.get("s1/original/a.heic")))
          return { afterDelete, deleted, refused, gone, remaining: yield* store.list("") }
        })
      )
      expect(out.afterDelete).toEqual(["s1/original/a.heic", "s1/thumb/b.jpg", "s2/thumb/c.jpg"])
      expect(out.deleted).toBe(2)
      expect(out.refused).toBe("InvalidInputError")
      expect(out.gone).toBe("NotFoundError")
      expect(out.remaining).toEqual(["s2/thumb/c.jpg"])
    })

    it("keeps blobs across a restart of the layer on the same storage", async () => {
      const storage = await fresh()
      try {
        await runWith(BlobStore.use((store) => store.put("s1/thumb/kept.jpg", bytes("kept"), "image/jpeg")), storage.layer())
        const exit = await runExit(
          BlobStore.use((store) => Effect.all([store.get("s1/thumb/kept.jpg"), store.head("s1/thumb/kept.jpg"), store.list("s1/")])),
          storage.layer()
        )
        expect(failureOf(exit)).toBeUndefined()
        if (exit._tag !== "Success") return
        const [got, info, keys] = exit.value
        expect(new TextDecoder().decode(got)).toBe("kept")
        expect(info).toEqual({ bytes: 4, contentType: "image/jpeg" })
        expect(keys).toEqual(["s1/thumb/kept.jpg"])
      } finally {
        await storage.dispose()
      }
    })
  })
