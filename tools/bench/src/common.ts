/**
 * Shared helpers of the benchmark children: the fixture set, timing, order statistics,
 * peak RSS, and the result hand-off to run-all.mjs (a JSON file named by `--out`).
 * Every child is started in a fresh Node process by run-all.mjs, so `maxRSS` is that
 * measurement's alone.
 */
import { spawn } from "node:child_process"
import { open, readdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { sniffSync, type SniffedType } from "@curator/media"

/** The fixture folder: `$BENCH_FIXTURES`, else `<workspace>/../shared/fixtures/media` (cwd is the workspace root). */
export const FIXTURES = process.env.BENCH_FIXTURES ?? path.resolve(process.cwd(), "../shared/fixtures/media")

/** One fixture file with its type sniffed from its magic bytes (the way the workers decide). */
export interface Fixture {
  readonly name: string
  readonly path: string
  readonly sniffed: SniffedType
}

/** The format groups the latency table reports (issue 2: JPEG, HEIC, WebP/AVIF, video; PNG added). */
export type FormatGroup = "jpeg" | "heic" | "webp-avif" | "png" | "video"

/** The group of a sniffed type. */
export const groupOf = (sniffed: SniffedType): FormatGroup =>
  sniffed.kind === "video"
    ? "video"
    : sniffed.format === "webp" || sniffed.format === "avif"
      ? "webp-avif"
      : sniffed.format

/**
 * The readable fixtures (the `truncated-*` files are corrupt on purpose: they measure error
 * paths, not thumbnails), sniffed from their first 64 bytes, sorted by name.
 */
export const loadFixtures = async (): Promise<ReadonlyArray<Fixture>> => {
  const names = (await readdir(FIXTURES)).filter((n) => !n.startsWith("truncated-") && !n.endsWith(".md")).sort()
  const out: Array<Fixture> = []
  for (const name of names) {
    const file = path.join(FIXTURES, name)
    const handle = await open(file, "r")
    try {
      const buffer = Buffer.alloc(256)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      const sniffed = sniffSync(new Uint8Array(buffer.subarray(0, bytesRead)))
      if (sniffed !== undefined) out.push({ name, path: file, sniffed })
    } finally {
      await handle.close()
    }
  }
  return out
}

/** Milliseconds taken by `task` (wall clock, `performance.now()`). */
export const timeMs = async (task: () => Promise<unknown>): Promise<number> => {
  const start = performance.now()
  await task()
  return performance.now() - start
}

/**
 * The q-quantile (0..1) of `values` by linear interpolation between closest ranks
 * (Hyndman & Fan type 7, the default of R and NumPy).
 */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower)
}

/** The median (quantile 0.5). */
export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

/** Rounds to `digits` decimals (results stay readable in JSON). */
export const round = (value: number, digits = 1): number => Number(value.toFixed(digits))

/** Peak resident set size of THIS process so far, in MB (getrusage `ru_maxrss` via `process.resourceUsage().maxRSS`, KiB). */
export const peakRssMb = (): number => round(process.resourceUsage().maxRSS / 1024, 1)

/** Runs a full GC when Node was started with `--expose-gc` (run-all.mjs does), so each phase starts from a clean heap. */
export const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
}

/** The value of `--name <value>` on the command line. */
export const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

/** Writes this child's result where run-all.mjs asked (`--out <file>`), or prints it. */
export const emit = async (result: unknown): Promise<void> => {
  const out = argValue("out")
  const json = JSON.stringify(result, null, 2)
  if (out === undefined) console.log(json)
  else await writeFile(out, json)
}

/** Progress goes to stderr, so stdout stays free for a result printed without `--out`. */
export const log = (message: string): void => {
  process.stderr.write(`  ${message}\n`)
}

/** Per-variant, per-file samples (ms) of {@link interleavedRounds}. */
export type Samples = Record<string, Record<string, Array<number>>>

/**
 * Times every variant on every file, `rounds` times, after `warmup` untimed rounds. Within a
 * round each file runs all variants back to back (same page-cache state), the variant order
 * rotating from round to round so none always goes first.
 */
export const interleavedRounds = async <F extends { readonly name: string }>(
  label: string,
  files: ReadonlyArray<F>,
  variants: Readonly<Record<string, (file: F) => Promise<unknown>>>,
  rounds: number,
  warmup = 1
): Promise<Samples> => {
  const names = Object.keys(variants)
  const samples: Samples = Object.fromEntries(names.map((v) => [v, Object.fromEntries(files.map((f) => [f.name, [] as Array<number>]))]))
  for (let r = -warmup; r < rounds; r++) {
    for (const file of files) {
      for (let i = 0; i < names.length; i++) {
        const variant = names[(i + Math.max(r, 0)) % names.length]!
        const ms = await timeMs(() => variants[variant]!(file))
        if (r >= 0) samples[variant]![file.name]!.push(ms)
      }
    }
    if (r === -1) collectGarbage()
    log(`${label}: ${r < 0 ? "warm-up" : `round ${r + 1}/${rounds}`}`)
  }
  return samples
}

/** The median per file of one variant, and their sum (ms): the time of one pass over the set. */
export const summarise = (samples: Samples, variant: string) => {
  const perFile = Object.entries(samples[variant] ?? {}).map(([name, values]) => ({ name, medianMs: round(median(values)) }))
  return { perFile, setMs: round(perFile.reduce((sum, f) => sum + f.medianMs, 0)) }
}

/** Runs `file args` (no shell, stdio ignored) and resolves when it exits 0. */
export const runTool = async (file: string, args: ReadonlyArray<string>): Promise<void> => {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file, [...args], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.once("error", reject)
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}: ${stderr.trim().split("\n").at(-1)}`))))
  })
}
