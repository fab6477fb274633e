/**
 * Writes the report of a run into a folder:
 * ```
 * <outDir>/selection.json      every file by its original name (SelectionJson)
 * <outDir>/contact-sheet.jpg   the contact sheet (ContactSheet)
 * <outDir>/report.html         the static page (HtmlReport), linking thumbs/
 * <outDir>/thumbs/<fileId>.jpg the 400 px thumbnails
 * ```
 * Each file is written to a temporary name and renamed into place, so an
 * interrupted run never leaves a half-written report next to a complete one.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import { renderContactSheet } from "./ContactSheet.js"
import { ReportWriteError } from "./errors.js"
import { renderHtmlReport } from "./HtmlReport.js"
import type { ReportInput } from "./ReportInput.js"
import { renderSelectionJson } from "./SelectionJson.js"

/** Absolute paths of what `writeReport` wrote. */
export type ReportPaths = {
  readonly selectionJson: string
  readonly contactSheet: string
  readonly htmlReport: string
  readonly thumbnails: string
}

/** Folder of the thumbnails, relative to the report folder. */
export const THUMBNAILS_DIR = "thumbs"

/**
 * The thumbnail's file name for a fileId: `<fileId>.jpg`, with anything but
 * `A-Z a-z 0-9 _ -` replaced by `_` so an id can never name a path outside
 * `thumbs/` (fileIds are random ids; this keeps it true whatever the input).
 */
export const thumbnailFileName = (fileId: string): string => `${fileId.replace(/[^A-Za-z0-9_-]/g, "_")}.jpg`

/** The relative URL of a thumbnail from `report.html`. */
export const thumbnailHref = (fileId: string): string => `${THUMBNAILS_DIR}/${encodeURIComponent(thumbnailFileName(fileId))}`

/** Writes `file` atomically (a temp file renamed over it); ReportWriteError naming the path on failure. */
export const writeReportFile = (file: string, data: string | Uint8Array) =>
  Effect.tryPromise({
    try: async () => {
      const temp = `${file}.${process.pid}.tmp`
      await fs.writeFile(temp, data)
      await fs.rename(temp, file)
    },
    catch: (cause) => new ReportWriteError({ message: cause instanceof Error ? cause.message : String(cause), path: file })
  })

const mkdirp = (dir: string) =>
  Effect.tryPromise({
    try: () => fs.mkdir(dir, { recursive: true }),
    catch: (cause) => new ReportWriteError({ message: cause instanceof Error ? cause.message : String(cause), path: dir })
  })

/**
 * Writes `selection.json`, `contact-sheet.jpg`, `report.html` and
 * `thumbs/<fileId>.jpg` (files with a thumbnail only) into `outDir`,
 * creating it as needed (mkdir -p); existing files of the same names are
 * replaced. Returns the absolute paths.
 * Fails with ReportWriteError (a file or folder could not be written) or
 * ReportRenderError (the contact sheet could not be rendered).
 */
export const writeReport = Effect.fn("writeReport")(function* (outDir: string, input: ReportInput) {
  const root = path.resolve(outDir)
  const thumbs = path.join(root, THUMBNAILS_DIR)
  yield* mkdirp(thumbs)
  yield* Effect.forEach(
    input.items,
    (item) => (item.thumbnail === null ? Effect.void : writeReportFile(path.join(thumbs, thumbnailFileName(item.fileId)), item.thumbnail)),
    { concurrency: 8, discard: true }
  )
  const paths: ReportPaths = {
    selectionJson: path.join(root, "selection.json"),
    contactSheet: path.join(root, "contact-sheet.jpg"),
    htmlReport: path.join(root, "report.html"),
    thumbnails: thumbs
  }
  yield* writeReportFile(paths.selectionJson, renderSelectionJson(input))
  yield* writeReportFile(paths.htmlReport, renderHtmlReport(input, { thumbnailHref }))
  const sheet = yield* renderContactSheet(input)
  yield* writeReportFile(paths.contactSheet, sheet)
  return paths
})
