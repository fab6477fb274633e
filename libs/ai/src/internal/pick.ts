/**
 * The diverse pick: round-robin over scenes.
 *
 * Round 1 takes every scene's best candidate, round 2 every scene's second best, and
 * so on, until `targetCount` items are picked: no scene gets a second pick before
 * every scene has its first. Within a round, candidates go in quality order, so when
 * the target cuts a round short the better shots win and rank = pick order adjusted
 * by quality (rank 1 is the best first-round pick).
 */

/** A scene's candidates, best first, each with its quality (0..1). */
export interface SceneCandidates {
  readonly scene: number
  readonly bestFirst: ReadonlyArray<{ readonly id: number; readonly quality: number }>
}

/** One pick: rank from 1, the round it was picked in (1-based). */
export interface Pick {
  readonly id: number
  readonly scene: number
  readonly rank: number
  readonly round: number
}

/** Picks up to `targetCount` items (see module doc). Ties in quality keep scene order. */
export const diversePick = (scenes: ReadonlyArray<SceneCandidates>, targetCount: number): Array<Pick> => {
  const picks: Array<Pick> = []
  const rounds = Math.max(0, ...scenes.map((s) => s.bestFirst.length))
  for (let round = 0; round < rounds && picks.length < targetCount; round++) {
    const offered = scenes
      .flatMap((s) => {
        const c = s.bestFirst[round]
        return c === undefined ? [] : [{ ...c, scene: s.scene }]
      })
      .sort((a, b) => b.quality - a.quality || a.scene - b.scene)
    for (const c of offered) {
      if (picks.length >= targetCount) break
      picks.push({ id: c.id, scene: c.scene, rank: picks.length + 1, round: round + 1 })
    }
  }
  return picks
}
