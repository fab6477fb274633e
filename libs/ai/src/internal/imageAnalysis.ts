/**
 * Per-image analysis of thumbnails and video frames with sharp: one decode per
 * image to an 8-bit RGB raster (<= 400 px longest edge), from which luma
 * (ITU-R BT.601: Y' = 0.299 R' + 0.587 G' + 0.114 B', the JPEG/JFIF weights),
 * the dHash, the variance of the Laplacian, exposure, a colour histogram and the
 * line-art statistics (nonPhoto.ts) are all computed in memory. A video is summarised from all its frames.
 */
import sharp from "sharp"
import { HISTOGRAM_BINS, histogramBin, normalise } from "./colorHistogram.js"
import { exposureStats } from "./exposure.js"
import { dHash } from "./perceptualHash.js"
import { type LineArtStats, lineArtStats } from "./nonPhoto.js"
import { laplacianVariance } from "./sharpness.js"

/** Longest edge (px) images are analysed at; thumbnails are already this size, bigger frames are shrunk to it. */
export const ANALYSIS_EDGE = 400
/**
 * Decoder pixel limit for a thumbnail or frame (px): an 8K UHD frame (7680 x 4320).
 * Inputs are Curator's own thumbnails, but the limit keeps a bad blob from exhausting memory.
 */
export const MAX_INPUT_PIXELS = 7680 * 4320

/** Statistics of one decoded image. Fractions in 0..1, luma in 0..255, variance in grey levels squared. */
export interface ImageStats {
  readonly width: number
  readonly height: number
  readonly dHash: bigint
  readonly laplacianVariance: number
  readonly meanLuma: number
  readonly clippedHighlights: number
  readonly crushedShadows: number
  /** 99.5th / 0.5th percentile of luma (exposure.ts). */
  readonly highlightLuma: number
  readonly shadowLuma: number
  /** 64-bin normalised RGB histogram (see colorHistogram.ts). */
  readonly histogram: Float64Array
  /** Flat colour, texture and edges: what tells a chart or screenshot from a photo (nonPhoto.ts). */
  readonly lineArt: LineArtStats
}

/** Statistics of one media item: a photo's thumbnail, or a video's thumbnail and frames combined. */
export interface MediaStats extends ImageStats {
  /** Images the statistics come from (1 for a photo; thumbnail + decodable frames for a video). */
  readonly frameCount: number
}

/**
 * Decodes one JPEG (or any format sharp reads) once and computes its statistics.
 * Rejects with sharp's error when the bytes cannot be decoded (truncated, not an image,
 * over {@link MAX_INPUT_PIXELS}).
 */
export const analyzeImage = async (bytes: Uint8Array): Promise<ImageStats> => {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
    .resize(ANALYSIS_EDGE, ANALYSIS_EDGE, { fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true })
  const { width, height, channels } = info
  const pixels = width * height
  const luma = new Uint8Array(pixels)
  const counts = new Uint32Array(HISTOGRAM_BINS)
  for (let p = 0, i = 0; p < pixels; p++, i += channels) {
    const r = data[i]!
    const g = channels >= 3 ? data[i + 1]! : r
    const b = channels >= 3 ? data[i + 2]! : r
    luma[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b)
    counts[histogramBin(r, g, b)]! += 1
  }
  return {
    width,
    height,
    dHash: dHash(luma, width, height),
    laplacianVariance: laplacianVariance(luma, width, height),
    ...exposureStats(luma),
    histogram: normalise(counts),
    lineArt: lineArtStats(data, luma, width, height, channels)
  }
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Combines per-image statistics into one item's statistics. The first image (the
 * thumbnail) supplies the dHash, histogram and line-art statistics, since it is what near-duplicate and
 * scene tests compare and what the person sees; sharpness and exposure are medians
 * over all images, so one motion-blurred or black frame does not sink a video and
 * one lucky frame does not carry it.
 */
export const combineFrames = (frames: ReadonlyArray<ImageStats>): MediaStats | undefined => {
  const first = frames[0]
  if (first === undefined) return undefined
  if (frames.length === 1) return { ...first, frameCount: 1 }
  return {
    ...first,
    laplacianVariance: median(frames.map((f) => f.laplacianVariance)),
    meanLuma: median(frames.map((f) => f.meanLuma)),
    clippedHighlights: median(frames.map((f) => f.clippedHighlights)),
    crushedShadows: median(frames.map((f) => f.crushedShadows)),
    highlightLuma: median(frames.map((f) => f.highlightLuma)),
    shadowLuma: median(frames.map((f) => f.shadowLuma)),
    frameCount: frames.length
  }
}

/** Outcome of analysing one item: its statistics, or why none of its images decoded. */
export type MediaAnalysis =
  | { readonly _tag: "Analysed"; readonly stats: MediaStats }
  | { readonly _tag: "Unprocessable"; readonly message: string }

/**
 * Analyses a photo (thumbnail only) or a video (thumbnail + frames). Frames that do not
 * decode are skipped; the item is unprocessable only when no image decodes.
 */
export const analyzeMedia = async (thumbnail: Uint8Array, frames: ReadonlyArray<Uint8Array>): Promise<MediaAnalysis> => {
  const settled = await Promise.allSettled([thumbnail, ...frames].map(analyzeImage))
  const decoded = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []))
  const stats = combineFrames(decoded)
  if (stats !== undefined) return { _tag: "Analysed", stats }
  const first = settled[0]
  const message = first?.status === "rejected" ? String(first.reason instanceof Error ? first.reason.message : first.reason) : "no image"
  return { _tag: "Unprocessable", message }
}
