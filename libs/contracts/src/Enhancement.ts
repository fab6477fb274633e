/**
 * Enhancement contracts: the parameters an enhancement round applies and the
 * record of each round. Photo parameters are produced by `PhotoEditor` (libs/ai)
 * and applied by `PhotoRenderer` (libs/media); feedback rounds nudge them.
 */
import { Schema } from "effect"

// ---------------------------------------------------------------------------
// Photo (PhotoEditor / PhotoRenderer)
// ---------------------------------------------------------------------------

const between = (minimum: number, maximum: number) => Schema.Finite.check(Schema.isBetween({ minimum, maximum }))

/** Per-channel white-balance gains (multipliers, 0.5..2; 1 = unchanged), applied to the tone-mapped values. */
export const WhiteBalanceGains = Schema.Struct({
  red: between(0.5, 2),
  green: between(0.5, 2),
  blue: between(0.5, 2)
})
export type WhiteBalanceGains = typeof WhiteBalanceGains.Type

/**
 * The adjustments of one photo. Values are normalised 0..1 where a formula says `x`
 * (x = 8-bit level / 255). The tone curve, per channel c:
 *
 *   p = 1 / gamma
 *   t = (x^p - blackPoint^p) / (whitePoint^p - blackPoint^p)      levels + gamma
 *   y = contrast * (gain_c * t - 0.5) + 0.5, clipped to 0..1        white balance, contrast
 *
 * then chroma is scaled by `saturation`, a median filter of `denoise` px removes noise,
 * and an unsharp mask of `sharpenSigma` px sharpens.
 * - `blackPoint`, `whitePoint`: input levels (0..1) mapped to black and white; auto-levels picks
 *   the 0.5 % / 99.5 % luma percentiles (common auto-levels practice: clip a small tail each side).
 * - `gamma`: midtone gamma, 1/3..3; > 1 brightens (Photoshop Levels convention).
 * - `whiteBalance`: per-channel gains (grey-world estimate, Buchsbaum 1980).
 * - `contrast`: slope around mid-grey, 0.5..1.5 (1 = unchanged).
 * - `saturation`: chroma multiplier, 0..2 (1 = unchanged, 0 = grey).
 * - `sharpenSigma`: Gaussian sigma in px of the unsharp mask, 0..3 (0 = off).
 * - `denoise`: median filter window in px: 0 (off), 3 or 5.
 */
export const PhotoAdjustments = Schema.Struct({
  blackPoint: between(0, 0.9),
  whitePoint: between(0.1, 1),
  gamma: between(1 / 3, 3),
  whiteBalance: WhiteBalanceGains,
  contrast: between(0.5, 1.5),
  saturation: between(0, 2),
  sharpenSigma: between(0, 3),
  denoise: Schema.Literals([0, 3, 5])
})
export type PhotoAdjustments = typeof PhotoAdjustments.Type

/** The adjustments that change nothing (identity tone curve, no filters). */
export const IDENTITY_PHOTO_ADJUSTMENTS: PhotoAdjustments = {
  blackPoint: 0,
  whitePoint: 1,
  gamma: 1,
  whiteBalance: { red: 1, green: 1, blue: 1 },
  contrast: 1,
  saturation: 1,
  sharpenSigma: 0,
  denoise: 0
}

/**
 * One enhancement round of a photo. `round` 0 is the automatic enhancement, each feedback
 * round adds 1. `feedback`: the person's words that started the round (null for round 0).
 * `outputKey`: the blob key of the rendered output. `createdAt`: ISO 8601 instant.
 */
export const PhotoRound = Schema.Struct({
  round: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  feedback: Schema.NullOr(Schema.String),
  params: PhotoAdjustments,
  outputKey: Schema.String,
  createdAt: Schema.String
})
export type PhotoRound = typeof PhotoRound.Type

// ---------------------------------------------------------------------------
// Video (VideoProbe / VideoAnalyzer / VideoEnhancer)
// ---------------------------------------------------------------------------

/** HDR transfer function of a video: `hlg` (ARIB STD-B67, `color_trc=arib-std-b67`), `pq` (SMPTE ST 2084, `smpte2084`), or `none` (SDR). */
export const VideoHdrTransfer = Schema.Literals(["none", "hlg", "pq"])
export type VideoHdrTransfer = typeof VideoHdrTransfer.Type

/**
 * The adjustments of one video, applied by `VideoEnhancer` as one ffmpeg filter graph, in this order:
 * tone map -> hqdn3d -> vidstab -> eq -> colorbalance -> unsharp.
 * - `brightness`: ffmpeg `eq` brightness, added to normalised luma, -0.3..0.3 (0 = unchanged; eq allows -1..1).
 * - `contrast`: `eq` contrast, slope around mid-grey, 0.5..2 (1 = unchanged).
 * - `saturation`: `eq` saturation, chroma multiplier, 0..2 (1 = unchanged, 0 = grey).
 * - `gamma`: `eq` gamma, 0.5..2 (1 = unchanged; > 1 brightens midtones, eq: out = in^(1/gamma)).
 * - `warmth`: `colorbalance` midtone shift, -0.3..0.3: red +warmth, blue -warmth (0 = unchanged; > 0 warmer).
 * - `denoise`: `hqdn3d` luma spatial strength, 0..10 (0 = off); the other three strengths follow hqdn3d's own
 *   defaults: chroma spatial 0.75 x, luma temporal 1.5 x, chroma temporal 1.125 x (ffmpeg filter docs, hqdn3d).
 * - `stabilise`: two-pass libvidstab (`vidstabdetect` then `vidstabtransform`, smoothing 15 frames).
 * - `sharpen`: `unsharp` luma amount on a 5x5 matrix, 0..1.5 (0 = off).
 * - `toneMap`: the source's HDR transfer to tone-map to SDR BT.709 (`none` for SDR sources).
 */
export const VideoAdjustments = Schema.Struct({
  brightness: between(-0.3, 0.3),
  contrast: between(0.5, 2),
  saturation: between(0, 2),
  gamma: between(0.5, 2),
  warmth: between(-0.3, 0.3),
  denoise: between(0, 10),
  stabilise: Schema.Boolean,
  sharpen: between(0, 1.5),
  toneMap: VideoHdrTransfer
})
export type VideoAdjustments = typeof VideoAdjustments.Type

/** The adjustments that change nothing (an SDR re-encode). */
export const IDENTITY_VIDEO_ADJUSTMENTS: VideoAdjustments = {
  brightness: 0,
  contrast: 1,
  saturation: 1,
  gamma: 1,
  warmth: 0,
  denoise: 0,
  stabilise: false,
  sharpen: 0,
  toneMap: "none"
}

/**
 * What `VideoProbe.measureSignal` measured on one video.
 * - `yavg`, `ymin`, `ymax`: means over the sampled frames of ffmpeg `signalstats` YAVG / YMIN / YMAX,
 *   8-bit luma code values 0..255 (limited range: black 16, white 235).
 * - `satavg`: mean of `signalstats` SATAVG, chroma magnitude in 8-bit units (0 = grey, about 0..181).
 * - `sampledFrames`: how many frames the means cover (2 frames per second).
 * - `shake`: mean frame-to-frame change of the global motion (libvidstab), as a fraction of the frame
 *   width per frame (0 = steady; smooth pans count as near 0). Null when no motion could be measured.
 * - `hdrTransfer`: the video stream's HDR transfer function, `none` for SDR.
 * - `durationSeconds`, `hasAudio`, `rotation` (display rotation, degrees 0/90/180/270).
 * - `width`, `height`: displayed size in px (rotation applied).
 */
export const VideoAnalysis = Schema.Struct({
  yavg: between(0, 1023),
  ymin: between(0, 1023),
  ymax: between(0, 1023),
  satavg: between(0, 1023),
  sampledFrames: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  shake: Schema.NullOr(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  hdrTransfer: VideoHdrTransfer,
  durationSeconds: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  hasAudio: Schema.Boolean,
  rotation: Schema.Int,
  width: Schema.Int,
  height: Schema.Int
})
export type VideoAnalysis = typeof VideoAnalysis.Type
