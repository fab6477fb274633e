/**
 * Latency and peak RSS of the whole per-file program (`MediaInspector.inspect`: byte limit,
 * sniff, metadata, thumbnail, SHA-256) for ONE format group, in a fresh Node process.
 *
 * usage: node --expose-gc dist/bench/latency.mjs --group jpeg|heic|webp-avif|png|video [--rounds N] [--out file.json]
 *
 * Phases: the first call of the process is timed alone (cold: module caches, fluent-ffmpeg's
 * capability probe); one warm-up pass; N timed rounds over the group's files (p50/p95 over all
 * calls pooled, and the median per file); Node's peak RSS; then one untimed pass with the tools
 * wrapped by GNU time for their peak RSS (src/toolRss.ts).
 */
import { Effect, ManagedRuntime } from "effect"
import { Media, MediaInspector } from "@curator/media"
import { argValue, collectGarbage, emit, groupOf, loadFixtures, log, median, peakRssMb, quantile, round, timeMs, type FormatGroup } from "./common.js"
import { makeToolWrappers, peakPerTool } from "./toolRss.js"

const DEFAULT_ROUNDS: Record<FormatGroup, number> = { jpeg: 8, heic: 6, "webp-avif": 8, png: 12, video: 10 }

const group = (argValue("group") ?? "jpeg") as FormatGroup
const rounds = Number(argValue("rounds") ?? DEFAULT_ROUNDS[group])
const files = (await loadFixtures()).filter((f) => groupOf(f.sniffed) === group)
if (files.length === 0) throw new Error(`no fixtures of group ${group}`)

/** Resolves the inspector of a runtime once; each call then runs one `inspect` program to completion. */
const inspectorOf = async (runtime: ManagedRuntime.ManagedRuntime<MediaInspector, unknown>) => {
  const inspector = await runtime.runPromise(MediaInspector)
  return (file: { path: string; name: string }) => Effect.runPromise(inspector.inspect({ path: file.path, fileName: file.name }))
}

const runtime = ManagedRuntime.make(Media.layerWith({}))
const inspect = await inspectorOf(runtime)
collectGarbage()
const baselineRssMb = peakRssMb()

const first = files[0]!
const coldFirstMs = await timeMs(() => inspect(first))
for (const file of files) await inspect(file)

const perFile = new Map<string, Array<number>>(files.map((f) => [f.name, []]))
const thumbnails: Record<string, string> = {}
for (let r = 0; r < rounds; r++) {
  // Rotate the start so no file always follows the same neighbour.
  for (let i = 0; i < files.length; i++) {
    const file = files[(i + r) % files.length]!
    let size = ""
    const ms = await timeMs(async () => {
      const inspected = await inspect(file)
      size = `${inspected.thumbnail.width}x${inspected.thumbnail.height}`
    })
    perFile.get(file.name)!.push(ms)
    thumbnails[file.name] = size
  }
  log(`${group}: round ${r + 1}/${rounds}`)
}
const nodePeakRssMb = peakRssMb()
await runtime.dispose()

const wrappers = await makeToolWrappers()
let toolPeakRssMb: Record<string, number> = {}
if (wrappers !== undefined) {
  const wrapped = ManagedRuntime.make(Media.layerWith({ ffmpegPath: wrappers.ffmpegPath, ffprobePath: wrappers.ffprobePath, heifConvertPath: wrappers.heifConvertPath }))
  const inspectWrapped = await inspectorOf(wrapped)
  for (const file of files) await inspectWrapped(file)
  await wrapped.dispose()
  toolPeakRssMb = peakPerTool(await wrappers.read())
}

const all = [...perFile.values()].flat()
await emit({
  group,
  rounds,
  calls: all.length,
  files: files.map((f) => ({ name: f.name, medianMs: round(median(perFile.get(f.name)!)), thumbnail: thumbnails[f.name] })),
  coldFirstMs: round(coldFirstMs),
  p50Ms: round(quantile(all, 0.5)),
  p95Ms: round(quantile(all, 0.95)),
  maxMs: round(Math.max(...all)),
  nodeBaselineRssMb: baselineRssMb,
  nodePeakRssMb,
  toolPeakRssMb
})
