/**
 * GeminiClient: the one place Curator talks to Gemini, over `@google/genai` 3.1.0 (Gemini
 * Developer API, REST, `v1beta`).
 *
 * - Configuration from the environment ({@link geminiConfigFromEnv}); no key means no client, and
 *   callers stay on the offline layers. Model defaults live in GeminiModels.ts (one place), each
 *   overridable by its variable; {@link checkGeminiModels} asks `models.get` for every configured
 *   model at start-up and turns an unknown or retired one into a ConfigError naming the variable.
 * - The SDK's own retries are OFF (`httpOptions.retryOptions.attempts = 1`): retrying is the state
 *   machine's job (Retry on AiRateLimitedError / AiUnavailableError from the error table), so
 *   retries never multiply. A 429 is read before it is mapped ({@link classifyRateLimit}): a daily
 *   quota is terminal (AiQuotaExhaustedError); a RetryInfo delay within the state machine's retry
 *   budget is waited out here, so the next attempt comes after it.
 * - Each HTTP attempt is bounded by `timeoutMs` (the SDK aborts the fetch).
 * - Answers are read by their `finishReason` FIRST ({@link readCandidate}): a safety family reason
 *   is AiRefusedError, MAX_TOKENS raises the output budget once, an empty answer is asked again
 *   (never answered with an empty model part), NO_IMAGE / IMAGE_OTHER is AiNoImageError. Model
 *   turns are kept verbatim (thought signatures, real MIME types) for the turns that follow.
 * - Usage (`usageMetadata`, thinking tokens included) and its estimated cost (GeminiPrices.ts)
 *   come back with every call; calls made for a session are metered against its token quota and
 *   its budget in USD (SessionTokenMeter).
 */
import {
  AiBadResponseError,
  AiQuotaExhaustedError,
  AiRateLimitedError,
  AiRefusedError,
  AiUnavailableError,
  QuotaExceededError,
  retryBudgetSeconds
} from "@curator/contracts"
import { ApiError, type Content, type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai"
import { Config, ConfigProvider, Context, Duration, Effect, Layer, Option } from "effect"
import { AiFileFailedError, AiNoImageError } from "./errors.js"
import { costUsd } from "./GeminiPrices.js"
import {
  DEFAULT_MODELS,
  GEMINI_ROLES,
  type GeminiRole,
  MODEL_ENV,
  modelFacts,
  ROLE_SETTINGS,
  thinkingConfigFor
} from "./GeminiModels.js"
import { SessionTokenMeter } from "./SessionTokenMeter.js"

/** The REST API version requested (https://ai.google.dev/api; the SDK's own default in 3.1.0 is `v1`). */
export const GEMINI_API_VERSION = "v1beta"
/**
 * Default cap on the tokens one session may use (prompt + output + thinking, every call): 2,000,000
 * (issue 6). Past it a call is refused with QuotaExceededError (terminal).
 */
export const DEFAULT_SESSION_TOKEN_QUOTA = 2_000_000
/**
 * Default cap on one session's estimated Gemini cost, USD: 2 (issue 16). At the 2026 price of
 * gemini-3.8-flash a 200-item selection with a few minutes of video costs a few cents, a photo
 * edit about five cents (GeminiPrices.ts): $2 covers a large trip and stops a runaway loop.
 */
export const DEFAULT_SESSION_BUDGET_USD = 2
/** Default largest number of items in one selection request (larger sessions are split; GeminiSelection.ts). */
export const DEFAULT_SELECTION_BATCH_ITEMS = 100
/**
 * Default largest inline bytes (thumbnails, frames and inline previews, before base64) in one
 * selection request: 14 MB, so the base64 request (x 4/3) stays under the 20 MB that Google's
 * guides name for inline data (the API's own payload limit was raised to 100 MB on 2026-01-08,
 * changelog: the smaller figure is kept, larger media go through the Files API).
 */
export const DEFAULT_SELECTION_BATCH_BYTES = 14_000_000
/** Default largest video preview sent inline (bytes); a larger one goes through the Files API. */
export const DEFAULT_INLINE_VIDEO_BYTES = 4_000_000
/** Default bound of one HTTP attempt, ms (a selection over ~100 thumbnails takes tens of seconds). */
export const DEFAULT_TIMEOUT_MS = 120_000
/** Default bound of the wait for an uploaded file to become ACTIVE, ms. */
export const DEFAULT_FILE_ACTIVE_TIMEOUT_MS = 120_000
/** Interval between Files API status reads, ms. */
export const DEFAULT_FILE_POLL_MS = 2_000

/**
 * The signature Google documents for model turns a client writes itself (thought signatures page,
 * ai.google.dev/gemini-api/docs/thought-signatures, and Google Cloud's copy: "skip_thought_signature_validator"):
 * Curator puts it on the first part of a model turn it rebuilds (a video round's JSON, a caption
 * draft, a photo answer stored before turns were kept verbatim).
 */
export const PLACEHOLDER_THOUGHT_SIGNATURE = "skip_thought_signature_validator"

/**
 * Gemini settings. `baseUrl`: null for Google's endpoint, else a stand-in
 * (`http://127.0.0.1:<port>`). Timeouts in milliseconds.
 */
export interface GeminiConfig {
  readonly apiKey: string
  readonly baseUrl: string | null
  /** The model of each role (GeminiModels.ts `DEFAULT_MODELS`, overridden by `MODEL_ENV`). */
  readonly models: { readonly [R in GeminiRole]: string }
  /** Tokens a session may use in total (see {@link DEFAULT_SESSION_TOKEN_QUOTA}). */
  readonly sessionTokenQuota: number
  /** Estimated USD a session may spend in total (see {@link DEFAULT_SESSION_BUDGET_USD}). */
  readonly sessionBudgetUsd: number
  /**
   * Limits of one selection request: items, inline bytes, and estimated input tokens (null: 80 %
   * of the model's context window, GeminiModels.ts `CONTEXT_HEADROOM`).
   */
  readonly selectionBatch: { readonly items: number; readonly bytes: number; readonly tokens: number | null }
  /** Largest video preview sent inline, bytes ({@link DEFAULT_INLINE_VIDEO_BYTES}). */
  readonly inlineVideoBytes: number
  readonly timeoutMs: number
  readonly fileActiveTimeoutMs: number
  readonly filePollMs: number
  /** Input token limits `models.get` reported at start-up (model id -> tokens), when checked. */
  readonly inputTokenLimits?: Readonly<Record<string, number>>
}

const positiveInt = (value: string | undefined, fallback: number): number => {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}
const positiveNumber = (value: string | undefined, fallback: number): number => {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value)
  return Number.isFinite(n) && n > 0 ? n : fallback
}
const nonEmpty = (value: string | undefined, fallback: string): string => (value === undefined || value.trim() === "" ? fallback : value.trim())

/**
 * Reads the configuration from an environment: `GEMINI_API_KEY` (absent or blank -> null: no
 * Gemini, offline layers), `CURATOR_GEMINI_BASE_URL`, the model of each role
 * (`CURATOR_GEMINI_MODEL_SELECTION`, `_PHOTO_EDIT`, `_PHOTO_REVIEW`, `_VIDEO_ANALYSIS`, `_CAPTION`;
 * defaults in GeminiModels.ts), `CURATOR_GEMINI_SESSION_TOKEN_QUOTA`,
 * `CURATOR_GEMINI_SESSION_BUDGET_USD`, `CURATOR_GEMINI_SELECTION_BATCH_ITEMS`,
 * `CURATOR_GEMINI_SELECTION_BATCH_BYTES`, `CURATOR_GEMINI_SELECTION_BATCH_TOKENS`,
 * `CURATOR_GEMINI_INLINE_VIDEO_BYTES`, `CURATOR_GEMINI_TIMEOUT_MS`,
 * `CURATOR_GEMINI_FILE_ACTIVE_TIMEOUT_MS` (defaults: the `DEFAULT_*` constants; a non-positive or
 * malformed number falls back to the default).
 */
export const geminiConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): GeminiConfig | null => {
  const apiKey = env["GEMINI_API_KEY"]?.trim() ?? ""
  if (apiKey === "") return null
  const baseUrl = env["CURATOR_GEMINI_BASE_URL"]?.trim() ?? ""
  const batchTokens = positiveInt(env["CURATOR_GEMINI_SELECTION_BATCH_TOKENS"], 0)
  return {
    apiKey,
    baseUrl: baseUrl === "" ? null : baseUrl,
    models: Object.fromEntries(GEMINI_ROLES.map((role) => [role, nonEmpty(env[MODEL_ENV[role]], DEFAULT_MODELS[role])])) as GeminiConfig["models"],
    sessionTokenQuota: positiveInt(env["CURATOR_GEMINI_SESSION_TOKEN_QUOTA"], DEFAULT_SESSION_TOKEN_QUOTA),
    sessionBudgetUsd: positiveNumber(env["CURATOR_GEMINI_SESSION_BUDGET_USD"], DEFAULT_SESSION_BUDGET_USD),
    selectionBatch: {
      items: positiveInt(env["CURATOR_GEMINI_SELECTION_BATCH_ITEMS"], DEFAULT_SELECTION_BATCH_ITEMS),
      bytes: positiveInt(env["CURATOR_GEMINI_SELECTION_BATCH_BYTES"], DEFAULT_SELECTION_BATCH_BYTES),
      tokens: batchTokens === 0 ? null : batchTokens
    },
    inlineVideoBytes: positiveInt(env["CURATOR_GEMINI_INLINE_VIDEO_BYTES"], DEFAULT_INLINE_VIDEO_BYTES),
    timeoutMs: positiveInt(env["CURATOR_GEMINI_TIMEOUT_MS"], DEFAULT_TIMEOUT_MS),
    fileActiveTimeoutMs: positiveInt(env["CURATOR_GEMINI_FILE_ACTIVE_TIMEOUT_MS"], DEFAULT_FILE_ACTIVE_TIMEOUT_MS),
    filePollMs: DEFAULT_FILE_POLL_MS
  }
}

/** One line naming every role's model and the session limits (what `curator serve/run` and the workers print at start-up). */
export const describeGeminiConfig = (config: GeminiConfig): string =>
  `Gemini: selection ${config.models.selection}, photo edits ${config.models.photoEdit} (checked by ${config.models.photoReview}), ` +
  `video analysis ${config.models.videoAnalysis}, captions ${config.models.caption}; per session at most ${config.sessionTokenQuota.toLocaleString("en-US")} tokens ` +
  `and an estimated $${config.sessionBudgetUsd} (CURATOR_GEMINI_SESSION_TOKEN_QUOTA, CURATOR_GEMINI_SESSION_BUDGET_USD).`

/** The input token limit of `model` for request planning: what `models.get` reported, else GeminiModels.ts' figure. */
export const contextWindowOf = (config: GeminiConfig, model: string): number => config.inputTokenLimits?.[model] ?? modelFacts(model).contextWindow

/**
 * Tokens used by one or more calls, from `usageMetadata` (0 when the API omits a count):
 * `promptTokens` (input), `outputTokens` (answer), `thoughtsTokens` (thinking, billed as output),
 * `totalTokens` (the API's total: prompt + answer + thinking), and `costUsd`, the estimate from
 * the price table (GeminiPrices.ts) on the day of the call.
 */
export interface TokenUsage {
  readonly promptTokens: number
  readonly outputTokens: number
  readonly thoughtsTokens: number
  readonly totalTokens: number
  readonly costUsd: number
}

/** Zero usage. */
export const NO_USAGE: TokenUsage = { promptTokens: 0, outputTokens: 0, thoughtsTokens: 0, totalTokens: 0, costUsd: 0 }

/** Sums two usages. */
export const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  promptTokens: a.promptTokens + b.promptTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  thoughtsTokens: a.thoughtsTokens + b.thoughtsTokens,
  totalTokens: a.totalTokens + b.totalTokens,
  costUsd: a.costUsd + b.costUsd
})

const today = () => new Date().toISOString().slice(0, 10)

/** The usage of one answer of `model`, priced on today's date. */
export const usageOf = (model: string, r: GenerateContentResponse): TokenUsage => {
  const m = r.usageMetadata
  const promptTokens = m?.promptTokenCount ?? 0
  const outputTokens = m?.candidatesTokenCount ?? 0
  const thoughtsTokens = m?.thoughtsTokenCount ?? 0
  const imageOutputTokens = (m?.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE").reduce((n, d) => n + (d.tokenCount ?? 0), 0)
  return {
    promptTokens,
    outputTokens,
    thoughtsTokens,
    totalTokens: m?.totalTokenCount ?? promptTokens + outputTokens + thoughtsTokens,
    costUsd: costUsd(model, { promptTokens, outputTokens, thoughtsTokens, imageOutputTokens }, today())
  }
}

/** Every failure of a Gemini call. */
export type GeminiError = AiRateLimitedError | AiQuotaExhaustedError | AiUnavailableError | AiRefusedError | AiBadResponseError | QuotaExceededError

/** What a 429's body says (google.rpc error details): the quota ids that ran out and the RetryInfo delay (s). */
export interface RateLimitDetails {
  readonly quotaIds: ReadonlyArray<string>
  readonly retryDelaySeconds: number | null
}

/** Reads `google.rpc.QuotaFailure` and `google.rpc.RetryInfo` from an ApiError's JSON message (the SDK puts the body there). */
export const rateLimitDetails = (message: string): RateLimitDetails => {
  let body: unknown
  try {
    body = JSON.parse(message)
  } catch {
    return { quotaIds: [], retryDelaySeconds: null }
  }
  const details = (body as { error?: { details?: ReadonlyArray<Record<string, unknown>> } })?.error?.details ?? []
  const quotaIds: Array<string> = []
  let retryDelaySeconds: number | null = null
  for (const d of details) {
    const type = String(d["@type"] ?? "")
    if (type.endsWith("google.rpc.QuotaFailure")) {
      for (const v of (d["violations"] as ReadonlyArray<Record<string, unknown>> | undefined) ?? []) {
        if (typeof v["quotaId"] === "string") quotaIds.push(v["quotaId"])
      }
    }
    if (type.endsWith("google.rpc.RetryInfo") && typeof d["retryDelay"] === "string") {
      // google.protobuf.Duration in JSON: decimal seconds with an "s" suffix ("17s", "0.5s").
      const seconds = Number(d["retryDelay"].replace(/s$/, ""))
      if (Number.isFinite(seconds) && seconds >= 0) retryDelaySeconds = seconds
    }
  }
  return { quotaIds, retryDelaySeconds }
}

/**
 * What to do with a 429: `daily` when a violated quota is per day (its id says `PerDay`, as in
 * `GenerateRequestsPerDayPerProjectPerModel`): it does not recover within minutes, so the call is
 * terminal (AiQuotaExhaustedError). Else `wait` the RetryInfo delay when it fits the state machine's
 * retry budget of AiRateLimitedError (contracts `retryBudgetSeconds`, 75 s), `beyond` when it does
 * not (terminal too), `retry` (no delay given: the table's own backoff).
 */
export const classifyRateLimit = (details: RateLimitDetails, budgetSeconds = retryBudgetSeconds("AiRateLimitedError")):
  | { readonly kind: "daily"; readonly quotaId: string }
  | { readonly kind: "wait"; readonly seconds: number }
  | { readonly kind: "beyond"; readonly seconds: number }
  | { readonly kind: "retry" } => {
  const daily = details.quotaIds.find((id) => /PerDay/i.test(id))
  if (daily !== undefined) return { kind: "daily", quotaId: daily }
  if (details.retryDelaySeconds === null) return { kind: "retry" }
  return details.retryDelaySeconds <= budgetSeconds ? { kind: "wait", seconds: details.retryDelaySeconds } : { kind: "beyond", seconds: details.retryDelaySeconds }
}

/**
 * Maps an SDK failure onto the error table: `ApiError` 429 -> by {@link classifyRateLimit} (a
 * RetryInfo delay is waited out here, then AiRateLimitedError); 5xx and 408 -> AiUnavailableError;
 * an aborted fetch (timeout) or a network failure -> AiUnavailableError; any other 4xx (a request
 * Gemini rejects) -> AiBadResponseError (terminal).
 */
export const toAiError = (e: unknown, what: string): Effect.Effect<never, GeminiError> => {
  if (e instanceof ApiError) {
    const message = `${what}: Gemini answered HTTP ${e.status}: ${e.message}`
    if (e.status === 429) {
      const decision = classifyRateLimit(rateLimitDetails(e.message))
      switch (decision.kind) {
        case "daily":
          return Effect.fail(new AiQuotaExhaustedError({ message: `${what}: the Gemini quota ${decision.quotaId} is used up for the day; retrying now cannot succeed (${message})` }))
        case "beyond":
          return Effect.fail(new AiQuotaExhaustedError({ message: `${what}: Gemini asks to wait ${decision.seconds} s, longer than the ${retryBudgetSeconds("AiRateLimitedError")} s the state machine retries for (${message})` }))
        case "wait":
          return Effect.logWarning(`${what}: Gemini rate limit; waiting the ${decision.seconds} s it asks for before the retry`).pipe(
            Effect.andThen(Effect.sleep(Duration.seconds(decision.seconds))),
            Effect.andThen(Effect.fail(new AiRateLimitedError({ message: `${message} (waited the ${decision.seconds} s RetryInfo delay)` })))
          )
        case "retry":
          return Effect.fail(new AiRateLimitedError({ message }))
      }
    }
    if (e.status >= 500 || e.status === 408) return Effect.fail(new AiUnavailableError({ message }))
    return Effect.fail(new AiBadResponseError({ message }))
  }
  const name = e instanceof Error ? e.name : ""
  const detail = e instanceof Error ? e.message : String(e)
  if (name === "AbortError" || name === "TimeoutError") return Effect.fail(new AiUnavailableError({ message: `${what}: Gemini did not answer in time (${detail})` }))
  return Effect.fail(new AiUnavailableError({ message: `${what}: Gemini could not be reached: ${detail}` }))
}

/**
 * finishReason values of the safety family (the SDK 3.1.0 `FinishReason` enum): the answer was
 * withheld for safety, policy, personal data or recitation — terminal AiRefusedError.
 */
export const REFUSAL_FINISH: ReadonlySet<string> = new Set([
  "SAFETY",
  "PROHIBITED_CONTENT",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "IMAGE_RECITATION"
])

/** finishReason values of an image model that made no image (SDK `FinishReason`: NO_IMAGE, IMAGE_OTHER). */
export const NO_IMAGE_FINISH: ReadonlySet<string> = new Set(["NO_IMAGE", "IMAGE_OTHER"])

/** The data fields of a Part (the API accepts a part with exactly one of them set). */
const DATA_FIELDS = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"] as const

/** True when `part` carries data: a non-empty text, inline data with bytes, a file URI, or a call. */
export const hasData = (part: Part): boolean =>
  DATA_FIELDS.some((f) => {
    const v = part[f]
    if (v === undefined || v === null) return false
    if (f === "text") return typeof v === "string" && v !== ""
    if (f === "inlineData") return typeof part.inlineData?.data === "string" && part.inlineData.data !== ""
    if (f === "fileData") return typeof part.fileData?.fileUri === "string" && part.fileData.fileUri !== ""
    return true
  })

/**
 * A model turn as sent back in a later request: the candidate's parts verbatim (thought parts,
 * `thoughtSignature`s and MIME types kept), minus parts without data (the API rejects them); a
 * signature carried by a dropped part moves to the first kept part that has none. Null when no
 * part has data.
 */
export const modelTurnOf = (content: Content | undefined): Content | null => {
  const parts = content?.parts ?? []
  const kept: Array<Part> = []
  let orphan: string | undefined
  for (const p of parts) {
    if (hasData(p)) kept.push({ ...p })
    else if (p.thoughtSignature !== undefined) orphan ??= p.thoughtSignature
  }
  if (kept.length === 0) return null
  if (orphan !== undefined) {
    const first = kept.find((p) => p.thoughtSignature === undefined)
    if (first !== undefined) first.thoughtSignature = orphan
  }
  return { role: "model", parts: kept }
}

/** A model turn Curator writes itself (it was not answered in this form): `parts` with the documented placeholder signature on the first. */
export const curatorModelTurn = (parts: ReadonlyArray<Part>): Content => ({
  role: "model",
  parts: parts.map((p, i) => (i === 0 && p.thoughtSignature === undefined ? { ...p, thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE } : p))
})

/**
 * What a response holds, read by finishReason before anything else:
 * - `refused`: a prompt block or a safety family finishReason (AiRefusedError);
 * - `truncated`: MAX_TOKENS (the output budget ran out, possibly while thinking);
 * - `noImage`: NO_IMAGE / IMAGE_OTHER;
 * - `empty`: no candidate, or a candidate without usable content (OTHER, ...);
 * - `answer`: a model turn with data (`text` = its non-thought text joined).
 */
export type CandidateReading =
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "truncated"; readonly turn: Content | null; readonly text: string }
  | { readonly kind: "noImage"; readonly reason: string; readonly text: string }
  | { readonly kind: "empty"; readonly reason: string }
  | { readonly kind: "answer"; readonly turn: Content; readonly text: string; readonly finishReason: string }

/** Reads the first candidate of `r` (see {@link CandidateReading}). */
export const readCandidate = (r: GenerateContentResponse): CandidateReading => {
  const block = r.promptFeedback?.blockReason
  if (block !== undefined) return { kind: "refused", reason: `Gemini blocked the prompt (${block}${r.promptFeedback?.blockReasonMessage ? `: ${r.promptFeedback.blockReasonMessage}` : ""})` }
  const candidate = r.candidates?.[0]
  if (candidate === undefined) return { kind: "empty", reason: "Gemini answered with no candidate" }
  const finish = candidate.finishReason ?? "STOP"
  if (REFUSAL_FINISH.has(finish)) return { kind: "refused", reason: `Gemini stopped the answer (finishReason ${finish})` }
  const turn = modelTurnOf(candidate.content)
  const text = (turn?.parts ?? []).flatMap((p) => (typeof p.text === "string" && p.thought !== true ? [p.text] : [])).join("")
  if (finish === "MAX_TOKENS") return { kind: "truncated", turn, text }
  if (NO_IMAGE_FINISH.has(finish)) return { kind: "noImage", reason: `finishReason ${finish}`, text }
  if (turn === null) return { kind: "empty", reason: `the answer had no content (finishReason ${finish})` }
  return { kind: "answer", turn, text, finishReason: finish }
}

/** The outcome of a decode: a value or a message saying what is wrong (sent back to the model in the repair turn). */
export type DecodeResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string }

/**
 * A structured request: `role` (its settings: GeminiModels.ts `ROLE_SETTINGS`), `model`, the
 * `parts` of one user turn (text, `inlineData`, `fileData`), an optional system instruction,
 * earlier turns (`history`, model turns verbatim), the JSON Schema of the answer (sent as
 * `generationConfig.responseJsonSchema` with `responseMimeType: application/json`), `decode`
 * (checks the parsed JSON beyond the schema) and `maxOutputTokens` (the first output budget;
 * default the role's).
 */
export interface JsonRequest<A> {
  readonly what: string
  readonly role: GeminiRole
  readonly model: string
  readonly systemInstruction?: string
  /** Earlier turns of the same conversation (user/model alternating), sent before the user turn of `parts`. */
  readonly history?: ReadonlyArray<Content>
  readonly parts: ReadonlyArray<Part>
  readonly responseJsonSchema: Record<string, unknown>
  readonly decode: (json: unknown) => DecodeResult<A>
  readonly maxOutputTokens?: number
}

/** A structured answer: the value, the model's turn verbatim (for a later turn of the conversation) and the tokens of every call. */
export interface JsonAnswer<A> {
  readonly value: A
  readonly modelTurn: Content
  readonly usage: TokenUsage
}

/**
 * An image request (an image model's edit): the whole conversation as `contents` (the last turn
 * is the user's; model turns verbatim), an optional system instruction and the output's aspect
 * ratio (sent as `generationConfig.imageConfig.aspectRatio`, with `responseModalities: ["TEXT", "IMAGE"]`).
 */
export interface ImageRequest {
  readonly what: string
  readonly model: string
  readonly systemInstruction?: string
  readonly contents: ReadonlyArray<Content>
  readonly aspectRatio: string
}

/**
 * An image answer: the first non-thought image part's bytes and real MIME type, the model's turn
 * verbatim (every part with its `thoughtSignature`: what a refinement or feedback turn sends
 * back), the non-thought text parts joined, the tokens.
 */
export interface ImageAnswer {
  readonly image: { readonly bytes: Uint8Array; readonly mimeType: string }
  readonly modelTurn: Content
  readonly text: string
  readonly usage: TokenUsage
}

/** A file held by the Files API, ACTIVE (usable as `fileData.fileUri`). */
export interface GeminiFile {
  readonly name: string
  readonly uri: string
  readonly mimeType: string
}

/**
 * A video for a request: its bytes, MIME type, a display name, and `fps` (`videoMetadata.fps`,
 * when the call needs more than Gemini's default 1 fps sampling).
 */
export interface VideoInput {
  readonly bytes: Uint8Array
  readonly mimeType: string
  readonly displayName: string
  readonly fps?: number
}

/** A video part ready for a request and the inline bytes it adds (0 when it went through the Files API). */
export interface VideoPart {
  readonly part: Part
  readonly inlineBytes: number
}

/**
 * The Gemini client service.
 * - `generateJson(request)`: `generateContent` with the role's settings; by finishReason:
 *   refusal -> AiRefusedError; MAX_TOKENS -> once more with the model's maximum output; empty ->
 *   once more as it was; text that is not JSON or that `decode` rejects -> ONE repair turn (the
 *   answer's model turn verbatim, then the problem as a user turn), then AiBadResponseError.
 * - `generateImage(request)`: one image model call (MAX_TOKENS raises the budget once); refusal as
 *   above; NO_IMAGE / IMAGE_OTHER or no image part -> AiNoImageError. Thought parts are never
 *   taken for the answer's image.
 * - `uploadFile(bytes, mimeType, displayName)`: Files API resumable upload (the SDK sends 8 MiB
 *   chunks), then polls until ACTIVE for at most `fileActiveTimeoutMs` (-> AiUnavailableError);
 *   state FAILED -> AiFileFailedError.
 * - `videoPart(video)`: inline (`inlineData`) up to `inlineVideoBytes`, else uploaded
 *   (`fileData`); `videoMetadata.fps` when given.
 */
export class GeminiClient extends Context.Service<
  GeminiClient,
  {
    readonly config: GeminiConfig
    readonly generateJson: <A>(request: JsonRequest<A>) => Effect.Effect<JsonAnswer<A>, GeminiError>
    readonly uploadFile: (bytes: Uint8Array, mimeType: string, displayName: string) => Effect.Effect<GeminiFile, GeminiError | AiFileFailedError>
    readonly videoPart: (video: VideoInput) => Effect.Effect<VideoPart, GeminiError | AiFileFailedError>
    readonly generateImage: (request: ImageRequest) => Effect.Effect<ImageAnswer, GeminiError | AiNoImageError>
  }
>()("curator/ai/GeminiClient") {
  /** A client for `config` (no I/O until the first call). */
  static readonly layer = (config: GeminiConfig) => Layer.sync(GeminiClient, () => makeGeminiClient(config))
}

const sdkOf = (config: GeminiConfig) =>
  new GoogleGenAI({
    apiKey: config.apiKey,
    // 3.1.0 defaults to v1; the Files API and responseJsonSchema are documented on v1beta.
    apiVersion: GEMINI_API_VERSION,
    httpOptions: {
      ...(config.baseUrl === null ? {} : { baseUrl: config.baseUrl }),
      timeout: config.timeoutMs,
      retryOptions: { attempts: 1 }
    }
  })

/** Builds the client service over one `GoogleGenAI` instance. */
export const makeGeminiClient = (config: GeminiConfig): GeminiClient["Service"] => {
  const ai = sdkOf(config)

  const call = (what: string, model: string, contents: ReadonlyArray<Content>, generationConfig: Record<string, unknown>, systemInstruction: string | undefined) =>
    Effect.tryPromise({
      try: () =>
        ai.models.generateContent({
          model,
          contents: [...contents],
          config: { ...(systemInstruction === undefined ? {} : { systemInstruction }), ...generationConfig }
        }),
      catch: (e) => e
    }).pipe(Effect.catch((e) => toAiError(e, what)))

  /** The role's deliberate settings as SDK config keys (mediaResolution, thinkingConfig). */
  const roleConfig = (role: GeminiRole, model: string): Record<string, unknown> => {
    const settings = ROLE_SETTINGS[role]
    const thinking = thinkingConfigFor(role, model)
    return {
      ...(settings.mediaResolution === null ? {} : { mediaResolution: settings.mediaResolution }),
      ...(thinking === undefined ? {} : { thinkingConfig: thinking })
    }
  }

  const parse = <A>(request: JsonRequest<A>, text: string): DecodeResult<A> => {
    if (text.trim() === "") return { ok: false, error: "the answer had no text" }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      return { ok: false, error: `the answer is not valid JSON (${e instanceof Error ? e.message : String(e)})` }
    }
    return request.decode(json)
  }

  const generateJson = <A>(request: JsonRequest<A>) =>
    Effect.gen(function*() {
      const firstTurn: Content = { role: "user", parts: [...request.parts] }
      const history = request.history ?? []
      const maxModelOutput = modelFacts(request.model).maxOutputTokens
      let maxOutputTokens = Math.min(request.maxOutputTokens ?? ROLE_SETTINGS[request.role].maxOutputTokens, maxModelOutput)
      let contents: ReadonlyArray<Content> = [...history, firstTurn]
      let usage = NO_USAGE
      let raised = false
      let askedAgain = false
      let repairedFor: string | null = null
      const generationConfig = () => ({
        ...roleConfig(request.role, request.model),
        maxOutputTokens,
        responseMimeType: "application/json",
        responseJsonSchema: request.responseJsonSchema
      })
      // At most four calls: the first, one raise of the output budget, one fresh try after an empty answer, one repair turn.
      for (;;) {
        const label = repairedFor === null ? request.what : `${request.what} (repair)`
        const answer = yield* call(label, request.model, contents, generationConfig(), request.systemInstruction)
        usage = addUsage(usage, usageOf(request.model, answer))
        const reading = readCandidate(answer)
        switch (reading.kind) {
          case "refused":
            return yield* new AiRefusedError({ message: `${request.what}: ${reading.reason}` })
          case "truncated":
            if (!raised && maxOutputTokens < maxModelOutput) {
              raised = true
              yield* Effect.logWarning(`${request.what}: the answer ran out of its ${maxOutputTokens} output tokens; asking again with ${maxModelOutput}`)
              maxOutputTokens = maxModelOutput
              continue
            }
            return yield* new AiBadResponseError({ message: `${request.what}: the answer did not fit in ${maxOutputTokens} output tokens (finishReason MAX_TOKENS)` })
          case "noImage":
          case "empty": {
            const reason = reading.reason
            if (!askedAgain) {
              askedAgain = true
              yield* Effect.logWarning(`${request.what}: ${reason}; asking once more`)
              continue
            }
            return yield* new AiBadResponseError({ message: `${request.what}: ${reason}, twice` })
          }
          case "answer": {
            const parsed = parse(request, reading.text)
            if (parsed.ok) return { value: parsed.value, modelTurn: reading.turn, usage } satisfies JsonAnswer<A>
            if (repairedFor !== null) {
              return yield* new AiBadResponseError({ message: `${request.what}: Gemini's answer was unusable twice (${repairedFor}; then ${parsed.error})` })
            }
            repairedFor = parsed.error
            yield* Effect.logWarning(`${request.what}: Gemini answer rejected (${parsed.error}); asking once more`)
            contents = [
              ...history,
              firstTurn,
              reading.turn,
              {
                role: "user",
                parts: [{ text: `Your previous answer could not be used: ${parsed.error}. Answer again with only JSON that matches the response schema, following every rule of the first message.` }]
              }
            ]
            continue
          }
        }
      }
    })

  const uploadFile = (bytes: Uint8Array, mimeType: string, displayName: string) =>
    Effect.gen(function*() {
      const what = `upload ${displayName}`
      const uploaded = yield* Effect.tryPromise({
        try: () => ai.files.upload({ file: new Blob([new Uint8Array(bytes)], { type: mimeType }), config: { mimeType, displayName } }),
        catch: (e) => e
      }).pipe(Effect.catch((e) => toAiError(e, what)))
      const name = uploaded.name
      if (name === undefined) return yield* new AiBadResponseError({ message: `${what}: the Files API returned no file name` })
      const polls = Math.max(1, Math.ceil(config.fileActiveTimeoutMs / config.filePollMs))
      let file = uploaded
      for (let i = 0; file.state !== "ACTIVE"; i++) {
        if (file.state === "FAILED") return yield* new AiFileFailedError({ message: `${what}: Gemini could not process the file (${file.error?.message ?? "state FAILED"})` })
        if (i >= polls) return yield* new AiUnavailableError({ message: `${what}: the file was not ACTIVE after ${config.fileActiveTimeoutMs} ms` })
        if (i > 0) yield* Effect.sleep(Duration.millis(config.filePollMs))
        file = yield* Effect.tryPromise({ try: () => ai.files.get({ name }), catch: (e) => e }).pipe(Effect.catch((e) => toAiError(e, what)))
      }
      if (file.uri === undefined) return yield* new AiBadResponseError({ message: `${what}: the ACTIVE file has no uri` })
      return { name, uri: file.uri, mimeType: file.mimeType ?? mimeType } satisfies GeminiFile
    })

  const videoPart = (video: VideoInput) =>
    Effect.gen(function*() {
      const metadata = video.fps === undefined ? {} : { videoMetadata: { fps: video.fps } }
      if (video.bytes.length <= config.inlineVideoBytes) {
        return { part: { inlineData: { mimeType: video.mimeType, data: Buffer.from(video.bytes).toString("base64") }, ...metadata }, inlineBytes: video.bytes.length } satisfies VideoPart
      }
      const file = yield* uploadFile(video.bytes, video.mimeType, video.displayName)
      return { part: { fileData: { fileUri: file.uri, mimeType: file.mimeType }, ...metadata }, inlineBytes: 0 } satisfies VideoPart
    })

  const generateImage = (request: ImageRequest) =>
    Effect.gen(function*() {
      const maxModelOutput = modelFacts(request.model).maxOutputTokens
      let maxOutputTokens = Math.min(ROLE_SETTINGS.photoEdit.maxOutputTokens, maxModelOutput)
      let usage = NO_USAGE
      for (let raised = false; ; raised = true) {
        const answer = yield* call(
          request.what,
          request.model,
          request.contents,
          { ...roleConfig("photoEdit", request.model), maxOutputTokens, responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: request.aspectRatio } },
          request.systemInstruction
        )
        usage = addUsage(usage, usageOf(request.model, answer))
        const reading = readCandidate(answer)
        if (reading.kind === "refused") return yield* new AiRefusedError({ message: `${request.what}: ${reading.reason}` })
        if (reading.kind === "noImage") return yield* new AiNoImageError({ message: `${request.what}: Gemini made no image (${reading.reason})${quoted(reading.text)}` })
        if (reading.kind === "empty") return yield* new AiNoImageError({ message: `${request.what}: Gemini made no image (${reading.reason})` })
        const turn = reading.turn
        const image = (turn?.parts ?? []).find((p) => p.thought !== true && p.inlineData?.data !== undefined && (p.inlineData.mimeType ?? "").startsWith("image/"))
        if (reading.kind === "truncated" && image === undefined) {
          if (!raised && maxOutputTokens < maxModelOutput) {
            yield* Effect.logWarning(`${request.what}: the answer ran out of its ${maxOutputTokens} output tokens; asking again with ${maxModelOutput}`)
            maxOutputTokens = maxModelOutput
            continue
          }
          return yield* new AiNoImageError({ message: `${request.what}: Gemini made no image within ${maxOutputTokens} output tokens (finishReason MAX_TOKENS)` })
        }
        if (image?.inlineData?.data === undefined || turn === null) {
          return yield* new AiNoImageError({ message: `${request.what}: Gemini answered without an image${quoted(reading.text)}` })
        }
        return {
          image: { bytes: new Uint8Array(Buffer.from(image.inlineData.data, "base64")), mimeType: image.inlineData.mimeType! },
          modelTurn: turn,
          text: reading.text,
          usage
        } satisfies ImageAnswer
      }
    })

  /**
   * Meters a call against the session in context (SessionTokenMeter): refused with
   * QuotaExceededError once the session's tokens reached `sessionTokenQuota` or its estimated cost
   * reached `sessionBudgetUsd`; charged with the call's tokens and cost after it. Every call's
   * usage is logged (thinking tokens and cost included). Not metered without a meter.
   */
  const metered = <A extends { readonly usage: TokenUsage }, E>(what: string, model: string, effect: Effect.Effect<A, E>) =>
    Effect.gen(function*() {
      const meter = yield* Effect.serviceOption(SessionTokenMeter)
      if (Option.isSome(meter)) {
        const used = yield* meter.value.used
        const annotate = Effect.annotateLogs({ sessionId: meter.value.sessionId, sessionTokens: used.tokens, sessionCostUsd: round6(used.costUsd) })
        if (used.tokens >= config.sessionTokenQuota) {
          yield* Effect.logWarning("Gemini call refused: the session's token quota is used up").pipe(annotate, Effect.annotateLogs({ quota: config.sessionTokenQuota }))
          return yield* new QuotaExceededError({
            message: `${what}: this session has used ${used.tokens} Gemini tokens, its quota is ${config.sessionTokenQuota} (CURATOR_GEMINI_SESSION_TOKEN_QUOTA)`
          })
        }
        if (used.costUsd >= config.sessionBudgetUsd) {
          yield* Effect.logWarning("Gemini call refused: the session's budget is spent").pipe(annotate, Effect.annotateLogs({ budgetUsd: config.sessionBudgetUsd }))
          return yield* new QuotaExceededError({
            message: `${what}: this session has spent an estimated $${used.costUsd.toFixed(4)} on Gemini, its budget is $${config.sessionBudgetUsd} (CURATOR_GEMINI_SESSION_BUDGET_USD)`
          })
        }
      }
      const answer = yield* effect
      yield* Effect.logInfo("Gemini call").pipe(
        Effect.annotateLogs({
          what,
          model,
          promptTokens: answer.usage.promptTokens,
          outputTokens: answer.usage.outputTokens,
          thoughtsTokens: answer.usage.thoughtsTokens,
          totalTokens: answer.usage.totalTokens,
          costUsd: round6(answer.usage.costUsd)
        })
      )
      if (Option.isSome(meter)) yield* meter.value.charge(answer.usage.totalTokens, answer.usage.costUsd)
      return answer
    })

  return {
    config,
    generateJson: <A>(request: JsonRequest<A>) => metered(request.what, request.model, generateJson(request)),
    uploadFile,
    videoPart,
    generateImage: (request: ImageRequest) => metered(request.what, request.model, generateImage(request))
  }
}

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6
const quoted = (text: string) => (text.trim() === "" ? "" : ` ("${text.trim().slice(0, 200)}")`)

/** A start-up failure of the Gemini configuration, as effect's ConfigError (what the Lambda cold start and the CLI report). */
const configError = (message: string) => new Config.ConfigError(new ConfigProvider.SourceError({ message }))

/** The variable that sets `model` in `config` (the first role using it). */
const variableOf = (config: GeminiConfig, model: string): string => {
  const role = GEMINI_ROLES.find((r) => config.models[r] === model)
  return role === undefined ? "CURATOR_GEMINI_MODEL_*" : MODEL_ENV[role]
}

/**
 * Checks every configured model with `models.get` (one GET per distinct model, concurrently) and
 * returns the config with the input token limits the API reported (`inputTokenLimits`).
 * - 404 (or 400 naming the model) -> ConfigError: "Gemini model X (VARIABLE) is unknown or no
 *   longer served ... set VARIABLE to a current model (default D)";
 * - a model that does not support `generateContent` -> ConfigError naming it the same way;
 * - 401 / 403 / 400 about the key -> ConfigError: the key was refused;
 * - 429, 5xx, timeouts and network failures prove nothing about the model: logged, the check
 *   goes on without that model's limits (the calls themselves retry later).
 */
export const checkGeminiModels = (config: GeminiConfig): Effect.Effect<GeminiConfig, Config.ConfigError> =>
  Effect.gen(function*() {
    const ai = sdkOf(config)
    const models = [...new Set(GEMINI_ROLES.map((r) => config.models[r]))]
    const limits = yield* Effect.forEach(
      models,
      (model) =>
        Effect.tryPromise({ try: () => ai.models.get({ model }), catch: (e) => e }).pipe(
          Effect.map((info) => Option.some(info)),
          Effect.catch((e) => {
            const variable = variableOf(config, model)
            const role = GEMINI_ROLES.find((r) => config.models[r] === model)
            const fallback = role === undefined ? "" : ` (default ${DEFAULT_MODELS[role]})`
            if (e instanceof ApiError && (e.status === 404 || (e.status === 400 && /model/i.test(e.message) && !/api[ _]key/i.test(e.message)))) {
              return Effect.fail(configError(`Gemini model ${model} (${variable}) is unknown or no longer served: models.get answered HTTP ${e.status}. Set ${variable} to a current model${fallback}.`))
            }
            if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 400)) {
              return Effect.fail(configError(`Gemini refused the key while checking model ${model} (HTTP ${e.status}): check GEMINI_API_KEY (or the SSM parameter of CURATOR_GEMINI_KEY_PARAMETER)`))
            }
            return Effect.logWarning(`could not check Gemini model ${model} at start-up; going on`).pipe(
              Effect.annotateLogs({ model, error: e instanceof Error ? e.message : String(e) }),
              Effect.as(Option.none())
            )
          }),
          Effect.flatMap((found) => {
            if (Option.isNone(found)) return Effect.succeed([model, undefined] as const)
            const info = found.value as { readonly inputTokenLimit?: number; readonly supportedActions?: ReadonlyArray<string>; readonly supportedGenerationMethods?: ReadonlyArray<string> }
            const supported = info.supportedActions ?? info.supportedGenerationMethods
            if (supported !== undefined && !supported.includes("generateContent")) {
              const variable = variableOf(config, model)
              return Effect.fail(configError(`Gemini model ${model} (${variable}) does not support generateContent; set ${variable} to a current model`))
            }
            return Effect.succeed([model, info.inputTokenLimit] as const)
          })
        ),
      { concurrency: 4 }
    )
    const inputTokenLimits = Object.fromEntries(limits.filter((l): l is readonly [string, number] => typeof l[1] === "number" && l[1] > 0))
    return { ...config, inputTokenLimits: { ...config.inputTokenLimits, ...inputTokenLimits } }
  })
