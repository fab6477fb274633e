/**
 * Rotated originals turned upright for a download (issue 12 item 3, decision 0012): ONE round in a
 * fresh Node process, started by tools/bench/upright-originals.mjs.
 *
 * For each photo given: a copy in a temp dir is turned upright by the REAL
 * `OrientationNormalizer.upright` of @curator/media (the bundle task's step); measured: the action
 * taken, bytes before and after, wall and CPU time of the call (this process plus its children,
 * `process.cpuUsage` and `/proc/self/stat` cutime/cstime), and the PSNR (dB, 8-bit RGB) of the
 * result against the original decoded upright by sharp (both decoded with their orientation applied).
 * Prints one JSON object: `{ results: [{ file, action, bytesBefore, bytesAfter, wallMs, cpuMs, psnr }] }`.
 *
 * usage: node dist/bench/uprightOriginals.mjs FILE...
 */
import { readFileSync } from "node:fs"
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { Media, OrientationNormalizer } from "@curator/media"
import { ManagedRuntime } from "effect"
import sharp from "sharp"

/** CPU ms of the terminated, waited-for children of this process (proc(5): fields 16-17 of /proc/self/stat, in clock ticks of 10 ms). */
const childCpuMs = (): number => {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? []
  return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) * 10
}

/** PSNR in dB of two images decoded upright at the same size (8-bit RGB). */
const psnr = async (a: string, b: string): Promise<number | null> => {
  const decode = (file: string) => sharp(file).autoOrient().removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const [x, y] = await Promise.all([decode(a), decode(b)])
  if (x.info.width !== y.info.width || x.info.height !== y.info.height) return null
  let sum = 0
  for (let i = 0; i < x.data.length; i++) sum += ((x.data[i] ?? 0) - (y.data[i] ?? 0)) ** 2
  const mse = sum / x.data.length
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse)
}

const runtime = ManagedRuntime.make(Media.layer)
const dir = await mkdtemp(path.join(tmpdir(), "bench-upright-"))
const results = []
try {
  for (const file of process.argv.slice(2)) {
    const copy = path.join(dir, path.basename(file))
    await copyFile(file, copy)
    const cpu0 = process.cpuUsage()
    const child0 = childCpuMs()
    const t0 = performance.now()
    const action = await runtime.runPromise(OrientationNormalizer.use((n) => n.upright(copy)))
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const cpuMs = (cpu.user + cpu.system) / 1000 + (childCpuMs() - child0)
    // HEIF: sharp's libheif applies irot/imir and cannot decode HEVC here; PSNR only for what sharp decodes.
    const decodable = !/\.(heic|heif)$/i.test(file)
    results.push({
      file: path.basename(file),
      action,
      bytesBefore: (await stat(file)).size,
      bytesAfter: (await stat(copy)).size,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      psnr: decodable ? await psnr(file, copy) : null
    })
  }
} finally {
  await runtime.dispose()
  await rm(dir, { recursive: true, force: true })
}
process.stdout.write(`${JSON.stringify({ results })}\n`)
