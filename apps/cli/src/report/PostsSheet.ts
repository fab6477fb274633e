/**
 * `posts.jpg`: a picture of the posts of a whole-flow run. Per post, top to
 * bottom: its label, a row of its thumbnails in carousel order (position
 * badge; wrapped at TILES_PER_ROW), then the caption text, the hashtags and
 * the location tag under it. Drawn like the contact sheet (ContactSheet.ts):
 * the page is an SVG rendered by librsvg inside sharp, each thumbnail is
 * contained in a square well and composited with a small overlay; the same
 * palette, font and text helpers (escaping, wrapping, character budgets).
 */
import { Effect } from "effect"
import sharp from "sharp"
import { ReportRenderError } from "./errors.js"
import { escapeMarkup, plural, truncateEnd, truncateMiddle, wrapText } from "./internal/text.js"
import { charBudget, FONT_FAMILY, palette } from "./internal/theme.js"
import type { ReportItem, ReportPost } from "./ReportInput.js"

/** JPEG quality of the sheet (as the contact sheet's). */
export const POSTS_SHEET_QUALITY = 85

/** Sheet width, margin, tile (well) size, gap between tiles (px). */
const WIDTH = 1800
const MARGIN = 40
const TILE = 160
const GAP = 12
/** Tiles per row: as many as fit the width (10 at these sizes; a 20-item post takes two rows). */
const TILES_PER_ROW = Math.floor((WIDTH - 2 * MARGIN + GAP) / (TILE + GAP))
const NAME_HEIGHT = 20
const PAGE_HEADER = 110
const POST_HEADER = 58
const CAPTION_LINE = 24
const CAPTION_MAX_LINES = 5
const TAG_LINE = 22
const POST_GAP = 40
/** Thumbnail pixel limit (as the contact sheet's): a 400 px thumbnail is 160 000 px. */
const THUMBNAIL_PIXEL_LIMIT = 4096 * 4096

/**
 * Pictographic emoji (📸, 📍, ...): the sheet's font (DejaVu Sans) has no glyphs for most of them and
 * librsvg would draw boxes, so the picture leaves them out (posts.json and report.html keep them).
 */
const EMOJI = /\p{Extended_Pictographic}\uFE0F?/gu
const drawable = (s: string): string => s.replace(EMOJI, "").replace(/\s+/g, " ").trim()

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1))
const text = (x: number, y: number, content: string, size: number, fill: string, extra = ""): string =>
  `<text x="${num(x)}" y="${num(y)}" font-size="${size}" fill="${fill}"${extra}>${escapeMarkup(content)}</text>`

interface PlacedTile {
  readonly fileId: string
  readonly position: number
  readonly x: number
  readonly y: number
}

interface PostBlock {
  readonly y: number
  readonly tiles: ReadonlyArray<PlacedTile>
  readonly svg: string
}

const textWidth = WIDTH - 2 * MARGIN

/** Lays out one post from `top` (px); returns its block and the y after it. */
const layoutPost = (post: ReportPost, index: number, top: number, nameOf: (fileId: string) => string): { block: PostBlock; bottom: number } => {
  const parts: Array<string> = []
  const title = `${index + 1}. ${post.label === "" ? "Untitled post" : drawable(post.label)}`
  parts.push(`<rect x="${MARGIN}" y="${top + 8}" width="5" height="42" rx="2.5" fill="${palette.accent}"/>`)
  parts.push(text(MARGIN + 18, top + 30, truncateEnd(title, charBudget(textWidth - 18, 24, "bold")), 24, palette.text, ` font-weight="bold"`))
  const meta = [plural(post.fileIds.length, "item", "items"), ...(post.model === null ? [] : [`caption: ${post.model}`]), ...post.bundles.map((b) => `${b.name}.zip`)].join("  ·  ")
  parts.push(text(MARGIN + 18, top + 52, truncateEnd(meta, charBudget(textWidth - 18, 14, "regular")), 14, palette.textSecondary))
  let y = top + POST_HEADER + 8
  const tiles: Array<PlacedTile> = []
  const rows = Math.max(1, Math.ceil(post.fileIds.length / TILES_PER_ROW))
  post.fileIds.forEach((fileId, i) => {
    const x = MARGIN + (i % TILES_PER_ROW) * (TILE + GAP)
    const ty = y + Math.floor(i / TILES_PER_ROW) * (TILE + NAME_HEIGHT + GAP)
    tiles.push({ fileId, position: i + 1, x, y: ty })
    parts.push(`<rect x="${x}" y="${ty}" width="${TILE}" height="${TILE}" rx="6" fill="${palette.well}"/>`)
    parts.push(text(x + 2, ty + TILE + 15, truncateMiddle(nameOf(fileId), charBudget(TILE - 4, 11, "regular")), 11, palette.textTertiary))
  })
  y += rows * (TILE + NAME_HEIGHT + GAP) + 8
  const budget = charBudget(textWidth, 17, "regular")
  const captionLines = post.caption === null ? [`No caption: ${post.captionError ?? "the caption job failed"}`] : wrapText(drawable(post.caption), budget, CAPTION_MAX_LINES)
  const captionFill = post.caption === null ? palette.failed : palette.text
  for (const line of captionLines) {
    y += CAPTION_LINE
    parts.push(text(MARGIN, y, line, 17, captionFill))
  }
  if (post.hashtags.length > 0) {
    for (const line of wrapText(post.hashtags.map((h) => `#${h}`).join(" "), charBudget(textWidth, 15, "regular"), 2)) {
      y += TAG_LINE
      parts.push(text(MARGIN, y, line, 15, palette.accent))
    }
  }
  if (post.locationTag !== null) {
    y += TAG_LINE
    parts.push(text(MARGIN, y, truncateEnd(`Location: ${drawable(post.locationTag)}`, charBudget(textWidth, 15, "regular")), 15, palette.textSecondary))
  }
  return { block: { y: top, tiles, svg: parts.join("") }, bottom: y + POST_GAP }
}

/** The small overlay on a tile: its carousel position in a badge. */
const badgeSvg = (position: number): string => {
  const label = String(position)
  const h = 26
  const w = Math.max(h, label.length * 11 + 12)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}"><g font-family="${escapeMarkup(FONT_FAMILY)}">` +
    `<rect x="6" y="6" width="${w}" height="${h}" rx="${h / 2}" fill="${palette.accent}" stroke="${palette.page}" stroke-width="2"/>` +
    `<text x="${6 + w / 2}" y="${6 + h / 2 + 5}" font-size="14" font-weight="bold" text-anchor="middle" fill="${palette.accentText}">${label}</text></g></svg>`
  )
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/**
 * Renders `posts.jpg` (JPEG bytes, sRGB, 1800 px wide; the height grows with
 * the posts). `items` gives each fileId's name and 400 px thumbnail; a tile
 * whose thumbnail is missing or undecodable stays an empty well.
 * Fails with ReportRenderError when libvips cannot render or encode the page.
 */
export const renderPostsSheet = Effect.fn("renderPostsSheet")(function* (input: {
  readonly title: string
  readonly posts: ReadonlyArray<ReportPost>
  readonly items: ReadonlyArray<ReportItem>
}) {
  const byId = new Map(input.items.map((i) => [i.fileId, i]))
  const nameOf = (fileId: string) => byId.get(fileId)?.fileName ?? fileId
  const blocks: Array<PostBlock> = []
  let y = PAGE_HEADER
  for (const [i, post] of input.posts.entries()) {
    const { block, bottom } = layoutPost(post, i, y, nameOf)
    blocks.push(block)
    y = bottom
  }
  const height = Math.max(y, PAGE_HEADER + 40)
  const items = input.posts.reduce((n, p) => n + p.fileIds.length, 0)
  const header =
    text(MARGIN, 60, truncateEnd(input.title, charBudget(textWidth, 32, "bold")), 32, palette.text, ` font-weight="bold"`) +
    text(MARGIN, 90, `${plural(input.posts.length, "post", "posts")}  ·  ${plural(items, "item", "items")}  ·  carousel order left to right`, 16, palette.textSecondary)
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    `<rect width="${WIDTH}" height="${height}" fill="${palette.page}"/><g font-family="${escapeMarkup(FONT_FAMILY)}">${header}${blocks.map((b) => b.svg).join("")}</g></svg>`
  const tiles = blocks.flatMap((b) => b.tiles)
  const wells = yield* Effect.forEach(
    tiles,
    (t) => {
      const thumbnail = byId.get(t.fileId)?.thumbnail ?? null
      if (thumbnail === null) return Effect.succeed(null)
      return Effect.tryPromise(() =>
        sharp(thumbnail, { limitInputPixels: THUMBNAIL_PIXEL_LIMIT, failOn: "error" })
          .resize(TILE, TILE, { fit: "contain", background: palette.well })
          .flatten({ background: palette.well })
          .composite([{ input: Buffer.from(badgeSvg(t.position)), left: 0, top: 0 }])
          .raw()
          .toBuffer({ resolveWithObject: true })
      ).pipe(
        Effect.map(({ data, info }) => ({ t, data, info })),
        // An undecodable thumbnail costs its tile only.
        Effect.orElseSucceed(() => null)
      )
    },
    { concurrency: 4 }
  )
  const jpeg = yield* Effect.tryPromise({
    try: () =>
      sharp(Buffer.from(svg), { limitInputPixels: false })
        .composite(
          wells
            .filter((w) => w !== null)
            .map((w) => ({ input: w.data, raw: { width: w.info.width, height: w.info.height, channels: w.info.channels }, left: w.t.x, top: w.t.y }))
        )
        .flatten({ background: palette.page })
        .jpeg({ quality: POSTS_SHEET_QUALITY, chromaSubsampling: "4:4:4" })
        .toBuffer(),
    catch: (cause) => new ReportRenderError({ message: `posts sheet: ${message(cause)}` })
  })
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
})
