/**
 * The quality score and the "very poor quality" test.
 *
 * score = 0.6 * sharpness + 0.25 * exposure + 0.15 * resolution, each in 0..1:
 * - sharpness: v / (v + m), v = variance of the Laplacian, m = the batch median — 0.5 at
 *   the median, scale-free, so content-heavy batches and soft batches rank alike;
 * - exposure: 1 - (clipped highlights + crushed shadows), floored at 0;
 * - resolution: log2(1 + MP) / log2(1 + 12), capped at 1 — diminishing returns past
 *   12 MP, the resolution of current phone main cameras.
 * The weights are Curator's own choice (sharpness matters most when the same scene
 * was shot several times; exposure next; resolution only separates otherwise equal
 * shots), not from a paper.
 */
import type { MediaStats } from "./imageAnalysis.js"

/** Weights of the three components. */
export const QUALITY_WEIGHTS = { sharpness: 0.6, exposure: 0.25, resolution: 0.15 } as const
/** Megapixels at which the resolution component reaches 1. */
export const FULL_RESOLUTION_MP = 12
/** An item is "very blurry" below this fraction of the batch median Laplacian variance (needs >= 3 items to have a median worth trusting). */
export const BLURRY_FRACTION_OF_MEDIAN = 0.1
/** Below this Laplacian variance (grey levels²) an image has no detail at all, whatever the batch. */
export const NO_DETAIL_VARIANCE = 2
/** Fraction of crushed (luma <= 5) or clipped (luma >= 250) pixels that makes an image unusable. */
export const UNUSABLE_EXPOSURE_FRACTION = 0.9

/** Components and total, each in 0..1. */
export interface QualityScore {
  readonly sharpness: number
  readonly exposure: number
  readonly resolution: number
  readonly total: number
}

/** Megapixels of a width x height px item. */
export const megapixels = (width: number, height: number): number => (width * height) / 1e6

/** The quality score of one item given the batch median Laplacian variance. */
export const qualityScore = (stats: MediaStats, batchMedianVariance: number, mp: number): QualityScore => {
  const m = batchMedianVariance > 0 ? batchMedianVariance : 1
  const sharpness = stats.laplacianVariance / (stats.laplacianVariance + m)
  const exposure = Math.max(0, 1 - stats.clippedHighlights - stats.crushedShadows)
  const resolution = Math.min(1, Math.log2(1 + Math.max(0, mp)) / Math.log2(1 + FULL_RESOLUTION_MP))
  const total = QUALITY_WEIGHTS.sharpness * sharpness + QUALITY_WEIGHTS.exposure * exposure + QUALITY_WEIGHTS.resolution * resolution
  return { sharpness, exposure, resolution, total }
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

/**
 * Mean luminance (0..255) below which a shot is badly under-exposed, and above
 * which it is badly over-exposed. A well-exposed scene averages near middle
 * grey (18 % reflectance encodes to about 118 in sRGB); these bounds sit about
 * two stops below and one and a half above it. A dark shot also has little
 * Laplacian energy, so exposure is judged before blur and named as such.
 */
export const UNDER_EXPOSED_MEAN_LUMA = 40
/** See {@link UNDER_EXPOSED_MEAN_LUMA}. */
export const OVER_EXPOSED_MEAN_LUMA = 225

/**
 * Why an item is too poor to offer at all, in plain words with the numbers, or null.
 * `batchSize` is the number of analysed items the median comes from.
 */
export const qualityIssue = (stats: MediaStats, batchMedianVariance: number, batchSize: number): string | null => {
  const what = stats.frameCount > 1 ? `${stats.frameCount} frames (median)` : "the image"
  if (stats.crushedShadows >= UNUSABLE_EXPOSURE_FRACTION)
    return `mostly black: ${percent(stats.crushedShadows)} of ${what} at luminance <= 5 (mean luminance ${Math.round(stats.meanLuma)} of 255)`
  if (stats.clippedHighlights >= UNUSABLE_EXPOSURE_FRACTION)
    return `mostly blown out: ${percent(stats.clippedHighlights)} of ${what} at luminance >= 250 (mean luminance ${Math.round(stats.meanLuma)} of 255)`
  if (stats.meanLuma < UNDER_EXPOSED_MEAN_LUMA)
    return `badly under-exposed: mean luminance ${Math.round(stats.meanLuma)} of 255 (a well-exposed shot averages near 118)`
  if (stats.meanLuma > OVER_EXPOSED_MEAN_LUMA)
    return `badly over-exposed: mean luminance ${Math.round(stats.meanLuma)} of 255 (a well-exposed shot averages near 118)`
  if (stats.laplacianVariance < NO_DETAIL_VARIANCE)
    return `no detail: Laplacian variance ${stats.laplacianVariance.toFixed(1)} (a featureless or completely blurred image)`
  if (batchSize >= 3 && stats.laplacianVariance < BLURRY_FRACTION_OF_MEDIAN * batchMedianVariance)
    return `very blurry: Laplacian variance ${Math.round(stats.laplacianVariance)} vs median ${Math.round(batchMedianVariance)} in this batch`
  return null
}

/** "well exposed" or what is wrong with the exposure, for justifications. */
export const describeExposure = (stats: MediaStats): string => {
  const parts: Array<string> = []
  if (stats.clippedHighlights >= 0.01) parts.push(`${percent(stats.clippedHighlights)} clipped highlights`)
  if (stats.crushedShadows >= 0.01) parts.push(`${percent(stats.crushedShadows)} crushed shadows`)
  return parts.length === 0 ? "well exposed" : parts.join(", ")
}
