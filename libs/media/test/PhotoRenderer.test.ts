import { chmodSync, readFileSync, writeFileSync } from "node:fs"
import { Effect } from "effect"
import exifr from "exifr"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_PHOTO_ADJUSTMENTS, type PhotoAdjustments } from "@curator/contracts"
import { runExit, runTest, runWith, failureOf } from "@curator/contracts/testing"
import { Media, measurePhoto, PhotoRenderer, sniffSync } from "../src/index.js"
import { fixture, scratch } from "./helpers.js"

const sniffFile = (path: string) => {
  const sniffed = sniffSync(readFileSync(path).subarray(0, 64))
  if (sniffed === undefined) throw new Error(`not sniffed: ${path}`)
  return sniffed
}

const layer = Media.layerWith({})
const render = (path: string, params: PhotoAdjustments = IDENTITY_PHOTO_ADJUSTMENTS) =>
  runWith(Effect.gen(function* () { const r = yield* PhotoRenderer; return yield* r.render(path, sniffFile(path), params) }), layer)
const measure = (bytes: Uint8Array) => runTest(measurePhoto(bytes))

const work = scratch()
afterAll(() => work.cleanup())

describe("PhotoRenderer: format, size, orientation, metadata", () => {
  it("JPEG with EXIF orientation 6 -> upright JPEG at full resolution, orientation 1, capture time kept", async () => {
    const path = fixture("jpeg-samsung-sm-j327t1-orient6.jpg")
    const out = await render(path)
    expect([out.format, out.ext, out.mime]).toEqual(["jpeg", "jpg", "image/jpeg"])
    expect(sniffSync(out.bytes)?.format).toBe("jpeg")
    expect([out.width, out.height]).toEqual([1932, 2576])
    const meta = await sharp(out.bytes).metadata()
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([1932, 2576, 1])
    const before = await exifr.parse(path, ["DateTimeOriginal"])
    const after = await exifr.parse(Buffer.from(out.bytes), ["DateTimeOriginal", "Orientation"])
    expect(after.DateTimeOriginal).toEqual(before.DateTimeOriginal)
    expect(after.DateTimeOriginal).toBeInstanceOf(Date)
  })

  it("Samsung HEIC (EXIF 6, no irot) -> JPEG bytes and extension, 1848x4000 upright, capture time kept", async () => {
    const path = fixture("heic-samsung-galaxy-s24fe-exif-orient6.heic")
    const out = await render(path)
    expect([out.format, out.ext, out.mime, sniffSync(out.bytes)?.format]).toEqual(["jpeg", "jpg", "image/jpeg", "jpeg"])
    expect([out.width, out.height]).toEqual([1848, 4000])
    const meta = await sharp(out.bytes).metadata()
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([1848, 4000, 1])
    const exif = await exifr.parse(Buffer.from(out.bytes), ["DateTimeOriginal"])
    expect(exif.DateTimeOriginal).toBeInstanceOf(Date)
    expect((exif.DateTimeOriginal as Date).getUTCFullYear()).toBe(2025)
  })

  it("PNG stays PNG and WebP stays WebP, full size; AVIF comes out as JPEG", async () => {
    const png = await render(fixture("png-macos-screenshot-exif.png"))
    expect([png.format, png.ext, sniffSync(png.bytes)?.format, png.width, png.height]).toEqual(["png", "png", "png", 640, 513])
    const webp = await render(fixture("webp-htc-desire-gps.webp"))
    expect([webp.format, webp.ext, sniffSync(webp.bytes)?.format, webp.width, webp.height]).toEqual(["webp", "webp", "webp", 776, 909])
    const avif = await render(fixture("avif-canon-eos-70d.avif"))
    expect([avif.format, avif.ext, avif.mime, sniffSync(avif.bytes)?.format, avif.width, avif.height]).toEqual(["jpeg", "jpg", "image/jpeg", "jpeg", 5472, 3648])
  }, 60_000)

  it("a Display P3 photo keeps its P3 ICC profile (pixels are not converted to sRGB)", async () => {
    const path = work.file("p3.jpg")
    writeFileSync(path, await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 220, g: 60, b: 40 } } }).withIccProfile("p3").jpeg().toBuffer())
    const input = await sharp(path).metadata()
    const out = await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, saturation: 1.2, sharpenSigma: 0.7 })
    const meta = await sharp(out.bytes).metadata()
    expect(meta.icc).toBeDefined()
    expect(Buffer.from(meta.icc!).equals(Buffer.from(input.icc!))).toBe(true)
    // The profile's description is UTF-16 ("sP3" in sharp's built-in Display P3 profile).
    expect(Buffer.from(meta.icc!).toString("latin1").replace(/\0/g, "")).toMatch(/P3/)
    // Identity adjustments leave the P3-encoded values as they were (no conversion to sRGB).
    const identity = await render(path)
    const means = async (bytes: Uint8Array | string) => (await sharp(bytes).stats()).channels.slice(0, 3).map((c) => c.mean)
    const [inMeans, outMeans] = [await means(path), await means(identity.bytes)]
    inMeans.forEach((m, i) => expect(Math.abs(m - outMeans[i]!)).toBeLessThan(3))
  })
})

describe("PhotoRenderer: adjustments move the measured properties", () => {
  const path = fixture("jpeg-nikon-coolpix-p6000-gps.jpg")

  it("gamma > 1 raises mean luma; gamma < 1 lowers it", async () => {
    const base = await measure((await render(path)).bytes)
    const brighter = await measure((await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 1.5 })).bytes)
    const darker = await measure((await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 0.7 })).bytes)
    expect(brighter.meanLuma).toBeGreaterThan(base.meanLuma + 10)
    expect(darker.meanLuma).toBeLessThan(base.meanLuma - 10)
  })

  it("levels stretch the histogram; saturation and white balance move saturation and red/blue", async () => {
    const base = await measure((await render(path)).bytes)
    const levels = await measure((await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, blackPoint: base.p01 / 255, whitePoint: base.p99 / 255 })).bytes)
    expect(levels.histogramSpread).toBeGreaterThan(base.histogramSpread)
    const muted = await measure((await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, saturation: 0.5 })).bytes)
    expect(muted.saturationMean).toBeLessThan(base.saturationMean * 0.7)
    const warm = await measure((await render(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, whiteBalance: { red: 1.1, green: 1, blue: 0.9 } })).bytes)
    expect(warm.channelMeans.red / warm.channelMeans.blue).toBeGreaterThan(base.channelMeans.red / base.channelMeans.blue * 1.1)
  })

  it("statistics: upright size, 256-bin histograms and a noise estimate that grows with added noise", async () => {
    const stats = await runWith(Effect.gen(function* () { const r = yield* PhotoRenderer; return yield* r.statistics(fixture("jpeg-samsung-sm-j327t1-orient6.jpg"), sniffFile(fixture("jpeg-samsung-sm-j327t1-orient6.jpg"))) }), layer)
    expect([stats.sourceWidth, stats.sourceHeight]).toEqual([1932, 2576])
    expect(stats.height).toBe(1024)
    expect(stats.histograms.luma).toHaveLength(256)
    const flat = work.file("flat.png")
    const noisy = work.file("noisy.png")
    const raster = Buffer.alloc(256 * 256 * 3, 128)
    writeFileSync(flat, await sharp(raster, { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer())
    let seed = 7
    const noise = raster.map((v) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return Math.max(0, Math.min(255, v + ((seed % 41) - 20)))
    })
    writeFileSync(noisy, await sharp(noise, { raw: { width: 256, height: 256, channels: 3 } }).png().toBuffer())
    const statsOf = (p: string) => runWith(Effect.gen(function* () { const r = yield* PhotoRenderer; return yield* r.statistics(p, sniffFile(p)) }), layer)
    expect((await statsOf(flat)).noiseSigma).toBeLessThan(0.5)
    expect((await statsOf(noisy)).noiseSigma).toBeGreaterThan(5)
  })
})

describe("PhotoRenderer: failures", () => {
  it("truncated JPEG -> CorruptMediaError; a video -> UnsupportedMediaError; over the pixel limit -> MediaTooLargeError", async () => {
    const run = (path: string, overrides = {}) =>
      runExit(Effect.gen(function* () { const r = yield* PhotoRenderer; return yield* r.render(path, sniffFile(path), IDENTITY_PHOTO_ADJUSTMENTS) }), Media.layerWith(overrides))
    expect(failureOf(await run(fixture("truncated-nikon-p6000-half.jpg")))).toMatchObject({ _tag: "CorruptMediaError" })
    expect(failureOf(await run(fixture("video-apple-iphone6-gps-rot90.mov")))).toMatchObject({ _tag: "UnsupportedMediaError" })
    expect(failureOf(await run(fixture("jpeg-nikon-coolpix-p6000-gps.jpg"), { maxInputPixels: 1000 }))).toMatchObject({ _tag: "MediaTooLargeError" })
  })
})

describe("PhotoRenderer: display previews (the before/after comparison)", () => {
  const previews = (path: string, params: PhotoAdjustments = IDENTITY_PHOTO_ADJUSTMENTS) =>
    runWith(
      Effect.gen(function* () {
        const r = yield* PhotoRenderer
        const rendered = yield* r.render(path, sniffFile(path), params)
        return { rendered, after: yield* r.preview(rendered), before: yield* r.previewOriginal(path, sniffFile(path)) }
      }),
      layer
    )
  const lumaOf = async (bytes: Uint8Array) => (await sharp(bytes).grayscale().stats()).channels[0]!.mean

  it.each([
    // name, full upright size, preview size (long edge 2048, never enlarged)
    ["jpeg-canon-eos-5d-12mp.jpg", [2912, 4368], [1365, 2048]],
    ["jpeg-samsung-sm-j327t1-orient6.jpg", [1932, 2576], [1536, 2048]],
    ["jpeg-nikon-coolpix-p6000-gps.jpg", [640, 480], [640, 480]],
    ["heic-samsung-galaxy-s24fe-exif-orient6.heic", [1848, 4000], [946, 2048]],
    ["png-macos-screenshot-exif.png", [640, 513], [640, 513]]
  ] as const)("%s: before and after previews are upright JPEGs of the same size, long edge <= 2048", async (name, full, size) => {
    const { rendered, after, before } = await previews(fixture(name), { ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 1.3 })
    expect([rendered.width, rendered.height]).toEqual(full)
    for (const preview of [after, before]) {
      expect([preview.width, preview.height]).toEqual(size)
      const meta = await sharp(preview.bytes).metadata()
      expect([meta.format, meta.width, meta.height, meta.orientation ?? 1, meta.hasAlpha]).toEqual(["jpeg", ...size, 1, false])
    }
  }, 60_000)

  it("the before is the unadjusted original: darker than a brightened after, equal to an identity after", async () => {
    const path = fixture("jpeg-nikon-coolpix-p6000-gps.jpg")
    const brightened = await previews(path, { ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 1.6 })
    expect(await lumaOf(brightened.before.bytes)).toBeLessThan((await lumaOf(brightened.after.bytes)) - 15)
    const identity = await previews(path)
    expect(Math.abs((await lumaOf(identity.before.bytes)) - (await lumaOf(identity.after.bytes)))).toBeLessThan(1.5)
  })

  it("a Display P3 photo's previews keep its P3 profile and P3-encoded values", async () => {
    const path = work.file("p3-preview.jpg")
    writeFileSync(path, await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 220, g: 60, b: 40 } } }).withIccProfile("p3").jpeg().toBuffer())
    const input = await sharp(path).metadata()
    // withIccProfile converted the sRGB colour to P3 code values: compare with those.
    const inMeans = (await sharp(path).stats()).channels.slice(0, 3).map((c) => c.mean)
    const { after, before } = await previews(path)
    for (const preview of [after, before]) {
      const meta = await sharp(preview.bytes).metadata()
      expect([meta.width, meta.height]).toEqual([2048, 1365])
      expect(Buffer.from(meta.icc!).equals(Buffer.from(input.icc!))).toBe(true)
      const means = (await sharp(preview.bytes).stats()).channels.slice(0, 3).map((c) => c.mean)
      inMeans.forEach((m, i) => expect(Math.abs(m - means[i]!)).toBeLessThan(3))
    }
  })
})

describe("PhotoRenderer.open: one decode for every operation", () => {
  it("a HEIC's statistics, render and before cost ONE libheif decode, and match the one-shot calls", async () => {
    // heif-convert through a wrapper that counts its runs.
    const log = work.file("heif-runs.log")
    const wrapper = work.file("heif-convert")
    writeFileSync(log, "")
    writeFileSync(wrapper, `#!/bin/sh\necho run >> '${log}'\nexec /usr/bin/heif-convert "$@"\n`)
    chmodSync(wrapper, 0o755)
    const path = fixture("heic-samsung-galaxy-s24fe-exif-orient6.heic")
    const counted = Media.layerWith({ heifConvertPath: wrapper })
    const runs = () => readFileSync(log, "utf8").split("\n").filter((l) => l === "run").length
    const opened = await runWith(
      Effect.scoped(
        Effect.gen(function* () {
          const photo = yield* (yield* PhotoRenderer).open(path, sniffFile(path))
          const stats = yield* photo.statistics
          const rendered = yield* photo.render({ ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 1.2 })
          const before = yield* photo.previewOriginal
          return { size: [photo.width, photo.height], stats, rendered, before }
        })
      ),
      counted
    )
    expect(runs()).toBe(1)
    expect(opened.size).toEqual([1848, 4000])
    expect([opened.rendered.width, opened.rendered.height, opened.before.width, opened.before.height]).toEqual([1848, 4000, 946, 2048])
    const oneShot = await runWith(
      Effect.gen(function* () {
        const r = yield* PhotoRenderer
        return { stats: yield* r.statistics(path, sniffFile(path)), before: yield* r.previewOriginal(path, sniffFile(path)) }
      }),
      counted
    )
    expect(runs()).toBe(3)
    expect(opened.stats.histograms.luma).toEqual(oneShot.stats.histograms.luma)
    expect(Buffer.from(opened.before.bytes).equals(Buffer.from(oneShot.before.bytes))).toBe(true)
  }, 60_000)
})
