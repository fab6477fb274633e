import type { EnhancementItemStatus, EnhancementStatus, EnhancementVersion } from "@curator/contracts"
import { IDENTITY_PHOTO_ADJUSTMENTS, IDENTITY_VIDEO_ADJUSTMENTS } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import {
  acceptedMatches,
  buildChoices,
  clampPercent,
  countsOf,
  keepPolling,
  percentFromPointer,
  reconcileSelection,
  sliderKey,
  sliderText,
  statusSignature,
  summarizeParams,
  versionLabel,
  withItem
} from "../../../src/steps/enhance/EnhanceModel.js"

const version = (round: number, feedback: string | null = null): EnhancementVersion => ({
  round,
  feedback,
  params: { ...IDENTITY_PHOTO_ADJUSTMENTS },
  createdAt: "2024-05-01T10:00:00.000Z"
})

const item = (fileId: string, patch: Partial<EnhancementItemStatus> = {}): EnhancementItemStatus => ({
  fileId,
  name: `${fileId}.jpg`,
  type: "image/jpeg",
  kind: "photo",
  status: "done",
  reason: null,
  versions: [version(0)],
  currentRound: 0,
  pendingFeedback: null,
  accepted: null,
  ...patch
})

const job = (items: Array<EnhancementItemStatus>, patch: Partial<EnhancementStatus> = {}): EnhancementStatus => ({
  jobId: "job",
  selectionJobId: "sel",
  status: "complete",
  error: null,
  startedAt: "2024-05-01T10:00:00.000Z",
  finishedAt: "2024-05-01T10:01:00.000Z",
  acceptedAt: null,
  items,
  counts: countsOf(items),
  ...patch
})

describe("the poll-stop rule", () => {
  it("polls while the job runs, whatever its items say", () => {
    expect(keepPolling(job([item("a"), item("b", { status: "pending", versions: [], currentRound: -1 })], { status: "running" }))).toBe(true)
    expect(keepPolling(job([], { status: "running" }))).toBe(true)
  })

  it("polls after the job ended while any item's round runs (a feedback round)", () => {
    expect(keepPolling(job([item("a"), item("b", { status: "processing", pendingFeedback: "brighter" })]))).toBe(true)
    expect(keepPolling(job([item("a", { status: "processing" })], { status: "failed" }))).toBe(true)
  })

  it("stops once the job ended and no item is processing: done, failed, and a failed job's never-started items", () => {
    expect(keepPolling(job([item("a"), item("b", { status: "failed", reason: { tag: "CorruptMediaError", message: "x" } })]))).toBe(false)
    expect(keepPolling(job([item("a", { status: "pending", versions: [], currentRound: -1 })], { status: "failed" }))).toBe(false)
    expect(keepPolling(job([]))).toBe(false)
  })

  it("changes its signature when an item moves on, a round ends, the job ends or is accepted, and not otherwise", () => {
    const base = job([item("a"), item("b", { status: "processing" })], { status: "running" })
    const same = job([item("a"), item("b", { status: "processing" })], { status: "running" })
    expect(statusSignature(same)).toBe(statusSignature(base))
    const changes = [
      job([item("a"), item("b")], { status: "running" }),
      job([item("a", { currentRound: 1, versions: [version(0), version(1, "warmer")] }), item("b", { status: "processing" })], { status: "running" }),
      job([item("a"), item("b", { status: "processing" })], { status: "complete" }),
      job([item("a"), item("b", { status: "processing" })], { status: "running", acceptedAt: "2024-05-01T10:02:00.000Z" })
    ]
    for (const c of changes) expect(statusSignature(c)).not.toBe(statusSignature(base))
  })

  it("replaces one item (the feedback route's answer) and re-derives the counts", () => {
    const s = withItem(job([item("a"), item("b")]), item("b", { status: "processing", pendingFeedback: "brighter" }))
    expect(s.items.map((i) => i.status)).toEqual(["done", "processing"])
    expect(s.counts).toEqual({ total: 2, pending: 0, processing: 1, done: 1, failed: 0 })
    expect(keepPolling(s)).toBe(true)
  })
})

describe("which version is shown and accepted", () => {
  const two = [version(0), version(1, "brighter")]

  it("shows the latest round at first, the accepted one after acceptance, nothing before the first round", () => {
    const items = [item("a", { versions: two, currentRound: 1 }), item("b", { versions: two, currentRound: 1, accepted: 0 }), item("c", { status: "processing", versions: [], currentRound: -1 })]
    expect([...reconcileSelection(new Map(), null, items)]).toEqual([
      ["a", 1],
      ["b", 0]
    ])
  })

  it("keeps the person's pick across polls while it exists", () => {
    const items = [item("a", { versions: two, currentRound: 1 })]
    expect(reconcileSelection(new Map([["a", 0]]), items, items).get("a")).toBe(0)
    expect(reconcileSelection(new Map([["a", 7]]), items, items).get("a")).toBe(1)
  })

  it("moves to the new round when a round ends, even over an earlier pick", () => {
    const before = [item("a", { status: "processing", versions: two, currentRound: 1, pendingFeedback: "warmer" })]
    const after = [item("a", { versions: [...two, version(2, "warmer")], currentRound: 2 })]
    expect(reconcileSelection(new Map([["a", 0]]), before, after).get("a")).toBe(2)
    // A round that failed leaves the pick alone.
    const failed = [item("a", { status: "failed", versions: two, currentRound: 1, reason: { tag: "X", message: "y" } })]
    expect(reconcileSelection(new Map([["a", 0]]), before, failed).get("a")).toBe(0)
  })

  it("builds one choice per item with a version: the shown round, else the latest; items without a version are left out", () => {
    const items = [
      item("a", { versions: two, currentRound: 1 }),
      item("b", { versions: two, currentRound: 1 }),
      item("c", { status: "failed", versions: [], currentRound: -1, reason: { tag: "CorruptMediaError", message: "cut" } }),
      item("d", { versions: two, currentRound: 1 })
    ]
    expect(buildChoices(items, new Map([["a", 0], ["d", 9]]))).toEqual([
      { fileId: "a", round: 0 },
      { fileId: "b", round: 1 },
      { fileId: "d", round: 1 }
    ])
    expect(buildChoices([], new Map())).toEqual([])
  })

  it("knows when the accepted rounds already are the choices", () => {
    const items = [item("a", { versions: two, currentRound: 1, accepted: 0 }), item("b", { accepted: 0 })]
    expect(acceptedMatches(items, [{ fileId: "a", round: 0 }, { fileId: "b", round: 0 }])).toBe(true)
    expect(acceptedMatches(items, [{ fileId: "a", round: 1 }, { fileId: "b", round: 0 }])).toBe(false)
    expect(acceptedMatches([item("a")], [{ fileId: "a", round: 0 }])).toBe(false)
    expect(acceptedMatches([], [])).toBe(false)
  })

  it("names round 0 Auto and each feedback round by its words", () => {
    expect(versionLabel(version(0))).toBe("Auto")
    expect(versionLabel(version(1, "less saturated"))).toBe("less saturated")
    expect(versionLabel({ round: 2, feedback: null })).toBe("Round 2")
  })
})

describe("parameters, compactly", () => {
  it("summarises a Gemini photo round: model, review score, passes, full-resolution method", () => {
    expect(
      summarizeParams("photo", { editor: "gemini", model: "gemini-2.5-flash-image", review: { professionalScore: 7.5 }, passes: 2, transfer: "lut", lutFitError: 0.3 })
    ).toBe("Gemini edit (gemini-2.5-flash-image) · score 7.5/10 · 2 passes · full size by colour transfer")
    expect(summarizeParams("photo", { editor: "gemini", model: "m", review: null, passes: 1, transfer: "upscale" })).toBe("Gemini edit (m) · full size by upscaling")
  })
  it("lists only what departs from no change, in the field's terms", () => {
    expect(summarizeParams("photo", { ...IDENTITY_PHOTO_ADJUSTMENTS })).toBe("No change")
    expect(
      summarizeParams("photo", {
        ...IDENTITY_PHOTO_ADJUSTMENTS,
        blackPoint: 0.031,
        whitePoint: 0.962,
        gamma: 1.15,
        saturation: 1.1,
        whiteBalance: { red: 1.04, green: 1, blue: 0.95 },
        sharpenSigma: 0.8,
        denoise: 3
      })
    ).toBe("levels 0.031–0.962 · gamma 1.15 · saturation 1.1 · WB R 1.04 B 0.95 · sharpen 0.8 px · denoise 3 px")
    expect(summarizeParams("video", { ...IDENTITY_VIDEO_ADJUSTMENTS })).toBe("No change")
    expect(summarizeParams("video", { ...IDENTITY_VIDEO_ADJUSTMENTS, brightness: 0.05, warmth: -0.1, stabilise: true, toneMap: "hlg", contrast: 1.2 })).toBe(
      "brightness +0.05 · contrast 1.2 · warmth −0.1 · stabilised · HLG → SDR"
    )
    expect(summarizeParams("photo", { strength: 0.5, label: "x" })).toBe("strength 0.5")
  })
})

describe("the comparison slider's value", () => {
  it("maps a pointer to the share of the width left of it, clamped to 0..100", () => {
    expect(percentFromPointer(150, 100, 200)).toBe(25)
    expect(percentFromPointer(50, 100, 200)).toBe(0)
    expect(percentFromPointer(400, 100, 200)).toBe(100)
    expect(percentFromPointer(133.33, 100, 200)).toBe(16.7)
    expect(percentFromPointer(10, 0, 0)).toBe(50)
  })

  it("moves with the APG slider keys and ignores the others", () => {
    expect(sliderKey(50, "ArrowRight")).toBe(52)
    expect(sliderKey(50, "ArrowUp")).toBe(52)
    expect(sliderKey(50, "ArrowLeft")).toBe(48)
    expect(sliderKey(50, "ArrowDown")).toBe(48)
    expect(sliderKey(50, "PageUp")).toBe(60)
    expect(sliderKey(50, "PageDown")).toBe(40)
    expect(sliderKey(1, "ArrowLeft")).toBe(0)
    expect(sliderKey(95, "PageUp")).toBe(100)
    expect(sliderKey(37, "Home")).toBe(0)
    expect(sliderKey(37, "End")).toBe(100)
    expect(sliderKey(37, "Enter")).toBeNull()
    expect(sliderKey(37, "a")).toBeNull()
  })

  it("clamps odd values and says how much of each version shows", () => {
    expect([-5, 120, Number.NaN, 33.333].map(clampPercent)).toEqual([0, 100, 0, 33.3])
    expect(sliderText(30)).toBe("30% before, 70% after")
    expect(sliderText(0)).toBe("0% before, 100% after")
  })
})
