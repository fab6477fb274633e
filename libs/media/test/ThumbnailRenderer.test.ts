import { readFileSync } from "node:fs"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, sniffSync, ThumbnailRenderer } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

const render = (path: string) =>
  runWith(
    Effect.gen(function* () {
      const sniffed = sniffSync(readFileSync(path).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("not sniffed")
      const metadata = yield* (yield* MetadataReader).read(path, sniffed)
      return yield* (yield* ThumbnailRenderer).render(path, sniffed, metadata)
    }),
    Media.layerWith({})
  )

/** Grey-level pixels of an image at a fixed size (raw, no orientation applied). */
const grey = (input: Uint8Array | string, width: number, height: number, orient = false) => {
  const image = sharp(input)
  return (orient ? image.rotate() : image).resize(width, height, { fit: "fill" }).greyscale().raw().toBuffer()
}
const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length

/** The average colour of a JPEG as [r, g, b]. */
const meanColour = async (jpeg: Uint8Array) => {
  const { channels } = await sharp(jpeg).stats()
  return channels.slice(0, 3).map((c) => Math.round(c.mean))
}

describe("ThumbnailRenderer: photos", () => {
  it("applies orientation 6: the Panasonic and Samsung JPEGs come out portrait", async () => {
    for (const name of ["jpeg-panasonic-dmc-lz2-orient6.jpg", "jpeg-samsung-sm-j327t1-orient6.jpg"]) {
      const t = await render(fixture(name))
      expect([t.width, t.height]).toEqual([300, 400])
    }
  })

  it("applies orientation 3: the iPhone 5 thumbnail equals the stored pixels turned 180 degrees", async () => {
    const t = await render(fixture("jpeg-apple-iphone5-gps-orient3.jpg"))
    expect([t.width, t.height]).toEqual([400, 300])
    const stored = await grey(fixture("jpeg-apple-iphone5-gps-orient3.jpg"), 80, 60)
    const turned = Uint8Array.from(stored).reverse() // a 180-degree turn reverses the pixel order
    const thumb = await grey(t.jpeg, 80, 60)
    expect(meanAbsDiff(thumb, turned)).toBeLessThan(6)
    expect(meanAbsDiff(thumb, stored)).toBeGreaterThan(20)
  })

  it("keeps other photos at their aspect ratio, longest edge 400 px", async () => {
    const expected: Record<string, [number, number]> = {
      "jpeg-canon-eos-5d-12mp.jpg": [267, 400],
      "jpeg-nikon-coolpix-p6000-gps.jpg": [400, 300],
      "png-macos-screenshot-exif.png": [400, 321],
      "webp-htc-desire-gps.webp": [341, 400],
      "avif-canon-eos-70d.avif": [400, 267]
    }
    for (const [name, size] of Object.entries(expected)) {
      const t = await render(fixture(name))
      expect([t.width, t.height], name).toEqual(size)
    }
  })

  it("renders HEIC upright: Samsung (EXIF 6, no irot) portrait, iPhone 11 Pro portrait, iPhone 7 landscape", async () => {
    expect(await render(fixture("heic-samsung-galaxy-s24fe-exif-orient6.heic"))).toMatchObject({ width: 185, height: 400 })
    expect(await render(fixture("heic-apple-iphone11pro-portrait.heic"))).toMatchObject({ width: 300, height: 400 })
    expect(await render(fixture("heic-apple-iphone7-gps.heic"))).toMatchObject({ width: 400, height: 300 })
  })
})

describe("ThumbnailRenderer: videos", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("renders the rotated clips portrait and the GoPro clip landscape", async () => {
    expect(await render(fixture("video-apple-iphone6-gps-rot90.mov"))).toMatchObject({ width: 225, height: 400 })
    expect(await render(fixture("video-3gp5-portrait-rot90-zero-gps.mp4"))).toMatchObject({ width: 225, height: 400 })
    expect(await render(fixture("video-gopro-max-gpmf-gps.mp4"))).toMatchObject({ width: 400, height: 226 })
  })

  it("takes the frame at 1 s (red until 0.8 s, then green)", async () => {
    const path = tmp.file("red-then-green.mp4")
    ffmpegGenerate([
      "-f", "lavfi", "-i", "color=c=red:s=160x120:r=25:d=0.8",
      "-f", "lavfi", "-i", "color=c=lime:s=160x120:r=25:d=2.2",
      "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-g", "5", "-pix_fmt", "yuv420p", path
    ])
    const t = await render(path)
    expect([t.width, t.height]).toEqual([160, 120])
    const [r = 0, g = 0] = await meanColour(t.jpeg)
    expect(g).toBeGreaterThan(200)
    expect(r).toBeLessThan(60)
  })

  it("takes the first frame of a clip shorter than 1.2 s", async () => {
    const path = tmp.file("short.mp4")
    ffmpegGenerate([
      "-f", "lavfi", "-i", "color=c=red:s=160x120:r=25:d=0.4",
      "-f", "lavfi", "-i", "color=c=lime:s=160x120:r=25:d=0.6",
      "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p", path
    ])
    const [r = 0, g = 0] = await meanColour((await render(path)).jpeg)
    expect(r).toBeGreaterThan(200)
    expect(g).toBeLessThan(60)
  })
})
