/**
 * Duplicate detection: exact duplicates by content hash, near-duplicates by dHash.
 */
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE } from "./perceptualHash.js"

/**
 * Exact duplicates: items with the same `contentHash` (the SHA-256 of the bytes).
 * Returns a map duplicate index -> index of the first item (input order) with that hash.
 */
export const exactDuplicates = (contentHashes: ReadonlyArray<string>): Map<number, number> => {
  const first = new Map<string, number>()
  const duplicates = new Map<number, number>()
  contentHashes.forEach((hash, index) => {
    const kept = first.get(hash)
    if (kept === undefined) first.set(hash, index)
    else duplicates.set(index, kept)
  })
  return duplicates
}

/** A near-duplicate cluster: the kept leader and the others with their distance to it (bits of 64). */
export interface NearDuplicateCluster {
  readonly leader: number
  readonly others: ReadonlyArray<{ readonly id: number; readonly distance: number }>
}

/**
 * Leader clustering of one scene's items, given BEST FIRST (quality descending): each item
 * joins the first leader within {@link NEAR_DUPLICATE_MAX_DISTANCE} bits, else leads a new
 * cluster. So every leader is the best of its cluster and `duplicateOf` always names a
 * kept item directly — unlike single linkage, which can chain distinct shots together.
 */
export const clusterNearDuplicates = (
  bestFirst: ReadonlyArray<{ readonly id: number; readonly hash: bigint }>
): Array<NearDuplicateCluster> => {
  const clusters: Array<{ leader: number; hash: bigint; others: Array<{ id: number; distance: number }> }> = []
  for (const { hash, id } of bestFirst) {
    let home: (typeof clusters)[number] | undefined
    let homeDistance = 0
    for (const c of clusters) {
      const d = hammingDistance(c.hash, hash)
      if (d <= NEAR_DUPLICATE_MAX_DISTANCE) {
        home = c
        homeDistance = d
        break
      }
    }
    if (home === undefined) clusters.push({ leader: id, hash, others: [] })
    else home.others.push({ id, distance: homeDistance })
  }
  return clusters.map(({ leader, others }) => ({ leader, others }))
}
