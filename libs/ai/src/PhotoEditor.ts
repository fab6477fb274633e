/**
 * PhotoEditor: decides how to enhance a photo and how feedback changes that decision.
 * Produces {@link PhotoAdjustments} (libs/contracts), which `PhotoRenderer` (libs/media)
 * applies at full resolution, so the same parameters can be stored per round and nudged.
 *
 * The offline layer (`PhotoEditor.layerOffline`) derives adjustments from image statistics
 * (auto-levels, grey-world white balance, contrast, saturation, noise, sharpening; rules and
 * sources in internal/photoAnalysis.ts) and maps feedback words to parameter steps
 * (internal/photoFeedback.ts).
 *
 * The Gemini layer (`PhotoEditorGemini`, GeminiPhotoEditor.ts) edits PIXELS instead: it offers
 * `edit` (an image model's edit, a self-check, a second pass; feedback as a further turn of the
 * same conversation), and the task brings the ~1 MP answer to full resolution with
 * `PhotoRenderer.renderEdited` (decision 0006). The round then stores {@link GeminiPhotoEdit}
 * instead of adjustments. A layer without `edit` (offline) keeps the adjustments path.
 */
import { type AiBadResponseError, type AiQuotaExhaustedError, type AiRateLimitedError, type AiRefusedError, type AiUnavailableError, type QuotaExceededError, PhotoAdjustments as PhotoAdjustmentsSchema, type PhotoAdjustments, type CorruptMediaError } from "@curator/contracts"
import type { ImageStats } from "@curator/media"
import type { Content } from "@google/genai"
import type { AiNoImageError } from "./errors.js"
import { Context, Effect, Layer, Schema } from "effect"
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

/** Where the photo sits in the frame padded to a supported aspect ratio (fractions 0..1; internal/aspectRatio.ts). */
export const PadPlanSchema = Schema.Struct({
  aspectRatio: Schema.String,
  left: Schema.Finite,
  top: Schema.Finite,
  width: Schema.Finite,
  height: Schema.Finite
})

/** One point of the self-check: the frame `region`, the `issue`, its `impact`. */
export const EditImprovement = Schema.Struct({ region: Schema.String, issue: Schema.String, impact: Schema.Literals(["high", "medium", "low"]) })

/** The self-check of an edit (the review model's JSON answer). `professionalScore` 1..10. */
export const EditReview = Schema.Struct({
  overallAssessment: Schema.String,
  remainingImprovements: Schema.Array(EditImprovement),
  professionalScore: Schema.Finite.check(Schema.isBetween({ minimum: 1, maximum: 10 }))
})
export type EditReview = typeof EditReview.Type

/**
 * What an image-model edit keeps of its conversation, so a feedback round can continue it:
 * `model`; `pad` (how the photo was padded; the same for every turn); `turns`: the user texts sent
 * after the first turn (the refine pass's, then each feedback's), in order; `requests`: the person's
 * feedback words so far, in order; `review`: the self-check
 * of round 0 (null when there was none); `passes`: image calls made by the round; `totalTokens`
 * used by the round (all calls).
 */
export const GeminiPhotoConversation = Schema.Struct({
  model: Schema.String,
  pad: PadPlanSchema,
  turns: Schema.Array(Schema.String),
  requests: Schema.Array(Schema.String),
  review: Schema.NullOr(EditReview),
  passes: Schema.Int,
  totalTokens: Schema.Int
})
export type GeminiPhotoConversation = typeof GeminiPhotoConversation.Type

/**
 * A Gemini round's stored parameters: the conversation plus `answerKey` (blob key of the model's
 * last image, uncropped, in the MIME type the model answered: what "undo" re-renders from),
 * `turnKey` (blob key of the model's last turn verbatim as JSON — every part with its
 * `thoughtSignature` and real MIME type: what a feedback round sends back; absent for rounds
 * stored before turns were kept, whose turn is rebuilt from `answerKey` with the documented
 * placeholder signature), `transfer` (how the full resolution was made, decision 0006) and
 * `lutFitError` (the LUT's low-pass fit error on the ~1 MP answer, RMS 8-bit levels: `lowPassFitError`).
 */
export const GeminiPhotoEdit = Schema.Struct({
  editor: Schema.Literal("gemini"),
  ...GeminiPhotoConversation.fields,
  answerKey: Schema.String,
  turnKey: Schema.optional(Schema.String),
  transfer: Schema.Literals(["lut", "upscale"]),
  lutFitError: Schema.Finite
})
export type GeminiPhotoEdit = typeof GeminiPhotoEdit.Type

/** The parameters a photo round stores: offline adjustments or a Gemini edit. */
export const PhotoRoundParams = Schema.Union([GeminiPhotoEdit, PhotoAdjustmentsSchema])
export type PhotoRoundParams = typeof PhotoRoundParams.Type

/**
 * One edit request: `image` is the photo as the model gets it (`PhotoRenderer.aiImage`: upright sRGB
 * JPEG, long edge <= 1920 px) and its size in px; `previous` is null for round 0, else the
 * conversation so far, the model's last image (uncropped, as stored), its last turn verbatim
 * (null for a round stored before turns were kept) and the person's feedback.
 */
export interface PhotoEditRequest {
  readonly image: Uint8Array
  readonly width: number
  readonly height: number
  readonly previous: null | {
    readonly conversation: GeminiPhotoConversation
    readonly answer: Uint8Array
    readonly modelTurn: Content | null
    readonly feedback: string
  }
}

/**
 * An edit's outcome: `answer` (the model's last image, uncropped, in `answerMimeType` as the model
 * sent it), `modelTurn` (the model's last turn verbatim, signatures included), `edited` (cropped
 * back to the photo's aspect ratio, PNG, ~1 MP) and the updated `conversation`.
 */
export interface PhotoEditResult {
  readonly answer: Uint8Array
  readonly answerMimeType: string
  readonly modelTurn: Content
  readonly edited: Uint8Array
  readonly conversation: GeminiPhotoConversation
}

/** Failures a cloud PhotoEditor may end with; the offline layer never fails. (`edit` also ends with AiNoImageError: the task keeps the offline edit.) */
export type PhotoEditorError = AiRefusedError | AiBadResponseError | AiRateLimitedError | AiQuotaExhaustedError | AiUnavailableError | QuotaExceededError

/** The service. */
export class PhotoEditor extends Context.Service<PhotoEditor, {
  /** The adjustments that enhance the photo described by `input`. */
  readonly analyze: (input: PhotoAnalysisInput) => Effect.Effect<PhotoAdjustments, PhotoEditorError>
  /** Applies the person's free-text `feedback` to `params` (see {@link FeedbackResult}). */
  readonly applyFeedback: (params: PhotoAdjustments, feedback: string) => Effect.Effect<FeedbackResult, PhotoEditorError>
  /**
   * Present on an image-model editor only (Gemini): edits the pixels (see {@link PhotoEditRequest},
   * {@link PhotoEditResult}). When present, the enhancement task uses it instead of `analyze`.
   */
  readonly edit?: (request: PhotoEditRequest) => Effect.Effect<PhotoEditResult, PhotoEditorError | AiNoImageError | CorruptMediaError>
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
