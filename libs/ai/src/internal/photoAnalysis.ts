/**
 * Offline photo analysis: PhotoAdjustments derived from image statistics alone.
 *
 * - Levels: black and white points at the 0.5 % and 99.5 % luma percentiles (common
 *   auto-levels practice, e.g. Photoshop's Auto Levels "clip 0.1-1 %"), capped so a high-key or
 *   low-key scene (snow, night) is not stretched into mid-grey: black <= 0.35, white >= 0.25.
 *   An under-exposed picture keeps black at 0, an over-exposed one keeps white at 1 (below).
 * - Exposure: when the mean luma after levels lies outside 0.40..0.58 (a band around 0.46 =
 *   118/255, the sRGB encoding of 18 % reflectance "mid-grey"), the midtone gamma that brings it
 *   to the nearer edge, found by bisection, limited to 0.5..2.5; inside the band gamma stays 1.
 * - White balance: grey-world (Buchsbaum 1980, "A spatial processor model for object colour
 *   perception", J. Franklin Inst. 310(1)) on the BRIGHT pixels (the illuminant estimate of Joze,
 *   Drew, Finlayson & Rey 2012: the mean colour of the brightest 5 % unclipped pixels, see media's
 *   imageStats), falling back to all pixels when there are too few (under 0.5 %). Grey-world over
 *   all pixels reads a scene's dominant colour as a cast (a green field turned a white sky magenta on
 *   the Sony HX5V fixture); bright pixels are mostly sky, paper, walls. Applied partially: each
 *   channel's full gain (the mean of the three channel means over its own mean, after the tone curve) is raised
 *   to WB_STRENGTH = 0.6 (incomplete adaptation, as the degree-of-adaptation factor D of CIECAM02,
 *   CIE 159:2004) and clamped to 0.85..1.18, then normalised to keep luma. Full grey-world
 *   neutralises scenes that really are one colour (autumn foliage, sunsets, forests): seen on the
 *   fixtures' autumn PNG, whose full correction (R 0.82, B 1.28) turned it blue. An over-exposed
 *   picture's gains are divided by the largest instead, so none exceeds 1 (no clipped highlights).
 * - Contrast: raised up to 1.1 when the luma standard deviation after levels is below 0.18
 *   (a flat picture), only as far as it clips at most 0.5 % more pixels; never lowered.
 * - Saturation: 1.15 for dull pictures (mean HSV saturation <= 0.2), easing to 1 at 0.45.
 * - Noise: the robust noise sigma at analysis size (see media's imageStats): median 3 px above
 *   12 levels, 5 px above 20. High thresholds: fine texture (foliage, gravel) also raises the
 *   estimate (a clean 640 px landscape measures about 11), and a median filter erases texture.
 * - Sharpening: a gentle unsharp mask, sigma 0.7 px (0.5 px when noisy, so grain is not amplified).
 */
import type { PhotoAdjustments } from "@curator/contracts"
import { CLIPPED_LUMA, CRUSHED_LUMA, type Histogram, histogramPercentile, type ImageStats } from "@curator/media"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/** Mean luma (0..1) band left alone; 0.46 (118/255, 18 % grey in sRGB encoding) sits inside it. */
export const EXPOSURE_BAND = [0.4, 0.58] as const
/** The automatic gamma stays within this range (the schema allows 1/3..3; feedback may go further). */
export const GAMMA_RANGE = [0.5, 2.5] as const
/** Auto-levels tails: the fraction of pixels clipped at each end. */
export const LEVELS_CLIP = 0.005
/** Least share of all pixels the bright-pixel estimate must cover to be used (else grey-world over all pixels). */
export const BRIGHT_MIN_FRACTION = 0.005
/** Exponent applied to the full grey-world gain (0 = no correction, 1 = full): a partial correction of casts. */
export const WB_STRENGTH = 0.6
/** Grey-world gains are clamped to this range: it corrects casts without neutralising scenes that really are one colour. */
export const WB_GAIN_MIN = 0.85
export const WB_GAIN_MAX = 1.18
/** Luma standard deviation (0..1) below which a picture counts as flat and gets more contrast. */
export const FLAT_SD = 0.18

/** The tone curve of PhotoAdjustments for one normalised value (levels + gamma, no gains/contrast). */
export const toneCurve = (x: number, black: number, white: number, gamma: number): number => {
  const p = 1 / gamma
  const b = Math.pow(black, p)
  const w = Math.pow(white, p)
  return clamp((Math.pow(x, p) - b) / (w - b), 0, 1)
}

/** Mean and standard deviation (0..1) of a histogram after mapping each level through `curve`. */
const mappedMoments = (h: Histogram, curve: (x: number) => number) => {
  let n = 0
  let sum = 0
  let squares = 0
  for (let v = 0; v < 256; v++) {
    const count = h[v]!
    if (count === 0) continue
    const y = curve(v / 255)
    n += count
    sum += count * y
    squares += count * y * y
  }
  if (n === 0) return { mean: 0, sd: 0 }
  const mean = sum / n
  return { mean, sd: Math.sqrt(Math.max(0, squares / n - mean * mean)) }
}

/**
 * Fraction of pixels that contrast `k` (pivot 0.5) moves into the clipped (luma >= 250) or
 * crushed (<= 5) guard bands that the curve alone kept out of them.
 */
const clippedByContrast = (h: Histogram, curve: (x: number) => number, k: number): number => {
  const high = CLIPPED_LUMA / 255
  const low = CRUSHED_LUMA / 255
  let total = 0
  let clipped = 0
  for (let v = 0; v < 256; v++) {
    const count = h[v]!
    total += count
    const y = curve(v / 255)
    const z = k * (y - 0.5) + 0.5
    if ((y < high && z >= high) || (y > low && z <= low)) clipped += count
  }
  return total === 0 ? 0 : clipped / total
}

/** PhotoAdjustments for an image with statistics `stats` (see the module doc for each rule). */
export const analyzePhoto = (stats: ImageStats): PhotoAdjustments => {
  const { luma, red, green, blue } = stats.histograms
  let blackPoint = clamp(histogramPercentile(luma, LEVELS_CLIP) / 255, 0, 0.35)
  let whitePoint = clamp(histogramPercentile(luma, 1 - LEVELS_CLIP) / 255, 0.25, 1)
  if (whitePoint - blackPoint < 0.1) whitePoint = Math.min(1, blackPoint + 0.1)
  // An under-exposed picture keeps its black point at 0 (its shadow detail sits in the lowest
  // levels, which the gamma below lifts); an over-exposed one keeps its white point at 1
  // (stretching already-bright highlights would clip them).
  const levelledMean = mappedMoments(luma, (x) => toneCurve(x, blackPoint, whitePoint, 1)).mean
  if (levelledMean < EXPOSURE_BAND[0]) blackPoint = 0
  if (levelledMean > EXPOSURE_BAND[1]) whitePoint = 1

  // A mean inside the comfortable band keeps gamma 1; outside, bisection on log(gamma) finds the
  // gamma that brings it to the band's edge (the mapped mean rises monotonically with gamma).
  const levelled = mappedMoments(luma, (x) => toneCurve(x, blackPoint, whitePoint, 1)).mean
  const target = clamp(levelled, EXPOSURE_BAND[0], EXPOSURE_BAND[1])
  let gamma = 1
  if (target !== levelled) {
    let low = Math.log(GAMMA_RANGE[0])
    let high = Math.log(GAMMA_RANGE[1])
    for (let i = 0; i < 30; i++) {
      const mid = (low + high) / 2
      const { mean } = mappedMoments(luma, (x) => toneCurve(x, blackPoint, whitePoint, Math.exp(mid)))
      if (mean < target) low = mid
      else high = mid
    }
    gamma = Math.exp((low + high) / 2)
  }
  const curve = (x: number) => toneCurve(x, blackPoint, whitePoint, gamma)

  const total = luma.reduce((a, b) => a + b, 0)
  const bright = stats.brightMean
  const means =
    bright !== null && bright.count >= total * BRIGHT_MIN_FRACTION
      ? [bright.red, bright.green, bright.blue].map((v) => curve(v / 255))
      : [red, green, blue].map((h) => mappedMoments(h, curve).mean)
  const grey = (means[0]! + means[1]! + means[2]!) / 3
  const raw = means.map((mean) => (mean <= 0 || grey <= 0 ? 1 : clamp(Math.pow(grey / mean, WB_STRENGTH), WB_GAIN_MIN, WB_GAIN_MAX)))
  // Normalised so the BT.709 luma of a grey pixel is unchanged: white balance shifts colour, not
  // exposure. An over-exposed picture instead divides by the largest gain, so no channel gains
  // (a gain > 1 on near-white pixels would clip them: raw converters' highlight-preserving
  // multipliers, e.g. dcraw's -H 0 clip vs unclipped modes) and the shift darkens, as wanted.
  const overExposed = levelledMean > EXPOSURE_BAND[1]
  const norm = overExposed ? Math.max(raw[0]!, raw[1]!, raw[2]!) : 0.2126 * raw[0]! + 0.7152 * raw[1]! + 0.0722 * raw[2]!
  const gain = (i: number) => raw[i]! / norm

  const { sd } = mappedMoments(luma, curve)
  // The largest contrast (<= 1.1) that pushes no more than LEVELS_CLIP of the pixels past either end.
  let contrast = sd > 0 && sd < FLAT_SD ? clamp(FLAT_SD / sd, 1, 1.1) : 1
  while (contrast > 1 && clippedByContrast(luma, curve, contrast) > LEVELS_CLIP) contrast = Math.max(1, contrast - 0.01)
  const saturation = 1 + 0.15 * clamp((0.45 - stats.saturationMean) / 0.25, 0, 1)
  const denoise = stats.noiseSigma > 20 ? 5 : stats.noiseSigma > 12 ? 3 : 0

  return {
    blackPoint,
    whitePoint,
    gamma,
    whiteBalance: { red: gain(0), green: gain(1), blue: gain(2) },
    contrast,
    saturation,
    sharpenSigma: denoise > 0 ? 0.5 : 0.7,
    denoise
  }
}
