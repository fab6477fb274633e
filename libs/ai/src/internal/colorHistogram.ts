/**
 * Coarse RGB colour histograms and their distance, for visual-break detection.
 *
 * 4 bins per channel (64 bins): coarse on purpose, so small lighting or
 * framing changes inside one scene barely move mass between bins while a new
 * place or subject does. Distance is 1 - histogram intersection of the
 * normalised histograms (M. J. Swain, D. H. Ballard, "Color Indexing",
 * IJCV 7(1):11-32, 1991): 0 = same colour distribution, 1 = disjoint.
 */

/** Bins per channel. */
export const BINS_PER_CHANNEL = 4
/** Total bins (4^3). */
export const HISTOGRAM_BINS = BINS_PER_CHANNEL ** 3

/** Index of the 64-bin histogram cell for one 8-bit RGB pixel. */
export const histogramBin = (r: number, g: number, b: number): number => ((r >> 6) << 4) | ((g >> 6) << 2) | (b >> 6)

/** Normalises raw counts so the bins sum to 1 (an empty histogram stays all zero). */
export const normalise = (counts: ArrayLike<number>): Float64Array => {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]!
  const out = new Float64Array(counts.length)
  if (total > 0) for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / total
  return out
}

/** 1 - Σ min(a_i, b_i) over two normalised histograms, in 0..1 (Swain & Ballard 1991). */
export const histogramDistance = (a: Float64Array, b: Float64Array): number => {
  let common = 0
  for (let i = 0; i < a.length; i++) common += Math.min(a[i]!, b[i] ?? 0)
  return Math.min(1, Math.max(0, 1 - common))
}
