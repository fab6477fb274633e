import type { SelectionResult } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { planPosts, postLabelOf, UNSCENED_LABEL } from "../src/grouping.js"

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`)

/** A result whose `selected` lists `scenes` interleaved by rank: rank order is the order of `ranked`. */
const resultOf = (ranked: ReadonlyArray<readonly [string, string]>, groups: ReadonlyArray<{ name: string; items: ReadonlyArray<string> }> = []): SelectionResult => ({
  model: "offline",
  selected: ranked.map(([fileId, scene], i) => ({ rank: i + 1, fileId, kind: "photo" as const, scene, justification: "j", comparisonNote: "" })),
  excluded: [],
  sceneGroups: groups.map((g) => ({ name: g.name, gps: null, timeRange: null, items: [...g.items] }))
})

describe("planPosts", () => {
  it("makes one post per scene, posts and items in rank order, labelled with the scene", () => {
    const ranked = [["a", "Harbour"], ["b", "Old town"], ["c", "Harbour"], ["d", "Beach"], ["e", "Old town"]] as const
    const plan = planPosts(ranked.map(([f]) => f), resultOf(ranked))
    expect(plan).toEqual([
      { label: "Harbour", fileIds: ["a", "c"] },
      { label: "Old town", fileIds: ["b", "e"] },
      { label: "Beach", fileIds: ["d"] }
    ])
  })

  it("splits a scene of 45 items into posts of 20, 20 and 5 in rank order, every item exactly once", () => {
    const harbour = ids("h", 45)
    const ranked = [...harbour.map((f) => [f, "Harbour"] as const), ["x", "Beach"] as const]
    const plan = planPosts(ranked.map(([f]) => f), resultOf(ranked))
    expect(plan.map((p) => [p.label, p.fileIds.length])).toEqual([
      ["Harbour (1/3)", 20],
      ["Harbour (2/3)", 20],
      ["Harbour (3/3)", 5],
      ["Beach", 1]
    ])
    expect(plan.flatMap((p) => p.fileIds)).toEqual(ranked.map(([f]) => f))
  })

  it("keeps a single-item post on its own (no merging into a neighbour)", () => {
    const ranked = [["a", "Day 1"], ["b", "Day 2"], ["c", "Day 3"]] as const
    expect(planPosts(ranked.map(([f]) => f), resultOf(ranked)).map((p) => p.fileIds)).toEqual([["a"], ["b"], ["c"]])
  })

  it("places an item the selection did not pick by its scene group, else in the catch-all scene", () => {
    const result = resultOf([["a", "Harbour"]], [{ name: "Harbour", items: ["a", "inc"] }])
    expect(planPosts(["a", "inc", "stray"], result)).toEqual([
      { label: "Harbour", fileIds: ["a", "inc"] },
      { label: UNSCENED_LABEL, fileIds: ["stray"] }
    ])
  })

  it("cuts a long label to 120 characters, keeping the part suffix", () => {
    const long = "x".repeat(300)
    const ranked = ids("l", 21).map((f) => [f, long] as const)
    const plan = planPosts(ranked.map(([f]) => f), resultOf(ranked))
    for (const p of plan) expect(Array.from(p.label).length).toBeLessThanOrEqual(120)
    expect(plan.map((p) => p.label.slice(-5))).toEqual(["(1/2)", "(2/2)"])
  })
})

describe("postLabelOf", () => {
  it("titles offline scene names by place and day; leaves other names alone", () => {
    expect(postLabelOf("2024-06-01 09:00–10:30 · Paris, France")).toBe("Paris, France · 1 Jun 2024")
    expect(postLabelOf("2024-06-01 09:00–10:30 · Paris, France", true)).toBe("Paris, France · 1 Jun 2024, 09:00")
    expect(postLabelOf("2024-06-01 22:00 – 2024-06-03 08:00 · Lisbon, Portugal #2")).toBe("Lisbon, Portugal · 1 Jun 2024 – 3 Jun 2024")
    expect(postLabelOf("2024-12-31 23:59 · 30.0000, -40.0000")).toBe("31 Dec 2024")
    expect(postLabelOf("Undated · Rome, Italy")).toBe("Rome, Italy")
    expect(postLabelOf("Undated")).toBe("Undated")
    expect(postLabelOf("Undated · no location")).toBe("Undated")
    expect(postLabelOf("Undated · no location #2")).toBe("Undated")
    expect(postLabelOf("Sunset at the harbour")).toBe("Sunset at the harbour")
  })

  it("adds the time only where two posts would share a title", () => {
    const result = {
      model: "offline",
      selected: [
        { rank: 1, fileId: "a", kind: "photo", scene: "2024-06-01 09:00 · Paris, France", justification: "", comparisonNote: "" },
        { rank: 2, fileId: "b", kind: "photo", scene: "2024-06-01 18:00 · Paris, France", justification: "", comparisonNote: "" },
        { rank: 3, fileId: "c", kind: "photo", scene: "2024-06-02 10:00 · Versailles, France", justification: "", comparisonNote: "" }
      ],
      excluded: [],
      sceneGroups: []
    } as unknown as SelectionResult
    expect(planPosts(["a", "b", "c"], result).map((p) => p.label)).toEqual([
      "Paris, France · 1 Jun 2024, 09:00",
      "Paris, France · 1 Jun 2024, 18:00",
      "Versailles, France · 2 Jun 2024"
    ])
  })
})
