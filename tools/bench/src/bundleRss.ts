/**
 * Peak RSS of the bundle task (issue 7, docs/performance.md §10): ONE measurement in a fresh Node
 * process, started by tools/bench/bundle-rss.mjs.
 *
 * Set-up (not measured): a folder BlobStore and the embedded dynalite PostStore in a temp dir; the
 * video `--clip` stored `--copies` times as the originals of one post (so ~1 GB of video); the
 * download job and its post record. Then the peak-RSS counter of this process is reset (Linux
 * `/proc/self/clear_refs` "5" resets VmHWM to the current RSS, proc(5)), the baseline RSS is read,
 * and the REAL bundle task (`runBundleTask` of @curator/media, the Lambda's program) bundles the post
 * with `bundleBytes` = `--bundle-mib` MiB and `keepGps` = `--keep-gps`. While it runs, the RSS of
 * this process and of its children (ExifTool's perl, ffprobe) is sampled every 25 ms from /proc;
 * afterwards VmHWM gives this process's exact peak and the live ExifTool process's own peak.
 *
 * usage: node --expose-gc dist/bench/bundleRss.mjs --clip FILE --copies N --bundle-mib M [--keep-gps] --out FILE.json
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { BlobKeys, type DownloadPostRecord, type ExportEntry } from "@curator/contracts"
import { GpsStripper, Media, runBundleTask } from "@curator/media"
import { BlobStore, PostStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"

const args = process.argv.slice(2)
const arg = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const clip = arg("--clip") ?? ""
const copies = Number(arg("--copies") ?? 10)
const bundleMib = Number(arg("--bundle-mib") ?? 375)
const keepGps = args.includes("--keep-gps")
const outFile = arg("--out")

const MB = 1024 * 1024
/** A field of /proc/<pid>/status in MiB (`VmRSS`, `VmHWM`: kB), or 0 when the process is gone. */
const statusMib = (pid: number | "self", field: "VmRSS" | "VmHWM"): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${field}:`))
    return line === undefined ? 0 : Number(line.split(/\s+/)[1]) / 1024
  } catch {
    return 0
  }
}
/** The command name of a process (`perl`, `ffprobe`, ...). */
const commOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim()
  } catch {
    return "?"
  }
}
/** Every descendant pid of this process (/proc/<pid>/task/<tid>/children, Linux >= 3.5). */
const descendants = (pid: number): Array<number> => {
  const out: Array<number> = []
  let tasks: Array<string> = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child, ...descendants(child))
      }
    } catch {
      // the task ended meanwhile
    }
  }
  return out
}

const main = async () => {
  const work = await mkdtemp(path.join(tmpdir(), "curator-bench-bundle-"))
  const layer = Layer.mergeAll(
    BlobStore.layerLocal({ root: path.join(work, "blobs") }),
    SessionStoreLocal.layer({ dataDir: path.join(work, "db") }),
    GpsStripper.layer.pipe(Layer.provideMerge(Media.layer))
  )
  const runtime = ManagedRuntime.make(layer)
  try {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600
    const clipBytes = (await stat(clip)).size
    const entries: Array<ExportEntry> = []
    for (let i = 0; i < copies; i++) {
      const fileId = `v${i}`
      const key = BlobKeys.original("s1", fileId, "mp4")
      await runtime.runPromise(BlobStore.use((b) => b.putFile(key, clip, "video/mp4")))
      entries.push({ fileId, key, entryName: `${String(i + 1).padStart(2, "0")}-clip-${i + 1}.mp4`, kind: "video", bytes: clipBytes })
    }
    const post: DownloadPostRecord = {
      postId: "p1", index: 0, label: "Bench", status: "pending", entries, bundles: [], errorTag: null, errorMessage: null, expiresAt
    }
    await runtime.runPromise(
      PostStore.use((p) =>
        p.createDownloadJob("s1", {
          jobId: "d1", status: "running", keepGps, bundleBytes: bundleMib * MB, generation: 0, postRevisions: { p1: 0 },
          startedAt: new Date().toISOString(), finishedAt: null, errorTag: null, errorMessage: null, expiresAt
        }, [post])
      )
    )
    ;(globalThis as { gc?: () => void }).gc?.()
    writeFileSync("/proc/self/clear_refs", "5")
    const baselineMib = statusMib("self", "VmRSS")

    let sampledPeakMib = baselineMib
    const heapPeak = { heapTotalMib: 0, externalMib: 0, arrayBuffersMib: 0 }
    const childPeaks: Record<string, number> = {}
    const sample = () => {
      sampledPeakMib = Math.max(sampledPeakMib, statusMib("self", "VmRSS"))
      const m = process.memoryUsage()
      heapPeak.heapTotalMib = Math.max(heapPeak.heapTotalMib, m.heapTotal / MB)
      heapPeak.externalMib = Math.max(heapPeak.externalMib, m.external / MB)
      heapPeak.arrayBuffersMib = Math.max(heapPeak.arrayBuffersMib, m.arrayBuffers / MB)
      for (const pid of descendants(process.pid)) {
        const name = commOf(pid)
        childPeaks[name] = Math.max(childPeaks[name] ?? 0, statusMib(pid, "VmRSS"))
      }
    }
    const timer = setInterval(sample, 25)
    const started = performance.now()
    const result = await runtime.runPromise(
      runBundleTask({ sessionId: "s1", jobId: "d1", expiresAt, keepGps, bundleBytes: bundleMib * MB, postId: "p1" })
    )
    const seconds = (performance.now() - started) / 1000
    clearInterval(timer)
    sample()
    const peakMib = statusMib("self", "VmHWM")
    // ExifTool's perl lives for the whole run: its own VmHWM is its exact peak.
    for (const pid of descendants(process.pid)) {
      const name = commOf(pid)
      childPeaks[name] = Math.max(childPeaks[name] ?? 0, statusMib(pid, "VmHWM"))
    }
    const totalBytes = result.bundles.reduce((sum, b) => sum + b.bytes, 0)
    const entriesBundled = result.bundles.reduce((sum, b) => sum + b.entries.length, 0)
    if (entriesBundled !== copies) throw new Error(`bundled ${entriesBundled} entries, expected ${copies}`)
    const out = {
      keepGps,
      bundleMib,
      copies,
      clipBytes,
      bundles: result.bundles.map((b) => ({ name: b.name, bytes: b.bytes, entries: b.entries.length })),
      totalBytes,
      totalMib: Number((totalBytes / MB).toFixed(1)),
      baselineRssMib: Number(baselineMib.toFixed(1)),
      peakRssMib: Number(peakMib.toFixed(1)),
      sampledPeakRssMib: Number(sampledPeakMib.toFixed(1)),
      peakOverBaselineMib: Number((peakMib - baselineMib).toFixed(1)),
      peakToBaseline: Number((peakMib / baselineMib).toFixed(3)),
      peakPerGibBundledMib: Number((peakMib / (totalBytes / (1024 * MB))).toFixed(1)),
      // Where the Node process's growth goes (sampled maxima of process.memoryUsage()).
      sampledHeapPeaksMib: Object.fromEntries(Object.entries(heapPeak).map(([k, v]) => [k, Number(v.toFixed(1))])),
      childPeakRssMib: Object.fromEntries(Object.entries(childPeaks).map(([k, v]) => [k, Number(v.toFixed(1))])),
      seconds: Number(seconds.toFixed(1)),
      mibPerSecond: Number((totalBytes / MB / seconds).toFixed(1))
    }
    if (outFile !== undefined) await writeFile(outFile, JSON.stringify(out, null, 2))
    else console.log(JSON.stringify(out, null, 2))
  } finally {
    await runtime.dispose()
    await rm(work, { recursive: true, force: true })
  }
}

await main()
