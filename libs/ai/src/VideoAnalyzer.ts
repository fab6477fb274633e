/**
 * VideoAnalyzer: turns a video's measured signal (`VideoAnalysis`, from `VideoProbe` in
 * libs/media) into `VideoAdjustments`, and nudges them with the person's feedback. The offline
 * layer (`VideoAnalyzer.layerOffline`) uses the rules below. The Gemini layer
 * (`VideoAnalyzerGemini`, GeminiVideoAnalyzer.ts) also offers `analyseVideo`: the video's AI
 * preview (H.264 + AAC MP4) in, the same `VideoAdjustments` out, so `VideoEnhancer` does not change;
 * feedback is a further turn of the same conversation.
 */
import { Context, Effect, Layer, Schema } from "effect"
import { IDENTITY_VIDEO_ADJUSTMENTS, VideoAdjustments, type VideoAnalysis } from "@curator/contracts"
import type { AiFileFailedError } from "./errors.js"
import type { GeminiError } from "./GeminiClient.js"
import { interpretVideoFeedback, type VideoFeedbackInterpretation } from "./internal/videoFeedback.js"

export { interpretVideoFeedback, VIDEO_FEEDBACK_PHRASES, type VideoFeedbackInterpretation } from "./internal/videoFeedback.js"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/**
 * Target mean luma, 8-bit code value: 110, a little below the middle of BT.709 limited range
 * (16..235, middle 125.5), where well-exposed everyday footage typically sits.
 */
export const TARGET_YAVG = 110
/** Target mean saturation (signalstats SATAVG, 8-bit units): natural-looking daylight footage measures about 20-30. */
export const TARGET_SATAVG = 22
/** Shake (fraction of frame width per frame) above which stabilisation is applied: 0.004 = 1.3 px at 320 px, visible jitter. */
export const SHAKE_THRESHOLD = 0.004
/** Mean luma under which footage is called dark and likely noisy (high sensor gain): denoise strength 4; under {@link DIM_YAVG}: 2. */
export const DARK_YAVG = 70
export const DIM_YAVG = 95

/**
 * The offline rules (values are 8-bit code values as measured by signalstats):
 * - contrast: stretch the used range (YMAX - YMIN) towards the legal 219 (16..235): 219 / range,
 *   only expanding, at most 1.25 (eq's contrast pivots at mid-grey, so the mean barely moves).
 * - gamma: the eq gamma g that maps YAVG onto {@link TARGET_YAVG} (eq: out = in^(1/g), so
 *   g = ln(YAVG/255) / ln(target/255)), 0.7..1.6; within 5 % of 1 it stays 1.
 * - brightness: what gamma could not reach, half of the remaining distance / 255, -0.1..0.15.
 * - saturation: sqrt({@link TARGET_SATAVG} / SATAVG), 0.9..1.25 (square root: half the way, as
 *   chroma boosts look garish quickly); 1 for near-grey footage (SATAVG < 2).
 * - denoise: hqdn3d 4 when YAVG < {@link DARK_YAVG}, 2 under {@link DIM_YAVG}, else 0; the gain that
 *   lifts dark footage lifts its noise.
 * - stabilise: shake above {@link SHAKE_THRESHOLD}.
 * - sharpen: unsharp 0.3 (gentle), 0.5 after denoising (hqdn3d softens fine detail).
 * - toneMap: the source's HDR transfer.
 */
export const deriveVideoAdjustments = (analysis: VideoAnalysis): VideoAdjustments => {
  const range = analysis.ymax - analysis.ymin
  const contrast = range > 0 ? clamp(219 / range, 1, 1.25) : 1
  const yavg = clamp(analysis.yavg, 1, 254)
  const idealGamma = Math.log(yavg / 255) / Math.log(TARGET_YAVG / 255)
  const gamma = Math.abs(idealGamma - 1) < 0.05 ? 1 : clamp(idealGamma, 0.7, 1.6)
  const reached = 255 * Math.pow(yavg / 255, 1 / gamma)
  const residual = (TARGET_YAVG - reached) / 255 / 2
  const brightness = Math.abs(residual) < 0.01 ? 0 : clamp(residual, -0.1, 0.15)
  const saturation = analysis.satavg < 2 ? 1 : clamp(Math.sqrt(TARGET_SATAVG / analysis.satavg), 0.9, 1.25)
  const denoise = analysis.yavg < DARK_YAVG ? 4 : analysis.yavg < DIM_YAVG ? 2 : 0
  return {
    ...IDENTITY_VIDEO_ADJUSTMENTS,
    brightness,
    contrast,
    saturation,
    gamma,
    denoise,
    stabilise: analysis.shake !== null && analysis.shake > SHAKE_THRESHOLD,
    sharpen: denoise > 0 ? 0.5 : 0.3,
    toneMap: analysis.hdrTransfer
  }
}

/**
 * What a Gemini video round keeps of its conversation: `model`, the model's `reason` for its
 * parameters, the person's feedback `requests` so far (in order), the `totalTokens` of the round
 * and `turn`: the model's answer turn verbatim as JSON (its parts with their `thoughtSignature`),
 * sent back by the next feedback round (absent for a round stored before turns were kept: that
 * turn is rebuilt from the parameters with the documented placeholder signature).
 */
export const GeminiVideoConversation = Schema.Struct({
  model: Schema.String,
  reason: Schema.String,
  requests: Schema.Array(Schema.String),
  totalTokens: Schema.Int,
  turn: Schema.optional(Schema.String)
})
export type GeminiVideoConversation = typeof GeminiVideoConversation.Type

/**
 * The parameters a video round stores: the `VideoAdjustments` (what VideoEnhancer applies) plus,
 * for a Gemini round, `gemini` (its conversation). Structurally a VideoAdjustments.
 */
export const VideoRoundParams = Schema.Struct({ ...VideoAdjustments.fields, gemini: Schema.optional(GeminiVideoConversation) })
export type VideoRoundParams = typeof VideoRoundParams.Type

/**
 * One Gemini analysis: the AI `preview` (H.264 + AAC MP4 bytes, `durationSeconds` long), the measured `analysis` (its figures go into
 * the prompt; `hdrTransfer` decides `toneMap`), and `previous` for a feedback round (the latest
 * round's parameters with their conversation, and the person's words).
 */
export interface VideoAnalysisRequest {
  readonly preview: { readonly bytes: Uint8Array; readonly mimeType: string; readonly displayName: string; readonly durationSeconds: number }
  readonly analysis: VideoAnalysis
  readonly previous: null | { readonly params: VideoRoundParams; readonly feedback: string }
}

/** The service. */
export class VideoAnalyzer extends Context.Service<VideoAnalyzer, {
  /** The adjustments for a measured video (offline: {@link deriveVideoAdjustments}). Never fails. */
  readonly analyse: (analysis: VideoAnalysis) => Effect.Effect<VideoAdjustments>
  /**
   * `adjustments` changed by the person's `text` (offline: {@link interpretVideoFeedback}); `undo: true`
   * tells the caller to restore the previous round's adjustments. Never fails: unknown words change nothing.
   */
  readonly applyFeedback: (adjustments: VideoAdjustments, text: string) => Effect.Effect<VideoFeedbackInterpretation>
  /**
   * Present on a model-backed analyzer only (Gemini): the round's parameters from the video's AI
   * preview (see {@link VideoAnalysisRequest}). When present, the enhancement task uses it instead
   * of `analyse` / `applyFeedback` (except "undo", which restores the round before).
   */
  readonly analyseVideo?: (request: VideoAnalysisRequest) => Effect.Effect<VideoRoundParams, GeminiError | AiFileFailedError>
}>()("curator/ai/VideoAnalyzer") {
  /** Offline rules, no network, no key. */
  static readonly layerOffline = Layer.succeed(
    VideoAnalyzer,
    VideoAnalyzer.of({
      analyse: Effect.fn("VideoAnalyzer.analyse.offline")(function* (analysis: VideoAnalysis) {
        return deriveVideoAdjustments(analysis)
      }),
      applyFeedback: Effect.fn("VideoAnalyzer.applyFeedback.offline")(function* (adjustments: VideoAdjustments, text: string) {
        return interpretVideoFeedback(adjustments, text)
      })
    })
  )
}
