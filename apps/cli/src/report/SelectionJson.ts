/**
 * `selection.json`: the machine-readable outcome of `curator run`. Every
 * input path appears exactly once, by its original name: in `selected` (rank
 * order), in `excluded` (files that could not be processed included, as
 * category `unprocessable` with their error tag — `CorruptMediaError`,
 * `UnreadableFileError` for a file the process may not read, ...), or in
 * `skipped` (inputs not taken in: `skipped: symlink`, `skipped: unsupported
 * type`). File references carry both the original name and the fileId, so
 * `duplicateOf` and scene members can be read without a lookup.
 *
 * Layout (`format: "curator.selection"`, `version: 1`; keys in this order):
 * ```
 * { format, version, title, tripContext, generatedAt, model,
 *   counts: { files, selected, excluded, unprocessable, skipped, scenes, byCategory: { <category>: n } },
 *   selected: [{ rank, fileName, fileId, kind, scene, justification, comparisonNote }],
 *   excluded: [{ fileName, fileId, kind, category, reason, duplicateOf: { fileName, fileId } | null,
 *                scene, error: { tag, message } | null }],
 *   sceneGroups: [{ name, gps: { lat, lon, alt } | null, timeRange: { start, end } | null,
 *                   files: [{ fileName, fileId }] }],
 *   skipped: [{ fileName, status: "skipped: symlink" | "skipped: unsupported type", reason }] }
 * ```
 * `counts.files` counts the files taken in (selected + excluded);
 * `counts.excluded` counts the whole `excluded` list (unprocessable included);
 * `counts.unprocessable` is the part that could not be processed;
 * `counts.skipped` the inputs not taken in.
 */
import { ExclusionCategory, GpsPosition, MediaKind, SkippedInput } from "@curator/contracts"
import { Schema } from "effect"
import { buildReportView, type ReportEntry } from "./internal/ReportView.js"
import type { ReportInput } from "./ReportInput.js"

/** A file by its original name and its fileId. */
export const FileRef = Schema.Struct({ fileName: Schema.String, fileId: Schema.String })
export type FileRef = typeof FileRef.Type

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** A picked file; `rank` starts at 1. */
export const SelectionJsonSelected = Schema.Struct({
  rank: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  fileName: Schema.String,
  fileId: Schema.String,
  kind: MediaKind,
  scene: Schema.String,
  justification: Schema.String,
  comparisonNote: Schema.String
})
export type SelectionJsonSelected = typeof SelectionJsonSelected.Type

/** A left-out file. `kind` is null when the file could not be read; `error` is set for `unprocessable` files that failed. */
export const SelectionJsonExcluded = Schema.Struct({
  fileName: Schema.String,
  fileId: Schema.String,
  kind: Schema.NullOr(MediaKind),
  category: ExclusionCategory,
  reason: Schema.String,
  duplicateOf: Schema.NullOr(FileRef),
  scene: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.Struct({ tag: Schema.String, message: Schema.String }))
})
export type SelectionJsonExcluded = typeof SelectionJsonExcluded.Type

/** A scene group with its member files. */
export const SelectionJsonScene = Schema.Struct({
  name: Schema.String,
  gps: Schema.NullOr(GpsPosition),
  timeRange: Schema.NullOr(Schema.Struct({ start: Schema.String, end: Schema.String })),
  files: Schema.Array(FileRef)
})
export type SelectionJsonScene = typeof SelectionJsonScene.Type

/** Summary counts; `byCategory` always lists all five categories. */
export const SelectionJsonCounts = Schema.Struct({
  files: Count,
  selected: Count,
  excluded: Count,
  unprocessable: Count,
  skipped: Count,
  scenes: Count,
  byCategory: Schema.Struct({
    "near-duplicate": Count,
    "quality-issue": Count,
    "content-mismatch": Count,
    "redundant-scene": Count,
    unprocessable: Count
  })
})

/**
 * The whole document, with its invariants checked: each fileId appears once
 * across `selected` and `excluded`, ranks are 1..n in order, and the counts
 * match the lists.
 */
export const SelectionDocument = Schema.Struct({
  format: Schema.Literal("curator.selection"),
  version: Schema.Literal(1),
  title: Schema.String,
  tripContext: Schema.String,
  generatedAt: Schema.String,
  model: Schema.String,
  counts: SelectionJsonCounts,
  selected: Schema.Array(SelectionJsonSelected),
  excluded: Schema.Array(SelectionJsonExcluded),
  sceneGroups: Schema.Array(SelectionJsonScene),
  skipped: Schema.Array(SkippedInput)
}).check(
  Schema.makeFilter((doc) => {
    const issues: Array<Schema.FilterIssue> = []
    const seen = new Set<string>()
    for (const f of [...doc.selected, ...doc.excluded]) {
      if (seen.has(f.fileId)) issues.push({ path: ["excluded"], issue: `file ${f.fileId} (${f.fileName}) appears more than once` })
      seen.add(f.fileId)
    }
    doc.selected.forEach((s, i) => {
      if (s.rank !== i + 1) issues.push({ path: ["selected", i, "rank"], issue: `rank ${s.rank} at position ${i + 1}` })
    })
    const c = doc.counts
    const unprocessable = doc.excluded.filter((e) => e.category === "unprocessable").length
    if (c.files !== seen.size) issues.push({ path: ["counts", "files"], issue: `counts.files ${c.files} but ${seen.size} files listed` })
    if (c.selected !== doc.selected.length) issues.push({ path: ["counts", "selected"], issue: "counts.selected does not match selected" })
    if (c.excluded !== doc.excluded.length) issues.push({ path: ["counts", "excluded"], issue: "counts.excluded does not match excluded" })
    if (c.unprocessable !== unprocessable) issues.push({ path: ["counts", "unprocessable"], issue: "counts.unprocessable does not match excluded" })
    if (c.skipped !== doc.skipped.length) issues.push({ path: ["counts", "skipped"], issue: "counts.skipped does not match skipped" })
    return issues
  })
)
export type SelectionDocument = typeof SelectionDocument.Type

/** `selection.json` text <-> SelectionDocument (2-space indented JSON). Decode it to read a report back. */
export const SelectionJson = Schema.fromJsonString(SelectionDocument, { space: 2 })

/**
 * The selection document of `input` (pure). Ranks are renumbered 1..n in rank
 * order, so a result with gaps (an item dropped as failed) still reads cleanly;
 * the model's own ranks keep their order.
 */
export const buildSelectionDocument = (input: ReportInput): SelectionDocument => {
  const view = buildReportView(input)
  const ref = (fileId: string): FileRef => ({ fileName: view.nameOf(fileId), fileId })
  const excludedEntries = [...view.scenes.flatMap((s) => s.excluded), ...view.failed]
  const excluded = excludedEntries.flatMap((e: ReportEntry): Array<SelectionJsonExcluded> =>
    e.excluded === null
      ? []
      : [{
        fileName: e.fileName,
        fileId: e.fileId,
        kind: e.kind,
        category: e.excluded.category,
        reason: e.excluded.reason,
        duplicateOf: e.excluded.duplicateOf === null ? null : ref(e.excluded.duplicateOf),
        scene: e.scene,
        error: e.failure
      }]
  )
  return {
    format: "curator.selection",
    version: 1,
    title: view.title,
    tripContext: view.tripContext,
    generatedAt: view.generatedAt,
    model: view.model,
    counts: {
      files: view.counts.files,
      selected: view.counts.selected,
      excluded: excluded.length,
      unprocessable: view.counts.unprocessable,
      skipped: (input.skipped ?? []).length,
      scenes: view.counts.scenes,
      byCategory: view.counts.byCategory
    },
    selected: view.selected.flatMap((e): Array<SelectionJsonSelected> =>
      e.selected === null || e.rank === null
        ? []
        : [{
          rank: e.rank,
          fileName: e.fileName,
          fileId: e.fileId,
          kind: e.selected.kind,
          scene: e.selected.scene,
          justification: e.selected.justification,
          comparisonNote: e.selected.comparisonNote
        }]
    ),
    excluded,
    sceneGroups: input.result.sceneGroups.map((g) => ({
      name: g.name,
      gps: g.gps,
      timeRange: g.timeRange,
      files: g.items.map(ref)
    })),
    skipped: [...(input.skipped ?? [])]
  }
}

/**
 * The `selection.json` text of `input`: the document of `buildSelectionDocument`
 * encoded through `SelectionJson`, so a document breaking its own invariants
 * is a defect (a bug here), never a silently wrong file.
 */
export const renderSelectionJson = (input: ReportInput): string =>
  `${Schema.encodeSync(SelectionJson)(buildSelectionDocument(input))}\n`
