import { UploadLimits } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { partitionMedia } from "../../../src/steps/upload/MediaFiles.js"
import { chunksOf, entriesFor, totalsOf, updateEntry } from "../../../src/steps/upload/UploadModel.js"

const file = (name: string, bytes: number, type = "") => new File([new Uint8Array(bytes)], name, { type })

describe("UploadModel", () => {
  it("marks files the contract refuses before sending anything, with the contract's reason", () => {
    const { media } = partitionMedia([file("ok.jpg", 10, "image/jpeg"), file("bad\u0007.jpg", 10, "image/jpeg"), file("empty.png", 0, "image/png")])
    const entries = entriesFor(media, 0)
    expect(entries.map((e) => e.status)).toEqual(["ready", "refused", "refused"])
    expect(entries[1]?.reason).toContain("control character")
    expect(entries[2]?.reason).toContain("greater than 0")
    expect(new Set(entries.map((e) => e.key)).size).toBe(3)
  })

  it("weighs total progress by bytes and leaves refused rows out", () => {
    const { media } = partitionMedia([file("a.jpg", 100, "image/jpeg"), file("b.mov", 300, "video/quicktime"), file("c.jpg", 0, "image/jpeg")])
    let entries = entriesFor(media, 0)
    entries = updateEntry(entries, "f0", (e) => ({ ...e, status: "uploaded" }))
    entries = updateEntry(entries, "f1", (e) => ({ ...e, status: "uploading", loaded: 150 }))
    const t = totalsOf(entries)
    expect(t.bytes).toBe(400)
    expect(t.loaded).toBe(250)
    expect(t.fraction).toBeCloseTo(0.625)
    expect(t.counts).toEqual({ ready: 0, refused: 1, queued: 0, uploading: 1, uploaded: 1, failed: 0 })
  })

  it("declares files in chunks the API accepts", () => {
    const ids = Array.from({ length: 250 }, (_, i) => i)
    expect(chunksOf(ids, UploadLimits.filesPerRequest).map((c) => c.length)).toEqual([100, 100, 50])
  })
})
