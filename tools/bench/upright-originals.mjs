// Rotated originals turned upright for a download (issue 12 item 3, decision 0012; docs/performance.md,
// section "Issue 12"): `npx nx run tools:bench-upright` (= `node tools/bench/upright-originals.mjs` from the
// workspace root, on the pinned Node 24). Not part of the test suite.
//
// 1. bundles tools/bench/src/uprightOriginals.ts (tools/scripts/bundle.mjs);
// 2. runs it ROUNDS times, each in a FRESH Node process, on the rotated fixtures (the photos whose
//    EXIF Orientation is not 1), so every round pays the same cold start;
// 3. prints a Markdown table (per file: action, bytes before -> after, PSNR against the upright decode
//    of the original, medians of wall and CPU ms) and writes tools/bench/results/upright.json (+ .md).
//
// Options (environment): BENCH_RUNS (default 3), BENCH_FIXTURES=<folder>.
import { spawnSync } from "node:child_process"
import { mkdir, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bundle } from "../scripts/bundle.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const distDir = path.join(root, "dist/bench")
const resultsDir = path.join(root, "tools/bench/results")
const fixtures = process.env.BENCH_FIXTURES ?? path.resolve(root, "../shared/fixtures/media")
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const FILES = [
  "jpeg-apple-iphone5-gps-orient3.jpg",
  "jpeg-panasonic-dmc-lz2-orient6.jpg",
  "jpeg-samsung-sm-j327t1-orient6.jpg",
  "heic-samsung-galaxy-s24fe-exif-orient6.heic"
].map((name) => path.join(fixtures, name))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

await mkdir(distDir, { recursive: true })
const entry = path.join(distDir, "uprightOriginals.mjs")
await bundle(path.join(root, "tools/bench/src/uprightOriginals.ts"), entry)

const rounds = []
for (let run = 0; run < RUNS; run++) {
  // Rotate the file order each round (interleaved: no file always runs first, on a cold cache).
  const order = FILES.map((_, i) => FILES[(i + run) % FILES.length])
  const r = spawnSync(process.execPath, [entry, ...order], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`round ${run + 1} failed: ${r.stderr}`)
  rounds.push(JSON.parse(r.stdout.trim().split("\n").at(-1)).results)
}

const rows = FILES.map((file) => {
  const name = path.basename(file)
  const all = rounds.map((round) => round.find((x) => x.file === name))
  const first = all[0]
  return {
    file: name,
    action: first.action,
    bytesBefore: first.bytesBefore,
    bytesAfter: first.bytesAfter,
    psnr: first.psnr,
    wallMs: median(all.map((x) => x.wallMs)),
    cpuMs: median(all.map((x) => x.cpuMs))
  }
})
const load = os.loadavg().map((l) => l.toFixed(1)).join(", ")
const lines = [
  `Rotated originals turned upright (OrientationNormalizer), ${RUNS} rounds, fresh process each, medians; ${os.cpus().length} cores, load average ${load} at the end.`,
  "",
  "| file | action | bytes before | bytes after | change | PSNR vs upright original (dB) | wall ms | CPU ms |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) =>
    `| ${r.file} | ${r.action} | ${r.bytesBefore.toLocaleString("en")} | ${r.bytesAfter.toLocaleString("en")} | ${(((r.bytesAfter - r.bytesBefore) / r.bytesBefore) * 100).toFixed(1)} % | ${r.psnr === null ? "n/a (HEVC data untouched)" : r.psnr.toFixed(1)} | ${r.wallMs} | ${r.cpuMs} |`
  )
]
await mkdir(resultsDir, { recursive: true })
await writeFile(path.join(resultsDir, "upright.json"), `${JSON.stringify({ runs: RUNS, load: os.loadavg(), rows }, null, 2)}\n`)
await writeFile(path.join(resultsDir, "upright.md"), `${lines.join("\n")}\n`)
console.log(lines.join("\n"))
