import { Effect } from "effect"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { failureOf, runExit } from "@curator/contracts/testing"
import { HeifDecoder, Media, type MediaSettings } from "../src/index.js"
import { fixture } from "./helpers.js"

/** Decodes and materialises the pixels, returning the decoded size and the real pipeline output size. */
const decode = (name: string, settings: Partial<MediaSettings> = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const decoded = yield* (yield* HeifDecoder).decode(fixture(name))
      const { info, data } = yield* Effect.promise(() => decoded.pipeline().resize(64, 64, { fit: "fill" }).greyscale().raw().toBuffer({ resolveWithObject: true }))
      const full = yield* Effect.promise(() => decoded.pipeline().raw().toBuffer({ resolveWithObject: true }))
      return { width: decoded.width, height: decoded.height, outWidth: full.info.width, outHeight: full.info.height, small: data, smallInfo: info }
    })
  ).pipe((effect) => runExit(effect, Media.layerWith(settings)))

const ok = async (name: string) => {
  const exit = await decode(name)
  if (exit._tag === "Failure") throw failureOf(exit)
  return exit.value
}

describe("HeifDecoder (native libheif via heif-convert)", () => {
  it("refuses HEIC with a clear UnsupportedMediaError when heif-convert is missing (no WebAssembly fallback)", async () => {
    const error = failureOf(await decode("heic-apple-iphone7-gps.heic", { heifConvertPath: "/nonexistent/heif-convert" })) as { _tag: string; message: string }
    expect(error._tag).toBe("UnsupportedMediaError")
    expect(error.message).toMatch(/libheif-examples/)
  })

  it("decodes the Samsung HEIC (EXIF 6, no irot) to portrait 1848x4000", async () => {
    const d = await ok("heic-samsung-galaxy-s24fe-exif-orient6.heic")
    expect([d.width, d.height, d.outWidth, d.outHeight]).toEqual([1848, 4000, 1848, 4000])
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
    const error = failureOf(await decode("heic-apple-iphone7-gps.heic", { maxInputPixels: 4_000_000 })) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaTooLargeError")
    expect(error.message).toMatch(/4032x3024 px .* not decoded/)
  })
})
