/**
 * Duplicate detection: exact duplicates by content hash, near-duplicates by dHash.
 */
import { histogramDistance } from "./colorHistogram.js"
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE } from "./perceptualHash.js"

/**
 * Burst rule: shots taken within {@link BURST_WINDOW_MS} of each other with
 * near-identical colours are near-duplicates up to {@link BURST_MAX_DISTANCE}
 * bits. A hand-held burst moves the frame a few pixels, which flips dHash bits
 * in flat regions (sky, water) well past the still-image threshold; capture
 * time and colour distribution confirm what the hash alone cannot.
 * Measured on the generated sample: a 6 px shift at 1600 px gives 13 bits,
 * unrelated shots of one trip 20-43 bits.
 */
export const BURST_WINDOW_MS = 10_000
/** Largest dHash distance (bits of 64) for two shots of one burst. */
export const BURST_MAX_DISTANCE = 16
/** Largest colour-histogram distance (0..1, histogram intersection) for two shots of one burst. */
export const BURST_MAX_COLOUR_DISTANCE = 0.15

/** What the exact-duplicate rule reads of an item. */
export interface CopyKey {
  readonly fileId: string
  readonly fileName: string
  /** SHA-256 of the file's bytes (MediaItem `contentHash`). */
  readonly contentHash: string
}

/** Code-unit order of two strings: the same in every locale and runtime (unlike `localeCompare`). */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Which of two copies of the same bytes is the one to keep: the shorter file name — the original
 * rather than a browser's second download `IMG_1 (1).jpg`, Finder's `IMG_1 copy.jpg` or Windows'
 * `IMG_1 - Copy.jpg`, which all add to the name — then the name first in code-unit order, then the
 * fileId. A total order on the items themselves, so the kept copy never depends on arrival order.
 */
export const compareCopies = (a: CopyKey, b: CopyKey): number =>
  a.fileName.length - b.fileName.length || compareCodeUnits(a.fileName, b.fileName) || compareCodeUnits(a.fileId, b.fileId)

/**
 * Exact duplicates: items with the same `contentHash` (the SHA-256 of the bytes).
 * Returns a map duplicate index -> index of the kept copy of that hash, chosen by
 * {@link compareCopies}; items whose hash is unique are not in the map.
 */
export const exactDuplicates = (items: ReadonlyArray<CopyKey>): Map<number, number> => {
  const groups = new Map<string, Array<number>>()
  items.forEach((item, index) => groups.set(item.contentHash, [...(groups.get(item.contentHash) ?? []), index]))
  const duplicates = new Map<number, number>()
  for (const members of groups.values()) {
    const kept = members.reduce((best, i) => (compareCopies(items[i]!, items[best]!) < 0 ? i : best), members[0]!)
    for (const i of members) if (i !== kept) duplicates.set(i, kept)
  }
  return duplicates
}

/** A near-duplicate cluster: the kept leader and the others with their distance to it (bits of 64). */
export interface NearDuplicateCluster {
  readonly leader: number
  readonly others: ReadonlyArray<{ readonly id: number; readonly distance: number }>
}

/**
 * Leader clustering of one scene's items, given BEST FIRST (quality descending): each item
 * joins the first leader within {@link NEAR_DUPLICATE_MAX_DISTANCE} bits (or of the same burst,
 * see {@link BURST_WINDOW_MS}), else leads a new
 * cluster. So every leader is the best of its cluster and `duplicateOf` always names a
 * kept item directly — unlike single linkage, which can chain distinct shots together.
 */
export const clusterNearDuplicates = (
  bestFirst: ReadonlyArray<{ readonly id: number; readonly hash: bigint; readonly instantMs?: number | null; readonly histogram?: Float64Array }>
): Array<NearDuplicateCluster> => {
  type Member = (typeof bestFirst)[number]
  const clusters: Array<{ leader: number; lead: Member; others: Array<{ id: number; distance: number }> }> = []
  const sameBurst = (a: Member, b: Member, d: number) =>
    d <= BURST_MAX_DISTANCE &&
    a.instantMs != null && b.instantMs != null && Math.abs(a.instantMs - b.instantMs) <= BURST_WINDOW_MS &&
    a.histogram !== undefined && b.histogram !== undefined && histogramDistance(a.histogram, b.histogram) <= BURST_MAX_COLOUR_DISTANCE
  for (const member of bestFirst) {
    const { hash, id } = member
    let home: (typeof clusters)[number] | undefined
    let homeDistance = 0
    for (const c of clusters) {
      const d = hammingDistance(c.lead.hash, hash)
      if (d <= NEAR_DUPLICATE_MAX_DISTANCE || sameBurst(c.lead, member, d)) {
        home = c
        homeDistance = d
        break
      }
    }
    if (home === undefined) clusters.push({ leader: id, lead: member, others: [] })
    else home.others.push({ id, distance: homeDistance })
  }
  return clusters.map(({ leader, others }) => ({ leader, others }))
}
