// Peak RSS of the download bundle task on ~1 GB of video (issue 7; docs/performance.md §10):
// `npx nx run tools:bench-bundle-rss` (= `node tools/bench/bundle-rss.mjs` from the workspace root,
// on the pinned Node 24). Not part of the test suite.
//
// 1. generates ONE test clip with ffmpeg (testsrc2 1280x720 30 fps + a sine tone, x264 ultrafast at
//    40 Mb/s, a `location` tag so there is GPS to strip; cached in dist/bench/bundle-rss/) — ~100 MiB;
// 2. bundles tools/bench/src/bundleRss.ts (tools/scripts/bundle.mjs) and runs it in a FRESH Node
//    process per measurement: the clip stored COPIES times as the items of one post (~1 GB; and 3
//    times, ~300 MiB, to show the peak does not follow the size), the real bundle task with
//    bundleBytes = 375 MiB (so it splits), keepGps false (every file through ExifTool) and true
//    (blob streams copied as is), interleaved, RUNS times each;
// 3. prints a Markdown table of the medians and writes tools/bench/results/bundle-rss.json (+ .md).
// Exits non-zero when a run's peak RSS grows more than BENCH_BUNDLE_RSS_GROWTH_LIMIT_MIB (default 128)
// over its baseline (the process before bundling): the fixed bound the issue asks for, whatever the
// size bundled. The absolute peak includes the bench's own baseline (dynalite in-process).
//
// Options (environment): BENCH_RUNS (default 3), BENCH_COPIES (default 10), BENCH_CLIP_SECONDS (45).
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bundle } from "../scripts/bundle.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const distDir = path.join(root, "dist/bench")
const mediaDir = path.join(distDir, "bundle-rss")
const resultsDir = path.join(root, "tools/bench/results")
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const COPIES = Number(process.env.BENCH_COPIES ?? 10)
const CLIP_SECONDS = Number(process.env.BENCH_CLIP_SECONDS ?? 45)
const BUNDLE_MIB = 375
const GROWTH_LIMIT_MIB = Number(process.env.BENCH_BUNDLE_RSS_GROWTH_LIMIT_MIB ?? 128)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const firstLine = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout.split("\n")[0]?.trim() ?? ""

const clip = path.join(mediaDir, `clip-${CLIP_SECONDS}s.mp4`)
if (!existsSync(clip)) {
  await mkdir(mediaDir, { recursive: true })
  const r = spawnSync("/usr/bin/ffmpeg", [
    "-nostdin", "-v", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30", "-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", String(CLIP_SECONDS),
    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "40M", "-maxrate", "40M", "-bufsize", "80M", "-c:a", "aac", "-b:a", "128k",
    "-metadata", "location=+48.8584+002.2945/", "-metadata", "creation_time=2026-05-01T10:00:00Z", clip
  ], { stdio: ["ignore", "inherit", "inherit"] })
  if (r.status !== 0) throw new Error("ffmpeg could not generate the clip")
}

await mkdir(distDir, { recursive: true })
const entry = path.join(distDir, "bundleRss.mjs")
await bundle(path.join(root, "tools/bench/src/bundleRss.ts"), entry)

const SIZES = [...new Set([3, COPIES])]

const measure = async (keepGps, copies, run) => {
  const out = path.join(distDir, `bundleRss-${keepGps ? "keep" : "strip"}-${copies}-${run}.json`)
  await rm(out, { force: true })
  const code = await new Promise((resolve) => {
    const args = ["--expose-gc", entry, "--clip", clip, "--copies", String(copies), "--bundle-mib", String(BUNDLE_MIB), "--out", out]
    const p = spawn(process.execPath, keepGps ? [...args, "--keep-gps"] : args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] })
    p.once("close", resolve)
  })
  if (code !== 0) throw new Error(`bundleRss (keepGps ${keepGps}) exited ${code}`)
  return JSON.parse(await readFile(out, "utf8"))
}

const machine = {
  date: new Date().toISOString(),
  nproc: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? "unknown",
  memoryMib: Math.round(os.totalmem() / 1024 / 1024),
  node: process.version,
  ffmpeg: firstLine("/usr/bin/ffmpeg", ["-version"]),
  exiftool: firstLine(path.join(root, "node_modules/exiftool-vendored.pl/bin/exiftool"), ["-ver"]),
  kernel: os.release(),
  loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2)))
}

const runs = Object.fromEntries(SIZES.flatMap((copies) => [[`strip-${copies}`, []], [`keep-${copies}`, []]]))
for (let run = 0; run < RUNS; run++) {
  for (const copies of SIZES) {
    for (const keepGps of [false, true]) {
      const r = await measure(keepGps, copies, run)
      runs[`${keepGps ? "keep" : "strip"}-${copies}`].push(r)
      console.log(`run ${run + 1}/${RUNS} ${copies} clips keepGps=${keepGps}: ${r.totalMib} MiB in ${r.bundles.length} bundles, baseline ${r.baselineRssMib} MiB, peak ${r.peakRssMib} MiB, arrayBuffers ${r.sampledHeapPeaksMib.arrayBuffersMib} MiB, children ${JSON.stringify(r.childPeakRssMib)}, ${r.seconds} s`)
    }
  }
}

const summary = (rs) => ({
  runs: rs.length,
  totalMib: rs[0].totalMib,
  bundles: rs[0].bundles.map((b) => `${b.name} (${b.entries} x, ${(b.bytes / 1024 / 1024).toFixed(1)} MiB)`),
  baselineRssMib: median(rs.map((r) => r.baselineRssMib)),
  peakRssMib: median(rs.map((r) => r.peakRssMib)),
  peakRssMibRange: [Math.min(...rs.map((r) => r.peakRssMib)), Math.max(...rs.map((r) => r.peakRssMib))],
  peakOverBaselineMib: median(rs.map((r) => r.peakOverBaselineMib)),
  maxPeakOverBaselineMib: Math.max(...rs.map((r) => r.peakOverBaselineMib)),
  peakToBaseline: median(rs.map((r) => r.peakToBaseline)),
  peakRssPerBundledMib: Number((median(rs.map((r) => r.peakRssMib)) / rs[0].totalMib).toFixed(4)),
  arrayBuffersPeakMib: median(rs.map((r) => r.sampledHeapPeaksMib.arrayBuffersMib)),
  perlPeakRssMib: median(rs.map((r) => r.childPeakRssMib.perl ?? 0)),
  ffprobePeakRssMib: median(rs.map((r) => r.childPeakRssMib.ffprobe ?? 0)),
  seconds: median(rs.map((r) => r.seconds)),
  mibPerSecond: median(rs.map((r) => r.mibPerSecond))
})
const summaries = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, summary(rs)]))
const result = { machine, clip: { seconds: CLIP_SECONDS, sizes: SIZES, bundleMib: BUNDLE_MIB }, growthLimitMib: GROWTH_LIMIT_MIB, summaries, runs }

const row = (label, s) =>
  `| ${label} | ${s.totalMib} | ${s.bundles.length} | ${s.baselineRssMib} | ${s.peakRssMib} (${s.peakRssMibRange.join("-")}) | ${s.peakOverBaselineMib} (${s.maxPeakOverBaselineMib}) | ${s.peakToBaseline} | ${s.peakRssPerBundledMib} | ${s.arrayBuffersPeakMib} | ${s.perlPeakRssMib} | ${s.seconds} | ${s.mibPerSecond} |`
const md = [
  `Bundle task on one post of N x one ${CLIP_SECONDS} s clip (${(Number(summaries[`strip-${SIZES.at(-1)}`].totalMib) / SIZES.at(-1)).toFixed(1)} MiB each), bundleBytes ${BUNDLE_MIB} MiB, medians of ${RUNS} runs (fresh process each, interleaved), ${machine.date}, ${machine.nproc} cores, Node ${machine.node}, ExifTool ${machine.exiftool}.`,
  "",
  "| keepGps, clips | bundled MiB | bundles | baseline RSS MiB | peak RSS MiB (min-max) | peak - baseline MiB (max) | peak / baseline | peak RSS / MiB bundled | Node arrayBuffers peak MiB | ExifTool (perl) peak MiB | s | MiB/s |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...SIZES.flatMap((copies) => [row(`false (strip), ${copies}`, summaries[`strip-${copies}`]), row(`true (copy), ${copies}`, summaries[`keep-${copies}`])]),
  "",
  `Bundles (${SIZES.at(-1)} clips): ${summaries[`strip-${SIZES.at(-1)}`].bundles.join(", ")}.`
].join("\n")
console.log(`\n${md}\n`)
await mkdir(resultsDir, { recursive: true })
await writeFile(path.join(resultsDir, "bundle-rss.json"), JSON.stringify(result, null, 2))
await writeFile(path.join(resultsDir, "bundle-rss.md"), `${md}\n`)
const over = Object.values(summaries).filter((s) => s.maxPeakOverBaselineMib > GROWTH_LIMIT_MIB)
if (over.length > 0) {
  console.error(`peak RSS grew more than ${GROWTH_LIMIT_MIB} MiB over the baseline: ${over.map((s) => s.maxPeakOverBaselineMib).join(", ")} MiB`)
  process.exit(1)
}
console.log(`every run's peak RSS stayed within ${GROWTH_LIMIT_MIB} MiB of its baseline (max ${Math.max(...Object.values(summaries).map((s) => s.maxPeakOverBaselineMib))} MiB)`)
