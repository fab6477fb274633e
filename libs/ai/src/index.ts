/**
 * @curator/ai — the AI services. Now: `SelectionModel` with its offline layer
 * (image statistics, capture times and GPS; no network, no key). Gemini layers
 * and PhotoEditor, VideoAnalyzer, Captioner come in later issues.
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
