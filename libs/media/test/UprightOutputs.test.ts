/**
 * Issue 12 item 3, "enhanced photos of rotated originals come out sideways": every photo output
 * Curator writes (thumbnail, enhanced photo, its display preview and "before", the AI upload and
 * the AI edit's full-resolution render) is upright, with Orientation 1 or no Orientation tag, for
 * all eight EXIF orientations (JPEG, PNG, WebP) and for the HEIF `irot`/`imir` combinations with
 * and without an EXIF Orientation tag (HEIC, AVIF). Pixels are checked on an asymmetric pattern;
 * the tags are read back by ExifTool's command line.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_PHOTO_ADJUSTMENTS } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, PhotoRenderer, sniffSync, ThumbnailRenderer } from "../src/index.js"
import { fixture, scratch } from "./helpers.js"
import type { HeifTransform } from "./heifBoxes.js"
import { endExiftool, exifOrientedPhoto, heifExifOnlyPhoto, HEIF_TRANSFORMS, heifOrientedPhoto, orientationTags, PATTERN, quadrants } from "./orientationFixtures.js"

const work = scratch()
afterAll(async () => {
  await endExiftool()
  work.cleanup()
})
const layer = Media.layerWith({})

/** Every output of one photo, as bytes, written next to the scratch files so ExifTool can read them. */
const outputsOf = (file: string) =>
  runWith(
    Effect.scoped(
      Effect.gen(function* () {
        const sniffed = sniffSync(readFileSync(file).subarray(0, 64))
        if (sniffed === undefined) return yield* Effect.die(`not sniffed: ${file}`)
        const metadata = yield* (yield* MetadataReader).read(file, sniffed)
        const thumbnail = yield* (yield* ThumbnailRenderer).render(file, sniffed, metadata)
        const renderer = yield* PhotoRenderer
        const photo = yield* renderer.open(file, sniffed)
        const enhanced = yield* photo.render({ ...IDENTITY_PHOTO_ADJUSTMENTS, gamma: 1.1 })
        const ai = yield* photo.aiImage
        // The Gemini path: the model's answer (here the AI upload itself) brought to full resolution.
        const edited = yield* photo.renderEdited(ai.bytes, { method: "upscale" })
        return {
          metadata: { width: metadata.width, height: metadata.height },
          outputs: {
            thumbnail: thumbnail.jpeg,
            enhanced: enhanced.bytes,
            preview: (yield* renderer.preview(enhanced)).bytes,
            before: (yield* photo.previewOriginal).bytes,
            ai: ai.bytes,
            edited: edited.bytes
          }
        }
      })
    ),
    layer
  )

/** Checks every output: upright pattern (pixels as stored = as displayed) and Orientation 1 or none. */
const expectUpright = async (file: string) => {
  const { metadata, outputs } = await outputsOf(file)
  expect(`${metadata.width}x${metadata.height}`, `${file}: displayed size`).toBe(`${PATTERN.width}x${PATTERN.height}`)
  for (const [name, bytes] of Object.entries(outputs)) {
    const out = `${file}.${name}.out`
    writeFileSync(out, bytes)
    expect((await quadrants(bytes)).quadrants, `${file}: ${name} pixels`).toBe(PATTERN.quadrants)
    const tags = await orientationTags(out)
    expect(tags.every((o) => o === 1), `${file}: ${name} Orientation tags ${tags.join(",")}`).toBe(true)
  }
}

describe("enhanced photos of rotated originals come out upright with Orientation 1 (issue 12 item 3)", () => {
  it.each(["jpeg", "png", "webp"] as const)("%s with each of the eight EXIF orientations", async (format) => {
    for (let o = 1; o <= 8; o++) await expectUpright(await exifOrientedPhoto(work.dir, format, o))
  }, 240_000)

  it("an iPhone-like HEIC (irot = 90 degrees clockwise and EXIF Orientation 6): upright, no Rotate 90 CW left", async () => {
    await expectUpright(await heifOrientedPhoto(work.dir, "iphone", [{ irot: 3 }], 6))
  }, 60_000)

  const label = (t: ReadonlyArray<HeifTransform>) => (t.length === 0 ? "none" : t.map((x) => ("irot" in x ? `irot${x.irot}` : `imir${x.imir}`)).join("+"))

  it.each(HEIF_TRANSFORMS.map((t) => [label(t), t] as const))("HEIC with %s, with no EXIF and with a contradicting EXIF Orientation (6)", async (name, transforms) => {
    // With irot/imir present the EXIF tag is informative only (libheif and Apple apply the boxes);
    // with none, the EXIF tag is the only instruction (the Samsung S24 FE case), tested by the EXIF cases above.
    const tags = transforms.length === 0 ? [undefined, 1] : [undefined, 6]
    for (const exif of tags) await expectUpright(await heifOrientedPhoto(work.dir, `heic-${name}-${exif ?? "none"}`, transforms, exif))
  }, 240_000)

  it("HEIC with no irot/imir and each EXIF orientation (the Samsung S24 FE case: the EXIF tag is the only instruction)", async () => {
    for (let o = 1; o <= 8; o++) await expectUpright(await heifExifOnlyPhoto(work.dir, o))
  }, 240_000)

  it("AVIF with irot and imir, with and without EXIF Orientation", async () => {
    for (const transforms of [[{ irot: 3 }], [{ irot: 1 }, { imir: 1 }]] as const) {
      for (const exif of [undefined, 6]) {
        await expectUpright(await heifOrientedPhoto(work.dir, `avif-${label(transforms)}-${exif ?? "none"}`, transforms, exif, "avif"))
      }
    }
  }, 240_000)

  it("the rotated fixtures: every output of the Samsung HEIC (EXIF 6, no irot) and the orientation-6 JPEGs is portrait with no rotation tag", async () => {
    for (const name of ["heic-samsung-galaxy-s24fe-exif-orient6.heic", "jpeg-samsung-sm-j327t1-orient6.jpg", "jpeg-panasonic-dmc-lz2-orient6.jpg"]) {
      const { metadata, outputs } = await outputsOf(fixture(name))
      expect(metadata.height).toBeGreaterThan(metadata.width)
      for (const [output, bytes] of Object.entries(outputs)) {
        const out = work.file(`${name}.${output}.out`)
        writeFileSync(out, bytes)
        const size = (await quadrants(bytes)).size.split("x").map(Number)
        expect((size[1] ?? 0) > (size[0] ?? 0), `${name} ${output} is portrait`).toBe(true)
        expect((await orientationTags(out)).every((o) => o === 1), `${name} ${output}`).toBe(true)
      }
    }
  }, 240_000)
})
