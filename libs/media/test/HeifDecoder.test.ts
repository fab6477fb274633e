import { Effect } from "effect"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { HeifDecoder, Media, type HeifDecodeOptions, type MediaSettings } from "../src/index.js"
import { fixture } from "./helpers.js"

/** Decodes and materialises the pixels, returning the decoded size and the real pipeline output size. */
const decode = (name: string, options: HeifDecodeOptions = {}, settings: Partial<MediaSettings> = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const decoded = yield* (yield* HeifDecoder).decode(fixture(name), options)
      const { info, data } = yield* Effect.promise(() => decoded.pipeline().resize(64, 64, { fit: "fill" }).greyscale().raw().toBuffer({ resolveWithObject: true }))
      const full = yield* Effect.promise(() => decoded.pipeline().raw().toBuffer({ resolveWithObject: true }))
      return { width: decoded.width, height: decoded.height, decoder: decoded.decoder, outWidth: full.info.width, outHeight: full.info.height, small: data, smallInfo: info }
    })
  ).pipe((effect) => runExit(effect, Media.layerWith(settings)))

const ok = async (name: string, options: HeifDecodeOptions = {}) => {
  const exit = await decode(name, options)
  if (exit._tag === "Failure") throw failureOf(exit)
  return exit.value
}

describe("HeifDecoder (native libheif via heif-convert)", () => {
  it("uses native heif-convert by default where the binary exists", async () => {
    const choice = await runWith(Effect.gen(function* () { return (yield* HeifDecoder).defaultDecoder }), Media.layerWith({}))
    expect(choice).toBe("native")
  })

  it("decodes the Samsung HEIC (EXIF 6, no irot) to portrait 1848x4000", async () => {
    const d = await ok("heic-samsung-galaxy-s24fe-exif-orient6.heic")
    expect([d.decoder, d.width, d.height, d.outWidth, d.outHeight]).toEqual(["native", 1848, 4000, 1848, 4000])
  })

  it("keeps the iPhone 11 Pro HEIC at 3024x4032 (not rotated twice) and the iPhone 7 at 4032x3024", async () => {
    const iphone11 = await ok("heic-apple-iphone11pro-portrait.heic")
    expect([iphone11.outWidth, iphone11.outHeight]).toEqual([3024, 4032])
    const iphone7 = await ok("heic-apple-iphone7-gps.heic")
    expect([iphone7.outWidth, iphone7.outHeight]).toEqual([4032, 3024])
  })

  it("fails the truncated HEIC with CorruptMediaError", async () => {
    const error = failureOf(await decode("truncated-iphone11pro-half.heic")) as { _tag: string; message: string }
    expect(error._tag).toBe("CorruptMediaError")
    expect(error.message).toMatch(/truncated/)
  })

  it("checks the pixel limit from the header before decoding", async () => {
    const error = failureOf(await decode("heic-apple-iphone7-gps.heic", {}, { maxInputPixels: 4_000_000 })) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaTooLargeError")
    expect(error.message).toMatch(/4032x3024 px .* not decoded/)
  })
})

describe("HeifDecoder (WebAssembly fallback)", () => {
  it("decodes the Samsung HEIC to the same upright pixels as the native path", async () => {
    const wasm = await ok("heic-samsung-galaxy-s24fe-exif-orient6.heic", { decoder: "wasm" })
    const native = await ok("heic-samsung-galaxy-s24fe-exif-orient6.heic", { decoder: "native" })
    expect([wasm.decoder, wasm.outWidth, wasm.outHeight]).toEqual(["wasm", 1848, 4000])
    const diff = wasm.small.reduce((s, v, i) => s + Math.abs(v - (native.small[i] ?? 0)), 0) / wasm.small.length
    expect(diff).toBeLessThan(3)
    expect((await sharp(wasm.small, { raw: { width: 64, height: 64, channels: 1 } }).stats()).channels[0]?.stdev).toBeGreaterThan(0)
  })
})
