import type { SelectionResult } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { planPosts, UNSCENED_LABEL } from "../src/grouping.js"

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
