import type { CaptionState, CaptionVersion } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import {
  addHashtags,
  captionLengthLabel,
  captionSignature,
  captionVersionLabel,
  cleanHashtag,
  clipboardText,
  keepPolling,
  nextPost,
  sameDraft,
  shownRound
} from "../../../src/steps/caption/CaptionModel.js"

const version = (round: number, extra: Partial<CaptionVersion> = {}): CaptionVersion => ({
  round,
  source: "generated",
  feedback: null,
  draft: { caption: `caption ${round}`, hashtags: ["a"], locationTag: null },
  model: "offline",
  postRevision: 0,
  createdAt: "2026-11-30T10:00:00Z",
  ...extra
})

const job = (versions: Array<CaptionVersion>, extra: Partial<CaptionState> = {}): CaptionState => ({
  jobId: "j".repeat(26),
  postId: "p".repeat(26),
  status: "complete",
  error: null,
  pendingFeedback: null,
  versions,
  current: versions.at(-1) ?? null,
  acceptedRound: null,
  stale: false,
  ...extra
})

describe("CaptionModel", () => {
  it("polls while a round runs only", () => {
    expect(keepPolling({ status: "running" })).toBe(true)
    expect(keepPolling({ status: "complete" })).toBe(false)
    expect(keepPolling({ status: "failed" })).toBe(false)
    expect(captionSignature(job([version(0)]))).not.toBe(captionSignature(job([version(0), version(1)])))
  })

  it("cleans hashtags as typed and adds several at once without duplicates (ignoring case)", () => {
    expect(cleanHashtag("#Lisbon")).toBe("Lisbon")
    expect(cleanHashtag("  ##Café-2026 ")).toBe("Café2026")
    expect(cleanHashtag("#東京")).toBe("東京")
    expect(cleanHashtag("#!!")).toBeNull()
    expect(addHashtags(["Lisbon"], "#lisbon #Sunset, travel_diary")).toEqual(["Lisbon", "Sunset", "travel_diary"])
    expect(addHashtags([], "   ")).toEqual([])
    const many = Array.from({ length: 40 }, (_, i) => `t${i}`).join(" ")
    expect(addHashtags([], many)).toHaveLength(30)
  })

  it("copies the caption and the hashtags with # after a blank line", () => {
    expect(clipboardText({ caption: "A day by the sea. ", hashtags: ["sea", "Lisbon"] })).toBe("A day by the sea.\n\n#sea #Lisbon")
    expect(clipboardText({ caption: "Only words", hashtags: [] })).toBe("Only words")
    expect(clipboardText({ caption: "", hashtags: ["x"] })).toBe("#x")
  })

  it("names versions by where they came from", () => {
    expect(captionVersionLabel(version(0))).toBe("First draft")
    expect(captionVersionLabel(version(1, { feedback: "shorter" }))).toBe("“shorter”")
    expect(captionVersionLabel(version(2, { source: "edited" }))).toBe("Your edit")
  })

  it("keeps the person's pick until a new version arrives, then shows the current one", () => {
    const s = job([version(0), version(1)])
    expect(shownRound(s, 0, 2)).toBe(0)
    expect(shownRound(s, null, 2)).toBe(1)
    expect(shownRound(s, 0, 1)).toBe(1)
    expect(shownRound(job([version(0), version(1)], { current: version(0), acceptedRound: 0 }), null, 2)).toBe(0)
    expect(shownRound(job([]), null, 0)).toBeNull()
  })

  it("compares drafts and finds the next post with items", () => {
    const d = { caption: "x", hashtags: ["a", "b"], locationTag: null }
    expect(sameDraft(d, { ...d, hashtags: ["a", "b"] })).toBe(true)
    expect(sameDraft(d, { ...d, hashtags: ["b", "a"] })).toBe(false)
    const posts = [
      { postId: "b", index: 1, fileIds: [] },
      { postId: "a", index: 0, fileIds: ["1"] },
      { postId: "c", index: 2, fileIds: ["2"] }
    ]
    expect(nextPost(posts, "a")).toBe("c")
    expect(nextPost(posts, "c")).toBeNull()
    expect(nextPost(posts, "zzz")).toBe("a")
    expect(captionLengthLabel("abc")).toBe("3 / 2200")
  })
})
