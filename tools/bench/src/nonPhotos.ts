/**
 * Screenshots and graphics among photos (issue 12 item 9; docs/performance.md "Issue 12:
 * screenshots and graphics"): how many real photos and videos the offline selection takes for
 * non-photos (false positives) and how many non-photos it recognises.
 *
 * Every file goes through the real pipeline (MediaInspector: sniffing, metadata, the 400 px
 * thumbnail) and the offline SelectionModel; a file counts as recognised when the selection
 * excludes it as `content-mismatch`. Photos and videos are judged twice: with their metadata,
 * and stripped of make, model, software and comment (as a messaging app or a "save as" leaves
 * them). Sets:
 * - photos: the fixtures (not `truncated-*`, not the screenshot); each fixture JPEG, WebP and
 *   AVIF photo put on a perfectly plain grey backdrop (a product or studio shot: subject on 35 %
 *   and 50 % of the frame, sharp and blurred 2 px), saved as JPEG without EXIF; plus every folder
 *   of `BENCH_NONPHOTO_PHOTOS` (comma separated, e.g. scikit-image's `skimage/data` sample photos);
 * - non-photos: the fixtures' macOS screenshot, the generated charts and screen captures of
 *   `@curator/ai/graphics-testing`, plus every folder of `BENCH_NONPHOTO_GRAPHICS` (e.g. charts
 *   saved by Matplotlib).
 * Prints a Markdown table and writes `tools/bench/results/nonphotos.json` (+ `.md`).
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import type { MediaItem } from "@curator/contracts"
import { type SelectionCandidate, SelectionModel } from "@curator/ai"
import { barChart, desktopScreenshot, lineChart, phoneScreenshot, scatterPlot, slide } from "@curator/ai/graphics-testing"
import { Media, MediaInspector } from "@curator/media"
import { Effect, ManagedRuntime } from "effect"
import sharp from "sharp"
import { FIXTURES, loadFixtures, round } from "./common.js"

const SCREENSHOT_FIXTURE = "png-macos-screenshot-exif.png"
const folders = (variable: string) => (process.env[variable] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")
const filesOf = async (dir: string) => (await readdir(dir)).filter((f) => !f.startsWith(".")).sort().map((f) => path.join(dir, f))

const runtime = ManagedRuntime.make(Media.layer)
let next = 0
const candidateOf = (file: string, label: string): Promise<SelectionCandidate | null> =>
  runtime.runPromise(
    Effect.gen(function* () {
      const inspected = yield* (yield* MediaInspector).inspect({ path: file, fileName: path.basename(file) })
      const item: MediaItem = { ...inspected.metadata, fileId: `${label}-${next++}`, key: file, fileName: path.basename(file), bytes: inspected.bytes, contentHash: inspected.contentHash }
      return { item, thumbnail: inspected.thumbnail.jpeg, frames: [] } satisfies SelectionCandidate
    }).pipe(Effect.catch(() => Effect.succeed(null)))
  )

/** The files of `candidates` the offline selection excludes as content-mismatch, with the reasons. */
const recognised = async (candidates: ReadonlyArray<SelectionCandidate>) => {
  const result = await Effect.runPromise(SelectionModel.use((m) => m.select({ tripContext: "", targetCount: 1000, items: candidates })).pipe(Effect.provide(SelectionModel.layerOffline)))
  return new Map(result.excluded.filter((e) => e.category === "content-mismatch").map((e) => [e.fileId, e.reason]))
}

const work = await mkdtemp(path.join(os.tmpdir(), "curator-bench-nonphotos-"))
try {
  const generated: ReadonlyArray<readonly [string, () => Promise<Buffer>]> = [
    ["gen-line-chart.png", () => lineChart(1)], ["gen-bar-chart.png", () => barChart(3)], ["gen-scatter.png", () => scatterPlot(4)],
    ["gen-desktop.png", () => desktopScreenshot(5)], ["gen-desktop-dark.png", () => desktopScreenshot(6, 2880, 1800, true)],
    ["gen-phone.png", () => phoneScreenshot(7)], ["gen-slide.png", () => slide(8)]
  ]
  for (const [name, make] of generated) await writeFile(path.join(work, name), await make())
  const fixtures = (await loadFixtures()).map((f) => f.path)
  const backdrops: Array<string> = []
  for (const file of fixtures.filter((f) => /\.(jpe?g|webp|avif)$/i.test(f)))
    for (const share of [0.35, 0.5])
      for (const blur of [0, 2]) {
        let subject = sharp(file).rotate().resize(Math.round(1600 * Math.sqrt(share)), Math.round(1200 * Math.sqrt(share)), { fit: "cover" })
        if (blur > 0) subject = subject.blur(blur)
        const { data, info } = await subject.png().toBuffer({ resolveWithObject: true })
        const out = path.join(work, `backdrop-${path.parse(file).name}-${share}-${blur}.jpg`)
        await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 96, g: 100, b: 104 } } })
          .composite([{ input: data, left: Math.round((1600 - info.width) / 2), top: 1200 - info.height }])
          .jpeg({ quality: 92 })
          .toFile(out)
        backdrops.push(out)
      }
  const photoFiles = [...fixtures.filter((f) => path.basename(f) !== SCREENSHOT_FIXTURE), ...backdrops, ...(await Promise.all(folders("BENCH_NONPHOTO_PHOTOS").map(filesOf))).flat()]
  const graphicFiles = [path.join(FIXTURES, SCREENSHOT_FIXTURE), ...generated.map(([n]) => path.join(work, n)), ...(await Promise.all(folders("BENCH_NONPHOTO_GRAPHICS").map(filesOf))).flat()]
  const photos = (await Promise.all(photoFiles.map((f) => candidateOf(f, "photo")))).flatMap((c) => (c === null ? [] : [c]))
  const graphics = (await Promise.all(graphicFiles.map((f) => candidateOf(f, "graphic")))).flatMap((c) => (c === null ? [] : [c]))
  const stripped = photos.map((c) => ({ ...c, item: { ...c.item, make: null, model: null, software: null, userComment: null } }))
  const [asIs, withoutExif, nonPhotos] = await Promise.all([recognised(photos), recognised(stripped), recognised(graphics)])
  const rows = [
    ...photos.map((c) => ({ set: "photo", file: c.item.fileName, camera: c.item.make !== null || c.item.model !== null, asIs: asIs.get(c.item.fileId) ?? null, stripped: withoutExif.get(c.item.fileId) ?? null })),
    ...graphics.map((c) => ({ set: "non-photo", file: c.item.fileName, camera: c.item.make !== null || c.item.model !== null, asIs: nonPhotos.get(c.item.fileId) ?? null, stripped: null }))
  ]
  const summary = {
    photos: photos.length,
    photosFlagged: asIs.size,
    photosFlaggedWithoutExif: withoutExif.size,
    nonPhotos: graphics.length,
    nonPhotosRecognised: nonPhotos.size,
    recall: round(graphics.length === 0 ? 0 : nonPhotos.size / graphics.length, 3)
  }
  const md = [
    `Photos and videos taken for non-photos: ${summary.photosFlagged} of ${summary.photos} (${summary.photosFlaggedWithoutExif} of ${summary.photos} with their EXIF stripped); non-photos recognised: ${summary.nonPhotosRecognised} of ${summary.nonPhotos}.`,
    "",
    "| set | file | camera data | verdict | verdict, EXIF stripped |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.set} | ${r.file} | ${r.camera ? "yes" : "no"} | ${r.asIs ?? "photo"} | ${r.set === "photo" ? (r.stripped ?? "photo") : ""} |`)
  ].join("\n")
  console.log(md)
  const results = path.resolve(process.cwd(), "tools/bench/results")
  await writeFile(path.join(results, "nonphotos.json"), JSON.stringify({ summary, rows }, null, 2))
  await writeFile(path.join(results, "nonphotos.md"), `${md}\n`)
} finally {
  await rm(work, { recursive: true, force: true })
  await runtime.dispose()
}
