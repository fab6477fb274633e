import { describe, expect, it } from "vitest"
import { captureInstantMs, dominantOffsetMinutes, formatCaptureIso } from "../../src/internal/captureTime.js"
import { clusterNearDuplicates, exactDuplicates } from "../../src/internal/duplicates.js"
import { centroid, haversineKm } from "../../src/internal/geo.js"
import type { MediaStats } from "../../src/internal/imageAnalysis.js"
import { dHash, hammingDistance } from "../../src/internal/perceptualHash.js"
import { diversePick } from "../../src/internal/pick.js"
import { qualityIssue, qualityScore, tonalKey, zoneLuma } from "../../src/internal/quality.js"
import { type SceneEntry, splitScenes } from "../../src/internal/scenes.js"
import { laplacianVariance } from "../../src/internal/sharpness.js"

const flat = new Float64Array(64).fill(1 / 64)
const entry = (id: number, hours: number | null, gps: { lat: number; lon: number } | null = null): SceneEntry => ({
  id,
  instantMs: hours === null ? null : hours * 3_600_000,
  gps: gps === null ? null : { ...gps, alt: null },
  histogram: flat,
  usable: true
})

describe("captureTime", () => {
  it("orders 10:00+02:00 before 09:30+00:00", () => {
    const paris = captureInstantMs({ local: "2024-06-01T10:00:00", offsetMinutes: 120, utc: null, source: "exif" }, 0)!
    const london = captureInstantMs({ local: "2024-06-01T09:30:00", offsetMinutes: 0, utc: null, source: "exif" }, 0)!
    expect(london - paris).toBe(90 * 60_000)
  })
  it("prefers utc, falls back to the batch's dominant offset, and rejects malformed times", () => {
    expect(captureInstantMs({ local: "2024-06-01T10:00:00", offsetMinutes: null, utc: "2024-06-01T07:00:00Z", source: "container" }, 0)).toBe(Date.parse("2024-06-01T07:00:00Z"))
    expect(captureInstantMs({ local: "2024-06-01T10:00:00", offsetMinutes: null, utc: null, source: "exif" }, 120)).toBe(Date.parse("2024-06-01T08:00:00Z"))
    expect(captureInstantMs({ local: "yesterday", offsetMinutes: null, utc: null, source: "file" }, 0)).toBeNull()
    const t = (offsetMinutes: number | null) => ({ local: "2024-06-01T10:00:00", offsetMinutes, utc: null, source: "exif" as const })
    expect(dominantOffsetMinutes([t(120), t(120), t(0), t(null), null])).toBe(120)
    expect(dominantOffsetMinutes([t(null)])).toBe(0)
    expect(formatCaptureIso(t(-330))).toBe("2024-06-01T10:00:00-05:30")
  })
})

describe("geo", () => {
  it("computes haversine distances (Paris-London about 343.5 km)", () => {
    expect(haversineKm({ lat: 48.8566, lon: 2.3522, alt: null }, { lat: 51.5074, lon: -0.1278, alt: null })).toBeCloseTo(343.5, 0)
    expect(haversineKm({ lat: 0, lon: 0, alt: null }, { lat: 0, lon: 1, alt: null })).toBeCloseTo(111.195, 2)
  })
  it("takes the centroid across the antimeridian", () => {
    const c = centroid([{ lat: 0, lon: 179.9, alt: 10 }, { lat: 0, lon: -179.9, alt: null }])!
    expect(Math.abs(c.lon)).toBeCloseTo(180, 4)
    expect(c.alt).toBe(10)
    expect(centroid([])).toBeNull()
  })
})

describe("scenes", () => {
  it("splits at >= 2 h and >= 1 km, not below", () => {
    const here = { lat: 45, lon: 7 }
    const scenes = splitScenes([entry(0, 0, here), entry(1, 1.99, here), entry(2, 3.99, here), entry(3, 4, { lat: 45.0085, lon: 7 }), entry(4, 4.1, { lat: 45.02, lon: 7 })])
    expect(scenes.map((s) => s.members)).toEqual([[0, 1], [2, 3], [4]])
  })
  it("splits on a visual break but not because of an unusable item", () => {
    const red = new Float64Array(64)
    red[48] = 1
    const scenes = splitScenes([entry(0, 0), { ...entry(1, 0.1), histogram: red, usable: false }, entry(2, 0.2), { ...entry(3, 0.3), histogram: red }])
    expect(scenes.map((s) => s.members)).toEqual([[0, 1, 2], [3]])
  })
  it("groups undated items by place only, never by look, after the timed scenes; the placeless ones in one group", () => {
    const red = new Float64Array(64)
    red[48] = 1
    const here = { lat: 45, lon: 7 }
    const far = { lat: 46, lon: 7 }
    const scenes = splitScenes([entry(0, null), entry(1, 5), { ...entry(2, null), histogram: red }, entry(3, null, here), entry(4, null, far), { ...entry(5, null, here), histogram: red }])
    expect(scenes).toEqual([
      { members: [1], timed: true },
      { members: [3, 5], timed: false },
      { members: [4], timed: false },
      { members: [0, 2], timed: false }
    ])
  })
})

describe("duplicates", () => {
  it("keeps the copy with the shortest name, then the first name in code-unit order, then the first fileId — in any order", () => {
    const copies = [
      { fileId: "f1", fileName: "IMG_1 (1).jpg", contentHash: "a" },
      { fileId: "f2", fileName: "other.jpg", contentHash: "b" },
      { fileId: "f3", fileName: "IMG_1.jpg", contentHash: "a" },
      { fileId: "f4", fileName: "IMG_1 copy.jpg", contentHash: "a" },
      { fileId: "f0", fileName: "IMG_2.JPG", contentHash: "c" },
      { fileId: "f5", fileName: "IMG_2.jpg", contentHash: "c" }
    ]
    const kept = (items: typeof copies) => [...exactDuplicates(items)].map(([copy, k]) => [items[copy]!.fileId, items[k]!.fileId]).sort()
    const expected = [["f1", "f3"], ["f4", "f3"], ["f5", "f0"]]
    expect(kept(copies)).toEqual(expected)
    expect(kept([...copies].reverse())).toEqual(expected)
  })
  it("clusters around the best item without chaining", () => {
    // 0 and 1 differ by 8 bits, 1 and 2 by 8, 0 and 2 by 16: 2 must not join 0's cluster through 1.
    const clusters = clusterNearDuplicates([{ id: 0, hash: 0n }, { id: 1, hash: 0xffn }, { id: 2, hash: 0xffffn }])
    expect(clusters).toEqual([{ leader: 0, others: [{ id: 1, distance: 8 }] }, { leader: 2, others: [] }])
  })
})

describe("perceptual hash and sharpness on rasters", () => {
  it("hashes a left-to-right darkening ramp to all ones and its mirror to all zeros", () => {
    const w = 90
    const h = 80
    const ramp = new Uint8Array(w * h).map((_, i) => 255 - Math.floor(((i % w) / w) * 255))
    const mirror = new Uint8Array(w * h).map((_, i) => Math.floor(((i % w) / w) * 255))
    expect(dHash(ramp, w, h)).toBe(0xffffffffffffffffn)
    expect(dHash(mirror, w, h)).toBe(0n)
    expect(hammingDistance(dHash(ramp, w, h), dHash(mirror, w, h))).toBe(64)
  })
  it("gives a flat raster zero Laplacian variance and a checkerboard a high one", () => {
    expect(laplacianVariance(new Uint8Array(100).fill(7), 10, 10)).toBe(0)
    const checker = new Uint8Array(100).map((_, i) => ((i % 10) + Math.floor(i / 10)) % 2 === 0 ? 0 : 255)
    expect(laplacianVariance(checker, 10, 10)).toBeGreaterThan(100_000)
  })
})

describe("quality", () => {
  const stats = (laplacianVariance: number, clippedHighlights = 0, crushedShadows = 0): MediaStats => ({
    width: 400, height: 300, dHash: 0n, laplacianVariance, meanLuma: 120, clippedHighlights, crushedShadows, highlightLuma: 240, shadowLuma: 10, histogram: flat, frameCount: 1,
    lineArt: { flatShare: 0, textureShare: 0.6, edgeShare: 0.1, flatColours: 0, straightEdges: 0.5, strokeShare: 0 }
  })
  it("ranks sharper, better exposed, higher resolution items higher", () => {
    expect(qualityScore(stats(600), 300, 12).total).toBeGreaterThan(qualityScore(stats(150), 300, 12).total)
    expect(qualityScore(stats(300, 0.3), 300, 12).total).toBeLessThan(qualityScore(stats(300), 300, 12).total)
    expect(qualityScore(stats(300), 300, 2).total).toBeLessThan(qualityScore(stats(300), 300, 12).total)
    expect(qualityScore(stats(300), 300, 12).sharpness).toBe(0.5)
  })
  it("says what is wrong with numbers", () => {
    expect(qualityIssue(stats(12), 340, 5)).toBe("very blurry: Laplacian variance 12 vs median 340 in this batch")
    expect(qualityIssue(stats(12), 340, 2)).toBeNull()
    expect(qualityIssue(stats(300, 0.95), 300, 5)).toMatch(/^mostly blown out: 95% of the image at luminance >= 250/)
    expect(qualityIssue(stats(300), 300, 5)).toBeNull()
  })
  it("judges exposure by the scene's tonal key (Zone System bounds: Zone II 41, III 60, VI 162)", () => {
    expect([2, 3, 4, 5, 6, 7].map(zoneLuma)).toEqual([41, 60, 85, 118, 162, 221])
    const night = { ...stats(300, 0.01, 0.4), meanLuma: 25, highlightLuma: 230, shadowLuma: 0 }
    const dim = { ...stats(300, 0, 0.4), meanLuma: 25, highlightLuma: 90, shadowLuma: 0 }
    const snow = { ...stats(300, 0.3, 0), meanLuma: 235, highlightLuma: 255, shadowLuma: 60 }
    const washed = { ...stats(300, 0.3, 0), meanLuma: 235, highlightLuma: 255, shadowLuma: 200 }
    expect([night, dim, snow, washed].map(tonalKey)).toEqual(["low-key", "normal", "high-key", "normal"])
    expect(qualityIssue(night, 300, 5)).toBeNull()
    expect(qualityIssue(dim, 300, 5)).toMatch(/^badly under-exposed: mean luminance 25 of 255 and no bright tones \(the brightest 0\.5% at 90/)
    expect(qualityIssue(snow, 300, 5)).toBeNull()
    expect(qualityIssue(washed, 300, 5)).toMatch(/^badly over-exposed: mean luminance 235 of 255 and no dark tones/)
    // A night shot's black sky is not held against it; a dim shot's is.
    expect(qualityScore(night, 300, 12).exposure).toBeCloseTo(0.99)
    expect(qualityScore(dim, 300, 12).exposure).toBeCloseTo(0.6)
  })
})

describe("diversePick", () => {
  it("gives every scene its best before any scene a second, best first within a round", () => {
    const picks = diversePick(
      [
        { scene: 0, bestFirst: [{ id: 1, quality: 0.9 }, { id: 2, quality: 0.8 }, { id: 3, quality: 0.7 }] },
        { scene: 1, bestFirst: [{ id: 4, quality: 0.4 }] },
        { scene: 2, bestFirst: [{ id: 5, quality: 0.6 }, { id: 6, quality: 0.5 }] }
      ],
      4
    )
    expect(picks.map((p) => [p.id, p.rank, p.round])).toEqual([[1, 1, 1], [5, 2, 1], [4, 3, 1], [2, 4, 2]])
  })
})
