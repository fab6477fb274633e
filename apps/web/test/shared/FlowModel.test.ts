import type { SessionState } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { discardedByReopen, reachedSteps, STEPS, stepIndex, stepOf } from "../../src/shared/FlowModel.js"

const S = "s".repeat(26)
const SEL = "a".repeat(26)
const ENH = "b".repeat(26)
const DL = "c".repeat(26)

const base: SessionState = {
  session: { sessionId: S, createdAt: "2026-11-30T10:00:00Z", expiresAt: 0, tripContext: "" },
  uploads: [],
  selection: null,
  review: null,
  enhancement: null,
  generation: 0,
  postCount: 0,
  tokensUsed: 0,
  download: null
}
const selection = (status: "running" | "complete") => ({ jobId: SEL, status, error: null, startedAt: "", finishedAt: null })
const review = (confirmed: boolean) => ({ jobId: SEL, overrides: [], confirmed, confirmedAt: confirmed ? "2026-11-30T10:00:00Z" : null })
const enhancement = { jobId: ENH, selectionJobId: SEL, status: "complete" as const, error: null, startedAt: "", finishedAt: null, acceptedAt: null }
const download = { jobId: DL, status: "complete" as const, error: null, startedAt: "", finishedAt: null, stale: false }

describe("FlowModel", () => {
  it("has the seven steps in order and maps routes to them", () => {
    expect(STEPS.map((s) => s.label)).toEqual(["Upload", "Select", "Review", "Enhance", "Group", "Caption", "Download"])
    expect(stepOf({ step: "start" })).toBe("upload")
    expect(stepOf({ step: "caption", sessionId: S, postId: null })).toBe("caption")
    expect(stepOf({ step: "notFound", path: "/x" })).toBeNull()
    expect(stepIndex("download")).toBe(6)
  })

  it("reaches each step only when the session holds its work", () => {
    const keys = (state: SessionState) => [...reachedSteps(S, state).keys()]
    expect(keys(base)).toEqual(["upload"])
    expect(keys({ ...base, selection: selection("running") })).toEqual(["upload", "select"])
    expect(keys({ ...base, selection: selection("complete"), review: review(false) })).toEqual(["upload", "select", "review"])
    expect(keys({ ...base, selection: selection("complete"), review: review(true) })).toEqual(["upload", "select", "review", "group"])
    const all = { ...base, selection: selection("complete"), review: review(true), enhancement, postCount: 2, download }
    expect(keys(all)).toEqual(["upload", "select", "review", "enhance", "group", "caption", "download"])
    expect(reachedSteps(S, all).get("download")).toEqual({ step: "download", sessionId: S, jobId: DL })
    expect(reachedSteps(S, all).get("enhance")).toEqual({ step: "enhance", sessionId: S, jobId: ENH })
    // A reopened review closes the later steps until it is confirmed again.
    expect(keys({ ...all, review: review(false) })).toEqual(["upload", "select", "review", "enhance"])
    // An enhancement of an older selection job is not this selection's.
    expect(keys({ ...all, enhancement: { ...enhancement, selectionJobId: "z".repeat(26) } })).not.toContain("enhance")
  })

  it("says what reopening the review discards", () => {
    expect(discardedByReopen(base)).toEqual([])
    const lines = discardedByReopen({ postCount: 2, download, enhancement })
    expect(lines[0]).toBe("Items you exclude are removed from their posts (2 posts so far).")
    expect(lines.join(" ")).toContain("Captions of the posts that change must be written again")
    expect(lines.join(" ")).toContain("The download must be built again.")
  })
})
