import path from "node:path"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { analyzeImage } from "../../src/internal/imageAnalysis.js"
import { type LineArtStats, nonPhotoReason } from "../../src/internal/nonPhoto.js"
import { mediaItem } from "../support/images.js"

/** Statistics of a textured photo (no rule 3 evidence). */
const photoLike: LineArtStats = { flatShare: 0.05, textureShare: 0.6, edgeShare: 0.1, flatColours: 40, straightEdges: 0.6, strokeShare: 0.1 }
const png = (fileName: string, width: number, height: number) => ({ ...mediaItem("x", { fileName, width, height }), mime: "image/png", codec: "png" })

/** A 2000 x 1500 night sky: black with faint noise, `stars` gaussian stars and a dark treeline; its 400 px thumbnail. */
const starrySky = async (stars: number, noise: number): Promise<Uint8Array> => {
  const W = 2000
  const H = 1500
  let seed = 7
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const d = Buffer.alloc(W * H * 3)
  for (let i = 0; i < W * H; i++) d.fill(Math.max(0, Math.round((rand() - 0.5) * 2 * noise)), i * 3, i * 3 + 3)
  for (let s = 0; s < stars; s++) {
    const x = Math.floor(rand() * W)
    const y = Math.floor(rand() * H * 0.8)
    const peak = 120 + rand() * 135
    const radius = 1 + rand() * 3
    for (let dy = -4; dy <= 4; dy++)
      for (let dx = -4; dx <= 4; dx++) {
        if (x + dx < 0 || x + dx >= W || y + dy >= H || y + dy < 0) continue
        const i = ((y + dy) * W + x + dx) * 3
        for (let c = 0; c < 3; c++) d[i + c] = Math.min(255, d[i + c]! + peak * Math.exp(-(dx * dx + dy * dy) / (radius * radius)))
      }
  }
  for (let x = 0; x < W; x++) for (let y = Math.floor(H * 0.85 + Math.sin(x / 37) * 40); y < H; y++) d.fill(2, (y * W + x) * 3, (y * W + x) * 3 + 3)
  const jpeg = await sharp(d, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()
  return new Uint8Array(await sharp(jpeg).resize(400, 400, { fit: "inside" }).jpeg({ quality: 82 }).toBuffer())
}

describe("nonPhotoReason", () => {
  it("believes the file's own words: a screenshot comment or a screenshot/charting program, whatever its camera data", () => {
    expect(nonPhotoReason({ ...mediaItem("a"), userComment: "Screenshot" }, photoLike)).toBe('a screenshot, not a camera photo: its metadata says so (comment "Screenshot")')
    expect(nonPhotoReason({ ...mediaItem("b"), software: "gnome-screenshot" }, photoLike)).toMatch(/^a screenshot, not a camera photo: it was made by "gnome-screenshot"/)
    expect(nonPhotoReason({ ...mediaItem("c"), software: "Matplotlib version3.6.3, https://matplotlib.org/" }, photoLike)).toMatch(/^a chart, drawing or screen capture/)
    // Photo editors, camera firmware and transfer tools write photos.
    for (const software of ["Adobe Photoshop Lightroom Classic 13.0", "GIMP 2.10.34", "Nikon Transfer 1.1 W", "Digital Photo Professional", "17.1.1", "HDR+ 1.0.540104767zd"]) {
      expect(nonPhotoReason({ ...mediaItem("d"), software }, photoLike)).toBeNull()
    }
  })

  it("takes a screenshot's name or a PNG at a screen's size only without camera data", () => {
    expect(nonPhotoReason(mediaItem("e", { fileName: "Screenshot_20240101-101010.png" }), photoLike)).toMatch(/^a screenshot or screen recording by its name/)
    expect(nonPhotoReason(mediaItem("f", { fileName: "Bildschirmfoto 2024-06-01 um 10.00.00.png" }), photoLike)).not.toBeNull()
    expect(nonPhotoReason(mediaItem("g", { fileName: "RPReplay_Final1718000000.MP4", kind: "video" }), photoLike)).not.toBeNull()
    expect(nonPhotoReason({ ...mediaItem("h", { fileName: "Screenshot_1.jpg" }), make: "Google", model: "Pixel 8" }, photoLike)).toBeNull()
    expect(nonPhotoReason(png("wallpaper.png", 2532, 1170), photoLike)).toBe("a screen capture, not a camera photo: a PNG at a screen's size (2532 x 1170 px) with no camera data (no EXIF make or model)")
    expect(nonPhotoReason(png("edit.png", 2000, 1500), photoLike)).toBeNull()
    expect(nonPhotoReason(mediaItem("i", { width: 1920, height: 1080 }), photoLike)).toBeNull()
  })

  it("does not take a starry sky on black, or a featureless grey surface, for a graphic", async () => {
    for (const [stars, noise] of [[800, 0], [800, 2], [3000, 1]] as const) {
      const stats = await analyzeImage(await starrySky(stars, noise))
      expect({ stars, noise, reason: nonPhotoReason(mediaItem("sky"), stats.lineArt) }).toEqual({ stars, noise, reason: null })
    }
    const grey = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 128, g: 126, b: 124 } } }).jpeg().toBuffer()
    expect(nonPhotoReason(mediaItem("grey"), (await analyzeImage(grey)).lineArt)).toBeNull()
  })

  it("does not take a photo on a plain studio backdrop, EXIF stripped, for a graphic", async () => {
    // Each sharp fixture photo as the subject of a product shot on a perfectly flat grey backdrop.
    const media = path.resolve(import.meta.dirname, "../../../../../shared/fixtures/media")
    for (const name of ["jpeg-nikon-coolpix-p6000-gps.jpg", "jpeg-sony-dsc-hx5v-gps.jpg", "webp-htc-desire-gps.webp", "jpeg-canon-eos-5d-12mp.jpg"])
      for (const share of [0.35, 0.5]) {
        const { data, info } = await sharp(path.join(media, name)).rotate().resize(Math.round(1600 * Math.sqrt(share)), Math.round(1200 * Math.sqrt(share)), { fit: "cover" }).png().toBuffer({ resolveWithObject: true })
        const shot = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 96, g: 100, b: 104 } } })
          .composite([{ input: data, left: Math.round((1600 - info.width) / 2), top: 1200 - info.height }])
          .jpeg({ quality: 92 })
          .toBuffer()
        const thumbnail = await sharp(shot).resize(400, 400, { fit: "inside" }).jpeg({ quality: 82 }).toBuffer()
        expect({ name, share, reason: nonPhotoReason(mediaItem("shot"), (await analyzeImage(thumbnail)).lineArt) }).toEqual({ name, share, reason: null })
      }
  })
})
