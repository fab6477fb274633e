/**
 * Geometry of the contact sheet: where each header, label and tile goes.
 * Pure, so tests can find a tile's pixels and the renderer stays simple.
 *
 * Flow, top to bottom: page header; per scene a header (name, time range,
 * place, counts) and one grid of its picks in rank order followed by its
 * exclusions; then "Could not be processed" with the failed files; a footer.
 * Tiles are square photo wells (thumbnails of any aspect ratio are contained)
 * above a caption of three lines.
 */
import type { ReportEntry, ReportView, SceneView } from "./ReportView.js"
import { formatGps, formatTimeRange, plural } from "./text.js"

/** Sheet width in px: wide enough for 6 legible tiles, small enough to open anywhere. */
export const SHEET_WIDTH = 1800
/** Outer margin, gap between tiles, padding inside a card (px). */
export const MARGIN = 40
export const GAP = 16
export const CARD_PADDING = 8
/** Caption under the well: a file-name line and two detail lines (px). */
export const CAPTION_HEIGHT = 74
/** Columns at first; more (smaller tiles) only when the sheet would be taller than MAX_SHEET_HEIGHT. */
export const DEFAULT_COLUMNS = 6
export const MAX_COLUMNS = 12
/**
 * Height past which tiles shrink and then excluded tiles are left out (the
 * HTML report still lists them). Well under JPEG's 65 535 px limit (ITU-T T.81
 * stores dimensions in 16 bits) and libvips' memory on a laptop.
 */
export const MAX_SHEET_HEIGHT = 30_000

const PAGE_HEADER_HEIGHT = 132
const CONTEXT_LINE_HEIGHT = 26
const SCENE_HEADER_HEIGHT = 78
const SECTION_GAP = 36
const FOOTER_HEIGHT = 60

/** A rectangle in sheet px. */
export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** How a tile is drawn: a pick (rank badge), an exclusion (dimmed, category pill), a failure (placeholder). */
export type TileVariant = "selected" | "excluded" | "failed"

/** One file's tile: the card, its photo well, and the entry it shows. */
export interface SheetTile {
  readonly entry: ReportEntry
  readonly variant: TileVariant
  readonly card: Rect
  readonly well: Rect
}

/** A text block between tile rows. `y` is its top in px. */
export type SheetBlock =
  | { readonly kind: "pageHeader"; readonly y: number }
  | { readonly kind: "sectionHeader"; readonly y: number; readonly title: string; readonly meta: string; readonly tone: "scene" | "failed" }
  | { readonly kind: "footer"; readonly y: number }

/** The whole sheet: size in px, the column count chosen, and whether excluded tiles fit. */
export interface SheetLayout {
  readonly width: number
  readonly height: number
  readonly columns: number
  readonly excludedShown: boolean
  readonly tiles: ReadonlyArray<SheetTile>
  readonly blocks: ReadonlyArray<SheetBlock>
}

const sceneMeta = (scene: SceneView, excludedShown: boolean): string => {
  const parts: Array<string> = []
  if (scene.synthetic) parts.push("processed files the selection placed in no scene")
  if (scene.timeRange !== null) parts.push(formatTimeRange(scene.timeRange))
  if (scene.gps !== null) parts.push(formatGps(scene.gps))
  const counts = `${scene.selected.length} selected · ${scene.excluded.length} excluded`
  parts.push(excludedShown || scene.excluded.length === 0 ? counts : `${counts} (not shown here: see report.html)`)
  return parts.join("  ·  ")
}

/** Lays the sheet out with `columns` columns (pure). */
export const layoutWith = (view: ReportView, columns: number, excludedShown: boolean): SheetLayout => {
  const tileWidth = Math.floor((SHEET_WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns)
  // Centre the grid: the floor above leaves a few px that go to both margins.
  const left = Math.floor((SHEET_WIDTH - columns * tileWidth - (columns - 1) * GAP) / 2)
  const wellSize = tileWidth - 2 * CARD_PADDING
  const tileHeight = CARD_PADDING + wellSize + CAPTION_HEIGHT
  const tiles: Array<SheetTile> = []
  const blocks: Array<SheetBlock> = [{ kind: "pageHeader", y: 0 }]
  let y = PAGE_HEADER_HEIGHT + (view.tripContext.trim() === "" ? 0 : CONTEXT_LINE_HEIGHT)

  const grid = (cells: ReadonlyArray<readonly [ReportEntry, TileVariant]>) => {
    cells.forEach(([entry, variant], i) => {
      const col = i % columns
      const row = Math.floor(i / columns)
      const card = { x: left + col * (tileWidth + GAP), y: y + row * (tileHeight + GAP), width: tileWidth, height: tileHeight }
      const well = { x: card.x + CARD_PADDING, y: card.y + CARD_PADDING, width: wellSize, height: wellSize }
      tiles.push({ entry, variant, card, well })
    })
    const rows = Math.ceil(cells.length / columns)
    y += rows * tileHeight + Math.max(0, rows - 1) * GAP
  }

  for (const scene of view.scenes) {
    blocks.push({ kind: "sectionHeader", y, title: scene.name, meta: sceneMeta(scene, excludedShown), tone: "scene" })
    y += SCENE_HEADER_HEIGHT
    // One grid per scene: picks in rank order, then exclusions in the same flow (dimmed, with a category pill).
    grid([
      ...scene.selected.map((e) => [e, "selected"] as const),
      ...(excludedShown ? scene.excluded.map((e) => [e, "excluded"] as const) : [])
    ])
    y += SECTION_GAP
  }
  if (view.failed.length > 0) {
    blocks.push({
      kind: "sectionHeader",
      y,
      title: "Could not be processed",
      meta: `${plural(view.failed.length, "file", "files")} · each shown with the reason it failed`,
      tone: "failed"
    })
    y += SCENE_HEADER_HEIGHT
    grid(view.failed.map((e) => [e, "failed"] as const))
    y += SECTION_GAP
  }
  blocks.push({ kind: "footer", y })
  y += FOOTER_HEIGHT
  return { width: SHEET_WIDTH, height: y, columns, excludedShown, tiles, blocks }
}

/**
 * The sheet layout for `view`: DEFAULT_COLUMNS columns, more (up to
 * MAX_COLUMNS) while the sheet is taller than MAX_SHEET_HEIGHT, and as a last
 * resort without excluded tiles. Returns null when even that is too tall.
 */
export const layoutContactSheet = (view: ReportView): SheetLayout | null => {
  for (const excludedShown of [true, false]) {
    for (let columns = DEFAULT_COLUMNS; columns <= MAX_COLUMNS; columns++) {
      const layout = layoutWith(view, columns, excludedShown)
      if (layout.height <= MAX_SHEET_HEIGHT) return layout
    }
  }
  return null
}
