/**
 * Exposure statistics on luminance: clipped highlights, crushed shadows, mean,
 * and the tones at both ends of the histogram (percentiles), which tell a
 * low-key scene (dark, with lit highlights) from an under-exposed one.
 *
 * Thresholds: a pixel is "clipped" at luma >= 250 and "crushed" at luma <= 5
 * (of 255) — the usual near-white/near-black guard bands of 8-bit histograms
 * (a few levels below the extremes so JPEG noise around 255/0 still counts).
 */

/** Luma at or above which a pixel counts as a clipped highlight (8-bit). */
export const CLIPPED_LUMA = 250
/** Luma at or below which a pixel counts as a crushed shadow (8-bit). */
export const CRUSHED_LUMA = 5

/** Share of the pixels at each end of the histogram that {@link ExposureStats} `highlightLuma` / `shadowLuma` leave out: 0.5 %. */
export const TONE_END_FRACTION = 0.005

/** Exposure of one raster: fractions in 0..1, luma levels in 0..255. */
export interface ExposureStats {
  readonly meanLuma: number
  readonly clippedHighlights: number
  readonly crushedShadows: number
  /** The brightest tone that still covers 0.5 % of the pixels: the 99.5th percentile of luma. */
  readonly highlightLuma: number
  /** The darkest tone that still covers 0.5 % of the pixels: the 0.5th percentile of luma. */
  readonly shadowLuma: number
}

/** Exposure statistics of a grey raster (1 byte/px). An empty raster counts as fully crushed. */
export const exposureStats = (luma: Uint8Array): ExposureStats => {
  if (luma.length === 0) return { meanLuma: 0, clippedHighlights: 0, crushedShadows: 1, highlightLuma: 0, shadowLuma: 0 }
  const counts = new Uint32Array(256)
  let sum = 0
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i]!
    sum += v
    counts[v]! += 1
  }
  let clipped = 0
  for (let v = CLIPPED_LUMA; v < 256; v++) clipped += counts[v]!
  let crushed = 0
  for (let v = 0; v <= CRUSHED_LUMA; v++) crushed += counts[v]!
  const end = TONE_END_FRACTION * luma.length
  let shadowLuma = 0
  for (let v = 0, seen = 0; v < 256; v++) {
    seen += counts[v]!
    if (seen > end) {
      shadowLuma = v
      break
    }
  }
  let highlightLuma = 255
  for (let v = 255, seen = 0; v >= 0; v--) {
    seen += counts[v]!
    if (seen > end) {
      highlightLuma = v
      break
    }
  }
  return { meanLuma: sum / luma.length, clippedHighlights: clipped / luma.length, crushedShadows: crushed / luma.length, highlightLuma, shadowLuma }
}
