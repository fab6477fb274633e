import { describe, expect, it } from "vitest"
import { rememberSkipped, skippedFilesOf } from "../../src/shared/SkippedFiles.js"
import { memoryStorage } from "../memoryStorage.js"

describe("SkippedFiles", () => {
  it("keeps the list per session across reloads, once per path, and forgets sessions past their lifetime", () => {
    const storage = memoryStorage()
    const svg = { path: "chart.svg", status: "skipped: unsupported type", reason: "not a photo or video" } as const
    rememberSkipped(storage, "s1", [svg], 1_000)
    rememberSkipped(storage, "s1", [svg, { path: "huge.mov", status: "refused", reason: "over the video limit" }], 2_000)
    expect(skippedFilesOf(storage, "s1").map((f) => f.path)).toEqual(["chart.svg", "huge.mov"])
    expect(skippedFilesOf(storage, "s2")).toEqual([])
    rememberSkipped(storage, "s2", [svg], 2_000 + 25 * 3600 * 1000)
    expect(skippedFilesOf(storage, "s1")).toEqual([])
    expect(skippedFilesOf(storage, "s2")).toHaveLength(1)
    storage.setItem("curator.skipped.s3", "{not json")
    expect(skippedFilesOf(storage, "s3")).toEqual([])
    expect(skippedFilesOf(null, "s1")).toEqual([])
  })
})
