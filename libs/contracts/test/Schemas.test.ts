import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { BlobKeys, cameraLabel, GpsPosition, Keys, MediaItem, SelectionResult } from "../src/index.js"

describe("schemas", () => {
  it("rejects a latitude out of range", () => {
    expect(() => Schema.decodeUnknownSync(GpsPosition)({ lat: 91, lon: 0, alt: null })).toThrow()
  })

  it("decodes a media item and a selection result", () => {
    const item = {
      fileId: "f1", key: "s/original/f1.jpg", fileName: "a.jpg", kind: "photo", mime: "image/jpeg", bytes: 10,
      width: 4, height: 3, captureTime: { local: "2020-01-01T10:00:00", offsetMinutes: 60, utc: "2020-01-01T09:00:00Z", source: "exif" },
      gps: null, make: null, model: null, orientation: 1, rotation: 0, durationSeconds: null, hasAudio: null, codec: "jpeg", contentHash: "ab"
    }
    expect(Schema.decodeUnknownSync(MediaItem)(item).fileId).toBe("f1")
    expect(() => Schema.decodeUnknownSync(MediaItem)({ ...item, kind: "audio" })).toThrow()
    const result = { model: "offline", selected: [], excluded: [{ fileId: "f1", reason: "blurry", category: "quality-issue", duplicateOf: null }], sceneGroups: [] }
    expect(Schema.decodeUnknownSync(SelectionResult)(result).excluded).toHaveLength(1)
  })

  it("builds the keys of ARCHITECTURE.md", () => {
    expect(Keys.selectionItem("j", "f")).toBe("SELECTION#j#ITEM#f")
    expect(BlobKeys.thumbnail("s", "f")).toBe("s/thumb/f.jpg")
  })
})

describe("cameraLabel", () => {
  it("does not repeat a make the model already starts with, and keeps both otherwise", () => {
    expect(cameraLabel("Canon", "Canon EOS 70D")).toBe("Canon EOS 70D")
    expect(cameraLabel("NIKON", "NIKON COOLPIX P6000")).toBe("NIKON COOLPIX P6000")
    expect(cameraLabel("Apple", "iPhone 7")).toBe("Apple iPhone 7")
    expect(cameraLabel("GoPro", null)).toBe("GoPro")
    expect(cameraLabel(null, "Max")).toBe("Max")
    expect(cameraLabel(null, " ")).toBeNull()
  })
})
