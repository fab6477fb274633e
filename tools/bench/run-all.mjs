// Curator benchmarks (issue 2): `npx nx run tools:bench` (= `node --expose-gc tools/bench/run-all.mjs`
// from the workspace root, on the pinned Node 24).
//
// 1. bundles the TypeScript entry points (tools/bench/src/*.ts, and apps/cli/src/main.ts) with
//    esbuild through tools/scripts/bundle.mjs into dist/bench/*.mjs;
// 2. runs every measurement in a FRESH child Node process (process.execPath), so each peak RSS
//    belongs to that measurement alone;
// 3. times `curator run` end to end on the fixtures (median of 3): the selection alone
//    (`--steps select`, section `cli`) and the whole flow (the default `--steps posts`: selection,
//    enhancement, posts, captions, bundles; section `flow`, also written to results/flow.json + flow.md);
// 4. measures offline enhancement (photos, then videos, each in a fresh process: enhance.ts);
// 5. prints Markdown tables and writes tools/bench/results/latest.json (+ latest.md); a run that
//    measured enhancement also writes results/enhance.json (+ enhance.md);
// 6. times the AI video preview encoder against the bare ffmpeg command (aipreview.ts); a run
//    that measured it also writes results/aipreview.json (+ aipreview.md).
//
// Options (environment): BENCH_QUICK=1 (2 rounds everywhere, 1 CLI run: a smoke test, not figures),
// BENCH_ONLY=throughput,latency,heic,video,cli,flow,enhance,aipreview (a subset), BENCH_FIXTURES=<folder>.
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { bundle } from "../scripts/bundle.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const benchDir = path.join(root, "tools/bench")
const distDir = path.join(root, "dist/bench")
const fixtures = process.env.BENCH_FIXTURES ?? path.resolve(root, "../shared/fixtures/media")
const quick = process.env.BENCH_QUICK === "1"
const SECTIONS = ["throughput", "latency", "heic", "video", "cli", "flow", "enhance", "aipreview"]
const only = new Set((process.env.BENCH_ONLY ?? SECTIONS.join(",")).split(","))
const GNU_TIME = "/usr/bin/time"
const CLI_RUNS = quick ? 1 : 3
const LATENCY_GROUPS = ["jpeg", "heic", "webp-avif", "png", "video"]

const firstLine = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: "utf8" })
  return r.status === 0 ? `${r.stdout}${r.stderr}`.split("\n").find((l) => l.trim() !== "")?.trim() ?? "" : "not found"
}

/** Machine and tool facts, recorded with the figures (they only mean something together). */
const machine = () => ({
  date: new Date().toISOString(),
  nproc: firstLine("nproc", []),
  cpu: os.cpus()[0]?.model ?? "unknown",
  memory: spawnSync("free", ["-h"], { encoding: "utf8" }).stdout.trim(),
  node: spawnSync(process.execPath, ["--version"], { encoding: "utf8" }).stdout.trim(),
  ffmpeg: firstLine("/usr/bin/ffmpeg", ["-version"]),
  // heif-convert has no --version; its --help banner names the libheif version.
  heifConvert: (spawnSync("/usr/bin/heif-convert", ["--help"], { encoding: "utf8" }).stdout + spawnSync("/usr/bin/heif-convert", ["--help"], { encoding: "utf8" }).stderr).match(/libheif version: (\S+)/)?.[1] ?? "unknown",
  kernel: os.release(),
  // Other work on the machine shifts absolute times (ratios are measured interleaved, in one run).
  loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2)))
})

/** Runs one bundled measurement in a fresh Node process; resolves its JSON result. */
const child = async (name, args = [], env = {}) => {
  const out = path.join(distDir, `${name}-${args.join("-").replace(/[^a-z0-9-]/gi, "") || "run"}${Object.keys(env).join("-")}.json`)
  await rm(out, { force: true })
  const started = performance.now()
  const code = await new Promise((resolve) => {
    const p = spawn(process.execPath, ["--expose-gc", path.join(distDir, `${name}.mjs`), ...args, ...(quick ? ["--rounds", "2"] : []), "--out", out], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, BENCH_FIXTURES: fixtures, ...env }
    })
    p.once("close", resolve)
  })
  if (code !== 0) throw new Error(`bench ${name} ${args.join(" ")} exited ${code}`)
  const result = JSON.parse(await readFile(out, "utf8"))
  return { ...result, childWallS: Number(((performance.now() - started) / 1000).toFixed(1)) }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * `node dist/bench/cli.mjs run <fixtures> --out <tmp> --data <tmp> --steps <steps>`, fresh folders
 * each run, under GNU time: `%M` is ru_maxrss from wait4(2) of the Node process, which Linux reports
 * as the larger of its own peak and its largest waited-for descendant's (ffmpeg, heif-convert,
 * exiftool), in KiB. `steps`: `select` (the selection alone, as before the whole flow existed) or
 * `posts` (the whole flow).
 */
const cliRun = async (cli, steps) => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "curator-bench-cli-"))
  const rssFile = path.join(tmp, "rss.txt")
  const outDir = path.join(tmp, "out")
  const args = [cli, "run", fixtures, "--out", outDir, "--data", path.join(tmp, "data"), "--steps", steps]
  const [cmd, argv] = existsSync(GNU_TIME) ? [GNU_TIME, ["-o", rssFile, "-f", "%M", process.execPath, ...args]] : [process.execPath, args]
  const started = performance.now()
  const r = await new Promise((resolve) => {
    const p = spawn(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } })
    let stdout = ""
    let stderr = ""
    p.stdout.on("data", (c) => (stdout += c))
    p.stderr.on("data", (c) => (stderr += c))
    p.once("close", (code) => resolve({ code, stdout, stderr }))
  })
  const wallS = (performance.now() - started) / 1000
  const peakKiB = existsSync(rssFile) ? Number((await readFile(rssFile, "utf8")).trim().split("\n").at(-1)) : Number.NaN
  let accounted
  try {
    const selection = JSON.parse(await readFile(path.join(outDir, "selection.json"), "utf8"))
    accounted = { selected: selection.selected?.length, excluded: selection.excluded?.length }
  } catch {
    accounted = undefined
  }
  if (steps === "posts" && accounted) {
    try {
      const posts = JSON.parse(await readFile(path.join(outDir, "posts.json"), "utf8")).posts
      const { readdirSync } = await import("node:fs")
      accounted.enhanced = readdirSync(path.join(outDir, "enhanced")).length
      accounted.posts = posts.length
      accounted.bundles = posts.flatMap((p) => p.bundles).length
      accounted.bundleMb = posts.flatMap((p) => p.bundles).reduce((n, b) => n + b.bytes, 0) / 1e6
    } catch {
      accounted.posts = undefined
    }
  }
  await rm(tmp, { recursive: true, force: true })
  return { code: r.code, wallS, peakRssMb: peakKiB / 1024, accounted, tail: `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-8).join("\n") }
}

const fmt = (n, d = 0) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(d) : "n/a")

const markdown = (results) => {
  const lines = []
  const m = results.machine
  lines.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.node}, ${m.ffmpeg.split(" Copyright")[0]}, libheif ${m.heifConvert}; load average ${m.loadAverageAtStart.join(" ")} at start, ${m.loadAverageAtEnd?.join(" ")} at end${quick ? " — QUICK MODE (2 rounds): smoke test, not figures" : ""}`)
  const t = results.throughput
  if (t) {
    lines.push("", `### 1. Thumbnail throughput: ours vs bare sharp (same process, ${t.rounds} alternating rounds, median pass)`, "")
    lines.push("| format | files | ours ms (sum of per-file medians) | bare sharp ms | bare / ours |", "|---|---:|---:|---:|---:|")
    for (const f of t.formats) lines.push(`| ${f.format} | ${f.files} | ${fmt(f.oursMs, 1)} | ${fmt(f.bareMs, 1)} | ${fmt(f.ratioPercent, 1)} % |`)
    lines.push(`| **all (median pass)** | ${t.files.length} | ${fmt(t.passMedianMs.ours, 1)} (${fmt(t.throughputFilesPerSecond.ours, 2)} files/s) | ${fmt(t.passMedianMs.bare, 1)} (${fmt(t.throughputFilesPerSecond.bare, 2)} files/s) | **${fmt(t.ratioPercent, 1)} %** (goal >= ${t.goalPercent} %: ${t.ratioPercent >= t.goalPercent ? "met" : "MISSED"}) |`)
  }
  if (results.latency) {
    lines.push("", "### 2. MediaInspector.inspect (whole per-file program): latency and peak RSS per format (fresh process per format)", "")
    lines.push("| format | files | calls | cold 1st ms | p50 ms | p95 ms | Node baseline MB | Node peak MB | tool peak MB | Node + tool MB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (const l of results.latency) {
      const tools = Object.entries(l.toolPeakRssMb).map(([k, v]) => `${k} ${fmt(v)}`).join(", ") || "none"
      const toolMax = Math.max(0, ...Object.values(l.toolPeakRssMb))
      lines.push(`| ${l.group} | ${l.files.length} | ${l.calls} | ${fmt(l.coldFirstMs)} | ${fmt(l.p50Ms)} | ${fmt(l.p95Ms)} | ${fmt(l.nodeBaselineRssMb)} | ${fmt(l.nodePeakRssMb)} | ${tools} | ${fmt(l.nodePeakRssMb + toolMax)} |`)
    }
  }
  const h = results.heic
  if (h) {
    lines.push("", `### 3. HEIC: ours vs Debian heif-convert (${h.rounds} interleaved rounds, per-file medians summed over the 3 files)`, "")
    lines.push("| variant | " + h.variants.ours.perFile.map((f) => f.name.replace(/^heic-/, "").replace(/\.heic$/, "")).join(" | ") + " | set ms |", "|---|" + h.variants.ours.perFile.map(() => "---:|").join("") + "---:|")
    for (const [name, v] of Object.entries(h.variants)) lines.push(`| ${name} | ${v.perFile.map((f) => fmt(f.medianMs)).join(" | ")} | ${fmt(v.setMs)} |`)
    lines.push("", `ours / (heif-convert + same sharp resize) = **${fmt(h.ratio, 2)}x** (goal <= ${h.goal}x: ${h.ratio <= h.goal ? "met" : "MISSED"}); ours / bare heif-convert alone = ${fmt(h.ratioToBareCommand, 2)}x; our decode / bare heif-convert = ${fmt(h.decodeRatioToBareCommand, 2)}x`)
  }
  const v = results.video
  if (v) {
    lines.push("", `### 4. Video frame: ours vs bare ffmpeg (${v.rounds} interleaved rounds, per-file medians summed over the 3 clips)`, "")
    lines.push("| variant | " + v.variants.ours.perFile.map((f) => f.name.replace(/^video-/, "")).join(" | ") + " | set ms |", "|---|" + v.variants.ours.perFile.map(() => "---:|").join("") + "---:|")
    for (const [name, x] of Object.entries(v.variants)) lines.push(`| ${name} | ${x.perFile.map((f) => fmt(f.medianMs)).join(" | ")} | ${fmt(x.setMs)} |`)
    lines.push("", `ours / bare ffmpeg = **${fmt(v.ratio, 2)}x** (goal <= ${v.goal}x: ${v.ratio <= v.goal ? "met" : "MISSED"}); ours / ffmpeg with our exact arguments = ${fmt(v.ratioToSameArgs, 2)}x; first call of a fresh process ${fmt(v.coldFirstMs)} ms`)
  }
  const c = results.cli
  if (c) {
    lines.push("", `### 5. End to end: \`curator run --steps select\` on the ${c.fixtures} fixtures (${c.runs.length} runs, fresh --out/--data each)`, "")
    if (c.ok) {
      lines.push("| median wall s | min..max s | peak RSS MB (median; largest single process) | accounted |", "|---:|---:|---:|---|")
      const walls = c.runs.map((r) => r.wallS)
      const a = c.runs[0].accounted
      lines.push(`| ${fmt(c.medianWallS, 2)} | ${fmt(Math.min(...walls), 2)}..${fmt(Math.max(...walls), 2)} | ${fmt(c.medianPeakRssMb)} | ${a ? `${a.selected} selected + ${a.excluded} excluded` : "selection.json not read"} |`)
    } else {
      lines.push(`NOT MEASURED: the CLI run failed (exit ${c.runs[0]?.code}). Last output:`, "", "```", c.runs[0]?.tail ?? c.error, "```")
    }
  }
  const f = results.flow
  if (f) {
    lines.push("", `### 5b. Whole flow: \`curator run\` (\`--steps posts\`: selection, enhancement, posts, captions, bundles) on the ${f.fixtures} fixtures (${f.runs.length} runs, fresh --out/--data each)`, "")
    if (f.ok) {
      lines.push("| median wall s | min..max s | peak RSS MB (median; largest single process) | accounted |", "|---:|---:|---:|---|")
      const walls = f.runs.map((r) => r.wallS)
      const a = f.runs[0].accounted
      lines.push(`| ${fmt(f.medianWallS, 2)} | ${fmt(Math.min(...walls), 2)}..${fmt(Math.max(...walls), 2)} | ${fmt(f.medianPeakRssMb)} | ${a ? `${a.selected} selected + ${a.excluded} excluded; ${a.enhanced} enhanced; ${a.posts} posts; ${a.bundles} ZIPs, ${fmt(a.bundleMb, 1)} MB` : "outputs not read"} |`)
    } else {
      lines.push(`NOT MEASURED: the CLI run failed (exit ${f.runs[0]?.code}). Last output:`, "", "```", f.runs[0]?.tail ?? f.error, "```")
    }
  }
  const e = results.enhance
  if (e) {
    const p = e.photo
    if (p) {
      lines.push("", `### 6a. Offline photo enhancement, round 0 at full resolution (${p.rounds} interleaved rounds, median pass; tree RSS polled every ${p.pollMs} ms)`, "")
      lines.push("| group | variant | files | MP | median pass s (min..max) | photos/min | MP/s | peak RSS MB (Node + tools) |", "|---|---|---:|---:|---:|---:|---:|---:|")
      for (const r of p.rows) lines.push(`| ${r.group} | ${r.variant} | ${r.files} | ${fmt(r.megapixels, 1)} | ${fmt(r.passMedianS, 2)} (${fmt(r.passMinS, 2)}..${fmt(r.passMaxS, 2)}) | ${fmt(r.photosPerMinute, 1)} | ${fmt(r.megapixelsPerSecond, 2)} | ${fmt(r.peakTreeRssMb)} |`)
      lines.push("", Object.entries(p.ratios).map(([k, v]) => `${k} = **${fmt(v, 2)}**`).join("; "))
    }
    const a = e.photoArena2
    if (p && a) {
      lines.push("", "Same photo bench in a second process with `MALLOC_ARENA_MAX=2` (glibc: 2 malloc arenas; sharp then keeps its default thread count):", "")
      lines.push("| group | variant | median pass s | MP/s | peak RSS MB | default env / arena 2: time | peak RSS |", "|---|---|---:|---:|---:|---:|---:|")
      for (const r of a.rows) {
        const d = p.rows.find((x) => x.group === r.group && x.variant === r.variant)
        lines.push(`| ${r.group} | ${r.variant} | ${fmt(r.passMedianS, 2)} | ${fmt(r.megapixelsPerSecond, 2)} | ${fmt(r.peakTreeRssMb)} | ${fmt(d.passMedianS / r.passMedianS, 2)}x | ${fmt(d.peakTreeRssMb / r.peakTreeRssMb, 2)}x |`)
      }
    }
    const v = e.video
    if (v) {
      lines.push("", `### 6b. Offline video enhancement, round 0 (${v.rounds} interleaved rounds, median pass; tree RSS polled every ${v.pollMs} ms)`, "")
      lines.push("| variant | clips | video s | median pass s (min..max) | realtime factor | px·s/s | budget estimate / measured | peak RSS MB (Node + ffmpeg) |", "|---|---:|---:|---:|---:|---:|---:|---:|")
      for (const r of v.rows) lines.push(`| ${r.variant} | ${r.files} | ${fmt(r.videoSeconds, 1)} | ${fmt(r.passMedianS, 2)} (${fmt(r.passMinS, 2)}..${fmt(r.passMaxS, 2)}) | ${fmt(r.realtimeFactor, 2)} | ${fmt(r.pixelSecondsPerSecond)} | ${fmt(r.estimateRatio, 2)} | ${fmt(r.peakTreeRssMb)} |`)
      lines.push("", Object.entries(v.ratios).map(([k, x]) => `${k} = **${fmt(x, 2)}**`).join("; "))
    }
    if (e.single?.length) {
      lines.push("", "### 6c. One item, cold, in a fresh process (peak RSS of Node + tools; a video also runs stabilised after the plain pass)", "")
      lines.push("| file | size | plain: peak RSS MB | stabilised: peak RSS MB | Node ru_maxrss MB |", "|---|---:|---:|---:|---:|")
      for (const x of e.single) {
        const plain = x.rows.find((r) => r.variant === "c1")
        const stab = x.rows.find((r) => r.variant === "stab c1")
        const size = x.kind === "photo" ? `${fmt(plain?.megapixels, 1)} MP` : `${fmt(plain?.videoSeconds, 1)} s`
        lines.push(`| ${x.single} | ${size} | ${fmt(plain?.peakTreeRssMb)} | ${stab ? fmt(stab.peakTreeRssMb) : "-"} | ${fmt(x.nodePeakRssMb)} |`)
      }
    }
    for (const x of [p, v].filter(Boolean)) {
      const stageNames = [...new Set(x.perFile.flatMap((f) => Object.keys(f).filter((k) => k.endsWith("Ms"))))]
      lines.push("", `Per-file stage medians, ${x.kind} c1 (ms):`, "", `| file | ${stageNames.map((n) => n.replace(/Ms$/, "")).join(" | ")} |`, `|---|${stageNames.map(() => "---:|").join("")}`)
      for (const f of x.perFile) lines.push(`| ${f.file} | ${stageNames.map((n) => fmt(f[n])).join(" | ")} |`)
    }
  }
  const ap = results.aipreview
  if (ap) {
    lines.push("", `### 8. AI video preview: ours vs bare ffmpeg, same settings (MP4, x264 CRF ${ap.settings.crf} preset ${ap.settings.preset}, High yuv420p, +faststart, <= 5 fps, <= 768 px on the longer side, mono AAC 32 kb/s; ${ap.rounds} interleaved rounds, per-file medians summed over the ${ap.files.length} clips)`, "")
    lines.push("| variant | " + ap.variants.ours.perFile.map((f) => f.name.replace(/^video-/, "")).join(" | ") + " | set ms | video s per wall s |", "|---|" + ap.variants.ours.perFile.map(() => "---:|").join("") + "---:|---:|")
    for (const [name, x] of Object.entries(ap.variants)) lines.push(`| ${name} | ${x.perFile.map((f) => fmt(f.medianMs)).join(" | ")} | ${fmt(x.setMs)} | ${fmt(ap.throughput[name], 2)} |`)
    if (ap.presets) {
      lines.push("", "x264 preset (bare command, same CRF; set ms from the same interleaved rounds, bytes summed over the clips):", "", "| preset | set ms | bytes |", "|---|---:|---:|")
      for (const [name, x] of Object.entries(ap.presets)) lines.push(`| ${name}${name === ap.settings.preset ? " (default)" : ""} | ${fmt(x.setMs)} | ${x.bytes.toLocaleString("en-US")} |`)
    }
    const tools = (t) => (t ? Object.entries(t).map(([k, v]) => `${k} ${fmt(v)}`).join(", ") : "n/a")
    lines.push("", `throughput ours / bare = **${fmt(ap.ratioPercent, 1)} %** (goal >= ${ap.goalPercent} %: ${ap.ratioPercent >= ap.goalPercent ? "met" : "MISSED"}); without metadata (own ffprobe) ${fmt(ap.probingRatioPercent, 1)} %; ${fmt(ap.videoSeconds, 1)} s of video per pass; peak RSS MB: Node ${fmt(ap.nodePeakRssMb)}, tools (ours) ${tools(ap.toolPeakRssMb?.ours)}, tools (bare) ${tools(ap.toolPeakRssMb?.bare)}`)
  }
  return lines.join("\n")
}

const results = { machine: machine(), quick }
await mkdir(distDir, { recursive: true })
const entries = ["throughput", "latency", "heic", "video", "enhance", "aipreview"]
for (const e of entries) await bundle(path.join(benchDir, "src", `${e}.ts`), path.join(distDir, `${e}.mjs`))
console.log(`bundled ${entries.length} bench entries into ${path.relative(root, distDir)}/; fixtures ${fixtures}`)

const started = performance.now()
if (only.has("throughput")) results.throughput = await child("throughput")
if (only.has("latency")) {
  results.latency = []
  for (const g of LATENCY_GROUPS) results.latency.push(await child("latency", ["--group", g]))
}
if (only.has("heic")) results.heic = await child("heic")
if (only.has("video")) results.video = await child("video")
/** Section `cli` (steps `select`) or `flow` (steps `posts`): one untimed warm-up run, then CLI_RUNS timed runs. */
const cliSection = async (steps) => {
  const cli = path.join(distDir, "cli.mjs")
  const fixtureCount = (await import("node:fs")).readdirSync(fixtures).filter((n) => !n.endsWith(".md")).length
  const section = { fixtures: fixtureCount, steps, runs: [] }
  try {
    await bundle(path.join(root, "apps/cli/src/main.ts"), cli)
    // One untimed run first: page cache, and dynalite's first open.
    const warm = await cliRun(cli, steps)
    if (warm.code !== 0) section.runs.push(warm)
    else for (let i = 0; i < CLI_RUNS; i++) {
      section.runs.push(await cliRun(cli, steps))
      console.error(`  cli --steps ${steps}: run ${i + 1}/${CLI_RUNS} ${section.runs.at(-1).wallS.toFixed(2)} s`)
    }
  } catch (error) {
    section.error = String(error)
  }
  section.ok = section.runs.length > 0 && section.runs.every((r) => r.code === 0)
  if (section.ok) {
    section.medianWallS = median(section.runs.map((r) => r.wallS))
    section.medianPeakRssMb = median(section.runs.map((r) => r.peakRssMb))
  }
  return section
}
if (only.has("cli")) results.cli = await cliSection("select")
if (only.has("flow")) results.flow = await cliSection("posts")
if (only.has("enhance")) {
  results.enhance = {}
  for (const kind of ["photo", "video"]) results.enhance[kind] = await child("enhance", ["--kind", kind])
  // sharp runs each image on ONE thread under glibc's malloc unless MALLOC_ARENA_MAX is set (sharp
  // dist/utility: fragmentation guard); the same photo bench with it set shows what that costs.
  results.enhance.photoArena2 = await child("enhance", ["--kind", "photo"], { MALLOC_ARENA_MAX: "2" })
  // Then each item alone in a fresh process: the peak RSS one item costs a cold container.
  results.enhance.single = []
  for (const kind of ["photo", "video"]) {
    for (const name of Object.values(results.enhance[kind].files).flat()) results.enhance.single.push(await child("enhance", ["--kind", kind, "--single", name]))
  }
}
if (only.has("aipreview")) results.aipreview = await child("aipreview")
results.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)))
results.totalMinutes = Number(((performance.now() - started) / 60000).toFixed(2))

const md = markdown(results)
console.log(`\n${md}\n\nbench time ${results.totalMinutes} min`)
const resultsDir = path.join(benchDir, "results")
await mkdir(resultsDir, { recursive: true })
if (results.enhance && !quick) {
  // The enhancement figures (docs/performance.md section 6) are kept on their own too, so a
  // `BENCH_ONLY=enhance` run updates them without re-measuring (and re-documenting) sections 1-5.
  const own = { machine: results.machine, quick, enhance: results.enhance }
  await writeFile(path.join(resultsDir, "enhance.json"), JSON.stringify(own, null, 2) + "\n")
  await writeFile(path.join(resultsDir, "enhance.md"), markdown(own) + "\n")
  console.log(`wrote ${path.relative(root, path.join(resultsDir, "enhance.json"))}`)
}
if (results.aipreview && !quick) {
  // Kept on their own like the enhancement figures: `BENCH_ONLY=aipreview` updates docs/performance.md section 8 alone.
  const own = { machine: results.machine, quick, aipreview: results.aipreview }
  await writeFile(path.join(resultsDir, "aipreview.json"), JSON.stringify(own, null, 2) + "\n")
  await writeFile(path.join(resultsDir, "aipreview.md"), markdown(own) + "\n")
  console.log(`wrote ${path.relative(root, path.join(resultsDir, "aipreview.json"))}`)
}
if (results.flow && !quick) {
  // Kept on their own like the enhancement figures: `BENCH_ONLY=flow` updates the whole-flow figures of docs/performance.md section 5 alone.
  const own = { machine: results.machine, quick, flow: results.flow }
  await writeFile(path.join(resultsDir, "flow.json"), JSON.stringify(own, null, 2) + "\n")
  await writeFile(path.join(resultsDir, "flow.md"), markdown(own) + "\n")
  console.log(`wrote ${path.relative(root, path.join(resultsDir, "flow.json"))}`)
}
if (SECTIONS.every((s) => only.has(s)) && !quick) {
  await writeFile(path.join(resultsDir, "latest.json"), JSON.stringify(results, null, 2) + "\n")
  await writeFile(path.join(resultsDir, "latest.md"), md + "\n")
  console.log(`wrote ${path.relative(root, path.join(resultsDir, "latest.json"))}`)
} else {
  await writeFile(path.join(resultsDir, "partial.json"), JSON.stringify(results, null, 2) + "\n")
  console.log(`partial or quick run: wrote ${path.relative(root, path.join(resultsDir, "partial.json"))} (latest.json only from a full run)`)
}
