/**
 * The contact sheet: one JPEG showing every file of the run, grouped by
 * scene — picks first in rank order (rank badge), then exclusions (dimmed,
 * with their category and reason), then the files that could not be
 * processed (a placeholder with the reason). Drawn with sharp: the page is an
 * SVG rendered by librsvg, each thumbnail is contained in a square well on a
 * neutral background and composited on top with its own small overlay.
 */
import { Effect } from "effect"
import sharp from "sharp"
import { ReportRenderError } from "./errors.js"
import { buildReportView } from "./internal/ReportView.js"
import { layoutContactSheet, type SheetLayout, type SheetTile } from "./internal/sheetLayout.js"
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

/** The computed layout of the sheet for `input` (px); fails when even the most compact layout is too tall. */
export const contactSheetLayout = (input: ReportInput): Effect.Effect<SheetLayout, ReportRenderError> => {
  const layout = layoutContactSheet(buildReportView(input))
  return layout === null
    ? Effect.fail(new ReportRenderError({ message: `too many files (${input.items.length}) for one contact sheet` }))
    : Effect.succeed(layout)
}

/**
 * Renders the contact sheet of `input` as JPEG bytes (sRGB, quality
 * CONTACT_SHEET_QUALITY, 4:4:4 chroma so caption text stays crisp).
 * Size: SHEET_WIDTH (1800 px) wide; the height grows with the number of files
 * and scenes (see `internal/sheetLayout.ts`).
 * Fails with ReportRenderError when libvips cannot render or encode the page;
 * an undecodable thumbnail is drawn as a placeholder instead.
 */
export const renderContactSheet = Effect.fn("renderContactSheet")(function* (input: ReportInput) {
  const view = buildReportView(input)
  const layout = layoutContactSheet(view)
  if (layout === null) {
    return yield* new ReportRenderError({ message: `too many files (${view.counts.files}) for one contact sheet` })
  }
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
    catch: (cause) => new ReportRenderError({ message: `contact sheet: ${message(cause)}` })
  })
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
})
