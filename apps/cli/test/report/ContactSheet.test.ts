import { runTest } from "@curator/contracts/testing"
import fs from "node:fs/promises"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { contactSheetLayouts, DIM_OPACITY, MAX_SHEET_HEIGHT, palette, renderContactSheets, type ReportInput, type SheetLayout, type SheetTile } from "../../src/report/index.js"
import { colourJpeg, FAILED, FILES, makeManyScenesInput, makeReportInput, type Rgb } from "./reportFixture.js"

const hexRgb = (hex: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb

/** Mean colour of a 15 × 15 px patch centred on (x, y). */
const meanColour = async (jpeg: Uint8Array, x: number, y: number): Promise<Rgb> => {
  const size = 15
  const { data, info } = await sharp(jpeg)
    .extract({ left: Math.round(x - size / 2), top: Math.round(y - size / 2), width: size, height: size })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const sum = [0, 0, 0]
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (data[i + c] ?? 0)
  const n = data.length / info.channels
  return sum.map((s) => s / n) as unknown as Rgb
}

const distance = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])
const centre = (t: SheetTile) => ({ x: t.well.x + t.well.width / 2, y: t.well.y + t.well.height / 2 })
const tileOf = (tiles: ReadonlyArray<SheetTile>, fileId: string): SheetTile => {
  const t = tiles.find((x) => x.entry.fileId === fileId)
  if (t === undefined) throw new Error(`no tile for ${fileId}`)
  return t
}

/** The one page of a run that fits on one page, with its layout. */
const onePage = async (input: ReportInput): Promise<[Uint8Array, SheetLayout]> => {
  const [pages, layouts] = [await runTest(renderContactSheets(input)), contactSheetLayouts(input)]
  expect(pages).toHaveLength(1)
  expect(layouts).toHaveLength(1)
  return [pages[0]!, layouts[0]!]
}

describe("renderContactSheets", () => {
  it("renders a JPEG 1800 px wide with every file as a tile, picks first in rank order, then exclusions, then failures", async () => {
    const input = await makeReportInput()
    const [jpeg, layout] = await onePage(input)
    await fs.writeFile("/tmp/curator-contact-sheet-sample.jpg", jpeg)
    const meta = await sharp(jpeg).metadata()
    expect(meta.format).toBe("jpeg")
    expect(meta.width).toBe(1800)
    expect(meta.height).toBe(layout.height)
    expect(layout.tiles.map((t) => [t.entry.fileId, t.variant])).toEqual([
      [FILES.dawn.fileId, "selected"],
      [FILES.boats.fileId, "selected"],
      [FILES.dawnAgain.fileId, "excluded"],
      [FILES.street.fileId, "selected"],
      [FILES.blurry.fileId, "excluded"],
      [FAILED.fileId, "failed"]
    ])
    // Tiles go top to bottom in that order.
    const ys = layout.tiles.map((t) => t.card.y)
    expect([...ys].sort((a, b) => a - b)).toEqual(ys)
  })

  it("shows a pick in its own colour and an exclusion dimmed towards the page colour", async () => {
    const input = await makeReportInput()
    const [jpeg, layout] = await onePage(input)
    const page = hexRgb(palette.page)
    const dimmed = (c: Rgb): Rgb => c.map((v, i) => (1 - DIM_OPACITY) * v + DIM_OPACITY * (page[i] ?? 0)) as unknown as Rgb

    const pick = centre(tileOf(layout.tiles, FILES.dawn.fileId))
    const pickColour = await meanColour(jpeg, pick.x, pick.y)
    expect(distance(pickColour, FILES.dawn.colour)).toBeLessThan(12)
    expect(distance(pickColour, dimmed(FILES.dawn.colour))).toBeGreaterThan(80)

    const excluded = centre(tileOf(layout.tiles, FILES.dawnAgain.fileId))
    const excludedColour = await meanColour(jpeg, excluded.x, excluded.y)
    expect(distance(excludedColour, dimmed(FILES.dawnAgain.colour))).toBeLessThan(12)
    expect(distance(excludedColour, FILES.dawnAgain.colour)).toBeGreaterThan(80)
  })

  it("contains a thumbnail of any aspect ratio on the neutral well background", async () => {
    const input = await makeReportInput()
    const [jpeg, layout] = await onePage(input)
    // The boats thumbnail is portrait (225 x 400): its well has neutral bars left and right, the colour in the middle.
    const tile = tileOf(layout.tiles, FILES.boats.fileId)
    const c = centre(tile)
    expect(distance(await meanColour(jpeg, c.x, c.y), FILES.boats.colour)).toBeLessThan(12)
    expect(distance(await meanColour(jpeg, tile.well.x + 12, c.y), hexRgb(palette.well))).toBeLessThan(12)
    // The near-duplicate is 16:9: bars above and below (dimmed like the rest of its well).
    const wide = tileOf(layout.tiles, FILES.dawnAgain.fileId)
    const page = hexRgb(palette.page)
    const wellDimmed = hexRgb(palette.well).map((v, i) => (1 - DIM_OPACITY) * v + DIM_OPACITY * (page[i] ?? 0)) as unknown as Rgb
    expect(distance(await meanColour(jpeg, centre(wide).x, wide.well.y + wide.well.height - 12), wellDimmed)).toBeLessThan(12)
  })

  it("draws a placeholder for a failed file and for an undecodable thumbnail", async () => {
    const base = await makeReportInput()
    const input: ReportInput = {
      ...base,
      items: base.items.map((i) => (i.fileId === FILES.blurry.fileId ? { ...i, thumbnail: new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]) } : i))
    }
    const [jpeg, layout] = await onePage(input)
    for (const fileId of [FAILED.fileId, FILES.blurry.fileId]) {
      const t = tileOf(layout.tiles, fileId)
      // The hatch is dark red-brown, never the (dimmed) thumbnail colour.
      const colour = await meanColour(jpeg, t.well.x + 20, t.well.y + t.well.height - 20)
      expect(colour[0]).toBeGreaterThan(colour[2])
      expect(distance(colour, [0x27, 0x1d, 0x20])).toBeLessThan(20)
    }
  })

  it("grows in height with the number of files", async () => {
    const small = await makeReportInput()
    const extra = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => ({
        fileId: `f-extra-${i}`,
        fileName: `extra/IMG_${1000 + i}.jpg`,
        item: null,
        thumbnail: await colourJpeg(400, 300, [30 * i, 100, 150]),
        failure: null
      }))
    )
    const big: ReportInput = {
      ...small,
      items: [...small.items, ...extra],
      result: {
        ...small.result,
        excluded: [
          ...small.result.excluded,
          ...extra.map((e) => ({ fileId: e.fileId, reason: "Same view as the pick.", category: "redundant-scene" as const, duplicateOf: null }))
        ]
      }
    }
    const [[a], [b]] = await Promise.all([onePage(small), onePage(big)])
    const [ma, mb] = await Promise.all([sharp(a).metadata(), sharp(b).metadata()])
    expect(mb.width).toBe(ma.width)
    expect(mb.height).toBeGreaterThan(ma.height)
  })

  it("the contact sheet fails above ~200 scenes: 1,020 files in 255 scenes are paged, picks first, every file on exactly one page", async () => {
    const input = await makeManyScenesInput(255, 4, 5)
    const layouts = contactSheetLayouts(input)
    expect(layouts.length).toBeGreaterThan(1)
    expect(layouts.map((l) => [l.page, l.pages])).toEqual(layouts.map((_, k) => [k + 1, layouts.length]))
    for (const l of layouts) {
      expect(l.height).toBeLessThanOrEqual(MAX_SHEET_HEIGHT)
      const ys = l.tiles.map((t) => t.card.y)
      expect([...ys].sort((a, b) => a - b)).toEqual(ys)
    }
    const tiles = layouts.flatMap((l) => l.tiles)
    expect(tiles.map((t) => t.entry.fileId).sort()).toEqual(input.items.map((i) => i.fileId).sort())
    // Picks first (in rank order), then the exclusions, then the failures.
    const variants = tiles.map((t) => t.variant)
    expect(variants).toEqual([...variants].sort((a, b) => ["selected", "excluded", "failed"].indexOf(a) - ["selected", "excluded", "failed"].indexOf(b)))
    expect(tiles.filter((t) => t.variant === "selected").map((t) => t.entry.rank)).toEqual(Array.from({ length: 255 }, (_, k) => k + 1))
    // A section cut by a page break goes on under its title.
    const headers = layouts.flatMap((l) => l.blocks.flatMap((b) => (b.kind === "sectionHeader" ? [b.title] : [])))
    expect(headers.filter((h) => h.endsWith("(continued)")).length).toBeLessThan(layouts.length)
  })
})
