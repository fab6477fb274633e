/**
 * Exact copies and arrival order, for every SelectionModel.
 *
 * The same bytes uploaded twice (`IMG_1234.jpg` and a browser's second download
 * `IMG_1234 (1).jpg`, Finder's `IMG_1234 copy.jpg`) are one picture: exactly one
 * copy — chosen by `compareCopies` (duplicates.ts) — is judged, and every other copy is
 * excluded as an exact duplicate of it. Items reach the selection in whatever
 * order the store lists them (by random fileId over the API), so the batch is
 * first put in {@link canonicalOrder}: every later tie (equal quality, equal
 * capture time) then breaks the same way, whatever the arrival order.
 */
import type { ExcludedItem, MediaItem, SelectionResult } from "@curator/contracts"
import { compareCodeUnits, exactDuplicates } from "./duplicates.js"

/**
 * The batch in canonical order: by file name, then content hash, then fileId (code-unit order,
 * the same in every locale). Items with the same name and bytes differ only by their random
 * fileId, so any order of them gives the same result up to those ids.
 */
export const canonicalOrder = <C extends { readonly item: MediaItem }>(candidates: ReadonlyArray<C>): Array<C> =>
  [...candidates].sort(
    (a, b) =>
      compareCodeUnits(a.item.fileName, b.item.fileName) ||
      compareCodeUnits(a.item.contentHash, b.item.contentHash) ||
      compareCodeUnits(a.item.fileId, b.item.fileId)
  )

/** A batch with its exact copies folded out, and how to put them back into a result. */
export interface FoldedCopies<C> {
  /** One candidate per content hash (the kept copy), in {@link canonicalOrder}. */
  readonly unique: ReadonlyArray<C>
  /**
   * Puts the copies back into a result made from `unique`: each copy excluded as `near-duplicate`
   * with `duplicateOf` = its kept copy, and listed right after it in the kept copy's scene group.
   */
  readonly unfold: (result: SelectionResult) => SelectionResult
}

/** The reason an exact copy is excluded. */
export const exactCopyReason = (kept: MediaItem): string => `Exact duplicate of ${kept.fileName}: same content hash`

/** Folds exact copies (same `contentHash`) out of a batch, in canonical order (see module doc). */
export const foldExactCopies = <C extends { readonly item: MediaItem }>(candidates: ReadonlyArray<C>): FoldedCopies<C> => {
  const ordered = canonicalOrder(candidates)
  const duplicates = exactDuplicates(ordered.map((c) => c.item))
  const unique = ordered.filter((_, i) => !duplicates.has(i))
  if (duplicates.size === 0) return { unique, unfold: (result) => result }
  const copies = [...duplicates].sort(([a], [b]) => a - b).map(([copy, kept]) => ({ copy: ordered[copy]!.item, kept: ordered[kept]!.item }))
  const copiesOf = new Map<string, Array<string>>()
  for (const { copy, kept } of copies) copiesOf.set(kept.fileId, [...(copiesOf.get(kept.fileId) ?? []), copy.fileId])
  const excluded: Array<ExcludedItem> = copies.map(({ copy, kept }) => ({
    fileId: copy.fileId,
    category: "near-duplicate",
    reason: exactCopyReason(kept),
    duplicateOf: kept.fileId
  }))
  return {
    unique,
    unfold: (result) => ({
      ...result,
      excluded: [...result.excluded, ...excluded],
      sceneGroups: result.sceneGroups.map((g) => ({ ...g, items: g.items.flatMap((id) => [id, ...(copiesOf.get(id) ?? [])]) }))
    })
  }
}
