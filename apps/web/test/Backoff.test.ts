import { describe, expect, it } from "vitest"
import { type BackoffPolicy, nextDelay, selectionPolicy } from "../src/Backoff.js"

const policy: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 4000, maxPolls: 10 }

describe("nextDelay", () => {
  it("doubles per idle poll up to the cap, jitter spreading the upper half", () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => nextDelay(policy, n, 0))).toEqual([250, 500, 1000, 2000, 2000, 2000])
    expect([0, 1, 2, 3, 4, 10].map((n) => nextDelay(policy, n, 0.999999))).toEqual([500, 1000, 2000, 4000, 4000, 4000])
  })

  it("polls at least as long as the selection state machine may run (TimeoutSeconds 1 h), and no longer than twice that", () => {
    expect(selectionPolicy.maxPolls * (selectionPolicy.maxMs / 2)).toBeGreaterThanOrEqual(3600 * 1000)
    expect(selectionPolicy.maxPolls * selectionPolicy.maxMs).toBeLessThanOrEqual(3 * 3600 * 1000)
    expect(nextDelay(selectionPolicy, 1000, 0.5)).toBeLessThanOrEqual(selectionPolicy.maxMs)
  })
})
