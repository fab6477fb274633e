import type { SelectionResult } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { categoryLabel, formatTimeRange, includedCount, isIncluded, overrideFor, sceneDetail, selectedByModel, selectionModelLabel, splitExcluded, tokensLabel } from "../../../src/steps/review/ReviewModel.js"

const result: SelectionResult = {
  model: "offline",
  selected: [
    { rank: 1, fileId: "a", kind: "photo", scene: "Scene 1", justification: "sharpest", comparisonNote: "" },
    { rank: 2, fileId: "b", kind: "video", scene: "Scene 2", justification: "only video", comparisonNote: "" }
  ],
  excluded: [
    { fileId: "c", reason: "same shot as a", category: "near-duplicate", duplicateOf: "a" },
    { fileId: "d", reason: "truncated", category: "unprocessable", duplicateOf: null }
  ],
  sceneGroups: []
}

describe("ReviewModel", () => {
  const pick = selectedByModel(result)

  it("applies overrides over the model's pick", () => {
    const overrides = [
      { fileId: "b", action: "exclude" as const },
      { fileId: "c", action: "include" as const }
    ]
    expect(["a", "b", "c", "d"].map((id) => isIncluded(id, pick, overrides))).toEqual([true, false, true, false])
    expect(includedCount(result, overrides)).toBe(2)
    expect(includedCount(result, [])).toBe(2)
  })

  it("stores a reset when a toggle returns to the model's choice", () => {
    expect(overrideFor("a", false, pick)).toBe("exclude")
    expect(overrideFor("a", true, pick)).toBe("reset")
    expect(overrideFor("c", true, pick)).toBe("include")
    expect(overrideFor("c", false, pick)).toBe("reset")
  })

  it("keeps unprocessable files apart from the excluded ones that were considered", () => {
    const s = splitExcluded(result.excluded)
    expect(s.considered.map((e) => e.fileId)).toEqual(["c"])
    expect(s.unprocessable.map((e) => e.fileId)).toEqual(["d"])
    expect(categoryLabel("near-duplicate")).toBe("Near duplicate")
  })

  it("shows time ranges to the minute, dropping the end's date on the same day", () => {
    expect(formatTimeRange({ start: "2019-03-21T14:02:11", end: "2019-03-21T15:10:00Z" })).toBe("2019-03-21 14:02 – 15:10")
    expect(formatTimeRange({ start: "2019-03-21T14:02:11", end: "2019-03-22T09:00:00" })).toBe("2019-03-21 14:02 – 2019-03-22 09:00")
    expect(formatTimeRange({ start: "2019-03-21T14:02:11", end: "2019-03-21T14:02:50" })).toBe("2019-03-21 14:02")
    expect(formatTimeRange(null)).toBeNull()
  })

  it("labels the selection's provenance: offline, or Gemini with its model name", () => {
    expect(selectionModelLabel("offline")).toBe("Offline selection")
    expect(selectionModelLabel("gemini-2.5-flash")).toBe("Gemini selection (gemini-2.5-flash)")
    expect(selectionModelLabel(" gemini-2.5-pro ")).toBe("Gemini selection (gemini-2.5-pro)")
    expect(selectionModelLabel("")).toBe("Gemini selection")
  })

  it("shows the session's Gemini tokens with grouping", () => {
    expect(tokensLabel(1234567)).toBe("1,234,567 Gemini tokens used")
    expect(tokensLabel(-3)).toBe("0 Gemini tokens used")
    expect(tokensLabel(54321, 0.01234)).toBe("54,321 Gemini tokens used, about $0.0123")
  })

  it("describes a scene by what its name does not already say", () => {
    const scene = { name: "Lisbon · Sat 14:02", timeRange: { start: "2024-05-04T14:02:00", end: "2024-05-04T15:10:00" }, gps: { lat: 38.71234, lon: -9.13901, alt: null }, items: ["a", "b"] }
    expect(sceneDetail(scene)).toBe("2024-05-04 14:02 – 15:10 · 38.7123, -9.1390 · 2 items")
    expect(sceneDetail({ ...scene, name: "2024-05-04 14:02 – 15:10", gps: null, items: ["a"] })).toBe("1 item")
    expect(sceneDetail({ ...scene, name: "Scene", timeRange: null, gps: null })).toBe("2 items")
  })
})
