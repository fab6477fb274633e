import { describe, expect, it } from "vitest"
import { type BackoffPolicy, enhancementPolicy, nextDelay, selectionPolicy } from "../../src/shared/Backoff.js"

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

  it("polls an enhancement at least as long as its state machine may run (TimeoutSeconds 2 h), and no longer than three times that", () => {
    expect(enhancementPolicy.maxPolls * (enhancementPolicy.maxMs / 2)).toBeGreaterThanOrEqual(7200 * 1000)
    expect(enhancementPolicy.maxPolls * enhancementPolicy.maxMs).toBeLessThanOrEqual(3 * 7200 * 1000)
    // A round that just ended is seen quickly: the first polls after a change come within a second.
    expect(nextDelay(enhancementPolicy, 0, 0.999999)).toBeLessThanOrEqual(1000)
  })
})
