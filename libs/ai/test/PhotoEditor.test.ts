import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, Layer, Schema } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { IDENTITY_PHOTO_ADJUSTMENTS, PhotoAdjustments } from "@curator/contracts"
import { runTest, runWith } from "@curator/contracts/testing"
import { Media, measurePhoto, PhotoRenderer, sniffSync } from "@curator/media"
import { PhotoEditor } from "../src/index.js"

const FIXTURES = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
const NIKON = path.join(FIXTURES, "jpeg-nikon-coolpix-p6000-gps.jpg")

const layer = Layer.merge(Media.layerWith({}), PhotoEditor.layerOffline)
const dir = mkdtempSync(path.join(tmpdir(), "curator-photo-editor-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sniffed = (file: string) => {
  const type = sniffSync(readFileSync(file).subarray(0, 64))
  if (type === undefined) throw new Error(`not sniffed: ${file}`)
  return type
}

/** Analyze + render, as the enhancement worker does: statistics -> PhotoEditor.analyze -> PhotoRenderer.render. */
const enhance = (file: string) =>
  runWith(
    Effect.gen(function* () {
      const renderer = yield* PhotoRenderer
      const editor = yield* PhotoEditor
      const stats = yield* renderer.statistics(file, sniffed(file))
      const params = yield* editor.analyze({ stats })
      return { params, output: yield* renderer.render(file, sniffed(file), params) }
    }),
    layer
  )
const renderWith = (file: string, params: PhotoAdjustments) =>
  runWith(Effect.gen(function* () { return yield* (yield* PhotoRenderer).render(file, sniffed(file), params) }), layer)
const feedback = (params: PhotoAdjustments, text: string) =>
  runWith(Effect.gen(function* () { return yield* (yield* PhotoEditor).applyFeedback(params, text) }), layer)
const measure = (bytes: Uint8Array) => runTest(measurePhoto(bytes))

// A real photo made under- and over-exposed (lossless PNG so the test controls every level):
// under: darkened (x^2.2) and squeezed into 3..80, so about 4 % of the pixels sit at <= 5 ("crushed");
// over: brightened (x^(1/3)) and squeezed into 165..254, so about 5 % crowd at >= 250 ("clipped").
const UNDER = path.join(dir, "under.png")
const OVER = path.join(dir, "over.png")
beforeAll(async () => {
  writeFileSync(UNDER, await sharp(NIKON).gamma(2.2, 1).linear(0.3, 3).png().toBuffer())
  writeFileSync(OVER, await sharp(NIKON).gamma(1, 3).linear(0.35, 165).png().toBuffer())
})

describe("PhotoEditor offline: measured effect of the automatic enhancement", () => {
  it("under-exposed: brighter, fewer crushed shadows, wider histogram", async () => {
    const before = await measure(readFileSync(UNDER))
    const { params, output } = await enhance(UNDER)
    const after = await measure(output.bytes)
    expect(Schema.is(PhotoAdjustments)(params)).toBe(true)
    expect(params.gamma).toBeGreaterThan(1)
    expect(before.crushedShadows).toBeGreaterThan(0.03)
    expect(after.crushedShadows).toBeLessThan(before.crushedShadows / 2)
    expect(after.histogramSpread).toBeGreaterThan(before.histogramSpread * 2)
    expect(after.meanLuma).toBeGreaterThan(before.meanLuma + 40)
    expect(after.meanLuma).toBeGreaterThan(0.4 * 255 - 15)
  })

  it("over-exposed: darker, fewer clipped highlights, wider histogram", async () => {
    const before = await measure(readFileSync(OVER))
    const { params, output } = await enhance(OVER)
    const after = await measure(output.bytes)
    expect(params.gamma).toBeLessThan(1)
    // Pixels within ~2 levels of white stay there (nothing to recover); the rest move down.
    expect(before.clippedHighlights).toBeGreaterThan(0.03)
    expect(after.clippedHighlights).toBeLessThan(before.clippedHighlights * 0.75)
    expect(after.histogramSpread).toBeGreaterThan(before.histogramSpread * 2)
    expect(after.meanLuma).toBeLessThan(before.meanLuma - 15)
  })

  it("a well-exposed photo is left close to itself", async () => {
    const before = await measure(readFileSync(NIKON))
    const after = await measure((await enhance(NIKON)).output.bytes)
    expect(Math.abs(after.meanLuma - before.meanLuma)).toBeLessThan(25)
    expect(after.histogramSpread).toBeGreaterThanOrEqual(before.histogramSpread - 5)
  })

  it("a colour cast is pulled toward grey (grey-world white balance)", async () => {
    const cast = path.join(dir, "cast.png")
    writeFileSync(cast, await sharp(NIKON).linear([1, 0.95, 0.8], [0, 0, 0]).png().toBuffer())
    const before = await measure(readFileSync(cast))
    const { params, output } = await enhance(cast)
    const after = await measure(output.bytes)
    expect(params.whiteBalance.blue).toBeGreaterThan(params.whiteBalance.red)
    expect(after.channelMeans.red / after.channelMeans.blue).toBeLessThan(before.channelMeans.red / before.channelMeans.blue)
  })
})

describe("PhotoEditor offline: noise and sharpening", () => {
  it("heavy noise turns the median filter on and softens sharpening; a clean photo gets neither filter", async () => {
    const noisy = path.join(dir, "noisy.png")
    let seed = 11
    const raster = Buffer.alloc(512 * 384 * 3, 120).map((v) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return v + ((seed >> 8) % 81) - 40
    })
    writeFileSync(noisy, await sharp(raster, { raw: { width: 512, height: 384, channels: 3 } }).png().toBuffer())
    const loud = await enhance(noisy)
    expect(loud.params.denoise).toBeGreaterThan(0)
    expect(loud.params.sharpenSigma).toBeLessThan(0.7)
    const clean = await enhance(NIKON)
    expect([clean.params.denoise, clean.params.sharpenSigma]).toEqual([0, 0.7])
  })
})

describe("PhotoEditor offline: feedback moves the measured property the right way", () => {
  const base = IDENTITY_PHOTO_ADJUSTMENTS

  const measuredAfter = async (text: string) => {
    const result = await feedback(base, text)
    expect(result.understood).toBe(true)
    expect(Schema.is(PhotoAdjustments)(result.params)).toBe(true)
    return measure((await renderWith(NIKON, result.params)).bytes)
  }

  it("\"brighter\" raises mean luma, \"darker\" lowers it", async () => {
    const reference = await measure((await renderWith(NIKON, base)).bytes)
    expect((await measuredAfter("brighter")).meanLuma).toBeGreaterThan(reference.meanLuma + 5)
    expect((await measuredAfter("darker")).meanLuma).toBeLessThan(reference.meanLuma - 5)
  })

  it("\"less saturated\" lowers mean saturation, \"more saturated\" raises it", async () => {
    const reference = await measure((await renderWith(NIKON, base)).bytes)
    expect((await measuredAfter("less saturated")).saturationMean).toBeLessThan(reference.saturationMean)
    expect((await measuredAfter("more saturated")).saturationMean).toBeGreaterThan(reference.saturationMean)
  })

  it("\"warmer\" raises the red/blue ratio, \"cooler\" lowers it", async () => {
    const reference = await measure((await renderWith(NIKON, base)).bytes)
    const ratio = (m: { channelMeans: { red: number; blue: number } }) => m.channelMeans.red / m.channelMeans.blue
    expect(ratio(await measuredAfter("warmer"))).toBeGreaterThan(ratio(reference))
    expect(ratio(await measuredAfter("cooler"))).toBeLessThan(ratio(reference))
  })

  it("\"more contrast\" widens the histogram, \"less contrast\" narrows it", async () => {
    const reference = await measure((await renderWith(NIKON, base)).bytes)
    expect((await measuredAfter("more contrast")).histogramSpread).toBeGreaterThan(reference.histogramSpread)
    expect((await measuredAfter("less contrast")).histogramSpread).toBeLessThan(reference.histogramSpread)
  })
})

describe("PhotoEditor offline: feedback text", () => {
  const base = IDENTITY_PHOTO_ADJUSTMENTS

  it("several clauses and intensity words: \"much brighter, a bit warmer and sharper\"", async () => {
    const plain = await feedback(base, "brighter")
    const result = await feedback(base, "Much brighter, a bit warmer and sharper")
    expect(result.understood).toBe(true)
    expect(result.params.gamma).toBeGreaterThan(plain.params.gamma)
    expect(result.params.whiteBalance.red).toBeGreaterThan(1)
    expect(result.params.whiteBalance.blue).toBeLessThan(1)
    expect(result.params.sharpenSigma).toBeGreaterThan(base.sharpenSigma)
    expect(result.note).toMatch(/brighter \(x2\).*warmer \(x0\.5\).*sharper/)
  })

  it("\"too dark\" brightens, \"too saturated\" desaturates, \"less contrast\" is not read as \"softer\"", async () => {
    expect((await feedback(base, "too dark")).params.gamma).toBeGreaterThan(1)
    expect((await feedback(base, "too saturated")).params.saturation).toBeLessThan(1)
    const lessContrast = await feedback({ ...base, sharpenSigma: 1 }, "less contrast")
    expect([lessContrast.params.contrast < 1, lessContrast.params.sharpenSigma]).toEqual([true, 1])
  })

  it("\"undo\" returns the marker with the params unchanged (the caller's history restores the previous round)", async () => {
    const tuned = { ...base, gamma: 1.4 }
    for (const text of ["undo", "Undo!", "revert", "go back"]) {
      const result = await feedback(tuned, text)
      expect([result.undo, result.understood, result.params]).toEqual([true, true, tuned])
    }
    expect((await feedback(tuned, "brighter")).undo).toBe(false)
  })

  it("unknown text: not understood, params unchanged, a note listing what is understood", async () => {
    const result = await feedback(base, "make it look like a painting")
    expect([result.understood, result.undo, result.params]).toEqual([false, false, base])
    expect(result.note).toMatch(/not understood/)
    expect(result.note).toMatch(/brighter/)
    const partly = await feedback(base, "brighter and add a rainbow")
    expect(partly.understood).toBe(true)
    expect(partly.note).toMatch(/ignored: "add a rainbow"/)
  })

  it("parameters stay inside the schema's ranges after many steps", async () => {
    let params: PhotoAdjustments = base
    for (let i = 0; i < 20; i++) params = (await feedback(params, "much brighter, much more saturated, much warmer, much sharper, more contrast")).params
    expect(Schema.is(PhotoAdjustments)(params)).toBe(true)
    expect(params.gamma).toBe(3)
  })
})
