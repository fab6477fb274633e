/**
 * The contact sheet: JPEG pages showing every file of the run, grouped by
 * scene — picks first in rank order (rank badge), then exclusions (dimmed,
 * with their category and reason), then the files that could not be
 * processed (a placeholder with the reason). One page when the run fits;
 * a bigger run is paged (`contact-sheet-01.jpg`, ...), every scene's picks
 * on the first pages, then the exclusions, then the failures. Drawn with sharp: the page is an
 * SVG rendered by librsvg, each thumbnail is contained in a square well on a
 * neutral background and composited on top with its own small overlay.
 */
import { Effect } from "effect"
import sharp from "sharp"
import { ReportRenderError } from "./errors.js"
import { buildReportView, type ReportView } from "./internal/ReportView.js"
import { layoutContactSheets, type SheetLayout, type SheetTile } from "./internal/sheetLayout.js"
import { baseSvg, wellOverlaySvg } from "./internal/sheetSvg.js"
import { palette } from "./internal/theme.js"
import type { ReportInput } from "./ReportInput.js"

/** JPEG quality of the sheet: 85 keeps photo detail and text edges clean at a few hundred KB per 1000 px of height. */
export const CONTACT_SHEET_QUALITY = 85

/**
 * Pixel limit for one thumbnail input (px): a 400 px thumbnail is 160 000 px;
 * this refuses anything absurd before decoding (ARCHITECTURE.md "Hardening").
 */
const THUMBNAIL_PIXEL_LIMIT = 4096 * 4096

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** A thumbnail contained in its well with the tile's overlay, as raw pixels ready to composite; null when it cannot be decoded. */
const renderWell = (tile: SheetTile, thumbnail: Uint8Array) =>
  Effect.tryPromise({
    try: () =>
      sharp(thumbnail, { limitInputPixels: THUMBNAIL_PIXEL_LIMIT, failOn: "error" })
        .resize(tile.well.width, tile.well.height, { fit: "contain", background: palette.well })
        .flatten({ background: palette.well })
        .composite([{ input: Buffer.from(wellOverlaySvg(tile)), left: 0, top: 0 }])
        .raw()
        .toBuffer({ resolveWithObject: true }),
    catch: (cause) => new ReportRenderError({ message: `thumbnail of ${tile.entry.fileId}: ${message(cause)}` })
  }).pipe(
    Effect.map(({ data, info }) => ({ tile, data, info })),
    // A corrupt thumbnail must not cost the whole sheet: the tile gets an "unreadable" placeholder.
    Effect.orElseSucceed(() => null)
  )

/** The pages of the sheet for `input` (see `layoutContactSheets`: one page when it fits, else paged, picks first). */
export const contactSheetLayouts = (input: ReportInput): ReadonlyArray<SheetLayout> => layoutContactSheets(buildReportView(input))

/** The file name of page `page` (from 1): `contact-sheet-01.jpg`, `contact-sheet-02.jpg`, ... */
export const contactSheetFileName = (page: number): string => `contact-sheet-${String(page).padStart(2, "0")}.jpg`

/** Renders one page of the sheet as JPEG bytes (see {@link renderContactSheets}). */
const renderPage = Effect.fn("renderContactSheetPage")(function* (view: ReportView, layout: SheetLayout) {
  const withThumbnails = layout.tiles.filter((t) => t.variant !== "failed" && t.entry.thumbnail !== null)
  const wells = yield* Effect.forEach(withThumbnails, (t) => (t.entry.thumbnail === null ? Effect.succeed(null) : renderWell(t, t.entry.thumbnail)), {
    concurrency: 4
  })
  const drawn = wells.filter((w) => w !== null)
  const drawnIds = new Set(drawn.map((w) => w.tile.entry.fileId))
  const unreadable = new Set(withThumbnails.map((t) => t.entry.fileId).filter((id) => !drawnIds.has(id)))
  const svg = baseSvg(layout, view, unreadable)
  const jpeg = yield* Effect.tryPromise({
    try: () =>
      sharp(Buffer.from(svg), { limitInputPixels: false })
        .composite(
          drawn.map((w) => ({
            input: w.data,
            raw: { width: w.info.width, height: w.info.height, channels: w.info.channels },
            left: w.tile.well.x,
            top: w.tile.well.y
          }))
        )
        .flatten({ background: palette.page })
        .jpeg({ quality: CONTACT_SHEET_QUALITY, chromaSubsampling: "4:4:4" })
        .toBuffer(),
    catch: (cause) => new ReportRenderError({ message: `contact sheet page ${layout.page} of ${layout.pages}: ${message(cause)}` })
  })
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
})

/**
 * Renders the contact sheet of `input` as JPEG pages (sRGB, quality CONTACT_SHEET_QUALITY,
 * 4:4:4 chroma so caption text stays crisp), in page order, one page at a time so memory
 * stays that of one page. Size: SHEET_WIDTH (1800 px) wide, at most MAX_SHEET_HEIGHT
 * (30 000 px) tall; the height grows with the files and scenes of the page (see
 * `internal/sheetLayout.ts`). Fails with ReportRenderError when libvips cannot render or
 * encode a page; an undecodable thumbnail is drawn as a placeholder instead.
 */
export const renderContactSheets = Effect.fn("renderContactSheets")(function* (input: ReportInput) {
  const view = buildReportView(input)
  return yield* Effect.forEach(layoutContactSheets(view), (layout) => renderPage(view, layout))
})
