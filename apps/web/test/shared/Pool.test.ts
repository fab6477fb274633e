import { describe, expect, it } from "vitest"
import { runPool } from "../../src/shared/Pool.js"

const tick = () => new Promise((r) => setTimeout(r, 0))

describe("runPool", () => {
  it("never has more than `limit` items in flight and settles every item in input order", async () => {
    let inFlight = 0
    let peak = 0
    const results = await runPool(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (n) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await tick()
        inFlight--
        if (n % 7 === 3) throw new Error(`item ${n} broke`)
        return n * 10
      }
    )
    expect(peak).toBe(4)
    expect(results).toHaveLength(20)
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : (r.error as Error).message))).toEqual(["item 3 broke", "item 10 broke", "item 17 broke"])
    expect(results[19]).toEqual({ ok: true, value: 190 })
  })

  it("starts nothing more once aborted; the rest settle with the abort reason", async () => {
    const controller = new AbortController()
    const started: Array<number> = []
    const results = await runPool(
      [0, 1, 2, 3, 4, 5],
      2,
      async (n) => {
        started.push(n)
        if (n === 1) controller.abort(new Error("left the page"))
        await tick()
        return n
      },
      controller.signal
    )
    expect(started).toEqual([0, 1])
    expect(results.slice(2).every((r) => !r.ok && (r.error as Error).message === "left the page")).toBe(true)
  })
})
