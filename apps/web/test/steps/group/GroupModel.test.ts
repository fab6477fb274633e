import type { PoolItem, Post, PostsState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import {
  arrayMove,
  cleanLabel,
  containerDndId,
  containerFromDndId,
  containerOf,
  containersOf,
  dropTarget,
  fillLabel,
  hasRoom,
  NEW_POST,
  planMove,
  POOL
} from "../../../src/steps/group/GroupModel.js"

const id = (n: number) => `f${String(n).padStart(25, "a")}`
const item = (n: number, postId: string | null = null): PoolItem => ({
  fileId: id(n),
  name: `IMG_${n}.JPG`,
  kind: "photo",
  source: "original",
  enhancement: null,
  capturedAt: null,
  postId
})
const post = (postId: string, index: number, fileIds: Array<string>, revision = 0): Post => ({ postId, index, label: "", fileIds, revision, caption: null })

// Items 1..6; post A holds 2, 3; post B holds 4; 1, 5, 6 are in the pool.
const state: PostsState = {
  selectionJobId: "j".repeat(26),
  generation: 0,
  items: [item(1), item(2, "A"), item(3, "A"), item(4, "B"), item(5), item(6)],
  posts: [post("A", 0, [id(2), id(3)], 3), post("B", 1, [id(4)], 1)]
}

describe("GroupModel", () => {
  it("lists the pool in rank order and each post in carousel order", () => {
    const c = containersOf(state)
    expect(c.get(POOL)).toEqual([id(1), id(5), id(6)])
    expect(c.get("A")).toEqual([id(2), id(3)])
    expect(containerOf(state, id(3))).toBe("A")
    expect(containerOf(state, id(5))).toBe(POOL)
    expect(containerOf(state, "nope")).toBeNull()
  })

  it("moves a pool item into a post at a place: one PUT of that post, the shown state already moved", () => {
    const plan = planMove(state, id(1), "A", 1)
    expect(plan.kind).toBe("update")
    if (plan.kind !== "update") return
    expect(plan).toMatchObject({ postId: "A", fileIds: [id(2), id(1), id(3)], revision: 3, label: "" })
    expect(containersOf(plan.shown).get(POOL)).toEqual([id(5), id(6)])
    expect(plan.shown.items.find((i) => i.fileId === id(1))?.postId).toBe("A")
  })

  it("moves an item from one post to another with one PUT of the target (the API takes it out of the source)", () => {
    const plan = planMove(state, id(2), "B", 0)
    if (plan.kind !== "update") throw new Error(plan.kind)
    expect(plan.postId).toBe("B")
    expect(plan.fileIds).toEqual([id(2), id(4)])
    expect(plan.revision).toBe(1)
    expect(containersOf(plan.shown).get("A")).toEqual([id(3)])
  })

  it("reorders within a post (the carousel order) and ignores a drop on the same place", () => {
    const plan = planMove(state, id(2), "A", 1)
    if (plan.kind !== "update") throw new Error(plan.kind)
    expect(plan.fileIds).toEqual([id(3), id(2)])
    expect(planMove(state, id(2), "A", 0)).toEqual({ kind: "none" })
    // An index past the end means the last place.
    const last = planMove(state, id(2), "A", 99)
    expect(last.kind === "update" && last.fileIds).toEqual([id(3), id(2)])
  })

  it("returns an item to the pool by a PUT of the post it leaves; pool to pool is nothing", () => {
    const plan = planMove(state, id(3), POOL, 0)
    if (plan.kind !== "update") throw new Error(plan.kind)
    expect(plan).toMatchObject({ postId: "A", fileIds: [id(2)], revision: 3 })
    expect(plan.shown.items.find((i) => i.fileId === id(3))?.postId).toBeNull()
    expect(planMove(state, id(1), POOL, 2)).toEqual({ kind: "none" })
  })

  it("makes a new post from a drop on the new-post target", () => {
    const plan = planMove(state, id(4), NEW_POST, 0)
    if (plan.kind !== "create") throw new Error(plan.kind)
    expect(plan.fileIds).toEqual([id(4)])
    expect(containersOf(plan.shown).get("B")).toEqual([])
  })

  it(`refuses a ${PostLimits.itemsPerPost + 1}st item before the API does, but reorders a full post`, () => {
    const full = Array.from({ length: PostLimits.itemsPerPost }, (_, i) => id(100 + i))
    const s: PostsState = { ...state, items: [...state.items, ...full.map((f, i) => ({ ...item(100 + i, "C"), fileId: f }))], posts: [...state.posts, post("C", 2, full)] }
    expect(hasRoom(s.posts[2]!)).toBe(false)
    expect(fillLabel(20)).toBe("20 / 20")
    const refused = planMove(s, id(1), "C", 0)
    expect(refused.kind).toBe("refused")
    expect(refused.kind === "refused" && refused.reason).toContain("at most 20 items")
    expect(planMove(s, full[0]!, "C", 5).kind).toBe("update")
    expect(planMove(s, "unknown", "A", 0).kind).toBe("refused")
    expect(planMove(s, id(1), "gone", 0).kind).toBe("refused")
  })

  it("reads drop targets: a container means its end, an item its place", () => {
    expect(containerFromDndId(containerDndId("A"))).toBe("A")
    expect(containerFromDndId(id(1))).toBeNull()
    expect(dropTarget(state, containerDndId("A"))).toEqual({ to: "A", index: 2 })
    expect(dropTarget(state, containerDndId(POOL))).toEqual({ to: POOL, index: 3 })
    expect(dropTarget(state, containerDndId(NEW_POST))).toEqual({ to: NEW_POST, index: 0 })
    expect(dropTarget(state, id(3))).toEqual({ to: "A", index: 1 })
    expect(dropTarget(state, containerDndId("gone"))).toBeNull()
    expect(dropTarget(state, "nothing")).toBeNull()
  })

  it("moves array elements like dnd-kit's arrayMove", () => {
    expect(arrayMove(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"])
    expect(arrayMove(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"])
  })

  it("cleans labels", () => {
    expect(cleanLabel(`  ${"x".repeat(200)}`)).toHaveLength(PostLimits.labelLength)
  })
})
