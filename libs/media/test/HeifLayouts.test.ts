/**
 * Issue 12 item 13, "valid HEIF files fail as internal defects": HEIF files with several
 * top-level images (heif-convert then writes name-1.jpg ... name-N.jpg, and Curator failed with
 * `InternalDefectError: ENOENT ... decoded.jpg`) and HEIF image sequences (reported "truncated or
 * corrupt"). Each is built here with heif-enc / ffmpeg and checked through the whole per-file
 * inspection (metadata + thumbnail) and the full-resolution render: the primary item (`pitm`) is
 * the picture, a sequence gives its first frame, and no message says "Unknown error".
 */
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_PHOTO_ADJUSTMENTS } from "@curator/contracts"
import { failureOf, runExit } from "@curator/contracts/testing"
import { heifConvertError, Media, MediaInspector, PhotoRenderer, sniffSync } from "../src/index.js"
import { heifItemList, withItemsShown, withPrimaryItem } from "./heifBoxes.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

const work = scratch()
afterAll(() => work.cleanup())

/** Inspects (metadata + thumbnail) and renders the file: the thumbnail's and the render's mean colour and the displayed size. */
const process = async (file: string) => {
  const exit = await runExit(
    Effect.gen(function* () {
      const inspected = yield* (yield* MediaInspector).inspect({ path: file, fileName: file.split("/").pop() ?? file })
      const sniffed = sniffSync(readFileSync(file).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("not sniffed")
      const rendered = yield* (yield* PhotoRenderer).render(file, sniffed, IDENTITY_PHOTO_ADJUSTMENTS)
      return { metadata: inspected.metadata, thumbnail: inspected.thumbnail.jpeg, rendered }
    }),
    Media.layerWith({})
  )
  if (exit._tag === "Failure") throw failureOf(exit)
  const colour = async (bytes: Uint8Array) => (await sharp(bytes).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean))
  const { metadata, thumbnail, rendered } = exit.value
  return { width: metadata.width, height: metadata.height, thumbnail: await colour(thumbnail), rendered: await colour(rendered.bytes), size: [rendered.width, rendered.height] }
}

const solid = async (name: string, colour: string, size = "96x64") => {
  const png = work.file(`${name}.png`)
  ffmpegGenerate(["-f", "lavfi", "-i", `color=${colour}:s=${size}`, "-frames:v", "1", png])
  return png
}

const heifEnc = (output: string, inputs: ReadonlyArray<string>) => {
  execFileSync("heif-enc", ["-q", "90", "-o", output, ...inputs], { stdio: "ignore" })
  return output
}

/** True when `a` is within 24 levels of `b` on every channel. */
const near = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= 24)

const RED = [255, 0, 0]
const GREEN = [0, 255, 0]

describe("valid HEIF files with several images decode their primary image (issue 12 item 13)", () => {
  it("a collection of three images whose primary is the second: every output shows the primary (green), not the first", async () => {
    const inputs = [await solid("c-red", "red"), await solid("c-green", "lime", "64x96"), await solid("c-blue", "blue")]
    const plain = heifEnc(work.file("collection.plain.heic"), inputs)
    const items = heifItemList(readFileSync(plain)).filter((i) => i.type === "hvc1")
    expect(items.length).toBe(3)
    // heif-convert writes one JPEG per top-level image for this file (the defect's trigger).
    execFileSync("heif-convert", [plain, work.file("collection-check.jpg")], { stdio: "ignore" })
    expect(() => readFileSync(work.file("collection-check-3.jpg"))).not.toThrow()
    const file = work.file("collection.heic")
    writeFileSync(file, withPrimaryItem(readFileSync(plain), items[1]!.id))
    const out = await process(file)
    expect([out.width, out.height, ...out.size]).toEqual([64, 96, 64, 96])
    expect(near(out.thumbnail, GREEN), `thumbnail ${out.thumbnail.join(",")}`).toBe(true)
    expect(near(out.rendered, GREEN), `render ${out.rendered.join(",")}`).toBe(true)
  }, 120_000)

  it("a grid image stored with further visible images (the iPhone 11 Pro grid with its tiles shown) decodes the grid", async () => {
    const file = work.file("grid-plus-tiles.heic")
    writeFileSync(file, withItemsShown(readFileSync(fixture("heic-apple-iphone11pro-portrait.heic")), new Set(["hvc1"])))
    const reference = await process(fixture("heic-apple-iphone11pro-portrait.heic"))
    const out = await process(file)
    expect([out.width, out.height, ...out.size]).toEqual([3024, 4032, 3024, 4032])
    expect(out.rendered).toEqual(reference.rendered)
  }, 180_000)

  it("an image with an alpha plane (PNG with transparency through heif-enc) decodes, alpha flattened on white", async () => {
    const png = work.file("alpha.png")
    ffmpegGenerate(["-f", "lavfi", "-i", "color=red@0.5:s=96x64,format=rgba", "-frames:v", "1", png])
    const file = heifEnc(work.file("alpha.heic"), [png])
    const out = await process(file)
    expect([out.width, out.height]).toEqual([96, 64])
    expect(out.rendered[0]).toBeGreaterThan(200)
  }, 60_000)

  it("a HEIF image sequence (brand msf1, a burst): the first frame is the picture", async () => {
    // ffmpeg writes the HEVC track into an ISO BMFF with brand msf1; the handler is then set to
    // 'pict' (ISO/IEC 23008-12 §7.2: image sequences use the picture handler).
    const file = work.file("burst.heic")
    ffmpegGenerate([
      "-f", "lavfi", "-i", "color=red:s=96x64:r=5:d=0.4",
      "-f", "lavfi", "-i", "color=lime:s=96x64:r=5:d=0.6",
      "-filter_complex", "[0][1]concat=n=2:v=1",
      "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-brand", "msf1", "-f", "mp4", file
    ])
    const bytes = readFileSync(file)
    const handler = bytes.indexOf("vide", bytes.indexOf("hdlr"))
    bytes.write("pict", handler, "latin1")
    writeFileSync(file, bytes)
    expect(sniffSync(bytes.subarray(0, 64))?.format).toBe("heic")
    const out = await process(file)
    expect([out.width, out.height, ...out.size]).toEqual([96, 64, 96, 64])
    expect(near(out.thumbnail, RED), `thumbnail ${out.thumbnail.join(",")}`).toBe(true)
    expect(near(out.rendered, RED), `render ${out.rendered.join(",")}`).toBe(true)
  }, 120_000)

  it("libheif's failures read as typed errors with a true reason, never 'Unknown error'", () => {
    const decoder = heifConvertError("heif-convert could not read the file: Could not decode image: 0: Decoder plugin generated an error: Unspecified")
    expect(decoder._tag).toBe("CorruptMediaError")
    expect(decoder.message).not.toMatch(/unknown error|unspecified/i)
    const unsupported = heifConvertError("heif-convert could not read the file: Could not decode image: Unsupported feature: Unsupported codec: Unknown error")
    expect(unsupported._tag).toBe("UnsupportedMediaError")
    expect(unsupported.message).toMatch(/Unsupported codec/)
    expect(unsupported.message).not.toMatch(/unknown error/i)
  })
})
