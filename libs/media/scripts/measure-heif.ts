/**
 * Measures the two HEIC decode paths of HeifDecoder on the three HEIC fixtures, in one
 * process and one run: native libheif (`heif-convert -q 95` -> JPEG -> sharp) against the
 * WebAssembly fallback (heic-decode RGBA -> sharp). Each timing covers decode + a 400 px
 * JPEG thumbnail. Prints the median of N runs per file and the ratio.
 * Run: `npx esbuild libs/media/scripts/measure-heif.ts --bundle --platform=node --format=esm --external:sharp --external:effect --external:exifr --external:heic-decode --external:fluent-ffmpeg --outfile=/tmp/measure-heif.mjs && node /tmp/measure-heif.mjs [runs]`
 */
import path from "node:path"
import { performance } from "node:perf_hooks"
import { Effect } from "effect"
import { HeifDecoder, Media } from "../src/index.js"

const FIXTURES = process.env.FIXTURES ?? "/work/shared/fixtures/media"
const FILES = ["heic-apple-iphone11pro-portrait.heic", "heic-apple-iphone7-gps.heic", "heic-samsung-galaxy-s24fe-exif-orient6.heic"]
const RUNS = Number(process.argv[2] ?? 5)

const median = (values: Array<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const once = (file: string, decoder: "native" | "wasm") =>
  Effect.scoped(
    Effect.gen(function* () {
      const start = performance.now()
      const decoded = yield* (yield* HeifDecoder).decode(path.join(FIXTURES, file), { decoder })
      yield* Effect.promise(() => decoded.pipeline().resize(400, 400, { fit: "inside" }).jpeg({ quality: 82 }).toBuffer())
      return performance.now() - start
    })
  )

const program = Effect.gen(function* () {
  const rows: Array<string> = []
  for (const file of FILES) {
    const times: Record<"native" | "wasm", Array<number>> = { native: [], wasm: [] }
    yield* once(file, "native")
    yield* once(file, "wasm") // warm-up: WebAssembly compile, fluent/heif caches
    for (let i = 0; i < RUNS; i++) {
      times.native.push(yield* once(file, "native"))
      times.wasm.push(yield* once(file, "wasm"))
    }
    const n = median(times.native)
    const w = median(times.wasm)
    rows.push(`| ${file} | ${n.toFixed(0)} | ${w.toFixed(0)} | ${(w / n).toFixed(2)}x |`)
  }
  console.log(`runs per path and file: ${RUNS}; node ${process.version}`)
  console.log("| file | native median ms | wasm median ms | wasm / native |")
  console.log("|---|---:|---:|---:|")
  for (const row of rows) console.log(row)
})

await Effect.runPromise(Effect.provide(program, Media.layerWith({})))
