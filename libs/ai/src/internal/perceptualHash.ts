/**
 * Perceptual hashing: dHash ("difference hash"), 64 bits.
 *
 * Source: Neal Krawetz, "Kind of Like That" (HackerFactor blog, 2013-01-21),
 * https://www.hackerfactor.com/blog/index.php?/archives/529-Kind-of-Like-That.html,
 * the follow-up to his "Looks Like It" (2011, aHash/pHash). Reduce the image to
 * 9x8 grey pixels, then set one bit per row neighbour pair: 8 rows x 8 pairs = 64 bits.
 * Krawetz: a Hamming distance of 0 is "very similar", 1..10 "potentially a
 * variation", > 10 "likely a different image" — hence {@link NEAR_DUPLICATE_MAX_DISTANCE}.
 */

/** Hash width in bits. */
export const DHASH_BITS = 64

/** Largest Hamming distance (of 64 bits) at which two images count as near-duplicates (Krawetz 2013: 1..10 = "variation"). */
export const NEAR_DUPLICATE_MAX_DISTANCE = 10

/**
 * dHash of a grey raster (`luma`: one byte per pixel, row-major, `width` x `height` px).
 * The raster is reduced to 9x8 cells by area averaging (each pixel falls in exactly
 * one cell, so this is one pass and needs no second decode); bit (row y, column x)
 * is 1 when cell x is brighter than cell x+1. Bits are packed row-major, MSB first.
 * Rasters smaller than 9x8 px return 0n (too small to hash meaningfully).
 */
export const dHash = (luma: Uint8Array, width: number, height: number): bigint => {
  if (width < 9 || height < 8) return 0n
  const sums = new Float64Array(72)
  const counts = new Uint32Array(72)
  const cellOfColumn = new Uint8Array(width)
  for (let x = 0; x < width; x++) cellOfColumn[x] = Math.floor((x * 9) / width)
  for (let y = 0; y < height; y++) {
    const rowBase = Math.floor((y * 8) / height) * 9
    const offset = y * width
    for (let x = 0; x < width; x++) {
      const cell = rowBase + cellOfColumn[x]!
      sums[cell]! += luma[offset + x]!
      counts[cell]! += 1
    }
  }
  let hash = 0n
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = sums[y * 9 + x]! / counts[y * 9 + x]!
      const right = sums[y * 9 + x + 1]! / counts[y * 9 + x + 1]!
      hash = (hash << 1n) | (left > right ? 1n : 0n)
    }
  }
  return hash
}

/** Number of differing bits between two 64-bit hashes (0..64). */
export const hammingDistance = (a: bigint, b: bigint): number => {
  let x = BigInt.asUintN(DHASH_BITS, a ^ b)
  let count = 0
  while (x !== 0n) {
    x &= x - 1n
    count++
  }
  return count
}

/** The hash as 16 lowercase hex digits (for reasons and logs). */
export const hashToHex = (hash: bigint): string => BigInt.asUintN(DHASH_BITS, hash).toString(16).padStart(16, "0")
