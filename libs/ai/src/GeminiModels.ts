/**
 * GeminiModels: the ONE place for Curator's Gemini model defaults and for what Curator knows about
 * each model (generation, limits, thinking control, per-media token figures). Prices are in
 * GeminiPrices.ts; the list of real model IDs with their shutdown dates that the test stand-in
 * enforces is kept apart, in testing/GoogleModelList.ts, so a retired default fails the tests.
 *
 * Sources, all read on 2026-12-07 (stored copies through the search tool; the date of each copy
 * is given where the page shows one):
 * - [MODELS] https://ai.google.dev/gemini-api/docs/models — "Gemini 3.8 Flash", newest stable
 *   Flash (`gemini-3.8-flash`); Nano Banana 2 (`gemini-3.1-flash-image`), Nano Banana Pro
 *   (`gemini-3-pro-image`) stable.
 * - [DEPRECATIONS] https://ai.google.dev/gemini-api/docs/deprecations — `gemini-3.8-flash`
 *   released September 2, 2026, "No shutdown date announced"; `gemini-2.5-flash` shutdown June 17,
 *   2026; `gemini-2.5-flash-image` shutdown October 2, 2026.
 * - [CHANGELOG] https://ai.google.dev/gemini-api/docs/changelog — 2026-10-06: "Gemini Nano Banana
 *   2.1 GA (`gemini-nano-banana-2.1`) ... update of Nano Banana 2 (`gemini-3.1-flash-image`)";
 *   `gemini-3.1-flash-image` deprecated, "migrate to gemini-nano-banana-2.1". 2026-10-08:
 *   `gemini-3.7-flash` and `gemini-3.5-flash` deprecated (routed to 3.8 / 3.6 Flash).
 *   2026-07-21: sampling parameters `temperature`, `top_p`, `top_k` deprecated (Curator sends none).
 * - [GUIDE38] https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-8-flash
 *   (Google's guide to the same model on Google Cloud): context window 1,048,576, maximum output
 *   65,536, thinking levels LOW / MEDIUM / HIGH (default MEDIUM).
 * - [MEDIA] https://ai.google.dev/gemini-api/docs/media-resolution — Gemini 3 images: LOW 280,
 *   MEDIUM 560, HIGH 1120 tokens (HIGH is the images' default); video frames: LOW and MEDIUM 70
 *   tokens per frame (confirmed by Google staff on discuss.ai.google.dev/t/109808), HIGH 280. The
 *   stored copies of the page end before its token table: the image figures are quoted from
 *   fastgptplus.com's transcription of it; the HIGH video figure (280 per frame) was found in no
 *   stored source (Curator never sends HIGH for video; the figure only serves estimates).
 * - [TOKENS25] https://ai.google.dev/gemini-api/docs/tokens and the Google Cloud video page
 *   (cloud.google.com/distributed-cloud/hosted/docs/latest/gdch/gemini/capabilities/video):
 *   Gemini 2.x images 258 tokens when both sides <= 384 px, else 258 per 768x768 tile; video
 *   sampled at 1 fps, 258 tokens per frame (66 at low media resolution; the SDK's MediaResolution
 *   doc: low 64, medium 256 for images); audio 32 tokens per second; 1 token ~ 4 characters.
 * - [VIDEO] Google Cloud's video pages: "the maximum number of video files allowed in a prompt
 *   request is 10". The Developer API's video page in the stored sources names no limit: 10 is
 *   kept as the conservative figure.
 * - Not found in any stored source: the context window and output limit of
 *   `gemini-nano-banana-2.1` (conservative 32,768 each: an edit request is a few thousand tokens).
 */

/** A model role in Curator: which call uses the model. */
export type GeminiRole = "selection" | "photoEdit" | "photoReview" | "videoAnalysis" | "caption"

/** Every role, in the order the configuration lists them. */
export const GEMINI_ROLES: ReadonlyArray<GeminiRole> = ["selection", "photoEdit", "photoReview", "videoAnalysis", "caption"]

/**
 * The default model per role ([MODELS], [DEPRECATIONS], [CHANGELOG], read 2026-12-07):
 * text and multimodal understanding (selection, photo review, video analysis, captions) on
 * `gemini-3.8-flash`, Google's newest GA Flash model with no shutdown date announced; photo edits
 * on `gemini-nano-banana-2.1`, the GA image model Google names as the replacement of the
 * deprecated `gemini-3.1-flash-image` (itself the replacement of `gemini-2.5-flash-image`, shut
 * down 2026-10-02).
 */
export const DEFAULT_MODELS: { readonly [R in GeminiRole]: string } = {
  selection: "gemini-3.8-flash",
  photoEdit: "gemini-nano-banana-2.1",
  photoReview: "gemini-3.8-flash",
  videoAnalysis: "gemini-3.8-flash",
  caption: "gemini-3.8-flash"
}

/** The environment variable that overrides each role's model. */
export const MODEL_ENV: { readonly [R in GeminiRole]: string } = {
  selection: "CURATOR_GEMINI_MODEL_SELECTION",
  photoEdit: "CURATOR_GEMINI_MODEL_PHOTO_EDIT",
  photoReview: "CURATOR_GEMINI_MODEL_PHOTO_REVIEW",
  videoAnalysis: "CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS",
  caption: "CURATOR_GEMINI_MODEL_CAPTION"
}

/** How a model takes its thinking setting: Gemini 3 `thinkingLevel`, Gemini 2.5 `thinkingBudget` (tokens), or none known. */
export type ThinkingControl = "level" | "budget" | "none"

/** The token-accounting generation of a model: its per-media figures differ ([MEDIA], [TOKENS25]). */
export type ModelGeneration = "2.x" | "3"

/**
 * What Curator knows about one model: `generation` (token figures), `contextWindow` (input token
 * limit), `maxOutputTokens`, `thinking` (how to set it), `image` (an image-output model).
 */
export interface ModelFacts {
  readonly generation: ModelGeneration
  readonly contextWindow: number
  readonly maxOutputTokens: number
  readonly thinking: ThinkingControl
  readonly image: boolean
}

/** Facts of the models Curator defaults to or has been run with (sources in the module doc). */
export const KNOWN_MODELS: Readonly<Record<string, ModelFacts>> = {
  // [GUIDE38]
  "gemini-3.8-flash": { generation: "3", contextWindow: 1_048_576, maxOutputTokens: 65_536, thinking: "level", image: false },
  // Not found in stored sources: conservative limits (module doc).
  "gemini-nano-banana-2.1": { generation: "3", contextWindow: 32_768, maxOutputTokens: 32_768, thinking: "none", image: true },
  // The former defaults, shut down in 2026 ([DEPRECATIONS]); kept so an override is still estimated right.
  "gemini-2.5-flash": { generation: "2.x", contextWindow: 1_048_576, maxOutputTokens: 65_536, thinking: "budget", image: false },
  "gemini-2.5-flash-image": { generation: "2.x", contextWindow: 32_768, maxOutputTokens: 32_768, thinking: "none", image: true }
}

/**
 * Facts for a model Curator has no entry for (an override): Gemini 3 token figures (the higher
 * ones), a 128k context window and 8,192 output tokens (conservative), no thinking setting sent.
 */
export const UNKNOWN_MODEL_FACTS: ModelFacts = { generation: "3", contextWindow: 131_072, maxOutputTokens: 8_192, thinking: "none", image: false }

/** The facts of `model` ({@link KNOWN_MODELS}, else {@link UNKNOWN_MODEL_FACTS}). */
export const modelFacts = (model: string): ModelFacts => KNOWN_MODELS[model] ?? UNKNOWN_MODEL_FACTS

/** The request-wide `generationConfig.mediaResolution` values (SDK `MediaResolution`). */
export type MediaResolution = "MEDIA_RESOLUTION_LOW" | "MEDIA_RESOLUTION_MEDIUM" | "MEDIA_RESOLUTION_HIGH"

/** Gemini 3 thinking levels Curator uses (SDK `ThinkingLevel`; gemini-3.8-flash takes LOW/MEDIUM/HIGH, [GUIDE38]). */
export type ThinkingLevel = "LOW" | "MEDIUM" | "HIGH"

/**
 * The deliberate request settings of a role:
 * - `mediaResolution`: LOW for selection thumbnails, video previews and caption thumbnails (280
 *   tokens per image and 70 per video frame on Gemini 3: a 400 px thumbnail has no more detail to
 *   give, and choosing between shots or reading a preview's colour needs no fine text); MEDIUM for
 *   the photo review (560: it judges an edit's detail); unset for the photo edit (the image model
 *   sees the photo at its own default).
 * - `thinkingLevel` (Gemini 3) / `thinkingBudget` (Gemini 2.5, tokens): MEDIUM for the selection
 *   (a comparison over many items, the model's default on gemini-3.8-flash), LOW for the review,
 *   the video parameters and the caption (short structured answers); the image model's own default.
 * - `maxOutputTokens`: the first budget (thinking included, as Gemini counts it); MAX_TOKENS
 *   raises it once to the model's maximum (GeminiClient). The selection's grows with its items.
 */
export interface RoleSettings {
  readonly mediaResolution: MediaResolution | null
  readonly thinkingLevel: ThinkingLevel | null
  readonly thinkingBudget: number | null
  readonly maxOutputTokens: number
}

/** {@link RoleSettings} per role. */
export const ROLE_SETTINGS: { readonly [R in GeminiRole]: RoleSettings } = {
  selection: { mediaResolution: "MEDIA_RESOLUTION_LOW", thinkingLevel: "MEDIUM", thinkingBudget: 4_096, maxOutputTokens: 16_384 },
  photoEdit: { mediaResolution: null, thinkingLevel: null, thinkingBudget: null, maxOutputTokens: 8_192 },
  photoReview: { mediaResolution: "MEDIA_RESOLUTION_MEDIUM", thinkingLevel: "LOW", thinkingBudget: 1_024, maxOutputTokens: 4_096 },
  videoAnalysis: { mediaResolution: "MEDIA_RESOLUTION_LOW", thinkingLevel: "LOW", thinkingBudget: 1_024, maxOutputTokens: 4_096 },
  caption: { mediaResolution: "MEDIA_RESOLUTION_LOW", thinkingLevel: "LOW", thinkingBudget: 1_024, maxOutputTokens: 4_096 }
}

/** Output tokens the selection budgets per item on top of {@link ROLE_SETTINGS} (a pick or exclusion line is ~60 tokens of JSON). */
export const SELECTION_OUTPUT_TOKENS_PER_ITEM = 120

/** `generationConfig.thinkingConfig` for a role on a model, or undefined (the model's own default). */
export const thinkingConfigFor = (role: GeminiRole, model: string): { readonly thinkingLevel: ThinkingLevel } | { readonly thinkingBudget: number } | undefined => {
  const settings = ROLE_SETTINGS[role]
  const control = modelFacts(model).thinking
  if (control === "level" && settings.thinkingLevel !== null) return { thinkingLevel: settings.thinkingLevel }
  if (control === "budget" && settings.thinkingBudget !== null) return { thinkingBudget: settings.thinkingBudget }
  return undefined
}

/** Most video parts ([VIDEO]) one request carries. */
export const MAX_VIDEO_PARTS_PER_REQUEST = 10

/** Characters per text token ([TOKENS25]: "one token is about 4 characters"). */
export const CHARS_PER_TOKEN = 4

/** Audio tokens per second of sound, every generation and resolution ([TOKENS25], [MEDIA]). */
export const AUDIO_TOKENS_PER_SECOND = 32

/** Gemini's default video sampling rate, frames per second ([TOKENS25]). */
export const DEFAULT_VIDEO_FPS = 1

/** Estimated tokens of `text` (rounded up). */
export const textTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN)

/**
 * Estimated tokens of one image of `width` x `height` px at `resolution` on `generation`:
 * Gemini 3 ([MEDIA]) 280 / 560 / 1120 (unset = HIGH, the images' default); Gemini 2.x ([TOKENS25])
 * 64 at LOW, 256 at MEDIUM, else 258 for an image whose sides are both <= 384 px and 258 per
 * 768x768 tile otherwise.
 */
export const imageTokens = (generation: ModelGeneration, resolution: MediaResolution | null, width: number, height: number): number => {
  if (generation === "3") return resolution === "MEDIA_RESOLUTION_LOW" ? 280 : resolution === "MEDIA_RESOLUTION_MEDIUM" ? 560 : 1120
  if (resolution === "MEDIA_RESOLUTION_LOW") return 64
  if (resolution === "MEDIA_RESOLUTION_MEDIUM") return 256
  if (width <= 384 && height <= 384) return 258
  return Math.ceil(width / 768) * Math.ceil(height / 768) * 258
}

/** Estimated tokens of one sampled video frame: Gemini 3 70 (LOW/MEDIUM/unset) or 280 (HIGH); Gemini 2.x 66 at LOW, else 258. */
export const videoFrameTokens = (generation: ModelGeneration, resolution: MediaResolution | null): number =>
  generation === "3" ? (resolution === "MEDIA_RESOLUTION_HIGH" ? 280 : 70) : resolution === "MEDIA_RESOLUTION_LOW" ? 66 : 258

/**
 * Estimated tokens of a video part: `ceil(durationSeconds x fps)` sampled frames at
 * {@link videoFrameTokens} plus {@link AUDIO_TOKENS_PER_SECOND} per second when it has sound.
 * `fps` is the part's `videoMetadata.fps` (default {@link DEFAULT_VIDEO_FPS}).
 */
export const videoTokens = (
  generation: ModelGeneration,
  resolution: MediaResolution | null,
  video: { readonly durationSeconds: number; readonly hasAudio: boolean; readonly fps?: number }
): number => {
  const seconds = Math.max(0, video.durationSeconds)
  const frames = Math.max(1, Math.ceil(seconds * (video.fps ?? DEFAULT_VIDEO_FPS)))
  return frames * videoFrameTokens(generation, resolution) + (video.hasAudio ? Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND) : 0)
}

/**
 * Share of a model's context window one request may fill by estimate (the rest is headroom for
 * the estimate's error, the system instruction and the answer's schema): 0.8.
 */
export const CONTEXT_HEADROOM = 0.8
