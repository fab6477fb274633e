import { describe, expect, it } from "vitest"
import { pictureOf, postTitle } from "../../src/shared/Posts.js"

describe("Posts", () => {
  it("titles posts by label or number", () => {
    expect(postTitle({ label: "  ", index: 0 })).toBe("Post 1")
    expect(postTitle({ label: " Beach day ", index: 3 })).toBe("Beach day")
  })

  it("shows the exported version: an enhanced photo's round preview, else the thumbnail", () => {
    expect(pictureOf({ kind: "photo", source: "enhanced", enhancement: { jobId: "e", round: 2 } })).toEqual({ kind: "enhanced", jobId: "e", round: 2 })
    expect(pictureOf({ kind: "photo", source: "original", enhancement: null })).toEqual({ kind: "thumbnail" })
    expect(pictureOf({ kind: "video", source: "enhanced", enhancement: { jobId: "e", round: 0 } })).toEqual({ kind: "thumbnail" })
  })
})
