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

/**
 * The sRGB luma (0..255) of Ansel Adams' Zone `zone` (A. Adams, "The Negative", 1981): Zone V is
 * middle grey, 18 % reflectance, and each zone is one stop (a factor of 2 in linear light); encoded
 * with the sRGB transfer function (IEC 61966-2-1). Zone II = 41, III = 60, IV = 85, V = 118, VI = 162,
 * VI½ = 189, VII = 221.
 */
export const zoneLuma = (zone: number): number => {
  const linear = Math.min(1, 0.18 * 2 ** (zone - 5))
  return Math.round(255 * (linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055))
}

/**
 * Tonal key bounds, judged as a photographer reads a histogram: a scene is not badly exposed
 * because most of it is dark or bright, but when the tones it should hold are missing.
 * - low-key (a night street, a candle-lit room): mean at or below Zone III (2 stops under middle
 *   grey) with lit highlights — the brightest 0.5 % at or above Zone VI (1 stop over): the lights
 *   are where the exposure put them and the dark is the scene;
 * - high-key (snow, a white beach): mean at or above Zone VI½ with real shadows — the darkest 0.5 %
 *   at or below Zone IV.
 * An under-exposed picture has a dark mean AND no bright tones (a whole scene shifted down: 3 stops
 * under puts paper white at about 100); an over-exposed one a bright mean AND no dark tones.
 */
export const LOW_KEY_MEAN_LUMA = zoneLuma(3)
/** See {@link LOW_KEY_MEAN_LUMA}. */
export const LIT_HIGHLIGHT_LUMA = zoneLuma(6)
/** See {@link LOW_KEY_MEAN_LUMA}. */
export const HIGH_KEY_MEAN_LUMA = zoneLuma(6.5)
/** See {@link LOW_KEY_MEAN_LUMA}. */
export const DEEP_SHADOW_LUMA = zoneLuma(4)

/** The tonal key of an image (see {@link LOW_KEY_MEAN_LUMA}). */
export type TonalKey = "low-key" | "high-key" | "normal"

/** The tonal key from exposure statistics (see {@link LOW_KEY_MEAN_LUMA}). */
export const tonalKey = (stats: Pick<MediaStats, "meanLuma" | "highlightLuma" | "shadowLuma">): TonalKey =>
  stats.meanLuma <= LOW_KEY_MEAN_LUMA && stats.highlightLuma >= LIT_HIGHLIGHT_LUMA
    ? "low-key"
    : stats.meanLuma >= HIGH_KEY_MEAN_LUMA && stats.shadowLuma <= DEEP_SHADOW_LUMA
      ? "high-key"
      : "normal"

/** Components and total, each in 0..1. */
export interface QualityScore {
  readonly sharpness: number
  readonly exposure: number
  readonly resolution: number
  readonly total: number
}

/** Megapixels of a width x height px item. */
export const megapixels = (width: number, height: number): number => (width * height) / 1e6

/**
 * The quality score of one item given the batch median Laplacian variance. The exposure component
 * counts the lost tones the scene's key does not explain: a low-key scene's black is not a defect
 * (crushed shadows not counted), nor a high-key scene's white (clipped highlights not counted).
 */
export const qualityScore = (stats: MediaStats, batchMedianVariance: number, mp: number): QualityScore => {
  const m = batchMedianVariance > 0 ? batchMedianVariance : 1
  const sharpness = stats.laplacianVariance / (stats.laplacianVariance + m)
  const key = tonalKey(stats)
  const exposure = Math.max(0, 1 - (key === "high-key" ? 0 : stats.clippedHighlights) - (key === "low-key" ? 0 : stats.crushedShadows))
  const resolution = Math.min(1, Math.log2(1 + Math.max(0, mp)) / Math.log2(1 + FULL_RESOLUTION_MP))
  const total = QUALITY_WEIGHTS.sharpness * sharpness + QUALITY_WEIGHTS.exposure * exposure + QUALITY_WEIGHTS.resolution * resolution
  return { sharpness, exposure, resolution, total }
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

/**
 * Mean luminance (0..255) below which a shot with no bright tones is badly under-exposed: Zone II,
 * three stops under middle grey (sRGB 118); and above which a shot with no dark tones is badly
 * over-exposed (about one and a half stops over). A dark shot also has little Laplacian energy, so
 * exposure is judged before blur and named as such. Low-key and high-key scenes are judged by their
 * key instead (see {@link LOW_KEY_MEAN_LUMA}).
 */
export const UNDER_EXPOSED_MEAN_LUMA = zoneLuma(2)
/** See {@link UNDER_EXPOSED_MEAN_LUMA}. */
export const OVER_EXPOSED_MEAN_LUMA = 225

/**
 * Why an item is too poor to offer at all, in plain words with the numbers, or null.
 * `batchSize` is the number of analysed items the median comes from.
 */
export const qualityIssue = (stats: MediaStats, batchMedianVariance: number, batchSize: number): string | null => {
  const what = stats.frameCount > 1 ? `${stats.frameCount} frames (median)` : "the image"
  const key = tonalKey(stats)
  if (stats.crushedShadows >= UNUSABLE_EXPOSURE_FRACTION)
    return `mostly black: ${percent(stats.crushedShadows)} of ${what} at luminance <= 5 (mean luminance ${Math.round(stats.meanLuma)} of 255)`
  if (stats.clippedHighlights >= UNUSABLE_EXPOSURE_FRACTION)
    return `mostly blown out: ${percent(stats.clippedHighlights)} of ${what} at luminance >= 250 (mean luminance ${Math.round(stats.meanLuma)} of 255)`
  if (stats.meanLuma < UNDER_EXPOSED_MEAN_LUMA && key !== "low-key")
    return `badly under-exposed: mean luminance ${Math.round(stats.meanLuma)} of 255 and no bright tones (the brightest 0.5% at ${Math.round(stats.highlightLuma)}; a well-exposed shot averages near 118, a night shot keeps its lights above ${LIT_HIGHLIGHT_LUMA})`
  if (stats.meanLuma > OVER_EXPOSED_MEAN_LUMA && key !== "high-key")
    return `badly over-exposed: mean luminance ${Math.round(stats.meanLuma)} of 255 and no dark tones (the darkest 0.5% at ${Math.round(stats.shadowLuma)}; a well-exposed shot averages near 118)`
  if (stats.laplacianVariance < NO_DETAIL_VARIANCE)
    return `no detail: Laplacian variance ${stats.laplacianVariance.toFixed(1)} (a featureless or completely blurred image)`
  if (batchSize >= 3 && stats.laplacianVariance < BLURRY_FRACTION_OF_MEDIAN * batchMedianVariance)
    return `very blurry: Laplacian variance ${Math.round(stats.laplacianVariance)} vs median ${Math.round(batchMedianVariance)} in this batch`
  return null
}

/** "well exposed", the scene's key, or what is wrong with the exposure, for justifications. */
export const describeExposure = (stats: MediaStats): string => {
  const parts: Array<string> = []
  const key = tonalKey(stats)
  if (key === "low-key") parts.push(`low-key scene, lit highlights at luminance ${Math.round(stats.highlightLuma)}`)
  if (key === "high-key") parts.push(`high-key scene, shadows at luminance ${Math.round(stats.shadowLuma)}`)
  if (stats.clippedHighlights >= 0.01) parts.push(`${percent(stats.clippedHighlights)} clipped highlights`)
  if (stats.crushedShadows >= 0.01) parts.push(`${percent(stats.crushedShadows)} crushed shadows`)
  return parts.length === 0 ? "well exposed" : parts.join(", ")
}
