import { IDENTITY_PHOTO_ADJUSTMENTS, PhotoAdjustments, type EnhancementItemRecord, type EnhancementRound } from "@curator/contracts"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { runTest } from "@curator/contracts/testing"
import { roundBasis, undoStack } from "../../src/internal/enhancementRounds.js"

const params = (gamma: number) => ({ ...IDENTITY_PHOTO_ADJUSTMENTS, gamma }) as unknown as EnhancementRound["params"]
const round = (n: number, gamma: number, feedback: string | null): EnhancementRound => ({
  round: n,
  feedback,
  params: params(gamma),
  outputKey: `s/enhanced/f${n === 0 ? "" : `.r${n}`}.jpg`,
  previewKey: null,
  createdAt: "2026-11-30T12:00:00.000Z"
})
const record = (rounds: ReadonlyArray<EnhancementRound>): EnhancementItemRecord => ({
  fileId: "f",
  kind: "photo",
  status: "done",
  rounds,
  currentRound: rounds.length - 1,
  errorTag: null,
  errorMessage: null,
  expiresAt: 2_000_000_000
})

describe("undo history", () => {
  it("feedback pushes, undo pops: undo twice goes back two steps instead of toggling", () => {
    // 0 auto (1.0) -> brighter (1.2) -> brighter (1.4) -> undo (1.2) -> undo (1.0)
    const rounds = [round(0, 1, null), round(1, 1.2, "brighter"), round(2, 1.4, "brighter"), round(3, 1.2, "undo")]
    expect(undoStack(rounds).map((p) => p["gamma"])).toEqual([1, 1.2])
    expect(undoStack([...rounds, round(4, 1, "undo")]).map((p) => p["gamma"])).toEqual([1])
  })

  it("roundBasis: the latest params and what undo restores", () =>
    runTest(Effect.gen(function* () {
      const once = yield* roundBasis(PhotoAdjustments, record([round(0, 1, null), round(1, 1.2, "brighter"), round(2, 1.4, "brighter")]))
      expect([once.current.gamma, once.previous.gamma]).toEqual([1.4, 1.2])
      const afterUndo = yield* roundBasis(PhotoAdjustments, record([round(0, 1, null), round(1, 1.2, "brighter"), round(2, 1.4, "brighter"), round(3, 1.2, "undo")]))
      expect([afterUndo.current.gamma, afterUndo.previous.gamma]).toEqual([1.2, 1])
      const first = yield* roundBasis(PhotoAdjustments, record([round(0, 1, null)]))
      expect([first.current.gamma, first.previous.gamma]).toEqual([1, 1])
    })))
})
