import { UploadLimits } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { partitionMedia } from "../../../src/steps/upload/MediaFiles.js"
import {
  buttonLabel,
  canStart,
  chunksOf,
  entriesFor,
  entryDetail,
  entryProgress,
  entryStatusLabel,
  kindOf,
  skippedNote,
  skippedOfPick,
  statusLine,
  totalsOf,
  updateEntry
} from "../../../src/steps/upload/UploadModel.js"

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

  it("says what each row shows: kind, folder, percentage while it uploads, no bar before it is sent", () => {
    expect([kindOf("video/quicktime"), kindOf("image/heic"), kindOf("")]).toEqual(["video", "photo", "other"])
    expect(entryDetail({ name: "a.jpg", path: "Trip/day 1/a.jpg", size: 1536 })).toBe("1.5 KB · in Trip/day 1")
    expect(entryDetail({ name: "a.jpg", path: "a.jpg", size: 10 })).toBe("10 B")
    expect(entryStatusLabel({ status: "uploading", loaded: 333, size: 1000 })).toBe("33 %")
    expect(entryStatusLabel({ status: "refused", loaded: 0, size: 1000 })).toBe("Not accepted")
    expect(entryProgress({ status: "queued", loaded: 0, size: 10 })).toBeNull()
    expect(entryProgress({ status: "uploading", loaded: 5, size: 10 })).toBe(0.5)
    expect(entryProgress({ status: "uploaded", loaded: 0, size: 0 })).toBe(1)
    expect(skippedNote(["README.md"])).toBe("Skipped 1 file that is not a photo or video: README.md.")
    expect(skippedNote(["1", "2", "3", "4", "5", "6", "7"])).toBe("Skipped 7 files that are not a photo or video: 1, 2, 3, 4, 5 and 2 more.")
  })

  it("enables the main button and words it by phase: upload, retry the failed, or pick from what is uploaded", () => {
    const { media } = partitionMedia([file("a.jpg", 100, "image/jpeg")])
    const entries = entriesFor(media, 0)
    const totals = totalsOf(entries)
    expect(canStart({ phase: "picking", toSend: entries, uploadedBefore: 0, totals })).toBe(true)
    expect(canStart({ phase: "uploading", toSend: entries, uploadedBefore: 0, totals })).toBe(false)
    expect(canStart({ phase: "picking", toSend: [], uploadedBefore: 0, totals: totalsOf([]) })).toBe(false)
    expect(canStart({ phase: "picking", toSend: [], uploadedBefore: 2, totals: totalsOf([]) })).toBe(true)
    expect(statusLine({ phase: "picking", toSend: entries, uploadedBefore: 0, totals })).toBe("1 file ready · 100 B")
    expect(statusLine({ phase: "picking", toSend: [], uploadedBefore: 2, totals: totalsOf([]) })).toBe("2 files uploaded")
    expect(statusLine({ phase: "uploading", toSend: entries, uploadedBefore: 0, totals })).toBe("0 uploading (up to 4 at once), 0 queued")
    expect([buttonLabel("picking", 3), buttonLabel("stopped", 2), buttonLabel("stopped", 0), buttonLabel("starting", 3)]).toEqual([
      "Upload 3 and pick the best",
      "Retry 2 failed",
      "Pick the best",
      "Starting…"
    ])
  })
})

describe("skippedOfPick", () => {
  it("not every input is accounted for: an SVG and a README of a pick are listed for the review as skipped: unsupported type", () => {
    const files = [
      new File(["<svg/>"], "chart.svg", { type: "image/svg+xml" }),
      new File(["# notes"], "README.md", { type: "text/markdown" }),
      new File(["jpeg"], "IMG_1.jpg", { type: "image/jpeg" })
    ]
    const { media, skipped } = partitionMedia(files)
    const pick = skippedOfPick(skipped, entriesFor(media, 0))
    expect(pick.map((f) => [f.path, f.status])).toEqual([
      ["README.md", "skipped: unsupported type"],
      ["chart.svg", "skipped: unsupported type"]
    ])
    expect(pick[1]?.reason).toMatch(/image\/svg\+xml/)
  })
})
