/**
 * @curator/ai — the AI services: `SelectionModel` with its offline layer
 * (image statistics, capture times and GPS; no network, no key) and its Gemini
 * layer (`SelectionModelGemini` over `GeminiClient`, used only when
 * `GEMINI_API_KEY` is set); PhotoEditor and VideoAnalyzer (offline layers, and Gemini layers
 * `PhotoEditorGemini` / `VideoAnalyzerGemini`); the Captioner (offline layer
 * with an offline reverse geocoder, `CaptionerGemini`) and the caption task.
 */
export {
  DEFAULT_TARGET_COUNT,
  decodeSelectionInput,
  OFFLINE_MODEL,
  SelectionCandidate,
  SelectionInput,
  SelectionModel,
  type SelectionModelError
} from "./SelectionModel.js"
export * from "./SelectionTask.js"
export * from "./PhotoEditor.js"
export * from "./VideoAnalyzer.js"
export * from "./PhotoEnhancementTask.js"
export * from "./VideoEnhancementTask.js"
export * from "./GeminiClient.js"
export * from "./GeminiModels.js"
export * from "./GeminiPrices.js"
export * from "./errors.js"
export {
  checkSelectionAnswer,
  describeItem,
  SELECTION_RESPONSE_SCHEMA,
  SelectionModelGemini,
  toSelectionResult
} from "./GeminiSelection.js"
export { PROMPTS } from "./prompts.generated.js"
export {
  CaptionInput,
  CaptionItem,
  type CaptionOutput,
  Captioner,
  type CaptionerError,
  checkCaptionInput,
  OFFLINE_CAPTION_MODEL
} from "./Captioner.js"
export { CAPTION_RESPONSE_SCHEMA, captionTurns, CaptionerGemini, checkCaptionAnswer } from "./GeminiCaptioner.js"
export * from "./CaptionTask.js"
export {
  decodeReview,
  feedbackPrompt,
  isUndoFeedback,
  PhotoEditorGemini,
  REFINE_BELOW_SCORE,
  refinePrompt,
  REVIEW_RESPONSE_SCHEMA
} from "./GeminiPhotoEditor.js"
export { analysisFps, ANALYSIS_MAX_FRAMES, decodeVideoAnswer, describeSignal, VIDEO_RESPONSE_SCHEMA, VideoAnalyzerGemini } from "./GeminiVideoAnalyzer.js"
export { cropToPhoto, IMAGE_MODEL_SIZES, nearestAspectRatio, padImage, type PadPlan, padPlan } from "./internal/aspectRatio.js"
export { type BatchLimits, candidateLoad, type CandidateLoad, mergeBatchResults, planBatches, proportionalQuotas } from "./GeminiSelection.js"
export * from "./SessionTokenMeter.js"
