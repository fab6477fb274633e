/**
 * `PhotoRenderer.renderEdited`: an AI edit (~1 MP) brought to full resolution (decision 0006) on
 * real fixtures: a global warm edit goes through the LUT (full resolution, the original's detail,
 * EXIF kept, upright), a local edit through the upscale; HEIC and EXIF-rotated originals.
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import exifr from "exifr"
import sharp, { type Sharp } from "sharp"
import { describe, expect, it } from "vitest"
import { runWith } from "@curator/contracts/testing"
import { Media, PhotoRenderer, sniffSync } from "../src/index.js"
import { fixture } from "./helpers.js"

const layer = Media.layerWith({})
const sniffed = (path: string) => {
  const s = sniffSync(readFileSync(path).subarray(0, 64))
  if (s === undefined) throw new Error(`not sniffed: ${path}`)
  return s
}

/** The photo as the model would get it (aiImage), "edited" at ~1 MP by `edit`, PNG; then renderEdited. */
const editAndRender = (file: string, edit: (image: Sharp, width: number, height: number) => Sharp) =>
  runWith(
    Effect.scoped(
      Effect.gen(function* () {
        const photo = yield* (yield* PhotoRenderer).open(fixture(file), sniffed(fixture(file)))
        const ai = yield* photo.aiImage
        const scale = Math.sqrt(1_000_000 / (ai.width * ai.height))
        const w = Math.round(ai.width * scale)
        const h = Math.round(ai.height * scale)
        const edited = yield* Effect.promise(() => edit(sharp(ai.bytes).resize(w, h, { fit: "fill" }), w, h).png().toBuffer())
        return { photo: { width: photo.width, height: photo.height }, rendered: yield* photo.renderEdited(new Uint8Array(edited as Buffer)) }
      })
    ),
    layer
  )
const warm = (image: Sharp) => image.linear([1.1, 1, 0.88], [0, 0, 0])
const redOverBlue = async (bytes: Uint8Array) => {
  const { channels } = await sharp(bytes).resize(256).stats()
  return channels[0]!.mean - channels[2]!.mean
}

describe("PhotoRenderer.renderEdited", () => {
  it("brings a global edit of a 12.7 MP JPEG to full resolution through the LUT, warmer, EXIF kept", async () => {
    const file = "jpeg-canon-eos-5d-12mp.jpg"
    const { rendered } = await editAndRender(file, warm)
    expect([rendered.format, rendered.width, rendered.height, rendered.method]).toEqual(["jpeg", 2912, 4368, "lut"])
    expect(rendered.lutFitError).toBeLessThan(4.5)
    expect(await redOverBlue(rendered.bytes)).toBeGreaterThan((await redOverBlue(readFileSync(fixture(file)))) + 5)
    const exif = (await exifr.parse(Buffer.from(rendered.bytes), { pick: ["Model", "DateTimeOriginal", "Orientation"] })) as Record<string, unknown>
    expect(exif["Model"]).toBe("Canon EOS 5D")
    expect([1, "Horizontal (normal)", undefined]).toContain(exif["Orientation"])
  }, 120_000)

  it("upscales an edit that changed one region (the LUT cannot express it)", async () => {
    const { rendered } = await editAndRender("jpeg-panasonic-dmc-lz2-orient6.jpg", (image, w, h) =>
      image.composite([{ input: { create: { width: Math.round(w / 3), height: h, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0.5 } } }, left: 0, top: 0 }])
    )
    expect(rendered.method).toBe("upscale")
    expect(rendered.lutFitError).toBeGreaterThan(4.5)
    // EXIF orientation 6: the output is upright (portrait) at full resolution.
    expect([rendered.width, rendered.height]).toEqual([1920, 2560])
  }, 120_000)

  it("renders a HEIC original's edit (decoded through libheif) as a full-resolution JPEG", async () => {
    const { photo, rendered } = await editAndRender("heic-apple-iphone7-gps.heic", warm)
    expect([rendered.format, rendered.ext, rendered.width, rendered.height]).toEqual(["jpeg", "jpg", photo.width, photo.height])
    expect(rendered.method).toBe("lut")
  }, 120_000)
})
