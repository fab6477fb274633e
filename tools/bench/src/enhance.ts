/**
 * Offline enhancement throughput and peak RSS (issue 4), photos or videos (`--kind`), on the
 * fixtures, running the real per-item media work of an enhancement task's round 0:
 *
 *   photo: PhotoRenderer.open (decode once; HEIC through libheif) -> statistics -> PhotoEditor.analyze
 *          (offline) -> render (FULL resolution) -> PhotoRenderer.preview -> previewOriginal (the "before");
 *   video: sniff -> MetadataReader.read -> VideoProbe.measureSignal -> VideoAnalyzer.analyse (offline;
 *          `stabilise` then forced on or off by the variant) -> VideoEnhancer.enhance (MP4 + preview,
 *          the worker's default settings: libx264 veryfast CRF 20) -> VideoEnhancer.before.
 *
 * That is `runPhotoEnhancementTask` / `runVideoEnhancementTask` minus the blob download/upload and
 * the item-record writes (S3 and DynamoDB on Lambda; not this machine's disk to measure).
 *
 * Variants, all in THIS process, interleaved round by round (order rotating), so their ratios share
 * the machine's load:
 *   `c1`, `c2`: a pass over the files with 1 or 2 items in flight (one Lambda invocation runs one
 *               item; the local stack runs a Map's items concurrently in one process);
 *   `c1 1core`: `c1` with the whole process tree pinned to one CPU (`taskset -a -p`; children
 *               inherit it) — what one vCPU gives (Lambda: 1769 MB = 1 vCPU);
 *   video only, `stab` prefix: the same with two-pass vidstab stabilisation forced on.
 *
 * Peak RSS per variant: a poller (every {@link POLL_MS} ms) sums the resident set (statm) of this
 * process and every descendant (ffmpeg, ffprobe, heif-convert; found through
 * `/proc/<pid>/task/<tid>/children`) and keeps the largest sum seen while the variant ran: the
 * memory the whole tree needed at once, which is what a Lambda's memory size must hold. Node's own
 * `ru_maxrss` is reported besides.
 *
 * `--single <fixture>`: ONE cold item in this fresh process (no warm-up; `c1`, and for a video then
 * `stab c1`): the peak RSS one item costs a fresh Lambda container, as opposed to the variants' peaks
 * above, which include what earlier passes left resident (glibc keeps freed memory; a warm
 * container that enhanced other photos before looks like that).
 *
 * usage: node --expose-gc dist/bench/enhance.mjs --kind photo|video [--rounds N | --single <fixture>] [--out file.json]
 */
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { PhotoEditor, VideoAnalyzer } from "@curator/ai"
import { Media, MetadataReader, PhotoRenderer, VideoEnhancer, VideoProbe, defaultVideoEnhancerSettings, STABILISE_COST } from "@curator/media"
import { Effect, Layer, ManagedRuntime } from "effect"
import { performance } from "node:perf_hooks"
import { argValue, collectGarbage, emit, type Fixture, loadFixtures, log, median, peakRssMb, round, timeMs } from "./common.js"

/** Sampling period of the process-tree RSS poller (ms). */
const POLL_MS = 20
const PAGE_BYTES = Number(spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).stdout.trim()) || 4096

const kind = argValue("kind") === "video" ? "video" : "photo"
/** `--single <fixture name>`: one cold item in this fresh process (its own peak RSS), no warm-up, one pass per variant. */
const single = argValue("single")
const rounds = single !== undefined ? 1 : Number(argValue("rounds") ?? 3)

// ---------------------------------------------------------------------------
// Process-tree RSS
// ---------------------------------------------------------------------------

/** This process and its descendants (pids), via each thread's `children` file. */
const tree = (root: number): Array<number> => {
  const out: Array<number> = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.pop()!
    out.push(pid)
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim()
        if (children !== "") queue.push(...children.split(" ").map(Number))
      }
    } catch {
      // The process exited between the listing and the read.
    }
  }
  return out
}

/** Resident bytes of one pid (statm field 2 x page size), 0 once it has exited. */
const residentBytes = (pid: number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES
  } catch {
    return 0
  }
}

/** Largest process-tree RSS (MB) seen per label; `label` names what is running now. */
const treePeaks: Record<string, number> = {}
let label = "idle"
const poller = setInterval(() => {
  const mb = tree(process.pid).reduce((sum, pid) => sum + residentBytes(pid), 0) / 2 ** 20
  treePeaks[label] = Math.max(treePeaks[label] ?? 0, mb)
}, POLL_MS)

/** Pins every thread of this process to the first `cpus` CPUs (children spawned later inherit it). */
const pin = (cpus: number) => {
  const r = spawnSync("taskset", ["-a", "-p", "-c", cpus === 1 ? "0" : `0-${cpus - 1}`, String(process.pid)], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr}`)
}
const allCpus = os.availableParallelism()

// ---------------------------------------------------------------------------
// Per-item work (round 0 of the task)
// ---------------------------------------------------------------------------

const runtime = ManagedRuntime.make(Layer.mergeAll(Media.layerWith({}), PhotoEditor.layerOffline, VideoAnalyzer.layerOffline))
const services = await runtime.runPromise(
  Effect.all({ renderer: PhotoRenderer, editor: PhotoEditor, reader: MetadataReader, probe: VideoProbe, analyzer: VideoAnalyzer, enhancer: VideoEnhancer })
)
const work = await mkdtemp(path.join(os.tmpdir(), "curator-bench-enhance-"))
let outputs = 0

/** Per-file, per-stage samples (ms) of the `c1` passes: where an item's time goes. */
const stages: Record<string, Record<string, Array<number>>> = {}
let recordStages = false

/** Runs `effect`, adding its wall time to `stages[file][stage]` while `recordStages` is on. */
const stage = <A, E, R>(file: string, name: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const start = performance.now()
    const a = yield* effect
    if (recordStages) ((stages[file] ??= {})[name] ??= []).push(performance.now() - start)
    return a
  })

/** Round 0 of the photo task; returns the output's megapixels. */
const enhancePhoto = (f: Fixture) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const { renderer, editor } = services
      const photo = yield* stage(f.name, "open", renderer.open(f.path, f.sniffed))
      const stats = yield* stage(f.name, "statistics", photo.statistics)
      const params = yield* stage(f.name, "analyze", editor.analyze({ stats }))
      const rendered = yield* stage(f.name, "render", photo.render(params))
      yield* stage(f.name, "preview", renderer.preview(rendered))
      yield* stage(f.name, "before", photo.previewOriginal)
      return (rendered.width * rendered.height) / 1e6
    }).pipe(Effect.scoped)
  )

/** Round 0 of the video task with `stabilise` forced; returns the clip's seconds and displayed px x s. */
const enhanceVideo = (f: Fixture, stabilise: boolean) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const { reader, probe, analyzer, enhancer } = services
      const metadata = yield* stage(f.name, "metadata", reader.read(f.path, f.sniffed))
      const analysis = yield* stage(f.name, "measureSignal", probe.measureSignal(f.path))
      const params = { ...(yield* stage(f.name, "analyse", analyzer.analyse(analysis))), stabilise }
      const outDir = path.join(work, `v${outputs++}`)
      const enhanced = yield* stage(f.name, "enhance", enhancer.enhance(f.path, metadata, params, { outDir, name: "enhanced" }))
      yield* stage(f.name, "before", enhancer.before(f.path, params.toneMap, { outDir, name: "original" }))
      yield* Effect.promise(() => rm(outDir, { recursive: true, force: true }))
      return { seconds: enhanced.durationSeconds, pixelSeconds: analysis.width * analysis.height * analysis.durationSeconds }
    })
  )

/** Runs `task` over `files` with at most `concurrency` in flight. */
const pool = async <A>(files: ReadonlyArray<Fixture>, concurrency: number, task: (f: Fixture) => Promise<A>): Promise<Array<A>> => {
  const results: Array<A> = []
  let next = 0
  const lane = async () => {
    while (next < files.length) {
      const i = next++
      results[i] = await task(files[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, lane))
  return results
}

// ---------------------------------------------------------------------------
// Variants, groups, rounds
// ---------------------------------------------------------------------------

interface Variant {
  readonly concurrency: number
  readonly cpus: number
  readonly stabilise: boolean
}
const allVariants: Record<string, Variant> =
  kind === "photo"
    ? {
        c1: { concurrency: 1, cpus: allCpus, stabilise: false },
        c2: { concurrency: 2, cpus: allCpus, stabilise: false },
        "c1 1core": { concurrency: 1, cpus: 1, stabilise: false }
      }
    : {
        c1: { concurrency: 1, cpus: allCpus, stabilise: false },
        c2: { concurrency: 2, cpus: allCpus, stabilise: false },
        "c1 1core": { concurrency: 1, cpus: 1, stabilise: false },
        "stab c1": { concurrency: 1, cpus: allCpus, stabilise: true },
        "stab c1 1core": { concurrency: 1, cpus: 1, stabilise: true }
      }

// A single cold item: the plain pass (and, for a video, then the stabilised one: ffmpeg's memory is its own process's).
const variants: Record<string, Variant> =
  single === undefined
    ? allVariants
    : Object.fromEntries(Object.entries(allVariants).filter(([name]) => name === "c1" || name === "stab c1"))

const fixtures = await loadFixtures()
const groups: Record<string, ReadonlyArray<Fixture>> =
  single !== undefined
    ? { [single]: fixtures.filter((f) => f.name === single) }
    : kind === "photo"
      ? { jpeg: fixtures.filter((f) => f.sniffed.format === "jpeg"), heic: fixtures.filter((f) => f.sniffed.format === "heic") }
      : { video: fixtures.filter((f) => f.sniffed.kind === "video") }
if (single !== undefined && groups[single]!.length === 0) throw new Error(`no fixture named ${single}`)

/** Work measured by one pass of a group: photos and megapixels, or video seconds and px x s. */
interface PassWork {
  readonly items: number
  readonly megapixels: number
  readonly videoSeconds: number
  readonly pixelSeconds: number
}
const passes: Record<string, Record<string, Array<number>>> = {}
const workOf: Record<string, PassWork> = {}

const runPass = async (group: string, name: string, v: Variant) => {
  const files = groups[group]!
  pin(v.cpus)
  label = `${group} ${name}`
  let measured: PassWork | undefined
  const ms = await timeMs(async () => {
    if (kind === "photo") {
      const mp = await pool(files, v.concurrency, enhancePhoto)
      measured = { items: files.length, megapixels: mp.reduce((a, b) => a + b, 0), videoSeconds: 0, pixelSeconds: 0 }
    } else {
      const clips = await pool(files, v.concurrency, (f) => enhanceVideo(f, v.stabilise))
      measured = {
        items: files.length,
        megapixels: 0,
        videoSeconds: clips.reduce((a, c) => a + c.seconds, 0),
        pixelSeconds: clips.reduce((a, c) => a + c.pixelSeconds, 0)
      }
    }
  })
  label = "idle"
  pin(allCpus)
  workOf[group] = measured!
  return ms
}

const names = Object.keys(variants)
for (let r = single === undefined ? -1 : 0; r < rounds; r++) {
  for (const group of Object.keys(groups)) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + Math.max(r, 0)) % names.length]!
      // The warm-up round runs `c1` once, untimed (page cache, module init, fluent-ffmpeg's capability probe).
      if (r < 0 && name !== "c1") continue
      recordStages = r >= 0 && name === "c1"
      const ms = await runPass(group, name, variants[name]!)
      recordStages = false
      if (r >= 0) ((passes[group] ??= {})[name] ??= []).push(ms)
      collectGarbage()
    }
  }
  log(`enhance ${kind}: ${r < 0 ? "warm-up" : `round ${r + 1}/${rounds}`}`)
}
clearInterval(poller)
await runtime.dispose()
await rm(work, { recursive: true, force: true })

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

const rows = Object.entries(passes).flatMap(([group, byVariant]) =>
  Object.entries(byVariant).map(([name, samples]) => {
    const w = workOf[group]!
    const s = median(samples) / 1000
    return {
      group,
      variant: name,
      ...variants[name]!,
      files: w.items,
      passMedianS: round(s, 2),
      passMinS: round(Math.min(...samples) / 1000, 2),
      passMaxS: round(Math.max(...samples) / 1000, 2),
      ...(kind === "photo"
        ? { megapixels: round(w.megapixels, 1), photosPerMinute: round((w.items / s) * 60, 1), megapixelsPerSecond: round(w.megapixels / s, 2) }
        : {
            videoSeconds: round(w.videoSeconds, 1),
            realtimeFactor: round(w.videoSeconds / s, 2),
            pixelSecondsPerSecond: Math.round(w.pixelSeconds / s),
            // What VideoEnhancer's refusal estimate assumes for the same clips (its encodePixelsPerSecond and cost factors).
            estimateRatio: round((w.pixelSeconds / defaultVideoEnhancerSettings.encodePixelsPerSecond) * (variants[name]!.stabilise ? STABILISE_COST : 1) / s, 2)
          }),
      peakTreeRssMb: round(treePeaks[`${group} ${name}`] ?? Number.NaN, 0)
    }
  })
)
const rate = (group: string, name: string) => {
  const row = rows.find((x) => x.group === group && x.variant === name)
  return row === undefined ? Number.NaN : 1 / row.passMedianS
}
const ratios: Record<string, number> = {}
for (const group of single === undefined ? Object.keys(groups) : []) {
  ratios[`${group}: c2 / c1 throughput`] = round(rate(group, "c2") / rate(group, "c1"), 2)
  ratios[`${group}: 1 core / 2 cores throughput`] = round(rate(group, "c1 1core") / rate(group, "c1"), 2)
  if (kind === "video") {
    ratios[`${group}: stabilised / plain time`] = round(rate(group, "c1") / rate(group, "stab c1"), 2)
    ratios[`${group}: stabilised / plain time, 1 core`] = round(rate(group, "c1 1core") / rate(group, "stab c1 1core"), 2)
  }
}
if (kind === "photo" && single === undefined) {
  const mps = (g: string) => {
    const row = rows.find((x) => x.group === g && x.variant === "c1")
    return row !== undefined && "megapixelsPerSecond" in row ? row.megapixelsPerSecond : Number.NaN
  }
  ratios["heic / jpeg MP/s (c1)"] = round(mps("heic") / mps("jpeg"), 2)
}

/** Median ms per stage per file (the `c1` passes), and each file's size. */
const perFile = Object.entries(stages).map(([file, byStage]) => ({
  file,
  ...Object.fromEntries(Object.entries(byStage).map(([name, samples]) => [`${name}Ms`, round(median(samples), 0)]))
}))

await emit({
  kind,
  single: single ?? null,
  rounds,
  pollMs: POLL_MS,
  cpus: allCpus,
  files: Object.fromEntries(Object.entries(groups).map(([g, fs]) => [g, fs.map((f) => f.name)])),
  rows,
  ratios,
  perFile,
  nodePeakRssMb: peakRssMb()
})
