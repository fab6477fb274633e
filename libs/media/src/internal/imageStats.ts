/**
 * Image statistics of an 8-bit RGB raster: per-channel and luma histograms, a noise
 * estimate and the mean saturation. Shared by the photo analyzer (libs/ai, through
 * `PhotoRenderer.statistics`) and by the measurements tests assert on.
 *
 * - Luma: BT.709 weights on the encoded values (Y' = 0.2126 R' + 0.7152 G' + 0.0722 B').
 * - Saturation: HSV saturation (max - min) / max per pixel, 0 for black (Smith 1978).
 * - Noise: the Laplacian-difference mask [1 -2 1; -2 4 -2; 1 -2 1] of Immerkaer 1996, "Fast
 *   Noise Variance Estimation" (CVIU 64(2)), on luma, with a median (robust) instead of a mean
 *   of the absolute responses: the standard deviation of additive Gaussian noise in 8-bit levels.
 * - Bright pixels: the mean R, G, B of the brightest BRIGHT_FRACTION of the pixels that have no
 *   clipped channel, the illuminant estimate of Joze, Drew, Finlayson & Rey 2012, "The Role of
 *   Bright Pixels in Illumination Estimation" (CIC 20), which uses the top 2-5 %.
 */

/** A 256-bin histogram: `counts[v]` is how many pixels have 8-bit value v. */
export type Histogram = ReadonlyArray<number>

/**
 * Statistics of one image raster (upright, at analysis size).
 * - `width`, `height`: the analysed raster in px; `sourceWidth`, `sourceHeight`: the full image in px.
 * - `histograms`: 256-bin counts of red, green, blue and BT.709 luma (8-bit levels).
 * - `noiseSigma`: robust Immerkaer noise standard deviation of luma in 8-bit levels (at analysis size).
 * - `saturationMean`: mean HSV saturation, 0..1.
 * - `brightMean`: mean red, green, blue (8-bit levels) of the brightest unclipped pixels (see the
 *   module doc) and how many pixels that is; null when there are none (an all-black or all-clipped image).
 */
export interface ImageStats {
  readonly width: number
  readonly height: number
  readonly sourceWidth: number
  readonly sourceHeight: number
  readonly histograms: { readonly red: Histogram; readonly green: Histogram; readonly blue: Histogram; readonly luma: Histogram }
  readonly noiseSigma: number
  readonly saturationMean: number
  readonly brightMean: { readonly red: number; readonly green: number; readonly blue: number; readonly count: number } | null
}

/** Fraction of the unclipped pixels, brightest first, whose mean is the bright-pixel illuminant estimate (Joze et al. 2012: 2-5 %). */
export const BRIGHT_FRACTION = 0.05
/** A channel at or above this 8-bit level is clipped: such pixels do not show the illuminant's colour. */
export const CLIPPED_CHANNEL = 250

/** Luma at or above which a pixel counts as a clipped highlight (8-bit), as in the selection model's exposure score. */
export const CLIPPED_LUMA = 250
/** Luma at or below which a pixel counts as a crushed shadow (8-bit). */
export const CRUSHED_LUMA = 5

/**
 * Measurements of one image (all on 8-bit levels unless noted):
 * - `meanLuma`: mean BT.709 luma, 0..255.
 * - `p01`, `p99`: 1st and 99th luma percentiles, 0..255.
 * - `clippedHighlights`, `crushedShadows`: fractions (0..1) of pixels with luma >= 250 / <= 5.
 * - `saturationMean`: mean HSV saturation, 0..1.
 * - `histogramSpread`: p99 - p01, the luma range the bulk of the pixels occupies, 0..255.
 * - `channelMeans`: mean red, green, blue, 0..255 (a warmer picture has a higher red/blue ratio).
 */
export interface PhotoMeasurement {
  readonly meanLuma: number
  readonly p01: number
  readonly p99: number
  readonly clippedHighlights: number
  readonly crushedShadows: number
  readonly saturationMean: number
  readonly histogramSpread: number
  readonly channelMeans: { readonly red: number; readonly green: number; readonly blue: number }
}

/** Statistics of an interleaved 8-bit raster with `channels` >= 3 (alpha, if any, ignored). */
export const rasterStats = (
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  source: { readonly width: number; readonly height: number }
): ImageStats => {
  const red = new Array<number>(256).fill(0)
  const green = new Array<number>(256).fill(0)
  const blue = new Array<number>(256).fill(0)
  const lumaHist = new Array<number>(256).fill(0)
  const luma = new Float32Array(width * height)
  let saturationSum = 0
  for (let i = 0, p = 0; p < luma.length; i += channels, p++) {
    const r = data[i]!
    const g = channels >= 3 ? data[i + 1]! : r
    const b = channels >= 3 ? data[i + 2]! : r
    red[r]!++
    green[g]!++
    blue[b]!++
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    luma[p] = y
    lumaHist[Math.min(255, Math.round(y))]!++
    const max = Math.max(r, g, b)
    if (max > 0) saturationSum += (max - Math.min(r, g, b)) / max
  }
  return {
    width,
    height,
    sourceWidth: source.width,
    sourceHeight: source.height,
    histograms: { red, green, blue, luma: lumaHist },
    noiseSigma: immerkaerSigma(luma, width, height),
    saturationMean: luma.length === 0 ? 0 : saturationSum / luma.length,
    brightMean: brightPixelsMean(data, luma, channels)
  }
}

/** Mean R, G, B of the brightest BRIGHT_FRACTION of the pixels with no channel >= CLIPPED_CHANNEL (null when none). */
const brightPixelsMean = (data: Uint8Array, luma: Float32Array, channels: number): ImageStats["brightMean"] => {
  const unclipped = (i: number) =>
    data[i]! < CLIPPED_CHANNEL && (channels < 3 || (data[i + 1]! < CLIPPED_CHANNEL && data[i + 2]! < CLIPPED_CHANNEL))
  // Histogram of the unclipped pixels' luma (0.25-level bins) -> the threshold of the top fraction.
  const bins = new Uint32Array(1024)
  let total = 0
  for (let p = 0, i = 0; p < luma.length; p++, i += channels) {
    if (!unclipped(i)) continue
    bins[Math.min(1023, Math.floor(luma[p]! * 4))]!++
    total++
  }
  if (total === 0) return null
  const wanted = Math.max(1, Math.round(total * BRIGHT_FRACTION))
  let threshold = 1023
  for (let seen = 0; threshold > 0; threshold--) {
    seen += bins[threshold]!
    if (seen >= wanted) break
  }
  let r = 0
  let g = 0
  let b = 0
  let count = 0
  for (let p = 0, i = 0; p < luma.length; p++, i += channels) {
    if (!unclipped(i) || Math.floor(luma[p]! * 4) < threshold) continue
    r += data[i]!
    g += channels >= 3 ? data[i + 1]! : data[i]!
    b += channels >= 3 ? data[i + 2]! : data[i]!
    count++
  }
  return { red: r / count, green: g / count, blue: b / count, count }
}

/**
 * Noise sigma of a luma raster in 8-bit levels; 0 for rasters under 3x3 px. Immerkaer's mask
 * response to Gaussian noise of sigma s is Gaussian with sigma 6s (the mask's squared weights
 * sum to 36). Immerkaer averages |response|, which counts edges and texture as noise; the MEDIAN
 * absolute response over 0.6745 (the MAD estimator, Donoho & Johnstone 1994) ignores them as
 * long as they cover under half the picture.
 */
export const immerkaerSigma = (luma: Float32Array, width: number, height: number): number => {
  if (width < 3 || height < 3) return 0
  const responses = new Float32Array((width - 2) * (height - 2))
  let n = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = (dx: number, dy: number) => luma[(y + dy) * width + x + dx]!
      responses[n++] = Math.abs(
        at(-1, -1) - 2 * at(0, -1) + at(1, -1) -
        2 * at(-1, 0) + 4 * at(0, 0) - 2 * at(1, 0) +
        at(-1, 1) - 2 * at(0, 1) + at(1, 1)
      )
    }
  }
  responses.sort()
  return responses[Math.floor(n / 2)]! / (0.6745 * 6)
}

/** Total count of a histogram. */
export const histogramTotal = (h: Histogram): number => h.reduce((a, b) => a + b, 0)

/** The `q`-quantile (0..1) of a histogram as an 8-bit level: the first level whose cumulative count reaches q of the total. */
export const histogramPercentile = (h: Histogram, q: number): number => {
  const total = histogramTotal(h)
  if (total === 0) return 0
  const target = q * total
  let cumulative = 0
  for (let v = 0; v < 256; v++) {
    cumulative += h[v]!
    if (cumulative >= target && cumulative > 0) return v
  }
  return 255
}

/** Mean level (0..255) of a histogram; 0 when empty. */
export const histogramMean = (h: Histogram): number => {
  const total = histogramTotal(h)
  return total === 0 ? 0 : h.reduce((sum, count, v) => sum + count * v, 0) / total
}

/** The measurements of {@link PhotoMeasurement} from statistics. */
export const measurementOf = (stats: ImageStats): PhotoMeasurement => {
  const { luma } = stats.histograms
  const total = histogramTotal(luma)
  const fraction = (from: number, to: number) => (total === 0 ? 0 : luma.slice(from, to + 1).reduce((a, b) => a + b, 0) / total)
  const p01 = histogramPercentile(luma, 0.01)
  const p99 = histogramPercentile(luma, 0.99)
  return {
    meanLuma: histogramMean(luma),
    p01,
    p99,
    clippedHighlights: fraction(CLIPPED_LUMA, 255),
    crushedShadows: fraction(0, CRUSHED_LUMA),
    saturationMean: stats.saturationMean,
    histogramSpread: p99 - p01,
    channelMeans: {
      red: histogramMean(stats.histograms.red),
      green: histogramMean(stats.histograms.green),
      blue: histogramMean(stats.histograms.blue)
    }
  }
}
