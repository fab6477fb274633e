// The selection step's CPU time, before and after a change (issue 12: "stays within 1.1x of its
// CPU time before this issue"). `npx nx run tools:bench-selection-cpu` (= node tools/bench/selection-cpu.mjs).
//
// 1. exports the BASE commit's tree (`git archive`, BENCH_BASE) into a temp folder,
//    links this checkout's node_modules into it (its own @curator/* links point into that tree) and
//    bundles ITS apps/cli with ITS tools/scripts/bundle.mjs; bundles this checkout's CLI the same way;
// 2. runs `node <cli> run <fixtures> --steps select --out <tmp> --data <tmp>` (the selection step:
//    ingest, thumbnail tasks, selection task, report) for both, INTERLEAVED, the order alternating
//    each round, fresh folders each run, after one untimed warm-up run of each;
// 3. each run under GNU time (`/usr/bin/time -f "%U %S %e %M"`): user + system CPU of the Node
//    process AND of every child it waited for (wait4(2) rusage: ffmpeg, ffprobe, heif-convert and the
//    perl ExifTool process, ended with the run), wall time and peak RSS;
// 4. prints medians, the CPU ratio new/base, and writes tools/bench/results/selection-cpu.json + .md.
//
// Options (environment): BENCH_BASE=<commit-ish> (default: `git merge-base HEAD main`), BENCH_ROUNDS=<n> (default 5),
// BENCH_FIXTURES=<folder> (default ../shared/fixtures/media).
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const fixtures = process.env.BENCH_FIXTURES ?? path.resolve(root, "../shared/fixtures/media")
const baseRef = process.env.BENCH_BASE
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const GNU_TIME = "/usr/bin/time"

const git = (...args) => {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`)
  return r.stdout.trim()
}

/** Exports `commit` into a temp tree whose node_modules are this checkout's (workspace links re-pointed into the tree). */
const exportTree = async (commit) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "curator-bench-base-"))
  const tar = spawnSync("sh", ["-c", `git archive ${commit} | tar -x -C "${dir}"`], { cwd: root, encoding: "utf8" })
  if (tar.status !== 0) throw new Error(`git archive ${commit}: ${tar.stderr}`)
  const modules = path.join(root, "node_modules")
  await mkdir(path.join(dir, "node_modules/@curator"), { recursive: true })
  for (const entry of await readdir(modules)) {
    if (entry === "@curator") continue
    await symlink(path.join(modules, entry), path.join(dir, "node_modules", entry))
  }
  for (const entry of await readdir(path.join(modules, "@curator"))) {
    await symlink(await readlink(path.join(modules, "@curator", entry)), path.join(dir, "node_modules/@curator", entry))
  }
  return dir
}

/** Bundles `tree`'s apps/cli/src/main.ts with `tree`'s own bundle script into `out`. */
const bundleCli = async (tree, out) => {
  const { bundle } = await import(pathToFileURL(path.join(tree, "tools/scripts/bundle.mjs")).href)
  const cwd = process.cwd()
  process.chdir(tree)
  try {
    await bundle(path.join(tree, "apps/cli/src/main.ts"), out)
  } finally {
    process.chdir(cwd)
  }
}

/** One `run --steps select` under GNU time: { cpuS, userS, sysS, wallS, rssMb }. */
const runOnce = async (cli) => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "curator-bench-sel-"))
  try {
    const args = ["-f", "%U %S %e %M", "-o", path.join(tmp, "time.txt"), process.execPath, cli, "run", fixtures, "--out", path.join(tmp, "out"), "--data", path.join(tmp, "data"), "--steps", "select"]
    const code = await new Promise((resolve) => spawn(GNU_TIME, args, { stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } }).once("close", resolve))
    if (code !== 0) throw new Error(`${cli} exited ${code}`)
    const { readFile } = await import("node:fs/promises")
    const [user, sys, wall, rss] = (await readFile(path.join(tmp, "time.txt"), "utf8")).trim().split("\n").pop().split(" ").map(Number)
    return { cpuS: Number((user + sys).toFixed(2)), userS: user, sysS: sys, wallS: wall, rssMb: Math.round(rss / 1024) }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

if (!existsSync(GNU_TIME)) throw new Error("GNU time (/usr/bin/time, Debian package `time`) is needed")
// Default base: where this branch left main (the code before the branch's change).
const baseCommit = git("rev-parse", baseRef ?? git("merge-base", "HEAD", "main"))
const headCommit = git("rev-parse", "HEAD")
const dirty = git("status", "--porcelain", "--untracked-files=no") !== ""
const distDir = path.join(root, "dist/bench-selection")
await mkdir(distDir, { recursive: true })
const tree = await exportTree(baseCommit)
const clis = { base: path.join(distDir, "base-cli.mjs"), new: path.join(distDir, "new-cli.mjs") }
try {
  await bundleCli(tree, clis.base)
  await bundleCli(root, clis.new)
  const runs = { base: [], new: [] }
  const loadStart = os.loadavg()[0]
  console.log(`selection step CPU: base ${baseCommit.slice(0, 10)} vs this checkout ${headCommit.slice(0, 10)}${dirty ? " (+ uncommitted changes)" : ""}; ${rounds} interleaved rounds after a warm-up`)
  for (const variant of ["base", "new"]) await runOnce(clis[variant])
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["base", "new"] : ["new", "base"]
    for (const variant of order) {
      const r = await runOnce(clis[variant])
      runs[variant].push(r)
      console.log(`  round ${round + 1} ${variant.padEnd(4)} cpu ${r.cpuS.toFixed(2)} s (user ${r.userS.toFixed(2)}, sys ${r.sysS.toFixed(2)}), wall ${r.wallS.toFixed(2)} s, peak ${r.rssMb} MB`)
    }
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([k, rs]) => [k, { cpuS: median(rs.map((r) => r.cpuS)), wallS: median(rs.map((r) => r.wallS)), rssMb: median(rs.map((r) => r.rssMb)), cpuMinMax: [Math.min(...rs.map((r) => r.cpuS)), Math.max(...rs.map((r) => r.cpuS))] }])
  )
  const ratio = Number((summary.new.cpuS / summary.base.cpuS).toFixed(3))
  const result = {
    date: new Date().toISOString(),
    machine: { nproc: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", node: process.version, loadAverageAtStart: loadStart, loadAverageAtEnd: os.loadavg()[0] },
    base: baseCommit,
    head: headCommit,
    uncommitted: dirty,
    fixtures,
    rounds,
    runs,
    summary,
    cpuRatio: ratio
  }
  const md = [
    `| variant | median CPU s (user+sys, children included) | min..max CPU s | median wall s | median peak RSS MB |`,
    `|---|---:|---:|---:|---:|`,
    ...["base", "new"].map((k) => `| ${k === "base" ? `before (${baseCommit.slice(0, 10)})` : `after (${headCommit.slice(0, 10)})`} | ${summary[k].cpuS.toFixed(2)} | ${summary[k].cpuMinMax[0].toFixed(2)}..${summary[k].cpuMinMax[1].toFixed(2)} | ${summary[k].wallS.toFixed(2)} | ${summary[k].rssMb} |`),
    "",
    `CPU ratio after/before: **${ratio.toFixed(3)}x** (${rounds} interleaved rounds; load average ${loadStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end).`
  ].join("\n")
  await mkdir(path.join(root, "tools/bench/results"), { recursive: true })
  await writeFile(path.join(root, "tools/bench/results/selection-cpu.json"), `${JSON.stringify(result, null, 2)}\n`)
  await writeFile(path.join(root, "tools/bench/results/selection-cpu.md"), `${md}\n`)
  console.log(`\n${md}`)
} finally {
  await rm(tree, { recursive: true, force: true })
}
