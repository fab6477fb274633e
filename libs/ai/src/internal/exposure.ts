/**
 * Exposure statistics on luminance: clipped highlights, crushed shadows, mean.
 *
 * Thresholds: a pixel is "clipped" at luma >= 250 and "crushed" at luma <= 5
 * (of 255) — the usual near-white/near-black guard bands of 8-bit histograms
 * (a few levels below the extremes so JPEG noise around 255/0 still counts).
 */

/** Luma at or above which a pixel counts as a clipped highlight (8-bit). */
export const CLIPPED_LUMA = 250
/** Luma at or below which a pixel counts as a crushed shadow (8-bit). */
export const CRUSHED_LUMA = 5

/** Exposure of one raster: fractions in 0..1, mean luma in 0..255. */
export interface ExposureStats {
  readonly meanLuma: number
  readonly clippedHighlights: number
  readonly crushedShadows: number
}

/** Exposure statistics of a grey raster (1 byte/px). An empty raster counts as fully crushed. */
export const exposureStats = (luma: Uint8Array): ExposureStats => {
  if (luma.length === 0) return { meanLuma: 0, clippedHighlights: 0, crushedShadows: 1 }
  let sum = 0
  let clipped = 0
  let crushed = 0
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i]!
    sum += v
    if (v >= CLIPPED_LUMA) clipped++
    else if (v <= CRUSHED_LUMA) crushed++
  }
  return { meanLuma: sum / luma.length, clippedHighlights: clipped / luma.length, crushedShadows: crushed / luma.length }
}
