/**
 * PhotoEditor: decides how to enhance a photo and how feedback changes that decision.
 * Produces {@link PhotoAdjustments} (libs/contracts), which `PhotoRenderer` (libs/media)
 * applies at full resolution, so the same parameters can be stored per round and nudged.
 *
 * The offline layer (`PhotoEditor.layerOffline`) derives adjustments from image statistics
 * (auto-levels, grey-world white balance, contrast, saturation, noise, sharpening; rules and
 * sources in internal/photoAnalysis.ts) and maps feedback words to parameter steps
 * (internal/photoFeedback.ts). A Gemini layer (later issue) takes the same inputs — the
 * statistics plus an optional preview JPEG — and returns the same shapes.
 */
import type { AiBadResponseError, AiRateLimitedError, AiRefusedError, AiUnavailableError, PhotoAdjustments } from "@curator/contracts"
import type { ImageStats } from "@curator/media"
import { Context, Effect, Layer } from "effect"
import { analyzePhoto } from "./internal/photoAnalysis.js"
import { interpretFeedback } from "./internal/photoFeedback.js"

export { EXPOSURE_BAND, FLAT_SD, GAMMA_RANGE, LEVELS_CLIP, WB_GAIN_MAX, WB_GAIN_MIN } from "./internal/photoAnalysis.js"
export { UNDERSTOOD_PHRASES } from "./internal/photoFeedback.js"

/**
 * What `analyze` looks at: `stats` from `PhotoRenderer.statistics` (upright, <= 1024 px raster)
 * and, optionally, `preview`, a small upright JPEG of the photo (the offline layer does not need
 * it; a vision model will).
 */
export interface PhotoAnalysisInput {
  readonly stats: ImageStats
  readonly preview?: Uint8Array
}

/**
 * The outcome of `applyFeedback`:
 * - `params`: the new adjustments (unchanged when not understood, and for undo);
 * - `understood`: false when no phrase of the text was recognised;
 * - `undo`: true when the text asks to undo — the CALLER restores the previous round's params
 *   from its history (the editor has no history);
 * - `note`: what was applied or ignored, for the person.
 */
export interface FeedbackResult {
  readonly params: PhotoAdjustments
  readonly understood: boolean
  readonly undo: boolean
  readonly note: string
}

/** Failures a cloud PhotoEditor may end with; the offline layer never fails. */
export type PhotoEditorError = AiRefusedError | AiBadResponseError | AiRateLimitedError | AiUnavailableError

/** The service. */
export class PhotoEditor extends Context.Service<PhotoEditor, {
  /** The adjustments that enhance the photo described by `input`. */
  readonly analyze: (input: PhotoAnalysisInput) => Effect.Effect<PhotoAdjustments, PhotoEditorError>
  /** Applies the person's free-text `feedback` to `params` (see {@link FeedbackResult}). */
  readonly applyFeedback: (params: PhotoAdjustments, feedback: string) => Effect.Effect<FeedbackResult, PhotoEditorError>
}>()("curator/ai/PhotoEditor") {
  /** Offline: statistics and a phrase table; no network, no key. */
  static readonly layerOffline = Layer.succeed(
    PhotoEditor,
    PhotoEditor.of({
      analyze: Effect.fn("PhotoEditor.analyze.offline")(function* (input: PhotoAnalysisInput) {
        return analyzePhoto(input.stats)
      }),
      applyFeedback: Effect.fn("PhotoEditor.applyFeedback.offline")(function* (params: PhotoAdjustments, feedback: string) {
        return interpretFeedback(params, feedback)
      })
    })
  )
}
