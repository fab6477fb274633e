// Lambda bundle sizes and module-init (cold load) times (issue 5; docs/performance.md §7):
// `npx nx run tools:bench-bundles` (= `node tools/bench/bundles.mjs` after the `bundle` targets).
//
// For each dist/apps/<app>/lambda.mjs: its size (raw and gzip -6, about what an image layer
// compresses to), then RUNS fresh Node processes (the pinned Node 24, process.execPath), each
// loading the bundle from a task root that holds only sharp (as /var/task in the image) and
// reporting (a) the `import()` time of the bundle, i.e. module init, which Lambda bills as the
// Init phase, and (b) the process wall time from spawn to exit. Medians (and min/max) over RUNS.
// Layers are NOT built here: the handlers build them lazily on the first invocation.
//
// Options (environment): BENCH_RUNS (default 9).
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const APPS = ["api", "thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"]
const RUNS = Number(process.env.BENCH_RUNS ?? 9)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const CHILD = `
const { performance } = await import("node:perf_hooks")
const t0 = performance.now()
const mod = await import(process.env.BUNDLE_URL)
if (typeof mod.handler !== "function") throw new Error("no handler export")
process.stdout.write(String(performance.now() - t0))
`

const results = []
for (const app of APPS) {
  const bundle = path.join(root, "dist/apps", app, "lambda.mjs")
  if (!existsSync(bundle)) {
    console.error(`${app}: no bundle (run nx run ${app}:bundle), skipped`)
    continue
  }
  const bytes = readFileSync(bundle)
  const task = await mkdtemp(path.join(os.tmpdir(), `bench-${app}-`))
  await copyFile(bundle, path.join(task, "lambda.mjs"))
  await mkdir(path.join(task, "node_modules"))
  for (const pkg of ["sharp", "@img"]) await symlink(path.join(root, "node_modules", pkg), path.join(task, "node_modules", pkg))
  const init = []
  const wall = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD], {
      cwd: task,
      env: { PATH: process.env.PATH, MALLOC_ARENA_MAX: "2", BUNDLE_URL: `file://${path.join(task, "lambda.mjs")}` },
      encoding: "utf8"
    })
    wall.push(performance.now() - t0)
    if (r.status !== 0) throw new Error(`${app}: load failed\n${r.stderr}`)
    init.push(Number(r.stdout))
  }
  await rm(task, { recursive: true, force: true })
  results.push({
    app,
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 6 }).length,
    initMs: { median: median(init), min: Math.min(...init), max: Math.max(...init) },
    processMs: { median: median(wall), min: Math.min(...wall), max: Math.max(...wall) }
  })
  console.error(`${app}: done`)
}

const kib = (b) => `${(b / 1024).toFixed(0)} KiB`
const ms = (x) => x.toFixed(0)
const md = [
  `Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${RUNS} fresh processes per bundle, ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| bundle | size | gzip | module init, median (min-max) ms | process spawn->exit, median ms |",
  "|---|---:|---:|---:|---:|",
  ...results.map((r) => `| ${r.app} | ${kib(r.bytes)} | ${kib(r.gzipBytes)} | ${ms(r.initMs.median)} (${ms(r.initMs.min)}-${ms(r.initMs.max)}) | ${ms(r.processMs.median)} |`)
].join("\n")
await mkdir(path.join(root, "tools/bench/results"), { recursive: true })
await writeFile(path.join(root, "tools/bench/results/bundles.json"), JSON.stringify({ node: process.version, runs: RUNS, results }, null, 2) + "\n")
await writeFile(path.join(root, "tools/bench/results/bundles.md"), md + "\n")
console.log(md)
