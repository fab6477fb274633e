/**
 * Our thumbnail function against a bare sharp call, in the same process on the same files
 * (the JPEG, WebP, AVIF and PNG fixtures):
 *   ours: `ThumbnailRenderer.render(path, sniffed, metadata)` through `Media.layerWith({})`
 *         (sniff and metadata are read once beforehand: they are not part of the thumbnail);
 *   bare: `sharp(path).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer()`.
 * sharp's operation cache is off for both (the media layer calls `sharp.cache(false)`, a
 * process-wide setting), so repeated files are decoded every time.
 *
 * usage: node --expose-gc dist/bench/throughput.mjs [--rounds N] [--out file.json]
 *
 * A round is one pass over all files with ours and one with bare, the order alternating between
 * rounds. Throughput = files / pass time; the ratio compares median pass times (bare / ours).
 */
import { Effect, ManagedRuntime } from "effect"
import sharp from "sharp"
import { Media, MetadataReader, ThumbnailRenderer } from "@curator/media"
import { argValue, collectGarbage, emit, groupOf, loadFixtures, log, median, round, timeMs } from "./common.js"

const rounds = Number(argValue("rounds") ?? 10)
const files = (await loadFixtures()).filter((f) => f.sniffed.kind === "photo" && f.sniffed.format !== "heic")

const runtime = ManagedRuntime.make(Media.layerWith({}))
const { reader, renderer } = await runtime.runPromise(
  Effect.all({ reader: MetadataReader, renderer: ThumbnailRenderer })
)
const prepared = await Promise.all(
  files.map(async (f) => ({ ...f, metadata: await Effect.runPromise(reader.read(f.path, f.sniffed)) }))
)

type Variant = "ours" | "bare"
const runOne: Record<Variant, (f: (typeof prepared)[number]) => Promise<unknown>> = {
  ours: (f) => Effect.runPromise(renderer.render(f.path, f.sniffed, f.metadata)),
  bare: (f) => sharp(f.path).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer()
}

const pass = async (variant: Variant, perFile: Map<string, Array<number>>) => {
  let total = 0
  for (const f of prepared) {
    const ms = await timeMs(() => runOne[variant](f))
    perFile.get(f.name)!.push(ms)
    total += ms
  }
  return total
}

const fresh = () => new Map<string, Array<number>>(prepared.map((f) => [f.name, []]))
// Warm-up: two passes each (libvips/codec initialisation, JIT, file cache).
for (let i = 0; i < 2; i++) {
  await pass("ours", fresh())
  await pass("bare", fresh())
}
collectGarbage()

const perFile: Record<Variant, Map<string, Array<number>>> = { ours: fresh(), bare: fresh() }
const passes: Record<Variant, Array<number>> = { ours: [], bare: [] }
for (let r = 0; r < rounds; r++) {
  const order: ReadonlyArray<Variant> = r % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"]
  for (const variant of order) passes[variant].push(await pass(variant, perFile[variant]))
  log(`throughput: round ${r + 1}/${rounds}`)
}
await runtime.dispose()

const byGroup = new Map<string, { ours: number; bare: number; files: number }>()
for (const f of prepared) {
  const g = groupOf(f.sniffed) === "webp-avif" ? f.sniffed.format : groupOf(f.sniffed)
  const entry = byGroup.get(g) ?? { ours: 0, bare: 0, files: 0 }
  entry.ours += median(perFile.ours.get(f.name)!)
  entry.bare += median(perFile.bare.get(f.name)!)
  entry.files += 1
  byGroup.set(g, entry)
}

const oursPass = median(passes.ours)
const barePass = median(passes.bare)
await emit({
  rounds,
  files: prepared.map((f) => ({
    name: f.name,
    oursMedianMs: round(median(perFile.ours.get(f.name)!)),
    bareMedianMs: round(median(perFile.bare.get(f.name)!))
  })),
  formats: [...byGroup].map(([format, e]) => ({
    format,
    files: e.files,
    oursMs: round(e.ours),
    bareMs: round(e.bare),
    ratioPercent: round((e.bare / e.ours) * 100)
  })),
  passMedianMs: { ours: round(oursPass), bare: round(barePass) },
  throughputFilesPerSecond: { ours: round((prepared.length * 1000) / oursPass, 2), bare: round((prepared.length * 1000) / barePass, 2) },
  ratioPercent: round((barePass / oursPass) * 100),
  goalPercent: 90
})
