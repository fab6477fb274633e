/**
 * The BlobStore suite against the local folder layer, plus what only the
 * folder layout can show (sidecars apart from keys, no staging leftovers).
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { runWith } from "@curator/contracts/testing"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { BlobStore } from "../src/index.js"
import { BlobStoreLocal } from "../src/local.js"
import { blobStoreSuite } from "./BlobStore.suite.js"

const tempRoot = () => fs.mkdtemp(path.join(os.tmpdir(), "blobstore-"))

blobStoreSuite("local folder", async () => {
  const root = await tempRoot()
  return { layer: () => BlobStore.layerLocal({ root }), dispose: () => fs.rm(root, { recursive: true, force: true }) }
})

describe("BlobStore.layerLocal layout", () => {
  it("keeps content types in a parallel meta tree, so a key ending in .meta.json is just a key", async () => {
    const root = await tempRoot()
    try {
      const out = await runWith(
        BlobStore.use((store) =>
          Effect.gen(function* () {
            yield* store.put("s1/a.jpg", new Uint8Array([1, 2, 3]), "image/jpeg")
            yield* store.put("s1/a.jpg.meta.json", new Uint8Array([9]), "application/json")
            return { keys: yield* store.list("s1/"), a: yield* store.head("s1/a.jpg"), meta: yield* store.head("s1/a.jpg.meta.json") }
          })
        ),
        BlobStoreLocal.layer({ root })
      )
      expect(out.keys).toEqual(["s1/a.jpg", "s1/a.jpg.meta.json"])
      expect(out.a).toEqual({ bytes: 3, contentType: "image/jpeg" })
      expect(out.meta).toEqual({ bytes: 1, contentType: "application/json" })
      expect(JSON.parse(await fs.readFile(path.join(root, "meta", "s1", "a.jpg.meta.json"), "utf8"))).toEqual({ contentType: "image/jpeg" })
      expect(await fs.readFile(path.join(root, "data", "s1", "a.jpg"))).toEqual(Buffer.from([1, 2, 3]))
      // Atomic writes stage in tmp/ and rename: nothing is left behind.
      expect(await fs.readdir(path.join(root, "tmp"))).toEqual([])
    } finally {
      await fs.rm(root, { recursive: true, force: true })
    }
  })

  it("removes emptied folders when a prefix is deleted", async () => {
    const root = await tempRoot()
    try {
      await runWith(
        BlobStore.use((store) => Effect.andThen(store.put("s9/thumb/x.jpg", new Uint8Array([1]), "image/jpeg"), store.deletePrefix("s9/"))),
        BlobStoreLocal.layer({ root })
      )
      expect(await fs.readdir(path.join(root, "data"))).toEqual([])
      expect(await fs.readdir(path.join(root, "meta"))).toEqual([])
    } finally {
      await fs.rm(root, { recursive: true, force: true })
    }
  })
})
