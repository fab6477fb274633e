import { describe, expect, it } from "vitest"
import { allProcessed, keepPolling, selectionSignature, selectionTitle } from "../../../src/steps/select/SelectModel.js"

const counts = (total: number, pending: number, processing: number, done: number, failed: number) => ({ total, pending, processing, done, failed })

describe("SelectModel", () => {
  it("polls while the job runs, and restarts the backoff when any count or the status moves", () => {
    expect(keepPolling({ status: "running" })).toBe(true)
    expect(keepPolling({ status: "complete" })).toBe(false)
    expect(keepPolling({ status: "failed" })).toBe(false)
    const a = selectionSignature({ status: "running", counts: counts(3, 2, 1, 0, 0) })
    expect(selectionSignature({ status: "running", counts: counts(3, 2, 1, 0, 0) })).toBe(a)
    expect(selectionSignature({ status: "running", counts: counts(3, 1, 1, 1, 0) })).not.toBe(a)
    expect(selectionSignature({ status: "failed", counts: counts(3, 2, 1, 0, 0) })).not.toBe(a)
  })

  it("says whether the files are still processed or the selection compares them", () => {
    expect(allProcessed(counts(0, 0, 0, 0, 0))).toBe(false)
    expect(allProcessed(counts(3, 0, 0, 2, 1))).toBe(true)
    expect(selectionTitle({ status: "running", counts: counts(3, 1, 0, 2, 0) })).toBe("Processing your files…")
    expect(selectionTitle({ status: "running", counts: counts(3, 0, 0, 2, 1) })).toBe("Choosing the best shots…")
    expect(selectionTitle({ status: "failed", counts: counts(3, 0, 0, 3, 0) })).toBe("The selection stopped")
  })
})
