/**
 * Geometry of the contact sheet: where each header, label and tile goes.
 * Pure, so tests can find a tile's pixels and the renderer stays simple.
 *
 * Flow, top to bottom: page header; per scene a header (name, time range,
 * place, counts) and one grid of its picks in rank order followed by its
 * exclusions; then "Could not be processed" with the failed files; a footer.
 * A run too big for one page is paged, picks first (`layoutContactSheets`).
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
/** Columns at first; more (smaller tiles) only when one page would be taller than MAX_SHEET_HEIGHT. */
export const DEFAULT_COLUMNS = 6
export const MAX_COLUMNS = 12
/**
 * Height of a page past which tiles shrink and then the sheet is paged. Well
 * under JPEG's 65 535 px limit (ITU-T T.81 stores dimensions in 16 bits) and
 * libvips' memory on a laptop.
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

/** One page of the sheet: size in px, the column count chosen, its number (from 1) of `pages`. */
export interface SheetLayout {
  readonly width: number
  readonly height: number
  readonly columns: number
  readonly page: number
  readonly pages: number
  readonly tiles: ReadonlyArray<SheetTile>
  readonly blocks: ReadonlyArray<SheetBlock>
}

/** A headed run of tiles: a scene's picks (and, on a one-page sheet, its exclusions), or the failures. */
interface Section {
  readonly title: string
  readonly meta: string
  readonly tone: "scene" | "failed"
  readonly cells: ReadonlyArray<readonly [ReportEntry, TileVariant]>
}

const sceneMeta = (scene: SceneView, counts: string): string => {
  const parts: Array<string> = []
  if (scene.synthetic) parts.push("processed files the selection placed in no scene")
  if (scene.timeRange !== null) parts.push(formatTimeRange(scene.timeRange))
  if (scene.gps !== null) parts.push(formatGps(scene.gps))
  parts.push(counts)
  return parts.join("  ·  ")
}

const sceneCounts = (scene: SceneView) => `${scene.selected.length} selected · ${scene.excluded.length} excluded`

const failedSection = (view: ReportView): ReadonlyArray<Section> =>
  view.failed.length === 0
    ? []
    : [
        {
          title: "Could not be processed",
          meta: `${plural(view.failed.length, "file", "files")} · each shown with the reason it failed`,
          tone: "failed",
          cells: view.failed.map((e) => [e, "failed"] as const)
        }
      ]

/** One page's sections: per scene its picks in rank order, then its exclusions in the same grid; then the failures. */
const sceneSections = (view: ReportView): ReadonlyArray<Section> => [
  ...view.scenes.map((scene): Section => ({
    title: scene.name,
    meta: sceneMeta(scene, sceneCounts(scene)),
    tone: "scene",
    cells: [...scene.selected.map((e) => [e, "selected"] as const), ...scene.excluded.map((e) => [e, "excluded"] as const)]
  })),
  ...failedSection(view)
]

/**
 * Several pages' sections, picks first and compact (a big run has many small scenes, and a
 * header per scene would take more room than its tiles): every pick in rank order in one
 * grid, then every exclusion scene by scene in one grid, then the failures. Each tile's
 * caption still says why (the justification or the reason); report.html has the scene view.
 */
const picksFirstSections = (view: ReportView): ReadonlyArray<Section> => {
  const excluded = view.scenes.flatMap((scene) => scene.excluded)
  return [
    ...(view.selected.length === 0
      ? []
      : [
          {
            title: "Selected, in rank order",
            meta: `${plural(view.selected.length, "pick", "picks")} from ${plural(view.scenes.length, "scene", "scenes")} · the excluded files follow, scene by scene`,
            tone: "scene" as const,
            cells: view.selected.map((e) => [e, "selected"] as const)
          }
        ]),
    ...(excluded.length === 0
      ? []
      : [
          {
            title: "Excluded, scene by scene",
            meta: `${plural(excluded.length, "file", "files")} left out, each with its reason`,
            tone: "scene" as const,
            cells: excluded.map((e) => [e, "excluded"] as const)
          }
        ]),
    ...failedSection(view)
  ]
}

/**
 * Lays `sections` out with `columns` columns, top to bottom, and starts a new page before a
 * header or tile row that would take a page past `maxHeight` px (null: one page, any height).
 * A section cut by a page break goes on under its title with "(continued)". Pure.
 */
const flow = (view: ReportView, sections: ReadonlyArray<Section>, columns: number, maxHeight: number | null): Array<SheetLayout> => {
  const tileWidth = Math.floor((SHEET_WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns)
  // Centre the grid: the floor above leaves a few px that go to both margins.
  const left = Math.floor((SHEET_WIDTH - columns * tileWidth - (columns - 1) * GAP) / 2)
  const wellSize = tileWidth - 2 * CARD_PADDING
  const tileHeight = CARD_PADDING + wellSize + CAPTION_HEIGHT
  const top = PAGE_HEADER_HEIGHT + (view.tripContext.trim() === "" ? 0 : CONTEXT_LINE_HEIGHT)
  const pages: Array<{ tiles: Array<SheetTile>; blocks: Array<SheetBlock>; height: number }> = []
  let tiles: Array<SheetTile> = []
  let blocks: Array<SheetBlock> = []
  let y = 0
  const newPage = () => {
    tiles = []
    blocks = [{ kind: "pageHeader", y: 0 }]
    y = top
  }
  const endPage = () => {
    blocks.push({ kind: "footer", y })
    pages.push({ tiles, blocks, height: y + FOOTER_HEIGHT })
  }
  /** True when `height` more px (and the footer) still fit on this page, or the page is still empty. */
  const fits = (height: number) => maxHeight === null || y + height + FOOTER_HEIGHT <= maxHeight || (tiles.length === 0 && blocks.length === 1)
  newPage()
  for (const section of sections) {
    const rows = Array.from({ length: Math.ceil(section.cells.length / columns) }, (_, r) => section.cells.slice(r * columns, (r + 1) * columns))
    let row = 0
    do {
      if (!fits(SCENE_HEADER_HEIGHT + tileHeight)) {
        endPage()
        newPage()
      }
      blocks.push({ kind: "sectionHeader", y, title: row === 0 ? section.title : `${section.title} (continued)`, meta: section.meta, tone: section.tone })
      y += SCENE_HEADER_HEIGHT
      let placed = 0
      while (row < rows.length && (placed === 0 || fits(GAP + tileHeight))) {
        if (placed > 0) y += GAP
        rows[row]!.forEach(([entry, variant], col) => {
          const card = { x: left + col * (tileWidth + GAP), y, width: tileWidth, height: tileHeight }
          tiles.push({ entry, variant, card, well: { x: card.x + CARD_PADDING, y: card.y + CARD_PADDING, width: wellSize, height: wellSize } })
        })
        y += tileHeight
        row++
        placed++
      }
      y += SECTION_GAP
    } while (row < rows.length)
  }
  endPage()
  return pages.map((p, k) => ({ width: SHEET_WIDTH, height: p.height, columns, page: k + 1, pages: pages.length, tiles: p.tiles, blocks: p.blocks }))
}

/** Lays the whole sheet out on one page with `columns` columns (pure): per scene its picks, then its exclusions. */
export const layoutWith = (view: ReportView, columns: number): SheetLayout => flow(view, sceneSections(view), columns, null)[0]!

/**
 * The sheet's pages for `view`. One page when it fits in MAX_SHEET_HEIGHT with DEFAULT_COLUMNS
 * up to MAX_COLUMNS columns (per scene: picks, then exclusions). Otherwise pages of
 * DEFAULT_COLUMNS columns, each at most MAX_SHEET_HEIGHT px, picks first: every pick in rank
 * order, then the exclusions scene by scene, then the files that failed. Every file is on
 * exactly one page; never fails, whatever the number of files or scenes.
 */
export const layoutContactSheets = (view: ReportView): ReadonlyArray<SheetLayout> => {
  for (let columns = DEFAULT_COLUMNS; columns <= MAX_COLUMNS; columns++) {
    const layout = layoutWith(view, columns)
    if (layout.height <= MAX_SHEET_HEIGHT) return [layout]
  }
  return flow(view, picksFirstSections(view), DEFAULT_COLUMNS, MAX_SHEET_HEIGHT)
}
