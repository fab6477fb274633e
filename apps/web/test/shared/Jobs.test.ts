import { describe, expect, it } from "vitest"
import { finishedOf, itemFraction, itemTone, jobLabel, jobTone } from "../../src/shared/Jobs.js"

describe("Jobs", () => {
  it("labels and colours a job's total bar: done only once every item ended", () => {
    expect(["running", "complete", "failed"].map((s) => jobLabel(s as "running"))).toEqual(["Running", "Complete", "Failed"])
    expect(jobTone("running", 2, 3)).toBe("normal")
    expect(jobTone("running", 3, 3)).toBe("done")
    expect(jobTone("complete", 0, 0)).toBe("normal")
    expect(jobTone("failed", 3, 3)).toBe("failed")
  })

  it("fills an item's bar by status", () => {
    expect(["pending", "processing", "done", "failed"].map((s) => itemFraction(s as "pending"))).toEqual([0, 0.5, 1, 1])
    expect(["pending", "processing", "done", "failed"].map((s) => itemTone(s as "pending"))).toEqual(["normal", "normal", "done", "failed"])
  })

  it("counts finished items and their share, 0 for an empty job", () => {
    expect(finishedOf({ total: 4, done: 2, failed: 1 })).toEqual({ finished: 3, fraction: 0.75 })
    expect(finishedOf({ total: 0, done: 0, failed: 0 })).toEqual({ finished: 0, fraction: 0 })
  })
})
