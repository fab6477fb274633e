/**
 * GeminiClient: the one place Curator talks to Gemini, over `@google/genai`
 * (Gemini Developer API, REST, `v1beta`).
 *
 * - Configuration from the environment ({@link geminiConfigFromEnv}); no key
 *   means no client, and callers stay on the offline layers.
 * - The SDK's own retries are OFF (`httpOptions.retryOptions.attempts = 1`,
 *   which in 3.1.0 is also the default when `retryOptions` is absent): retrying
 *   is the state machine's job (Retry on AiRateLimitedError / AiUnavailableError
 *   from the error table), so retries never multiply.
 * - Each HTTP attempt is bounded by `timeoutMs` (the SDK aborts the fetch; it
 *   also sends `X-Server-Timeout`).
 * - Errors map onto THE error table ({@link toAiError}); structured answers get
 *   one repair turn ({@link GeminiClient} `generateJson`).
 * - Token usage (`usageMetadata`) comes back with every call, summed over the
 *   repair turn when there is one.
 */
import {
  AiBadResponseError,
  AiRateLimitedError,
  AiRefusedError,
  AiUnavailableError,
  QuotaExceededError
} from "@curator/contracts"
import { ApiError, type Content, type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { SessionTokenMeter } from "./SessionTokenMeter.js"

/** The REST API version requested (https://ai.google.dev/api; the SDK's own default in 3.1.0 is `v1`). */
export const GEMINI_API_VERSION = "v1beta"
/** Default model for selection (structured, multimodal comparison). */
export const DEFAULT_SELECTION_MODEL = "gemini-2.5-flash"
/** Default model for photo edits (image in, image out). */
export const DEFAULT_PHOTO_EDIT_MODEL = "gemini-2.5-flash-image"
/** Default model for the self-check of a photo edit (two images in, JSON out). */
export const DEFAULT_PHOTO_REVIEW_MODEL = "gemini-2.5-flash"
/** Default model for video analysis (preview in, ffmpeg parameters out). */
export const DEFAULT_VIDEO_ANALYSIS_MODEL = "gemini-2.5-flash"
/**
 * Default cap on the tokens one session's selection may use (prompt + output, all calls and repair
 * turns): 2,000,000 (issue 6 brief). Gemini counts an inline image at about 258 tokens per 768 px
 * tile and video at about 263 tokens per second (ai.google.dev token docs), so a 200-item session
 * with a few minutes of video stays well under it; past it the selection fails with
 * QuotaExceededError (terminal).
 */
export const DEFAULT_SESSION_TOKEN_QUOTA = 2_000_000
/** Default largest number of items in one selection request (larger sessions are split; GeminiSelection.ts). */
export const DEFAULT_SELECTION_BATCH_ITEMS = 100
/**
 * Default largest inline bytes (thumbnails and frames, before base64) in one selection request:
 * 14 MB, so the base64 request (x 4/3) stays under Gemini's 20 MB request limit (ai.google.dev,
 * "inline data ... total request size 20 MB"). Video previews go through the Files API and do not count.
 */
export const DEFAULT_SELECTION_BATCH_BYTES = 14_000_000
/** Default bound of one HTTP attempt, ms (a selection over ~100 thumbnails takes tens of seconds). */
export const DEFAULT_TIMEOUT_MS = 120_000
/** Default bound of the wait for an uploaded file to become ACTIVE, ms. */
export const DEFAULT_FILE_ACTIVE_TIMEOUT_MS = 120_000
/** Interval between Files API status reads, ms. */
export const DEFAULT_FILE_POLL_MS = 2_000

/**
 * Gemini settings. `baseUrl`: null for Google's endpoint, else a stand-in
 * (`http://127.0.0.1:<port>`). Timeouts in milliseconds.
 */
export interface GeminiConfig {
  readonly apiKey: string
  readonly baseUrl: string | null
  readonly models: { readonly selection: string; readonly photoEdit: string; readonly photoReview: string; readonly videoAnalysis: string }
  /** Tokens a session's selection may use in total (see {@link DEFAULT_SESSION_TOKEN_QUOTA}). */
  readonly sessionTokenQuota: number
  /** Largest items / inline bytes of one selection request ({@link DEFAULT_SELECTION_BATCH_ITEMS}, {@link DEFAULT_SELECTION_BATCH_BYTES}). */
  readonly selectionBatch: { readonly items: number; readonly bytes: number }
  readonly timeoutMs: number
  readonly fileActiveTimeoutMs: number
  readonly filePollMs: number
}

const positiveInt = (value: string | undefined, fallback: number): number => {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}
const nonEmpty = (value: string | undefined, fallback: string): string => (value === undefined || value.trim() === "" ? fallback : value.trim())

/**
 * Reads the configuration from an environment: `GEMINI_API_KEY` (absent or
 * blank -> null: no Gemini, offline layers), `CURATOR_GEMINI_BASE_URL`,
 * `CURATOR_GEMINI_MODEL_SELECTION`, `CURATOR_GEMINI_MODEL_PHOTO_EDIT`,
 * `CURATOR_GEMINI_MODEL_PHOTO_REVIEW`, `CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS`,
 * `CURATOR_GEMINI_SESSION_TOKEN_QUOTA`, `CURATOR_GEMINI_SELECTION_BATCH_ITEMS`,
 * `CURATOR_GEMINI_SELECTION_BATCH_BYTES`, `CURATOR_GEMINI_TIMEOUT_MS`,
 * `CURATOR_GEMINI_FILE_ACTIVE_TIMEOUT_MS` (defaults: the `DEFAULT_*` constants;
 * a non-positive or non-integer number falls back to the default).
 */
export const geminiConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): GeminiConfig | null => {
  const apiKey = env["GEMINI_API_KEY"]?.trim() ?? ""
  if (apiKey === "") return null
  const baseUrl = env["CURATOR_GEMINI_BASE_URL"]?.trim() ?? ""
  return {
    apiKey,
    baseUrl: baseUrl === "" ? null : baseUrl,
    models: {
      selection: nonEmpty(env["CURATOR_GEMINI_MODEL_SELECTION"], DEFAULT_SELECTION_MODEL),
      photoEdit: nonEmpty(env["CURATOR_GEMINI_MODEL_PHOTO_EDIT"], DEFAULT_PHOTO_EDIT_MODEL),
      photoReview: nonEmpty(env["CURATOR_GEMINI_MODEL_PHOTO_REVIEW"], DEFAULT_PHOTO_REVIEW_MODEL),
      videoAnalysis: nonEmpty(env["CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS"], DEFAULT_VIDEO_ANALYSIS_MODEL)
    },
    sessionTokenQuota: positiveInt(env["CURATOR_GEMINI_SESSION_TOKEN_QUOTA"], DEFAULT_SESSION_TOKEN_QUOTA),
    selectionBatch: {
      items: positiveInt(env["CURATOR_GEMINI_SELECTION_BATCH_ITEMS"], DEFAULT_SELECTION_BATCH_ITEMS),
      bytes: positiveInt(env["CURATOR_GEMINI_SELECTION_BATCH_BYTES"], DEFAULT_SELECTION_BATCH_BYTES)
    },
    timeoutMs: positiveInt(env["CURATOR_GEMINI_TIMEOUT_MS"], DEFAULT_TIMEOUT_MS),
    fileActiveTimeoutMs: positiveInt(env["CURATOR_GEMINI_FILE_ACTIVE_TIMEOUT_MS"], DEFAULT_FILE_ACTIVE_TIMEOUT_MS),
    filePollMs: DEFAULT_FILE_POLL_MS
  }
}

/** Tokens used, from `usageMetadata` (0 when the API omits a count). */
export interface TokenUsage {
  readonly promptTokens: number
  readonly outputTokens: number
  readonly totalTokens: number
}

/** Zero usage. */
export const NO_USAGE: TokenUsage = { promptTokens: 0, outputTokens: 0, totalTokens: 0 }

/** Sums two usages. */
export const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  promptTokens: a.promptTokens + b.promptTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  totalTokens: a.totalTokens + b.totalTokens
})

const usageOf = (r: GenerateContentResponse): TokenUsage => {
  const m = r.usageMetadata
  const promptTokens = m?.promptTokenCount ?? 0
  const outputTokens = m?.candidatesTokenCount ?? 0
  return { promptTokens, outputTokens, totalTokens: m?.totalTokenCount ?? promptTokens + outputTokens }
}

/** Every failure of a Gemini call. */
export type GeminiError = AiRateLimitedError | AiUnavailableError | AiRefusedError | AiBadResponseError | QuotaExceededError

/**
 * Maps an SDK failure onto the error table: `ApiError` 429 -> AiRateLimitedError;
 * 5xx and 408 -> AiUnavailableError; an aborted fetch (timeout) or a network
 * failure -> AiUnavailableError; any other 4xx (a request Gemini rejects) ->
 * AiBadResponseError (terminal).
 */
export const toAiError = (e: unknown, what: string): GeminiError => {
  if (e instanceof ApiError) {
    const message = `${what}: Gemini answered HTTP ${e.status}: ${e.message}`
    if (e.status === 429) return new AiRateLimitedError({ message })
    if (e.status >= 500 || e.status === 408) return new AiUnavailableError({ message })
    return new AiBadResponseError({ message })
  }
  const name = e instanceof Error ? e.name : ""
  const detail = e instanceof Error ? e.message : String(e)
  if (name === "AbortError" || name === "TimeoutError") return new AiUnavailableError({ message: `${what}: Gemini did not answer in time (${detail})` })
  return new AiUnavailableError({ message: `${what}: Gemini could not be reached: ${detail}` })
}

/** finishReason values that mean the answer was withheld for safety/policy (terminal). */
const REFUSAL_FINISH = new Set(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "RECITATION"])

/** The outcome of a decode: a value or a message saying what is wrong (sent back to the model in the repair turn). */
export type DecodeResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: string }

/**
 * A structured request: `parts` of one user turn (text, `inlineData`, `fileData`),
 * an optional system instruction, the JSON Schema of the answer (sent as
 * `generationConfig.responseJsonSchema` with `responseMimeType: application/json`)
 * and `decode`, which checks the parsed JSON beyond the schema (indices in range, ...).
 */
export interface JsonRequest<A> {
  readonly what: string
  readonly model: string
  readonly systemInstruction?: string
  /** Earlier turns of the same conversation (user/model alternating), sent before the user turn of `parts`. */
  readonly history?: ReadonlyArray<Content>
  readonly parts: ReadonlyArray<Part>
  readonly responseJsonSchema: Record<string, unknown>
  readonly decode: (json: unknown) => DecodeResult<A>
}

/**
 * An image request (an image model's edit): the whole conversation as `contents` (the last turn is
 * the user's), an optional system instruction and the output's aspect ratio (sent as
 * `generationConfig.imageConfig.aspectRatio`, with `responseModalities: ["TEXT", "IMAGE"]`).
 */
export interface ImageRequest {
  readonly what: string
  readonly model: string
  readonly systemInstruction?: string
  readonly contents: ReadonlyArray<Content>
  readonly aspectRatio: string
}

/** An image answer: the first image part's bytes and MIME type, the text parts joined, the tokens. */
export interface ImageAnswer {
  readonly image: { readonly bytes: Uint8Array; readonly mimeType: string }
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
 * The Gemini client service.
 * - `generateJson(request)`: one `generateContent` call; when the answer is not
 *   JSON or `decode` rejects it, ONE repair turn (the bad answer as the model's
 *   turn, the error as a new user turn), then AiBadResponseError. A prompt block
 *   (`promptFeedback.blockReason`) or a safety finishReason -> AiRefusedError.
 *   Returns the value and the tokens of all turns.
 * - `uploadFile(bytes, mimeType, displayName)`: Files API resumable upload, then
 *   polls the file until ACTIVE for at most `fileActiveTimeoutMs`
 *   (-> AiUnavailableError when it does not get there; state FAILED -> AiBadResponseError).
 * - `generateImage(request)`: one `generateContent` call to an image model; a refusal as above,
 *   an answer without an image part -> AiBadResponseError (terminal; the state machine does not
 *   retry it, the person can ask again with feedback).
 */
export class GeminiClient extends Context.Service<
  GeminiClient,
  {
    readonly config: GeminiConfig
    readonly generateJson: <A>(request: JsonRequest<A>) => Effect.Effect<{ readonly value: A; readonly usage: TokenUsage }, GeminiError>
    readonly uploadFile: (bytes: Uint8Array, mimeType: string, displayName: string) => Effect.Effect<GeminiFile, GeminiError>
    readonly generateImage: (request: ImageRequest) => Effect.Effect<ImageAnswer, GeminiError>
  }
>()("curator/ai/GeminiClient") {
  /** A client for `config` (no I/O until the first call). */
  static readonly layer = (config: GeminiConfig) => Layer.sync(GeminiClient, () => makeGeminiClient(config))
}

const textOf = (r: GenerateContentResponse): string =>
  (r.candidates?.[0]?.content?.parts ?? []).flatMap((p) => (typeof p.text === "string" && p.thought !== true ? [p.text] : [])).join("")

/** Builds the client service over one `GoogleGenAI` instance. */
export const makeGeminiClient = (config: GeminiConfig): GeminiClient["Service"] => {
  const ai = new GoogleGenAI({
    apiKey: config.apiKey,
    // 3.1.0 defaults to v1; the Files API and responseJsonSchema are documented on v1beta.
    apiVersion: GEMINI_API_VERSION,
    httpOptions: {
      ...(config.baseUrl === null ? {} : { baseUrl: config.baseUrl }),
      timeout: config.timeoutMs,
      retryOptions: { attempts: 1 }
    }
  })

  const call = (what: string, model: string, contents: ReadonlyArray<Content>, request: JsonRequest<unknown>) =>
    Effect.tryPromise({
      try: () =>
        ai.models.generateContent({
          model,
          contents: [...contents],
          config: {
            ...(request.systemInstruction === undefined ? {} : { systemInstruction: request.systemInstruction }),
            responseMimeType: "application/json",
            responseJsonSchema: request.responseJsonSchema
          }
        }),
      catch: (e) => toAiError(e, what)
    })

  /** Text of the first candidate, or the refusal. */
  const answerText = (what: string, r: GenerateContentResponse): Effect.Effect<string, AiRefusedError> => {
    const block = r.promptFeedback?.blockReason
    if (block !== undefined) return Effect.fail(new AiRefusedError({ message: `${what}: Gemini blocked the prompt (${block}${r.promptFeedback?.blockReasonMessage ? `: ${r.promptFeedback.blockReasonMessage}` : ""})` }))
    const finish = r.candidates?.[0]?.finishReason
    if (finish !== undefined && REFUSAL_FINISH.has(finish)) return Effect.fail(new AiRefusedError({ message: `${what}: Gemini stopped the answer (finishReason ${finish})` }))
    return Effect.succeed(textOf(r))
  }

  const parse = <A>(request: JsonRequest<A>, text: string): DecodeResult<A> => {
    if (text.trim() === "") return { ok: false, error: "the answer was empty" }
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
      const first = yield* call(request.what, request.model, [...history, firstTurn], request)
      const firstText = yield* answerText(request.what, first)
      const firstUsage = usageOf(first)
      const attempt = parse(request, firstText)
      if (attempt.ok) return { value: attempt.value, usage: firstUsage }
      yield* Effect.logWarning(`${request.what}: Gemini answer rejected (${attempt.error}); asking once more`)
      const repairTurns: ReadonlyArray<Content> = [
        ...history,
        firstTurn,
        { role: "model", parts: [{ text: firstText }] },
        {
          role: "user",
          parts: [{ text: `Your previous answer could not be used: ${attempt.error}. Answer again with only JSON that matches the response schema, following every rule of the first message.` }]
        }
      ]
      const second = yield* call(`${request.what} (repair)`, request.model, repairTurns, request)
      const secondText = yield* answerText(request.what, second)
      const usage = addUsage(firstUsage, usageOf(second))
      const repaired = parse(request, secondText)
      if (repaired.ok) return { value: repaired.value, usage }
      return yield* new AiBadResponseError({ message: `${request.what}: Gemini's answer was unusable twice (${attempt.error}; then ${repaired.error})` })
    })

  const uploadFile = (bytes: Uint8Array, mimeType: string, displayName: string) =>
    Effect.gen(function*() {
      const what = `upload ${displayName}`
      const uploaded = yield* Effect.tryPromise({
        try: () => ai.files.upload({ file: new Blob([new Uint8Array(bytes)], { type: mimeType }), config: { mimeType, displayName } }),
        catch: (e) => toAiError(e, what)
      })
      const name = uploaded.name
      if (name === undefined) return yield* new AiBadResponseError({ message: `${what}: the Files API returned no file name` })
      const polls = Math.max(1, Math.ceil(config.fileActiveTimeoutMs / config.filePollMs))
      let file = uploaded
      for (let i = 0; file.state !== "ACTIVE"; i++) {
        if (file.state === "FAILED") return yield* new AiBadResponseError({ message: `${what}: Gemini could not process the file (${file.error?.message ?? "state FAILED"})` })
        if (i >= polls) return yield* new AiUnavailableError({ message: `${what}: the file was not ACTIVE after ${config.fileActiveTimeoutMs} ms` })
        if (i > 0) yield* Effect.sleep(Duration.millis(config.filePollMs))
        file = yield* Effect.tryPromise({ try: () => ai.files.get({ name }), catch: (e) => toAiError(e, what) })
      }
      if (file.uri === undefined) return yield* new AiBadResponseError({ message: `${what}: the ACTIVE file has no uri` })
      return { name, uri: file.uri, mimeType: file.mimeType ?? mimeType }
    })

  const generateImage = (request: ImageRequest) =>
    Effect.gen(function*() {
      const answer = yield* Effect.tryPromise({
        try: () =>
          ai.models.generateContent({
            model: request.model,
            contents: [...request.contents],
            config: {
              ...(request.systemInstruction === undefined ? {} : { systemInstruction: request.systemInstruction }),
              responseModalities: ["TEXT", "IMAGE"],
              imageConfig: { aspectRatio: request.aspectRatio }
            }
          }),
        catch: (e) => toAiError(e, request.what)
      })
      const text = yield* answerText(request.what, answer)
      const part = (answer.candidates?.[0]?.content?.parts ?? []).find((p) => p.inlineData?.data !== undefined && (p.inlineData.mimeType ?? "").startsWith("image/"))
      if (part?.inlineData?.data === undefined) {
        return yield* new AiBadResponseError({ message: `${request.what}: Gemini answered without an image${text.trim() === "" ? "" : ` ("${text.trim().slice(0, 200)}")`}` })
      }
      return {
        image: { bytes: new Uint8Array(Buffer.from(part.inlineData.data, "base64")), mimeType: part.inlineData.mimeType ?? "image/png" },
        text,
        usage: usageOf(answer)
      } satisfies ImageAnswer
    })

  /**
   * Meters a call against the session in context (SessionTokenMeter): refused
   * with QuotaExceededError once the session's total reached the quota;
   * charged with the call's total after it. Not metered without a meter.
   */
  const metered = <A extends { readonly usage: TokenUsage }, E>(what: string, effect: Effect.Effect<A, E>) =>
    Effect.gen(function* () {
      const meter = yield* Effect.serviceOption(SessionTokenMeter)
      if (Option.isNone(meter)) return yield* effect
      const used = yield* meter.value.used
      if (used >= config.sessionTokenQuota) {
        yield* Effect.logWarning("Gemini call refused: the session's token quota is used up").pipe(
          Effect.annotateLogs({ sessionId: meter.value.sessionId, sessionTokens: used, quota: config.sessionTokenQuota })
        )
        return yield* new QuotaExceededError({
          message: `${what}: this session has used ${used} Gemini tokens, its quota is ${config.sessionTokenQuota} (CURATOR_GEMINI_SESSION_TOKEN_QUOTA)`
        })
      }
      const answer = yield* effect
      yield* meter.value.charge(answer.usage.totalTokens)
      return answer
    })

  return {
    config,
    generateJson: <A>(request: JsonRequest<A>) => metered(request.what, generateJson(request)),
    uploadFile,
    generateImage: (request: ImageRequest) => metered(request.what, generateImage(request))
  }
}
