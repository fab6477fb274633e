/**
 * Issue 12 item 9: screenshots and charts among the trip's photos. The real pipeline reads each
 * file (MediaInspector: sniffing, metadata, the 400 px thumbnail), the offline SelectionModel
 * picks: the fixtures' macOS screenshot and charts and screen captures made here (SVG rendered
 * by sharp, a PNG with Matplotlib's Software text chunk, a chart saved as JPEG) are excluded as
 * `content-mismatch` with a plain reason; no real photo or video is, with or without its EXIF.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import zlib from "node:zlib"
import type { MediaItem, SelectionResult } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Media, MediaInspector } from "@curator/media"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type SelectionCandidate, SelectionModel } from "../src/index.js"
import { barChart, desktopScreenshot, lineChart, phoneScreenshot, scatterPlot, slide } from "../src/testing/graphics.js"

const MEDIA = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
const work = mkdtempSync(path.join(tmpdir(), "curator-nonphotos-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A PNG with a tEXt chunk after IHDR (PNG 1.2 §11.3.4.3), as Matplotlib writes `Software`. */
const withTextChunk = (png: Buffer, keyword: string, value: string): Buffer => {
  const ihdrEnd = 8 + 4 + 4 + 13 + 4
  const body = Buffer.concat([Buffer.from("tEXt", "latin1"), Buffer.from(`${keyword}\0${value}`, "latin1")])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length - 4)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(zlib.crc32(body))
  return Buffer.concat([png.subarray(0, ihdrEnd), length, body, crc, png.subarray(ihdrEnd)])
}

/** The generated non-photos, by file name. */
const GRAPHICS: ReadonlyArray<readonly [string, () => Promise<Buffer>]> = [
  ["chart-steps.png", () => lineChart(1)],
  ["chart-months.png", () => barChart(3)],
  ["plot-scatter.png", () => scatterPlot(4)],
  ["IMG_4711.png", () => desktopScreenshot(5)],
  ["IMG_4712.png", () => desktopScreenshot(6, 2880, 1800, true)],
  ["IMG_4713.PNG", () => phoneScreenshot(7)],
  ["summary.png", () => slide(8)],
  ["figure_1.png", async () => withTextChunk(await lineChart(9, 640, 480, 1, false), "Software", "Matplotlib version3.6.3, https://matplotlib.org/")],
  ["chart.jpg", async () => sharp(await lineChart(10)).jpeg({ quality: 90 }).toBuffer()]
]

let fixtureFiles: ReadonlyArray<string> = []
let candidates: ReadonlyArray<SelectionCandidate> = []
let result: SelectionResult

/** Inspects `file` through the real pipeline; the candidate the selection task would build (frames left out). */
const inspect = (file: string, k: number) =>
  Effect.gen(function* () {
    const inspected = yield* (yield* MediaInspector).inspect({ path: file, fileName: path.basename(file) })
    const item: MediaItem = {
      ...inspected.metadata,
      fileId: `f${String(k).padStart(2, "0")}`,
      key: `s/original/f${k}`,
      fileName: path.basename(file),
      bytes: inspected.bytes,
      contentHash: inspected.contentHash
    }
    return { item, thumbnail: inspected.thumbnail.jpeg, frames: [] } satisfies SelectionCandidate
  })

beforeAll(async () => {
  fixtureFiles = readdirSync(MEDIA).filter((f) => /^(jpeg|png|webp|avif|heic|video)-/.test(f)).sort()
  const generated = await Promise.all(
    GRAPHICS.map(async ([name, make]) => {
      writeFileSync(path.join(work, name), await make())
      return path.join(work, name)
    })
  )
  candidates = await runWith(
    Effect.forEach([...fixtureFiles.map((f) => path.join(MEDIA, f)), ...generated], inspect, { concurrency: 2 }),
    Media.layer
  )
  result = await runWith(SelectionModel.use((m) => m.select({ tripContext: "fixtures", targetCount: 40, items: candidates })), SelectionModel.layerOffline)
}, 300_000)

const byName = (name: string) => candidates.find((c) => c.item.fileName === name)!.item.fileId

describe("non-photos picked as top shots", () => {
  it("excludes the macOS screenshot and every generated chart and screen capture as content-mismatch, with a plain reason", () => {
    for (const name of ["png-macos-screenshot-exif.png", ...GRAPHICS.map(([n]) => n)]) {
      const excluded = result.excluded.find((e) => e.fileId === byName(name))
      expect({ name, category: excluded?.category }).toEqual({ name, category: "content-mismatch" })
      expect(excluded!.reason).toMatch(/^a (screenshot|chart|screen capture)/)
    }
    const reason = (name: string) => result.excluded.find((e) => e.fileId === byName(name))!.reason
    expect(reason("png-macos-screenshot-exif.png")).toBe('a screenshot, not a camera photo: its metadata says so (comment "Screenshot")')
    expect(reason("figure_1.png")).toMatch(/made by "Matplotlib version3\.6\.3/)
    expect(reason("chart-steps.png")).toMatch(/^a chart or graphic, not a photo: \d+% of it is flat colour/)
  })

  it("keeps every real photo and video of the fixtures: none is a content-mismatch, a camera photo is pick #1", () => {
    const real = fixtureFiles.filter((f) => f !== "png-macos-screenshot-exif.png" && !f.startsWith("truncated-"))
    for (const name of real) {
      expect({ name, category: result.excluded.find((e) => e.fileId === byName(name))?.category ?? "selected" }).not.toEqual({ name, category: "content-mismatch" })
    }
    const top = candidates.find((c) => c.item.fileId === result.selected[0]!.fileId)!.item
    expect(top.make).not.toBeNull()
  })

  it("keeps them without their EXIF too (no make, model, software or comment, as jpeg-canon-s40-exif-stripped.jpg)", async () => {
    const stripped = candidates
      .filter((c) => fixtureFiles.includes(c.item.fileName) && c.item.fileName !== "png-macos-screenshot-exif.png")
      .map((c) => ({ ...c, item: { ...c.item, make: null, model: null, software: null, userComment: null } }))
    const again = await runWith(SelectionModel.use((m) => m.select({ tripContext: "stripped", targetCount: 40, items: stripped })), SelectionModel.layerOffline)
    expect(again.excluded.filter((e) => e.category === "content-mismatch")).toEqual([])
  })
})
