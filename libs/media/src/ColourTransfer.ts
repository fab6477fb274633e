/**
 * Colour transfer by a 3D lookup table: how an AI edit made on a ~1 megapixel copy reaches the
 * full-resolution original (decision 0006, docs/decisions/0006-gemini-edit-at-full-resolution.md).
 *
 * A LUT of `size`^3 nodes over the RGB cube (8-bit sRGB values, node i of an axis at
 * i * 255 / (size - 1)) maps an input colour to an output colour; between nodes it interpolates
 * trilinearly (the interpolation of the Adobe .cube / ffmpeg `lut3d` convention).
 *
 * Fitting ({@link fitLut}) averages: every pixel of the downscaled original "splats" its OFFSET
 * (edited - original) onto the 8 nodes around its colour with the trilinear weights; a node's
 * offset is the weighted mean of what reached it. Averaging offsets rather than absolute outputs
 * keeps a node exact for any edit that is locally a translation of colour, and an identity edit
 * gives an exact identity LUT. Nodes no pixel reached (colours the photo does not contain) take
 * the mean offset of their filled 6-neighbours, repeated until every node is filled, so the table
 * extrapolates smoothly; with no pixel at all it is the identity.
 *
 * Whether a LUT explains an edit at all is judged by {@link lowPassFitError} (the fit error after a
 * box low-pass), which ignores redrawn texture and sub-pixel misregistration but not local tone
 * changes; `PhotoRenderer.renderEdited` upscales instead when it is too large.
 *
 * All buffers are interleaved 8-bit RGB (`channels` 3, no alpha), row-major.
 */

/** A fitted LUT: `size` nodes per axis; `table[(r * size + g) * size + b) * 3 + c]` is output channel c in 0..255 (float). */
export interface Lut3d {
  readonly size: number
  readonly table: Float32Array
}

/** Default LUT size: 33 nodes per axis (the common .cube size; 17 is the small one). Chosen by measurement, docs/performance.md §9. */
export const DEFAULT_LUT_SIZE = 33

/**
 * Fits a LUT mapping `source` colours to `edited` colours, pixel by pixel (both the same size,
 * interleaved RGB). See the module doc for the averaging and the fill of empty nodes.
 */
export const fitLut = (source: Uint8Array, edited: Uint8Array, size: number = DEFAULT_LUT_SIZE): Lut3d => {
  if (source.length !== edited.length || source.length % 3 !== 0) throw new Error(`fitLut: buffers differ in size (${source.length} vs ${edited.length}) or are not RGB`)
  const n = size * size * size
  const sum = new Float64Array(n * 3)
  const weight = new Float64Array(n)
  const scale = (size - 1) / 255
  const last = size - 2
  for (let p = 0; p < source.length; p += 3) {
    const fr = source[p]! * scale
    const fg = source[p + 1]! * scale
    const fb = source[p + 2]! * scale
    const r0 = Math.min(last, Math.floor(fr))
    const g0 = Math.min(last, Math.floor(fg))
    const b0 = Math.min(last, Math.floor(fb))
    const dr = fr - r0
    const dg = fg - g0
    const db = fb - b0
    const or = edited[p]! - source[p]!
    const og = edited[p + 1]! - source[p + 1]!
    const ob = edited[p + 2]! - source[p + 2]!
    for (let k = 0; k < 8; k++) {
      const ir = k & 4 ? 1 : 0
      const ig = k & 2 ? 1 : 0
      const ib = k & 1 ? 1 : 0
      const w = (ir ? dr : 1 - dr) * (ig ? dg : 1 - dg) * (ib ? db : 1 - db)
      if (w === 0) continue
      const node = ((r0 + ir) * size + (g0 + ig)) * size + (b0 + ib)
      weight[node]! += w
      sum[node * 3]! += w * or
      sum[node * 3 + 1]! += w * og
      sum[node * 3 + 2]! += w * ob
    }
  }
  // Offsets per node; NaN marks an empty node.
  const offset = new Float64Array(n * 3).fill(Number.NaN)
  let empty = 0
  for (let i = 0; i < n; i++) {
    // A weight this small is a pixel colour far from the node: too little evidence, treated as empty.
    if (weight[i]! > 1e-3) {
      offset[i * 3] = sum[i * 3]! / weight[i]!
      offset[i * 3 + 1] = sum[i * 3 + 1]! / weight[i]!
      offset[i * 3 + 2] = sum[i * 3 + 2]! / weight[i]!
    } else empty++
  }
  if (empty === n) offset.fill(0)
  else {
    while (empty > 0) {
      const filled: Array<[number, number, number, number]> = []
      for (let r = 0; r < size; r++)
        for (let g = 0; g < size; g++)
          for (let b = 0; b < size; b++) {
            const i = (r * size + g) * size + b
            if (!Number.isNaN(offset[i * 3]!)) continue
            let count = 0
            let sr = 0
            let sg = 0
            let sb = 0
            for (const [nr, ng, nb] of [[r - 1, g, b], [r + 1, g, b], [r, g - 1, b], [r, g + 1, b], [r, g, b - 1], [r, g, b + 1]] as const) {
              if (nr < 0 || ng < 0 || nb < 0 || nr >= size || ng >= size || nb >= size) continue
              const j = (nr * size + ng) * size + nb
              if (Number.isNaN(offset[j * 3]!)) continue
              count++
              sr += offset[j * 3]!
              sg += offset[j * 3 + 1]!
              sb += offset[j * 3 + 2]!
            }
            if (count > 0) filled.push([i, sr / count, sg / count, sb / count])
          }
      for (const [i, r, g, b] of filled) {
        offset[i * 3] = r
        offset[i * 3 + 1] = g
        offset[i * 3 + 2] = b
      }
      empty -= filled.length
    }
  }
  const table = new Float32Array(n * 3)
  const step = 255 / (size - 1)
  for (let r = 0; r < size; r++)
    for (let g = 0; g < size; g++)
      for (let b = 0; b < size; b++) {
        const i = (r * size + g) * size + b
        table[i * 3] = r * step + offset[i * 3]!
        table[i * 3 + 1] = g * step + offset[i * 3 + 1]!
        table[i * 3 + 2] = b * step + offset[i * 3 + 2]!
      }
  return { size, table }
}

/** Applies `lut` to interleaved 8-bit RGB pixels with trilinear interpolation; returns a new buffer (values rounded, clipped to 0..255). */
export const applyLut = (pixels: Uint8Array, lut: Lut3d): Uint8Array => {
  const { size, table } = lut
  const out = new Uint8Array(pixels.length)
  const scale = (size - 1) / 255
  const last = size - 2
  const sg = size * 3
  const sr = size * size * 3
  for (let p = 0; p < pixels.length; p += 3) {
    const fr = pixels[p]! * scale
    const fg = pixels[p + 1]! * scale
    const fb = pixels[p + 2]! * scale
    const r0 = Math.min(last, Math.floor(fr))
    const g0 = Math.min(last, Math.floor(fg))
    const b0 = Math.min(last, Math.floor(fb))
    const dr = fr - r0
    const dg = fg - g0
    const db = fb - b0
    const base = r0 * sr + g0 * sg + b0 * 3
    for (let c = 0; c < 3; c++) {
      const i = base + c
      const c00 = table[i]! * (1 - db) + table[i + 3]! * db
      const c01 = table[i + sg]! * (1 - db) + table[i + sg + 3]! * db
      const c10 = table[i + sr]! * (1 - db) + table[i + sr + 3]! * db
      const c11 = table[i + sr + sg]! * (1 - db) + table[i + sr + sg + 3]! * db
      const v = (c00 * (1 - dg) + c01 * dg) * (1 - dr) + (c10 * (1 - dg) + c11 * dg) * dr
      out[p + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)
    }
  }
  return out
}

/** Root-mean-square difference of two same-sized 8-bit buffers, in 8-bit levels (0 = identical). */
export const rmsDifference = (a: Uint8Array, b: Uint8Array): number => {
  if (a.length !== b.length) throw new Error(`rmsDifference: buffers differ in size (${a.length} vs ${b.length})`)
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    sum += d * d
  }
  return a.length === 0 ? 0 : Math.sqrt(sum / a.length)
}

/**
 * How well a LUT explains an edit: the RMS difference (8-bit levels) between `edited` and the LUT
 * applied to `source`. Small (a few levels) for a global tone/colour edit; large when the edit
 * changed local content (retouching, removed objects, relighting one region), which a colour
 * mapping cannot express.
 */
export const lutFitError = (source: Uint8Array, edited: Uint8Array, lut: Lut3d): number => rmsDifference(applyLut(source, lut), edited)

/** Longest edge in px of the low-pass copies {@link lowPassFitError} compares. */
export const LOW_PASS_EDGE = 64

/**
 * Box-downscales interleaved RGB (`width` x `height`) by an integer factor so the longest edge is
 * at most `edge` px (block means; the right/bottom remainders are dropped). Returns the means as
 * floats and the new size.
 */
export const boxDownscale = (pixels: Uint8Array, width: number, height: number, edge: number): { readonly data: Float32Array; readonly width: number; readonly height: number } => {
  const f = Math.max(1, Math.ceil(Math.max(width, height) / edge))
  const w = Math.max(1, Math.floor(width / f))
  const h = Math.max(1, Math.floor(height / f))
  const out = new Float32Array(w * h * 3)
  const n = f * f
  for (let by = 0; by < h; by++)
    for (let bx = 0; bx < w; bx++) {
      let r = 0
      let g = 0
      let b = 0
      for (let y = by * f; y < by * f + f && y < height; y++)
        for (let x = bx * f; x < bx * f + f && x < width; x++) {
          const p = (y * width + x) * 3
          r += pixels[p]!
          g += pixels[p + 1]!
          b += pixels[p + 2]!
        }
      const o = (by * w + bx) * 3
      out[o] = r / n
      out[o + 1] = g / n
      out[o + 2] = b / n
    }
  return { data: out, width: w, height: h }
}

/**
 * The LUT's fit error at low spatial frequency: RMS difference (8-bit levels) between `edited` and
 * the LUT applied to `source`, both box-downscaled to <= {@link LOW_PASS_EDGE} px first. Texture a
 * generative model redraws, JPEG noise and sub-pixel misregistration from the pad/crop average
 * out; a local change of tone (a brightened region) does not. This is the figure `auto` decides by.
 */
export const lowPassFitError = (source: Uint8Array, edited: Uint8Array, width: number, height: number, lut: Lut3d, edge: number = LOW_PASS_EDGE): number => {
  const a = boxDownscale(applyLut(source, lut), width, height, edge).data
  const b = boxDownscale(edited, width, height, edge).data
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    sum += d * d
  }
  return a.length === 0 ? 0 : Math.sqrt(sum / a.length)
}
