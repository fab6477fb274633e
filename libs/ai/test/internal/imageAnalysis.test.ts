import { describe, expect, it } from "vitest"
import { histogramDistance } from "../../src/internal/colorHistogram.js"
import { analyzeImage, analyzeMedia, combineFrames, median } from "../../src/internal/imageAnalysis.js"
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE } from "../../src/internal/perceptualHash.js"
import { blackPicture, picture } from "../support/images.js"

describe("analyzeImage", () => {
  it("gives a shifted copy a near-identical dHash and a different picture a distant one", async () => {
    const [a, shifted, other] = await Promise.all([picture(1), picture(1, { shift: [26, 23] }), picture(2)])
    const [sa, ss, so] = await Promise.all([analyzeImage(a), analyzeImage(shifted), analyzeImage(other)])
    expect(hammingDistance(sa.dHash, ss.dHash)).toBeLessThanOrEqual(NEAR_DUPLICATE_MAX_DISTANCE)
    expect(hammingDistance(sa.dHash, so.dHash)).toBeGreaterThan(NEAR_DUPLICATE_MAX_DISTANCE)
    expect(sa.width).toBe(400)
    expect(sa.height).toBe(300)
  })

  it("measures a blurred copy as much less sharp (variance of the Laplacian)", async () => {
    const [sharp, blurred] = await Promise.all([analyzeImage(await picture(3)), analyzeImage(await picture(3, { blur: 3 }))])
    expect(blurred.laplacianVariance).toBeLessThan(sharp.laplacianVariance / 3)
  })

  it("measures a black frame as crushed and dark", async () => {
    const s = await analyzeImage(await blackPicture())
    expect(s.crushedShadows).toBeGreaterThan(0.99)
    expect(s.clippedHighlights).toBe(0)
    expect(s.meanLuma).toBeLessThan(5)
  })

  it("separates palettes by histogram distance but not two pictures of one palette", async () => {
    const [w1, w2, c1] = await Promise.all([picture(4), picture(5), picture(6, { palette: "cool" })].map(async (p) => analyzeImage(await p)))
    expect(histogramDistance(w1!.histogram, w2!.histogram)).toBeLessThan(0.65)
    expect(histogramDistance(w1!.histogram, c1!.histogram)).toBeGreaterThan(0.65)
  })

  it("shrinks a big frame to 400 px before analysing", async () => {
    const sharp = (await import("sharp")).default
    const big = await sharp({ create: { width: 1600, height: 900, channels: 3, background: "#808080" } }).jpeg().toBuffer()
    const s = await analyzeImage(big)
    expect([s.width, s.height]).toEqual([400, 225])
  })

  it("rejects bytes that are not an image", async () => {
    await expect(analyzeImage(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow()
  })
})

describe("video frames", () => {
  it("takes the median sharpness over the thumbnail and frames", async () => {
    const frames = await Promise.all([analyzeImage(await picture(7)), analyzeImage(await picture(7, { blur: 4 })), analyzeImage(await picture(8))])
    const combined = combineFrames(frames)!
    expect(combined.frameCount).toBe(3)
    expect(combined.laplacianVariance).toBe(median(frames.map((f) => f.laplacianVariance)))
    expect(combined.dHash).toBe(frames[0]!.dHash)
  })

  it("skips frames that do not decode and fails only when none does", async () => {
    const ok = await analyzeMedia(await picture(9), [new Uint8Array([0, 1])])
    expect(ok._tag).toBe("Analysed")
    const bad = await analyzeMedia(new Uint8Array([0, 1]), [])
    expect(bad._tag).toBe("Unprocessable")
  })
})
