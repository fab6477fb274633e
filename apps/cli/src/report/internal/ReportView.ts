/**
 * The one reading of a ReportInput that all three renderers share, so
 * `selection.json`, the contact sheet and the HTML page never disagree.
 *
 * It accounts for every file exactly once:
 * - a file that failed (it has a `failure`, or the result excludes it as
 *   `unprocessable`) is FAILED, whatever else the result says;
 * - otherwise a file in `result.selected` is SELECTED (selected wins over a
 *   stray entry for the same file in `excluded`);
 * - otherwise it is EXCLUDED with the result's reason;
 * - a file the result does not mention at all is FAILED too (excluded as
 *   `unprocessable`, "not in the selection result"), so nothing is lost silently.
 * Files are placed in scenes by the selected item's `scene` name, else by the
 * scene group listing the file; processed files in no scene go to a trailing
 * "Not in a scene" group. Failed files are listed apart, never in a scene.
 */
import type { ExcludedItem, ExclusionCategory, GpsPosition, MediaItem, MediaKind, SceneGroup, SelectedItem } from "@curator/contracts"
import type { ReportFailure, ReportInput } from "../ReportInput.js"

/** Where a file ended up. */
export type EntryStatus = "selected" | "excluded" | "failed"

/** One input file with everything the renderers show about it. */
export interface ReportEntry {
  readonly fileId: string
  readonly fileName: string
  readonly kind: MediaKind | null
  readonly item: MediaItem | null
  readonly thumbnail: Uint8Array | null
  readonly status: EntryStatus
  /** Set when `status` is "selected". */
  readonly selected: SelectedItem | null
  /** Set when `status` is "excluded" or "failed" (category "unprocessable" for failed). */
  readonly excluded: ExcludedItem | null
  /** The processing failure of a failed file (tag and message), when known. */
  readonly failure: ReportFailure | null
  /** The scene the file is shown in; null for failed files and files in no scene. */
  readonly scene: string | null
  /** Display rank 1..n of a selected file (the model's rank order, renumbered without gaps); null otherwise. */
  readonly rank: number | null
}

/** A scene with its selected entries in rank order, then its excluded entries. */
export interface SceneView {
  readonly name: string
  readonly gps: GpsPosition | null
  readonly timeRange: { readonly start: string; readonly end: string } | null
  /** True for the synthetic group of processed files the result put in no scene. */
  readonly synthetic: boolean
  readonly selected: ReadonlyArray<ReportEntry>
  readonly excluded: ReadonlyArray<ReportEntry>
}

/** Counts for the summary; `excluded` does not include `unprocessable` files, `byCategory` does. */
export interface ReportCounts {
  readonly files: number
  readonly selected: number
  readonly excluded: number
  readonly unprocessable: number
  readonly scenes: number
  readonly byCategory: Readonly<Record<ExclusionCategory, number>>
}

/** The shared reading of a ReportInput. */
export interface ReportView {
  readonly title: string
  readonly tripContext: string
  readonly generatedAt: string
  readonly model: string
  /** Every file once: input order, then files only the result mentions. */
  readonly entries: ReadonlyArray<ReportEntry>
  /** Selected entries in rank order. */
  readonly selected: ReadonlyArray<ReportEntry>
  readonly scenes: ReadonlyArray<SceneView>
  /** Failed entries in input order. */
  readonly failed: ReadonlyArray<ReportEntry>
  readonly counts: ReportCounts
  /** The original file name of a fileId (the fileId itself when unknown). */
  readonly nameOf: (fileId: string) => string
}

/** Name of the trailing group of processed files the result put in no scene. */
export const NO_SCENE_NAME = "Not in a scene"

/** Reason given for a file the selection result does not mention. */
export const UNACCOUNTED_REASON = "The selection result does not mention this file."

/** Builds the shared reading of `input` (pure). */
export const buildReportView = (input: ReportInput): ReportView => {
  const { result } = input
  const inputById = new Map(input.items.map((i) => [i.fileId, i]))
  const selectedById = new Map<string, SelectedItem>()
  for (const s of result.selected) if (!selectedById.has(s.fileId)) selectedById.set(s.fileId, s)
  const excludedById = new Map<string, ExcludedItem>()
  for (const e of result.excluded) if (!excludedById.has(e.fileId)) excludedById.set(e.fileId, e)

  // Every fileId once: the input's order first, then ids only the result knows.
  const ids: Array<string> = []
  const seen = new Set<string>()
  const addId = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id)
      ids.push(id)
    }
  }
  for (const i of input.items) addId(i.fileId)
  for (const s of result.selected) addId(s.fileId)
  for (const e of result.excluded) addId(e.fileId)
  for (const g of result.sceneGroups) for (const id of g.items) addId(id)

  const groupByName = new Map<string, SceneGroup>()
  const groupOfFile = new Map<string, SceneGroup>()
  for (const g of result.sceneGroups) {
    if (!groupByName.has(g.name)) groupByName.set(g.name, g)
    for (const id of g.items) if (!groupOfFile.has(id)) groupOfFile.set(id, g)
  }

  const unranked: Array<Omit<ReportEntry, "rank">> = []
  for (const fileId of ids) {
    const source = inputById.get(fileId)
    const sel = selectedById.get(fileId)
    const exc = excludedById.get(fileId)
    const failure = source?.failure ?? null
    const base = {
      fileId,
      fileName: source?.fileName ?? fileId,
      kind: source?.item?.kind ?? sel?.kind ?? null,
      item: source?.item ?? null,
      thumbnail: source?.thumbnail ?? null
    }
    if (failure !== null || exc?.category === "unprocessable" || (sel === undefined && exc === undefined)) {
      const excluded: ExcludedItem =
        exc?.category === "unprocessable"
          ? exc
          : { fileId, reason: failure?.message ?? UNACCOUNTED_REASON, category: "unprocessable", duplicateOf: null }
      unranked.push({ ...base, status: "failed", selected: null, excluded, failure, scene: null })
    } else if (sel !== undefined) {
      const scene = groupByName.has(sel.scene) ? sel.scene : (groupOfFile.get(fileId)?.name ?? null)
      unranked.push({ ...base, status: "selected", selected: sel, excluded: null, failure: null, scene })
    } else if (exc !== undefined) {
      unranked.push({ ...base, status: "excluded", selected: null, excluded: exc, failure: null, scene: groupOfFile.get(fileId)?.name ?? null })
    }
  }

  const byModelRank = (a: Omit<ReportEntry, "rank">, b: Omit<ReportEntry, "rank">) =>
    (a.selected?.rank ?? 0) - (b.selected?.rank ?? 0) || a.fileName.localeCompare(b.fileName)
  const rankById = new Map(unranked.filter((e) => e.status === "selected").sort(byModelRank).map((e, i) => [e.fileId, i + 1]))
  const entries: ReadonlyArray<ReportEntry> = unranked.map((e) => ({ ...e, rank: rankById.get(e.fileId) ?? null }))
  const selected = entries.filter((e) => e.status === "selected").sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
  // Excluded in the order the result gives them (the model's order), then the repaired ones.
  const excludedOrder = new Map(result.excluded.map((e, i) => [e.fileId, i]))
  const excluded = entries
    .filter((e) => e.status === "excluded")
    .sort((a, b) => (excludedOrder.get(a.fileId) ?? Infinity) - (excludedOrder.get(b.fileId) ?? Infinity))

  const scenes: Array<SceneView> = []
  for (const g of groupByName.values()) {
    scenes.push({
      name: g.name,
      gps: g.gps,
      timeRange: g.timeRange,
      synthetic: false,
      selected: selected.filter((e) => e.scene === g.name),
      excluded: excluded.filter((e) => e.scene === g.name)
    })
  }
  const orphanSelected = selected.filter((e) => e.scene === null)
  const orphanExcluded = excluded.filter((e) => e.scene === null)
  if (orphanSelected.length + orphanExcluded.length > 0) {
    scenes.push({ name: NO_SCENE_NAME, gps: null, timeRange: null, synthetic: true, selected: orphanSelected, excluded: orphanExcluded })
  }

  const failed = entries.filter((e) => e.status === "failed")
  const byCategory: Record<ExclusionCategory, number> = {
    "near-duplicate": 0,
    "quality-issue": 0,
    "content-mismatch": 0,
    "redundant-scene": 0,
    unprocessable: 0
  }
  for (const e of entries) if (e.excluded !== null) byCategory[e.excluded.category]++

  const names = new Map(entries.map((e) => [e.fileId, e.fileName]))
  return {
    title: input.title,
    tripContext: input.tripContext,
    generatedAt: input.generatedAt,
    model: result.model,
    entries,
    selected,
    scenes,
    failed,
    counts: {
      files: entries.length,
      selected: selected.length,
      excluded: excluded.length,
      unprocessable: failed.length,
      scenes: result.sceneGroups.length,
      byCategory
    },
    nameOf: (fileId) => names.get(fileId) ?? fileId
  }
}
