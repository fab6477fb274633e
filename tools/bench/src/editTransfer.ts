/**
 * How an AI photo edit (~1 megapixel, what Gemini's image models return) reaches full resolution
 * (issue 6, decision 0006): (a) a 3D LUT fitted from the downscaled original to the edit and applied
 * to the full-resolution original (ColourTransfer.ts, 17^3 and 33^3 nodes) vs (b) the edit upscaled
 * with sharp's Lanczos-3.
 *
 * Per fixture photo (every decodable non-HEIC photo of the fixture folder; sharp's prebuilt libvips
 * has no HEVC decoder): decode upright sRGB RGB at full resolution; downscale (Lanczos-3) to ~1 MP at
 * the same aspect ratio (the edit's size after the crop back); apply a SIMULATED edit, a per-pixel
 * function of colour and normalised position, so the same edit applied at full resolution is the
 * ground truth:
 *   `global`: warmer (R x1.06, B x0.90), brighter (gamma 1.15), contrast 1.1 around mid-grey,
 *             saturation 1.15 — a tone/colour edit, what "enhance this photo" mostly is;
 *   `local`:  `global` plus the left third of the frame brightened by 30 levels with a soft edge —
 *             a stand-in for a local retouch, which no colour mapping can express;
 *   `global redrawn`: `global`, then the 1 MP edit blurred (Gaussian sigma 1) and shifted by one
 *             pixel — a crude stand-in for a generative model that redraws texture and does not
 *             register pixel-exactly (the truth stays the plain global edit).
 * The ~1 MP edit is PNG-encoded and decoded (lossless, as Gemini's image answers are PNG).
 *
 * Figures per photo and edit: the LUT's fit error on the 1 MP edit (RMS, 8-bit levels), the same
 * after a box low-pass to <= 64 px (`lowPassFitError`, what `auto` decides by), the RMS
 * error against the full-resolution truth of (a) and (b), detail as the variance of the 4-neighbour
 * Laplacian of luma at full resolution (truth, (a), (b)), and the time of each method at full size.
 *
 * usage: node dist/bench/editTransfer.mjs [--fixtures DIR] [--out file.json]
 */
import { readdirSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { applyLut, fitLut, lowPassFitError, lutFitError, rmsDifference } from "@curator/media"
import sharp, { type Sharp } from "sharp"

const args = process.argv.slice(2)
const arg = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const fixtures = arg("--fixtures") ?? path.resolve(process.cwd(), "../shared/fixtures/media")
const outFile = arg("--out")

type Edit = (r: number, g: number, b: number, x: number, y: number) => readonly [number, number, number]
const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v))
const globalEdit: Edit = (r, g, b) => {
  const tone = (v: number, gain: number) => {
    const t = Math.pow((v * gain) / 255, 1 / 1.15)
    return (1.1 * (t - 0.5) + 0.5) * 255
  }
  const R = tone(r, 1.06)
  const G = tone(g, 1)
  const B = tone(b, 0.9)
  const y = 0.299 * R + 0.587 * G + 0.114 * B
  return [clamp(y + 1.15 * (R - y)), clamp(y + 1.15 * (G - y)), clamp(y + 1.15 * (B - y))]
}
const localEdit: Edit = (r, g, b, x) => {
  const [R, G, B] = globalEdit(r, g, b, x, 0)
  // Full strength left of x = 0.3, fading to 0 at x = 0.4.
  const k = x < 0.3 ? 1 : x > 0.4 ? 0 : (0.4 - x) / 0.1
  return [clamp(R + 30 * k), clamp(G + 30 * k), clamp(B + 30 * k)]
}

const applyEdit = (pixels: Uint8Array, width: number, height: number, edit: Edit): Uint8Array => {
  const out = new Uint8Array(pixels.length)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3
      const [r, g, b] = edit(pixels[p]!, pixels[p + 1]!, pixels[p + 2]!, (x + 0.5) / width, (y + 0.5) / height)
      out[p] = r
      out[p + 1] = g
      out[p + 2] = b
    }
  return out
}

/** Variance of the 4-neighbour Laplacian of luma (interior pixels). */
const laplacianVariance = (pixels: Uint8Array, width: number, height: number): number => {
  const luma = new Float32Array(width * height)
  for (let i = 0; i < width * height; i++) luma[i] = 0.299 * pixels[i * 3]! + 0.587 * pixels[i * 3 + 1]! + 0.114 * pixels[i * 3 + 2]!
  let sum = 0
  let sum2 = 0
  let n = 0
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x
      const l = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * luma[i]!
      sum += l
      sum2 += l * l
      n++
    }
  return n === 0 ? 0 : sum2 / n - (sum / n) ** 2
}

const raw = async (image: Sharp) => {
  const { data, info } = await image.flatten({ background: "#ffffff" }).toColourspace("srgb").removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height }
}

const timed = async <A>(f: () => Promise<A> | A): Promise<[A, number]> => {
  const t = performance.now()
  const a = await f()
  return [a, performance.now() - t]
}

interface Row {
  readonly file: string
  readonly edit: string
  readonly fullMp: number
  readonly editSize: string
  readonly fit17: number
  readonly fit33: number
  readonly lowPass33: number
  readonly errLut17: number
  readonly errLut33: number
  readonly errUpscale: number
  readonly detailTruth: number
  readonly detailLut33: number
  readonly detailUpscale: number
  readonly msLut33: number
  readonly msUpscale: number
}

const photos = readdirSync(fixtures)
  .filter((f) => /\.(jpe?g|png|webp|avif)$/i.test(f) && !f.startsWith("truncated-"))
  .sort()
const rows: Array<Row> = []
for (const file of photos) {
  const full = await raw(sharp(path.join(fixtures, file)).autoOrient())
  const scale = Math.min(1, Math.sqrt(1_048_576 / (full.width * full.height)))
  const w = Math.max(1, Math.round(full.width * scale))
  const h = Math.max(1, Math.round(full.height * scale))
  const small = await raw(sharp(full.data, { raw: { width: full.width, height: full.height, channels: 3 } }).resize(w, h, { fit: "fill", kernel: "lanczos3" }))
  for (const [name, edit, redraw] of [["global", globalEdit, false], ["global redrawn", globalEdit, true], ["local", localEdit, false]] as const) {
    let answer = sharp(applyEdit(small.data, w, h, edit), { raw: { width: w, height: h, channels: 3 } })
    if (redraw) answer = sharp(await answer.blur(1).extend({ left: 1, top: 1, right: 0, bottom: 0, extendWith: "copy" }).png().toBuffer()).extract({ left: 0, top: 0, width: w, height: h })
    const editedPng = await answer.png().toBuffer()
    const edited = await raw(sharp(editedPng))
    const truth = applyEdit(full.data, full.width, full.height, edit)
    const lut17 = fitLut(small.data, edited.data, 17)
    const [lut33, fitMs] = await timed(() => fitLut(small.data, edited.data, 33))
    const [viaLut33, applyMs] = await timed(() => applyLut(full.data, lut33))
    const viaLut17 = applyLut(full.data, lut17)
    const [viaUpscale, upMs] = await timed(async () =>
      (await raw(sharp(editedPng).resize(full.width, full.height, { fit: "fill", kernel: "lanczos3" }))).data
    )
    rows.push({
      file,
      edit: name,
      fullMp: (full.width * full.height) / 1e6,
      editSize: `${w}x${h}`,
      fit17: lutFitError(small.data, edited.data, lut17),
      fit33: lutFitError(small.data, edited.data, lut33),
      lowPass33: lowPassFitError(small.data, edited.data, w, h, lut33),
      errLut17: rmsDifference(viaLut17, truth),
      errLut33: rmsDifference(viaLut33, truth),
      errUpscale: rmsDifference(viaUpscale, truth),
      detailTruth: laplacianVariance(truth, full.width, full.height),
      detailLut33: laplacianVariance(viaLut33, full.width, full.height),
      detailUpscale: laplacianVariance(viaUpscale, full.width, full.height),
      msLut33: fitMs + applyMs,
      msUpscale: upMs
    })
  }
}

const f1 = (n: number) => n.toFixed(1)
const f2 = (n: number) => n.toFixed(2)
console.log("| photo | edit | full MP | edit px | fit 17^3 | fit 33^3 | low-pass fit 33^3 | err LUT 17 | err LUT 33 | err upscale | detail truth | detail LUT 33 | detail upscale | ms LUT 33 | ms upscale |")
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (const r of rows) {
  console.log(
    `| ${r.file} | ${r.edit} | ${f1(r.fullMp)} | ${r.editSize} | ${f2(r.fit17)} | ${f2(r.fit33)} | ${f2(r.lowPass33)} | ${f2(r.errLut17)} | ${f2(r.errLut33)} | ${f2(r.errUpscale)} | ${f1(r.detailTruth)} | ${f1(r.detailLut33)} | ${f1(r.detailUpscale)} | ${Math.round(r.msLut33)} | ${Math.round(r.msUpscale)} |`
  )
}
if (outFile !== undefined) await writeFile(outFile, JSON.stringify({ measuredAt: new Date().toISOString(), rows }, null, 2))
