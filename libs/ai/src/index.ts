/**
 * @curator/ai — the AI services: `SelectionModel` with its offline layer
 * (image statistics, capture times and GPS; no network, no key) and its Gemini
 * layer (`SelectionModelGemini` over `GeminiClient`, used only when
 * `GEMINI_API_KEY` is set); PhotoEditor and VideoAnalyzer (offline layers).
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
export {
  checkSelectionAnswer,
  describeItem,
  SELECTION_RESPONSE_SCHEMA,
  SelectionModelGemini,
  toSelectionResult
} from "./GeminiSelection.js"
export { PROMPTS } from "./prompts.generated.js"
