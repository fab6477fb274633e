/**
 * Sharpness as the variance of the Laplacian ("LAP4"/"VOL" focus measure).
 *
 * Source: J. L. Pech-Pacheco, G. Cristóbal, J. Chamorro-Martínez, J. Fernández-Valdivia,
 * "Diatom autofocusing in brightfield microscopy: a comparative study",
 * Proc. 15th ICPR (2000), vol. 3, pp. 314-317. A blurred image has weak edges,
 * so the Laplacian response is small everywhere and its variance is low.
 * The value depends on content and raster size, so Curator compares it within
 * one batch of same-size (<= 400 px) thumbnails, never against a fixed scale alone.
 */

/**
 * Variance of the 4-neighbour Laplacian (kernel [0 1 0; 1 -4 1; 0 1 0]) over the
 * interior pixels of a grey raster (`luma`: 1 byte/px, row-major, `width` x `height` px).
 * Units: grey levels squared. Returns 0 for rasters under 3x3 px.
 */
export const laplacianVariance = (luma: Uint8Array, width: number, height: number): number => {
  if (width < 3 || height < 3) return 0
  let sum = 0
  let sumSquares = 0
  let n = 0
  for (let y = 1; y < height - 1; y++) {
    const row = y * width
    for (let x = 1; x < width - 1; x++) {
      const i = row + x
      const response = luma[i - width]! + luma[i + width]! + luma[i - 1]! + luma[i + 1]! - 4 * luma[i]!
      sum += response
      sumSquares += response * response
      n++
    }
  }
  const mean = sum / n
  return Math.max(0, sumSquares / n - mean * mean)
}
