/**
 * SVG for the contact sheet, rendered by librsvg inside sharp: the base page
 * (background, headers, cards, captions, placeholder wells) and the small
 * overlay laid on each thumbnail (rank badge, dimming, category pill, video
 * duration). Every piece of text passes through `escapeMarkup`.
 */
import type { ReportView } from "./ReportView.js"
import type { Rect, SheetBlock, SheetLayout, SheetTile } from "./sheetLayout.js"
import { CARD_PADDING, MARGIN } from "./sheetLayout.js"
import { categoryColor, charBudget, DIM_OPACITY, FONT_FAMILY, palette } from "./theme.js"
import { escapeMarkup, formatDateTime, plural, truncateEnd, truncateMiddle, wrapText } from "./text.js"

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1))

interface TextOptions {
  readonly size: number
  readonly fill: string
  readonly weight?: "bold" | "normal"
  readonly anchor?: "start" | "middle" | "end"
  readonly spacing?: number
  readonly italic?: boolean
}

/** One line of text; `y` is the baseline (px). */
const text = (x: number, y: number, content: string, o: TextOptions): string =>
  `<text x="${num(x)}" y="${num(y)}" font-size="${o.size}" fill="${o.fill}"` +
  (o.weight === "bold" ? ` font-weight="bold"` : "") +
  (o.anchor !== undefined && o.anchor !== "start" ? ` text-anchor="${o.anchor}"` : "") +
  (o.spacing !== undefined ? ` letter-spacing="${o.spacing}"` : "") +
  (o.italic === true ? ` font-style="italic"` : "") +
  `>${escapeMarkup(content)}</text>`

const rect = (r: Rect, fill: string, extra = ""): string =>
  `<rect x="${num(r.x)}" y="${num(r.y)}" width="${num(r.width)}" height="${num(r.height)}" fill="${fill}"${extra}/>`

/** A rounded label ("pill") at (x, y) top-left; width estimated from the text. */
const pill = (x: number, y: number, label: string, fill: string, textFill: string, fillOpacity = 1): string => {
  const size = 12
  const height = size + 10
  const width = Math.ceil(Array.from(label).length * size * 0.66) + 16
  return (
    rect({ x, y, width, height }, fill, ` rx="${height / 2}"${fillOpacity < 1 ? ` fill-opacity="${fillOpacity}"` : ""}`) +
    text(x + width / 2, y + height / 2 + size * 0.36, label, { size, fill: textFill, weight: "bold", anchor: "middle" })
  )
}

/** "m:ss" of a duration in seconds. */
const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`
}

const pageHeader = (view: ReportView, layout: SheetLayout): string => {
  const width = layout.width
  const c = view.counts
  const summary = [
    plural(c.selected, "selected", "selected"),
    plural(c.excluded, "excluded", "excluded"),
    ...(c.unprocessable > 0 ? [`${c.unprocessable} could not be processed`] : []),
    plural(c.files, "file", "files"),
    plural(c.scenes, "scene", "scenes")
  ].join("  ·  ")
  const meta = `Selection model: ${view.model}  ·  generated ${formatDateTime(view.generatedAt)}${layout.pages > 1 ? `  ·  page ${layout.page} of ${layout.pages}` : ""}`
  const budget = charBudget(width - 2 * MARGIN, 16, "regular")
  const parts = [
    text(MARGIN, 70, truncateEnd(view.title, charBudget(width - 2 * MARGIN, 32, "bold")), { size: 32, fill: palette.text, weight: "bold" }),
    text(MARGIN, 102, truncateEnd(summary, budget), { size: 17, fill: palette.text }),
    text(MARGIN, 126, truncateEnd(meta, budget), { size: 14, fill: palette.textSecondary })
  ]
  if (view.tripContext.trim() !== "") {
    parts.push(text(MARGIN, 152, truncateEnd(`“${view.tripContext.trim()}”`, budget), { size: 15, fill: palette.textSecondary, italic: true }))
  }
  return parts.join("")
}

const block = (b: SheetBlock, view: ReportView, layout: SheetLayout): string => {
  const width = layout.width
  switch (b.kind) {
    case "pageHeader":
      return pageHeader(view, layout)
    case "sectionHeader": {
      const accent = b.tone === "failed" ? palette.failed : palette.accent
      return (
        rect({ x: MARGIN, y: b.y + 10, width: 5, height: 48 }, accent, ` rx="2.5"`) +
        text(MARGIN + 18, b.y + 32, truncateEnd(b.title, charBudget(width - 2 * MARGIN - 18, 24, "bold")), { size: 24, fill: palette.text, weight: "bold" }) +
        text(MARGIN + 18, b.y + 56, truncateEnd(b.meta, charBudget(width - 2 * MARGIN - 18, 15, "regular")), { size: 15, fill: palette.textSecondary })
      )
    }
    case "footer":
      return (
        rect({ x: MARGIN, y: b.y + 8, width: width - 2 * MARGIN, height: 1 }, palette.cardStroke) +
        text(MARGIN, b.y + 36, `Curator contact sheet${layout.pages > 1 ? `, page ${layout.page} of ${layout.pages}` : ""} · ${formatDateTime(view.generatedAt)} · every file is listed with its reason in selection.json and report.html`, {
          size: 13,
          fill: palette.textTertiary
        })
      )
  }
}

/** The caption lines under a tile: the file name, then two detail lines. */
const caption = (tile: SheetTile, nameOf: (fileId: string) => string): string => {
  const { card, entry } = tile
  const innerWidth = card.width - 2 * CARD_PADDING - 4
  const x = card.x + CARD_PADDING + 2
  const top = tile.well.y + tile.well.height
  const nameBudget = charBudget(innerWidth, 14, "bold")
  const detailBudget = charBudget(innerWidth, 13, "regular")
  let detail: string
  let detailFill: string = palette.textSecondary
  switch (tile.variant) {
    case "selected":
      detail = entry.selected?.justification ?? ""
      break
    case "excluded": {
      const dup = entry.excluded?.duplicateOf
      const reason = entry.excluded?.reason ?? ""
      detail = dup !== null && dup !== undefined ? `Duplicate of ${nameOf(dup)}. ${reason}` : reason
      detailFill = palette.textTertiary
      break
    }
    case "failed":
      detail = entry.failure === null ? (entry.excluded?.reason ?? "") : `${entry.failure.tag}`
      detailFill = "#fca5a5"
      break
  }
  const lines = wrapText(detail, detailBudget, 2)
  const nameFill = tile.variant === "selected" ? palette.text : palette.textSecondary
  return (
    text(x, top + 24, truncateMiddle(entry.fileName, nameBudget), { size: 14, fill: nameFill, weight: "bold" }) +
    lines.map((line, i) => text(x, top + 45 + i * 18, line, { size: 13, fill: detailFill })).join("")
  )
}

/** A well for a file without a usable thumbnail: hatched, "could not be processed" (or unreadable) and the reason. */
const placeholderWell = (tile: SheetTile, headline: string, reason: string): string => {
  const w = tile.well
  const cx = w.x + w.width / 2
  const budget = charBudget(w.width - 24, 12, "regular")
  const lines = wrapText(reason, budget, 4)
  const top = w.y + w.height / 2 - 30 - lines.length * 8
  return (
    rect(w, "url(#hatch)") +
    rect(w, "none", ` stroke="${palette.failed}" stroke-opacity="0.35" stroke-width="1"`) +
    text(cx, top, "⚠", { size: 30, fill: palette.failed, anchor: "middle" }) +
    text(cx, top + 30, truncateEnd(headline, charBudget(w.width - 16, 14, "bold")), { size: 14, fill: "#fecaca", weight: "bold", anchor: "middle" }) +
    lines.map((line, i) => text(cx, top + 54 + i * 16, line, { size: 12, fill: palette.textSecondary, anchor: "middle" })).join("")
  )
}

/** A tile's card and caption; wells with a thumbnail are composited later, the others are drawn here. */
const card = (tile: SheetTile, view: ReportView, unreadable: ReadonlySet<string>): string => {
  const stroke =
    tile.variant === "selected" ? ` stroke="${palette.accent}" stroke-opacity="0.55" stroke-width="1.5"` : ` stroke="${palette.cardStroke}" stroke-width="1"`
  let well = ""
  if (tile.variant === "failed" || tile.entry.thumbnail === null) {
    const reason = tile.entry.failure?.message ?? tile.entry.excluded?.reason ?? "No thumbnail was made for this file."
    well = placeholderWell(tile, "could not be processed", reason)
  } else if (unreadable.has(tile.entry.fileId)) {
    well = placeholderWell(tile, "thumbnail unreadable", "The thumbnail of this file could not be decoded.")
  } else {
    well = rect(tile.well, palette.well)
  }
  return rect(tile.card, palette.card, ` rx="10"${stroke}`) + well + caption(tile, view.nameOf)
}

/**
 * The base SVG of one page (width × height px). `unreadable` holds fileIds whose
 * thumbnail failed to decode; they get a placeholder well.
 */
export const baseSvg = (layout: SheetLayout, view: ReportView, unreadable: ReadonlySet<string>): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">` +
  `<defs><pattern id="hatch" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
  `<rect width="12" height="12" fill="#221a1c"/><rect width="5" height="12" fill="#2b1f22"/></pattern></defs>` +
  `<rect width="${layout.width}" height="${layout.height}" fill="${palette.page}"/>` +
  `<g font-family="${escapeMarkup(FONT_FAMILY)}">` +
  layout.blocks.map((b) => block(b, view, layout)).join("") +
  layout.tiles.map((t) => card(t, view, unreadable)).join("") +
  `</g></svg>`

/**
 * The overlay drawn on one thumbnail well (well-sized SVG, transparent
 * elsewhere): rank badge for a pick; the dimming layer and category pill for
 * an exclusion; a duration pill for a video.
 */
export const wellOverlaySvg = (tile: SheetTile): string => {
  const { width, height } = tile.well
  const parts: Array<string> = []
  if (tile.variant === "excluded") {
    parts.push(rect({ x: 0, y: 0, width, height }, palette.page, ` fill-opacity="${DIM_OPACITY}"`))
    const category = tile.entry.excluded?.category ?? "unprocessable"
    parts.push(pill(8, 8, category, categoryColor[category], "#111114"))
  }
  if (tile.variant === "selected" && tile.entry.rank !== null) {
    const label = String(tile.entry.rank)
    const size = 17
    const h = 34
    const w = Math.max(h, Math.ceil(label.length * size * 0.66) + 16)
    parts.push(
      rect({ x: 8, y: 8, width: w, height: h }, palette.accent, ` rx="${h / 2}" stroke="${palette.page}" stroke-width="2"`) +
        text(8 + w / 2, 8 + h / 2 + size * 0.36, label, { size, fill: palette.accentText, weight: "bold", anchor: "middle" })
    )
  }
  const duration = tile.entry.item?.kind === "video" ? tile.entry.item.durationSeconds : null
  if (tile.entry.kind === "video") {
    parts.push(pill(8, height - 30, duration === null ? "▶ video" : `▶ ${clock(duration)}`, "#000000", "#ffffff", 0.6))
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="${escapeMarkup(FONT_FAMILY)}">${parts.join("")}</g></svg>`
}
