/**
 * Writes the report of a run into a folder:
 * ```
 * <outDir>/selection.json      every file by its original name (SelectionJson)
 * <outDir>/contact-sheet-NN.jpg  the contact sheet's pages, from 01 (ContactSheet)
 * <outDir>/report.html         the static page (HtmlReport), linking thumbs/
 * <outDir>/thumbs/<fileId>.jpg the 400 px thumbnails
 * ```
 * Each file is written to a temporary name and renamed into place, so an
 * interrupted run never leaves a half-written report next to a complete one.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import { contactSheetFileName, renderContactSheets } from "./ContactSheet.js"
import { ReportWriteError } from "./errors.js"
import { renderHtmlReport } from "./HtmlReport.js"
import type { ReportInput } from "./ReportInput.js"
import { renderSelectionJson } from "./SelectionJson.js"

/** Absolute paths of what `writeReport` wrote. */
export type ReportPaths = {
  readonly selectionJson: string
  /** The contact sheet's pages in order (`contact-sheet-01.jpg`, ...). */
  readonly contactSheets: ReadonlyArray<string>
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

/** A failed file-system call on `file` as a ReportWriteError naming it. */
const writeFailure = (file: string) => (cause: unknown) =>
  new ReportWriteError({ message: cause instanceof Error ? cause.message : String(cause), path: file })

/** Writes `file` atomically (a temp file renamed over it); ReportWriteError naming the path on failure. */
export const writeReportFile = (file: string, data: string | Uint8Array) =>
  Effect.tryPromise({
    try: async () => {
      const temp = `${file}.${process.pid}.tmp`
      await fs.writeFile(temp, data)
      await fs.rename(temp, file)
    },
    catch: writeFailure(file)
  })

const mkdirp = (dir: string) =>
  Effect.tryPromise({
    try: () => fs.mkdir(dir, { recursive: true }),
    catch: writeFailure(dir)
  })

/** Contact-sheet files a report may hold: this version's pages and the single `contact-sheet.jpg` of earlier versions. */
const CONTACT_SHEET_FILE = /^contact-sheet(-\d+)?\.jpg$/

/**
 * Writes `selection.json`, the contact sheet's pages `contact-sheet-01.jpg`, ...,
 * `report.html` and `thumbs/<fileId>.jpg` (files with a thumbnail only) into
 * `outDir`, creating it as needed (mkdir -p); existing files of the same names
 * are replaced, and contact-sheet pages of an earlier, bigger run are removed.
 * Returns the absolute paths.
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
  const selectionJson = path.join(root, "selection.json")
  const htmlReport = path.join(root, "report.html")
  yield* writeReportFile(selectionJson, renderSelectionJson(input))
  yield* writeReportFile(htmlReport, renderHtmlReport(input, { thumbnailHref }))
  const pages = yield* renderContactSheets(input)
  const contactSheets = pages.map((_, k) => path.join(root, contactSheetFileName(k + 1)))
  yield* Effect.forEach(pages, (page, k) => writeReportFile(contactSheets[k]!, page), { discard: true })
  const written = new Set(contactSheets.map((p) => path.basename(p)))
  const stale = (yield* Effect.tryPromise({ try: () => fs.readdir(root), catch: writeFailure(root) })).filter((name) => CONTACT_SHEET_FILE.test(name) && !written.has(name))
  yield* Effect.forEach(
    stale,
    (name) => Effect.tryPromise({ try: () => fs.rm(path.join(root, name), { force: true }), catch: writeFailure(path.join(root, name)) }),
    { discard: true }
  )
  return { selectionJson, contactSheets, htmlReport, thumbnails: thumbs } satisfies ReportPaths
})
