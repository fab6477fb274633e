import { describe, expect, it } from "vitest"
import { formatBytes, mediaTypeOf, partitionMedia } from "../../../src/steps/upload/MediaFiles.js"

describe("mediaTypeOf", () => {
  it("keeps the browser's image/video type and infers HEIC, MOV and AVIF from the extension when the type is empty", () => {
    expect(mediaTypeOf("a.jpg", "image/jpeg")).toBe("image/jpeg")
    expect(mediaTypeOf("IMG_1.HEIC", "")).toBe("image/heic")
    expect(mediaTypeOf("IMG_1.MOV", "application/octet-stream")).toBe("video/quicktime")
    expect(mediaTypeOf("x.avif", "")).toBe("image/avif")
  })

  it("skips text files, sidecars and hidden files", () => {
    expect(mediaTypeOf("MANIFEST.md", "text/markdown")).toBeNull()
    expect(mediaTypeOf("IMG_1.AAE", "")).toBeNull()
    expect(mediaTypeOf("._IMG_1.JPG", "image/jpeg")).toBeNull()
    expect(mediaTypeOf(".DS_Store", "")).toBeNull()
  })
})

describe("partitionMedia", () => {
  it("keeps two files of the same name (a Live Photo's HEIC and MOV) as two entries", () => {
    const files = [new File(["a"], "IMG_1.HEIC"), new File(["bb"], "IMG_1.MOV", { type: "video/quicktime" }), new File(["#"], "notes.txt", { type: "text/plain" })]
    const { media, skipped } = partitionMedia(files)
    expect(media.map((m) => [m.name, m.mime])).toEqual([
      ["IMG_1.HEIC", "image/heic"],
      ["IMG_1.MOV", "video/quicktime"]
    ])
    expect(skipped).toEqual(["notes.txt"])
  })
})

describe("formatBytes", () => {
  it("uses binary units with one decimal below 10", () => {
    expect([0, 1023, 1536, 10 * 1024, 3.6 * 1024 * 1024, 5 * 1024 ** 3].map(formatBytes)).toEqual(["0 B", "1023 B", "1.5 KB", "10 KB", "3.6 MB", "5.0 GB"])
  })
})
