/**
 * A local stand-in for the Gemini Developer API for tests (entry point
 * `@curator/ai/gemini-testing`): an HTTP server on 127.0.0.1 that speaks the REST protocol
 * `@google/genai` uses when `httpOptions.baseUrl` points at it (https://ai.google.dev/api), and
 * that — in STRICT mode, the default — rejects what Google rejects, with Google-shaped errors:
 *
 * - `GET /v1beta/models/{model}` (`models.get`): the model from {@link GOOGLE_MODELS} as Google
 *   describes it (`inputTokenLimit`, `outputTokenLimit`, `supportedGenerationMethods`), or 404
 *   when the list lacks it or its shutdown date has passed (`today`, default the real date).
 * - `POST /v1beta/models/{model}:generateContent` — strict checks, each a 400 (404 for the model,
 *   403 for a file that does not exist or expired):
 *   an unknown or shut-down model; unknown request, `generationConfig`, `thinkingConfig` or part
 *   keys; a part without exactly one non-empty data field (an empty text is rejected); more than
 *   10 video parts; a request body over 100 MB; a `fileData.fileUri` whose file is not ACTIVE or
 *   has expired; an estimated prompt over the model's input token limit (estimated from Google's
 *   documented figures per image, per sampled video frame and per second of audio); and, for
 *   Gemini 3 image models, a model turn whose first part after the thoughts or whose answer
 *   images lack the `thoughtSignature` the stand-in issued (or Google's documented placeholders).
 *   Answers: the next scripted {@link StandInReply}, else the `respond` function given at start
 *   (for end-to-end runs whose calls arrive in no fixed order), else 500 so a missing script fails
 *   loudly. Default usage is realistic: the prompt estimate, the answer's tokens, and
 *   `thoughtsTokenCount` for thinking models; Gemini 3 answers carry `thoughtSignature`s.
 * - Files API, resumable upload as the SDK does it: `POST /upload/v1beta/files` (`start`) answers
 *   `X-Goog-Upload-URL`; the bytes come in chunks (`upload` with `X-Goog-Upload-Offset`, the SDK
 *   sends 8 MiB chunks; every chunk but the last a multiple of 256 KiB), the last with
 *   `upload, finalize` answered `X-Goog-Upload-Status: final` and the file in state PROCESSING.
 *   A video is checked with ffprobe: a container or codec Google does not document for video
 *   input (anything but H.264 / VP8 / VP9 / MPEG-4 video with AAC / MP3 / Opus / Vorbis audio in
 *   MP4 / MOV / WebM / 3GP, or bytes that do not match the declared MIME type) ends FAILED.
 * - `GET /v1beta/files/{id}` — PROCESSING for the first `processingPolls` reads (default 1), then
 *   ACTIVE or FAILED (with `error.message`). Files expire 48 h after upload (`expire(name)` ends
 *   one at once).
 *
 * Every request is recorded ({@link StandInRequest}). Not for production: the API key is
 * recorded, never checked.
 */
import { execFile } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import sharp from "sharp"
import { IMAGE_MODEL_SIZES } from "../internal/aspectRatio.js"
import { GOOGLE_MODELS, type GoogleModel, servedModel } from "./GoogleModelList.js"

export { GOOGLE_MODELS, type GoogleModel, servedModel } from "./GoogleModelList.js"

/** Token counts the stand-in reports as `usageMetadata`. */
export interface StandInUsage {
  readonly promptTokenCount: number
  readonly candidatesTokenCount: number
  readonly totalTokenCount: number
  readonly thoughtsTokenCount?: number
  readonly candidatesTokensDetails?: ReadonlyArray<{ readonly modality: string; readonly tokenCount: number }>
}

/**
 * One scripted answer to `generateContent`.
 * - `{ text }`: one candidate, one text part; `finishReason` default "STOP"; `usage` default realistic.
 * - `{ parts }`: one candidate with these parts as given (thought parts, signatures, several texts).
 * - `{ finishReason, noContent: true }`: a candidate without content (SAFETY with nothing shown,
 *   OTHER, MAX_TOKENS spent on thinking, NO_IMAGE, IMAGE_OTHER).
 * - `{ noCandidates: true }`: `candidates` empty (usage only).
 * - `{ blockReason }`: no candidates, `promptFeedback.blockReason` (e.g. "SAFETY", "PROHIBITED_CONTENT").
 * - `{ status }`: an HTTP error (429, 503, ...) with Google's error JSON; `message` optional; for a
 *   429 `retryDelay` ("17s": google.rpc.RetryInfo) and `quotaId` (google.rpc.QuotaFailure) add the
 *   details Google sends.
 * - `{ delayMs, then }`: wait `delayMs` before answering `then` (for timeouts).
 * - `{ image }`: an image model's answer made deterministically from the LAST non-thought inline
 *   image of the request's contents, scaled to the 1K size of the requested aspect ratio (kept
 *   when absent), each channel multiplied by `image.gains` (R, G, B; default 1.1, 1.0, 0.9:
 *   "warmer"); encoded as `image.mimeType` (default image/png). `text`: the text part before it
 *   (default "Edited."; null: an image-only answer). On a Gemini 3 image model the answer starts
 *   with two thought parts (a text and an interim image) and carries signatures on its first
 *   non-thought part and its image part, as Google's Gemini 3 image models answer.
 */
export type StandInReply =
  | { readonly text: string; readonly finishReason?: string; readonly usage?: StandInUsage }
  | { readonly parts: ReadonlyArray<Record<string, unknown>>; readonly finishReason?: string; readonly usage?: StandInUsage }
  | { readonly finishReason: string; readonly noContent: true; readonly usage?: StandInUsage }
  | { readonly noCandidates: true }
  | { readonly blockReason: string }
  | { readonly status: number; readonly message?: string; readonly retryDelay?: string; readonly quotaId?: string }
  | { readonly delayMs: number; readonly then: StandInReply }
  | { readonly image: StandInImageEdit; readonly text?: string | null; readonly usage?: StandInUsage }

/** The deterministic edit of an `{ image }` reply: per-channel gains (R, G, B multipliers) and the answer's MIME type. */
export interface StandInImageEdit {
  readonly gains?: readonly [number, number, number]
  readonly mimeType?: "image/png" | "image/jpeg"
}

/** A request part as the stand-in reads it. */
interface RequestPart {
  readonly [key: string]: unknown
  readonly text?: unknown
  readonly thought?: unknown
  readonly thoughtSignature?: unknown
  readonly inlineData?: { readonly mimeType?: string; readonly data?: string }
  readonly fileData?: { readonly mimeType?: string; readonly fileUri?: string }
  readonly videoMetadata?: { readonly fps?: number }
  readonly mediaResolution?: { readonly level?: string }
}
interface RequestContent {
  readonly role?: string
  readonly parts?: ReadonlyArray<RequestPart>
}
interface RequestBody {
  readonly [key: string]: unknown
  readonly contents?: ReadonlyArray<RequestContent>
  readonly systemInstruction?: RequestContent
  readonly generationConfig?: {
    readonly [key: string]: unknown
    readonly mediaResolution?: string
    readonly imageConfig?: { readonly aspectRatio?: string }
    readonly thinkingConfig?: Record<string, unknown>
  }
}

/** One recorded request: method, path (with query), lower-cased headers, raw body and its JSON when it parses. */
export interface StandInRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly json: unknown
}

/** A file held by the stand-in's Files API (`name` is `files/<id>`). */
export interface StandInFile {
  readonly name: string
  readonly displayName: string
  readonly mimeType: string
  readonly sizeBytes: number
  readonly uri: string
  readonly bytes: Uint8Array
  /** Byte length of each uploaded chunk, in order. */
  readonly chunks: ReadonlyArray<number>
  /** The state after processing: ACTIVE, or FAILED with `error`. */
  readonly outcome: "ACTIVE" | "FAILED"
  readonly error: string | null
  /** Duration (s) and audio presence of a video, from ffprobe (null for other files). */
  readonly video: { readonly durationSeconds: number; readonly hasAudio: boolean } | null
  /** GETs so far. */
  polls: number
  /** Set by `expire`: the file is gone, as after its 48 h. */
  expired: boolean
}

/** A running stand-in. */
export interface GeminiStandIn {
  /** `http://127.0.0.1:<port>` — pass as `httpOptions.baseUrl` (or `CURATOR_GEMINI_BASE_URL`). */
  readonly baseUrl: string
  /** Every request received, in order. */
  readonly requests: Array<StandInRequest>
  /** The uploaded files by name. */
  readonly files: Map<string, StandInFile>
  /** Queue answers for the next `generateContent` calls (consumed in order). */
  readonly script: (...replies: ReadonlyArray<StandInReply>) => void
  /** The recorded `generateContent` requests only. */
  readonly generateRequests: () => ReadonlyArray<StandInRequest>
  /** The recorded generateContent requests the stand-in rejected (status and message), in order. */
  readonly rejections: Array<{ readonly status: number; readonly message: string }>
  /** Ends a file's life (as after its 48 h): later reads and uses answer 403. */
  readonly expire: (name: string) => void
  /** Clears the script, the recorded requests and rejections, and the files. */
  readonly reset: () => void
  /** Stops the server. */
  readonly close: () => Promise<void>
}

/** Google's canonical status names for the HTTP codes tests use (google.rpc.Code). */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED"
}

/** Largest request body, bytes: 100 MB ("Request payload size exceeds the limit: 104857600 bytes"). */
export const MAX_REQUEST_BYTES = 100 * 1024 * 1024
/** Most video parts per request (Google Cloud's video pages: "The maximum number of video files ... is 10"). */
export const MAX_VIDEO_PARTS = 10
/** Chunk granularity of the resumable upload protocol: every chunk but the last a multiple of 256 KiB. */
export const UPLOAD_CHUNK_GRANULARITY = 256 * 1024
/** Files API lifetime: 48 h (ai.google.dev/gemini-api/docs/files). */
export const FILE_LIFETIME_MS = 48 * 3600 * 1000
/** Placeholder signatures Google documents for turns a client writes itself (thought signatures page). */
export const PLACEHOLDER_SIGNATURES: ReadonlySet<string> = new Set(["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"])

const BODY_KEYS = new Set(["contents", "systemInstruction", "generationConfig", "safetySettings", "tools", "toolConfig", "cachedContent", "serviceTier", "labels"])
/** generationConfig fields of v1beta (the ones @google/genai 3.1.0 writes into it for the Developer API). */
const GENERATION_KEYS = new Set([
  "temperature", "topP", "topK", "candidateCount", "maxOutputTokens", "stopSequences", "responseLogprobs", "logprobs",
  "presencePenalty", "frequencyPenalty", "seed", "responseMimeType", "responseSchema", "responseJsonSchema",
  "responseModalities", "mediaResolution", "speechConfig", "thinkingConfig", "audioTranscriptionConfig", "imageConfig",
  "enableEnhancedCivicAnswers"
])
const THINKING_KEYS = new Set(["includeThoughts", "thinkingBudget", "thinkingLevel"])
const THINKING_LEVELS = new Set(["MINIMAL", "LOW", "MEDIUM", "HIGH"])
const MEDIA_RESOLUTIONS = new Set(["MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH", "MEDIA_RESOLUTION_ULTRA_HIGH"])
const PART_KEYS = new Set([
  "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult",
  "thought", "thoughtSignature", "videoMetadata", "mediaResolution", "partMetadata", "toolCall", "toolResponse"
])
const DATA_KEYS = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult", "toolCall", "toolResponse"] as const
/** Video and audio codecs the stand-in accepts (MP4, MOV, WebM, 3GP are the containers). */
const VIDEO_CODECS = new Set(["h264", "vp8", "vp9", "mpeg4"])
const AUDIO_CODECS = new Set(["aac", "mp3", "opus", "vorbis"])
/** ffprobe `format_name` words each video MIME type may carry. */
const CONTAINER_OF: Readonly<Record<string, ReadonlyArray<string>>> = {
  "video/mp4": ["mp4", "mov"],
  "video/quicktime": ["mov"],
  "video/mov": ["mov"],
  "video/webm": ["webm", "matroska"],
  "video/3gpp": ["3gp", "mov"]
}

const readBody = (req: IncomingMessage): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))))
    req.on("error", reject)
  })

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers })
  res.end(JSON.stringify(body))
}

const errorBody = (code: number, message: string, details?: ReadonlyArray<unknown>) => ({
  error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN", ...(details === undefined ? {} : { details }) }
})

const sendError = (res: ServerResponse, code: number, message: string, details?: ReadonlyArray<unknown>) => sendJson(res, code, errorBody(code, message, details))

/** ffprobe of a file: format name, duration, codecs. */
interface Probe {
  readonly formatName: string
  readonly durationSeconds: number
  readonly videoCodecs: ReadonlyArray<string>
  readonly audioCodecs: ReadonlyArray<string>
}

const probeBytes = async (bytes: Uint8Array): Promise<Probe | null> => {
  const dir = await mkdtemp(path.join(tmpdir(), "gemini-standin-"))
  try {
    const file = path.join(dir, "media")
    await writeFile(file, bytes)
    const out = await new Promise<string | null>((resolve) =>
      execFile("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], { timeout: 30_000 }, (error, stdout) => resolve(error === null ? stdout : null))
    )
    if (out === null) return null
    const json = JSON.parse(out) as { format?: { format_name?: string; duration?: string }; streams?: ReadonlyArray<{ codec_type?: string; codec_name?: string }> }
    const streams = json.streams ?? []
    return {
      formatName: json.format?.format_name ?? "",
      durationSeconds: Number(json.format?.duration ?? "0") || 0,
      videoCodecs: streams.filter((s) => s.codec_type === "video").map((s) => s.codec_name ?? "unknown"),
      audioCodecs: streams.filter((s) => s.codec_type === "audio").map((s) => s.codec_name ?? "unknown")
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Why Google would fail to process a video with these facts (null when it is a documented format). */
const videoProblem = (mimeType: string, probe: Probe | null): string | null => {
  if (probe === null) return "the file could not be decoded as video"
  const containers = CONTAINER_OF[mimeType]
  if (containers !== undefined && !containers.some((c) => probe.formatName.split(",").includes(c))) return `the bytes are ${probe.formatName}, not ${mimeType}`
  const video = probe.videoCodecs.find((c) => !VIDEO_CODECS.has(c))
  if (probe.videoCodecs.length === 0) return "no video stream"
  if (video !== undefined) return `unsupported video codec ${video}`
  const audio = probe.audioCodecs.find((c) => !AUDIO_CODECS.has(c))
  return audio === undefined ? null : `unsupported audio codec ${audio}`
}

/** The last non-thought inline image of a generateContent body, decoded from base64; null when there is none. */
const lastInlineImage = (body: RequestBody | null): Uint8Array | null => {
  const contents = body?.contents ?? []
  for (let c = contents.length - 1; c >= 0; c--) {
    const parts = contents[c]!.parts ?? []
    for (let p = parts.length - 1; p >= 0; p--) {
      const part = parts[p]!
      const d = part.inlineData
      if (part.thought !== true && d?.data !== undefined && (d.mimeType ?? "").startsWith("image/")) return new Uint8Array(Buffer.from(d.data, "base64"))
    }
  }
  return null
}

/** Applies an `{ image }` reply's edit to the request's last image (see {@link StandInReply}); also a small interim "thought" image. */
const editImage = async (edit: StandInImageEdit, body: RequestBody | null): Promise<{ final: Buffer; interim: Buffer; mimeType: string } | null> => {
  const input = lastInlineImage(body)
  if (input === null) return null
  const ratio = body?.generationConfig?.imageConfig?.aspectRatio
  const size = ratio === undefined ? undefined : IMAGE_MODEL_SIZES[ratio]
  const [r, g, b] = edit.gains ?? [1.1, 1, 0.9]
  let image = sharp(input).removeAlpha().toColourspace("srgb")
  if (size !== undefined) image = image.resize(size.width, size.height, { fit: "fill" })
  const linear = image.linear([r, g, b], [0, 0, 0])
  const mimeType = edit.mimeType ?? "image/png"
  const final = mimeType === "image/jpeg" ? await linear.jpeg({ quality: 92 }).toBuffer() : await linear.png().toBuffer()
  const interim = await sharp(input).resize(64, 64, { fit: "inside" }).png().toBuffer()
  return { final, interim, mimeType }
}

/**
 * Answers a `generateContent` request when the script is empty: gets the model name (from the
 * path) and the request body; returns the reply, or undefined for the 500 "no scripted reply".
 */
export type StandInResponder = (request: { readonly model: string; readonly body: unknown }) => StandInReply | undefined

/** Options of {@link startGeminiStandIn}. */
export interface StandInOptions {
  /** `GET /v1beta/files/{id}` reads answered PROCESSING before the outcome (default 1). */
  readonly processingPolls?: number
  /** Answers requests the script has no reply for (see {@link StandInResponder}). */
  readonly respond?: StandInResponder
  /** Reject what Google rejects (module doc); default true. */
  readonly strict?: boolean
  /** The date model shutdowns are judged on (ISO `YYYY-MM-DD`); default today. */
  readonly today?: string
}

/** Starts a stand-in on a free port of 127.0.0.1 (see {@link StandInOptions}). */
export const startGeminiStandIn = async (options: StandInOptions = {}): Promise<GeminiStandIn> => {
  const processingPolls = options.processingPolls ?? 1
  const strict = options.strict ?? true
  const today = options.today ?? new Date().toISOString().slice(0, 10)
  const requests: Array<StandInRequest> = []
  const rejections: Array<{ status: number; message: string }> = []
  const files = new Map<string, StandInFile>()
  const pendingUploads = new Map<string, { displayName: string; mimeType: string; size: number; chunks: Array<Buffer> }>()
  const issuedSignatures = new Set<string>()
  const probes = new Map<string, Promise<Probe | null>>()
  let queue: Array<StandInReply> = []
  let nextId = 1
  let baseUrl = ""

  const probeCached = (bytes: Uint8Array) => {
    const key = createHash("sha1").update(bytes).digest("hex")
    let probe = probes.get(key)
    if (probe === undefined) {
      probe = probeBytes(bytes)
      probes.set(key, probe)
    }
    return probe
  }

  const signature = () => {
    const s = randomBytes(24).toString("base64")
    issuedSignatures.add(s)
    return s
  }

  const fileByUri = (uri: string) => [...files.values()].find((f) => f.uri === uri)

  /** Google's figures per image ([MEDIA], [TOKENS25] in GeminiModels.ts), estimated independently here. */
  const imageTokens = (model: GoogleModel, resolution: string | undefined) =>
    model.generation === "3" ? (resolution === "MEDIA_RESOLUTION_LOW" ? 280 : resolution === "MEDIA_RESOLUTION_MEDIUM" ? 560 : resolution === "MEDIA_RESOLUTION_ULTRA_HIGH" ? 2240 : 1120) : resolution === "MEDIA_RESOLUTION_LOW" ? 64 : 258
  const frameTokens = (model: GoogleModel, resolution: string | undefined) =>
    model.generation === "3" ? (resolution === "MEDIA_RESOLUTION_HIGH" ? 280 : 70) : resolution === "MEDIA_RESOLUTION_LOW" ? 66 : 258

  /** The prompt's token estimate. */
  const estimateTokens = async (model: GoogleModel, body: RequestBody): Promise<number> => {
    const globalResolution = body.generationConfig?.mediaResolution
    let tokens = 0
    const all = [...(body.systemInstruction === undefined ? [] : [body.systemInstruction]), ...(body.contents ?? [])]
    for (const content of all) {
      for (const part of content.parts ?? []) {
        const resolution = part.mediaResolution?.level ?? globalResolution
        if (typeof part.text === "string") tokens += Math.ceil(part.text.length / 4)
        const mime = part.inlineData?.mimeType ?? part.fileData?.mimeType ?? ""
        if (mime.startsWith("image/")) tokens += imageTokens(model, resolution)
        if (mime.startsWith("video/")) {
          const video = part.inlineData?.data !== undefined
            ? await probeCached(Buffer.from(part.inlineData.data, "base64")).then((p) => (p === null ? null : { durationSeconds: p.durationSeconds, hasAudio: p.audioCodecs.length > 0 }))
            : fileByUri(part.fileData?.fileUri ?? "")?.video ?? null
          if (video !== null) {
            const frames = Math.max(1, Math.ceil(video.durationSeconds * (part.videoMetadata?.fps ?? 1)))
            tokens += frames * frameTokens(model, resolution) + (video.hasAudio ? Math.ceil(video.durationSeconds * 32) : 0)
          }
        }
      }
    }
    return tokens
  }

  /** The strict checks of a generateContent body (module doc): the first problem found, or null. */
  const validate = async (model: GoogleModel, body: unknown, bodyBytes: number): Promise<{ status: number; message: string } | null> => {
    if (bodyBytes > MAX_REQUEST_BYTES) return { status: 400, message: `Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.` }
    if (typeof body !== "object" || body === null) return { status: 400, message: "Invalid JSON payload received." }
    const b = body as RequestBody
    for (const key of Object.keys(b)) if (!BODY_KEYS.has(key)) return { status: 400, message: `Invalid JSON payload received. Unknown name "${key}": Cannot find field.` }
    const config = b.generationConfig ?? {}
    for (const key of Object.keys(config)) if (!GENERATION_KEYS.has(key)) return { status: 400, message: `Invalid JSON payload received. Unknown name "${key}" at 'generation_config': Cannot find field.` }
    if (config.mediaResolution !== undefined && !MEDIA_RESOLUTIONS.has(config.mediaResolution)) return { status: 400, message: `Invalid value at 'generation_config.media_resolution' (${String(config.mediaResolution)})` }
    const thinking = config.thinkingConfig ?? {}
    for (const key of Object.keys(thinking)) if (!THINKING_KEYS.has(key)) return { status: 400, message: `Invalid JSON payload received. Unknown name "${key}" at 'generation_config.thinking_config': Cannot find field.` }
    if (thinking["thinkingLevel"] !== undefined && thinking["thinkingBudget"] !== undefined) return { status: 400, message: "thinking_budget and thinking_level are not supported together." }
    if (thinking["thinkingLevel"] !== undefined && !THINKING_LEVELS.has(String(thinking["thinkingLevel"]))) return { status: 400, message: `Invalid value at 'generation_config.thinking_config.thinking_level' (${String(thinking["thinkingLevel"])})` }
    const contents = b.contents ?? []
    if (contents.length === 0) return { status: 400, message: "* GenerateContentRequest.contents: contents is not specified" }
    const checkParts = (where: string, parts: ReadonlyArray<RequestPart> | undefined): string | null => {
      if (parts === undefined || parts.length === 0) return `* GenerateContentRequest.${where}.parts: contents.parts must not be empty.`
      for (const [p, part] of parts.entries()) {
        for (const key of Object.keys(part)) if (!PART_KEYS.has(key)) return `Invalid JSON payload received. Unknown name "${key}" at '${where}.parts[${p}]': Cannot find field.`
        const set = DATA_KEYS.filter((k) => part[k] !== undefined && part[k] !== null)
        if (set.length !== 1) return `* GenerateContentRequest.${where}.parts[${p}].data: required oneof field 'data' must have one initialized field`
        if (set[0] === "text" && (typeof part.text !== "string" || part.text === "")) return `* GenerateContentRequest.${where}.parts[${p}].data: required oneof field 'data' must have one initialized field (empty text)`
        if (set[0] === "inlineData" && (!part.inlineData?.data || !part.inlineData.mimeType)) return `* GenerateContentRequest.${where}.parts[${p}].inline_data: mime_type and data are required`
        if (set[0] === "fileData" && !part.fileData?.fileUri) return `* GenerateContentRequest.${where}.parts[${p}].file_data.file_uri: file_uri is required`
      }
      return null
    }
    if (b.systemInstruction !== undefined) {
      const problem = checkParts("system_instruction", b.systemInstruction.parts)
      if (problem !== null) return { status: 400, message: problem }
    }
    let videos = 0
    for (const [c, content] of contents.entries()) {
      if (content.role !== "user" && content.role !== "model") return { status: 400, message: `Please use a valid role: user, model. (contents[${c}])` }
      const problem = checkParts(`contents[${c}]`, content.parts)
      if (problem !== null) return { status: 400, message: problem }
      for (const part of content.parts ?? []) {
        const mime = part.inlineData?.mimeType ?? part.fileData?.mimeType ?? ""
        if (mime.startsWith("video/")) videos += 1
        if (part.fileData?.fileUri !== undefined) {
          const file = fileByUri(part.fileData.fileUri)
          if (file === undefined || file.expired) return { status: 403, message: `You do not have permission to access the File ${part.fileData.fileUri} or it may not exist.` }
          if (file.polls <= processingPolls || file.outcome !== "ACTIVE") return { status: 400, message: `The File ${file.name} is not in an ACTIVE state and usage is not allowed.` }
        }
      }
      if (model.generation === "3" && model.kind === "image" && content.role === "model") {
        const parts = content.parts ?? []
        const firstAnswerPart = parts.findIndex((part) => part.thought !== true)
        for (const [p, part] of parts.entries()) {
          // Google's rule for Gemini 3 image models: the first part after the thoughts and every answer image carry a signature.
          const needs = p === firstAnswerPart || (part.thought !== true && (part.inlineData?.mimeType ?? "").startsWith("image/"))
          if (!needs) continue
          const sig = part.thoughtSignature
          if (typeof sig !== "string") return { status: 400, message: `Image part is missing a thought_signature in content position ${c + 1}, part position ${p + 1}.` }
          if (!issuedSignatures.has(sig) && !PLACEHOLDER_SIGNATURES.has(sig)) return { status: 400, message: `Unable to submit request because it has an invalid thought signature for content at index ${c}.` }
        }
      }
    }
    if (videos > MAX_VIDEO_PARTS) return { status: 400, message: `The request has ${videos} videos; at most ${MAX_VIDEO_PARTS} are supported per request.` }
    const tokens = await estimateTokens(model, b)
    if (tokens > model.inputTokenLimit) return { status: 400, message: `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${model.inputTokenLimit}).` }
    return null
  }

  /** Default usage: the prompt estimate, the answer's tokens, thinking for thinking models. */
  const usageFor = async (model: GoogleModel | null, body: unknown, answerTokens: number, imageTokens = 0): Promise<StandInUsage> => {
    const promptTokenCount = model === null || typeof body !== "object" || body === null ? 100 : Math.max(1, await estimateTokens(model, body as RequestBody))
    const thoughtsTokenCount = model?.generation === "3" ? 64 : 0
    const candidatesTokenCount = answerTokens + imageTokens
    return {
      promptTokenCount,
      candidatesTokenCount,
      ...(thoughtsTokenCount > 0 ? { thoughtsTokenCount } : {}),
      ...(imageTokens > 0 ? { candidatesTokensDetails: [{ modality: "IMAGE", tokenCount: imageTokens }, { modality: "TEXT", tokenCount: answerTokens }] } : {}),
      totalTokenCount: promptTokenCount + candidatesTokenCount + thoughtsTokenCount
    }
  }

  /** Signs a Gemini 3 answer's parts: the first non-thought part, and (image models) every non-thought image part. */
  const sign = (model: GoogleModel | null, parts: Array<Record<string, unknown>>) => {
    if (model?.generation !== "3") return parts
    let first = true
    return parts.map((p) => {
      if (p["thought"] === true) return p
      const image = ((p["inlineData"] as { mimeType?: string } | undefined)?.mimeType ?? "").startsWith("image/")
      const signed = first || (model.kind === "image" && image) ? { ...p, thoughtSignature: signature() } : p
      first = false
      return signed
    })
  }

  const answer = async (res: ServerResponse, reply: StandInReply, body: unknown, model: GoogleModel | null): Promise<void> => {
    if ("delayMs" in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs))
      if (res.destroyed || res.writableEnded) return
      return answer(res, reply.then, body, model)
    }
    const candidate = (parts: ReadonlyArray<Record<string, unknown>> | null, finishReason: string) => ({
      ...(parts === null ? {} : { content: { role: "model", parts } }),
      finishReason,
      index: 0
    })
    const respond = (candidates: ReadonlyArray<unknown>, usage: StandInUsage) => sendJson(res, 200, { candidates, usageMetadata: usage, modelVersion: model?.id ?? "stand-in" })
    if ("image" in reply) {
      const edited = await editImage(reply.image, body as RequestBody | null)
      if (edited === null) return sendError(res, 400, "stand-in: an image reply needs an inline image in the request")
      const thoughts = model?.generation === "3"
        ? [{ text: "Planning the edit: exposure, colour, then detail.", thought: true }, { inlineData: { mimeType: "image/png", data: edited.interim.toString("base64") }, thought: true }]
        : []
      const text = reply.text === undefined ? "Edited." : reply.text
      const parts = sign(model, [...thoughts, ...(text === null ? [] : [{ text }]), { inlineData: { mimeType: edited.mimeType, data: edited.final.toString("base64") } }])
      return respond([candidate(parts, "STOP")], reply.usage ?? (await usageFor(model, body, Math.ceil((text ?? "").length / 4), 1120)))
    }
    if ("status" in reply) {
      const details = reply.status === 429 && (reply.retryDelay !== undefined || reply.quotaId !== undefined)
        ? [
          ...(reply.quotaId === undefined ? [] : [{
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_requests", quotaId: reply.quotaId, quotaDimensions: { location: "global", model: model?.id ?? "" }, quotaValue: "10" }]
          }]),
          { "@type": "type.googleapis.com/google.rpc.Help", links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }] },
          ...(reply.retryDelay === undefined ? [] : [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: reply.retryDelay }])
        ]
        : undefined
      return sendError(res, reply.status, reply.message ?? `scripted HTTP ${reply.status}`, details)
    }
    if ("blockReason" in reply) {
      return sendJson(res, 200, { promptFeedback: { blockReason: reply.blockReason }, usageMetadata: { promptTokenCount: 50, totalTokenCount: 50 } })
    }
    if ("noCandidates" in reply) return sendJson(res, 200, { candidates: [], usageMetadata: await usageFor(model, body, 0), modelVersion: model?.id ?? "stand-in" })
    if ("noContent" in reply) return respond([candidate(null, reply.finishReason)], reply.usage ?? (await usageFor(model, body, 0)))
    if ("parts" in reply) return respond([candidate([...reply.parts], reply.finishReason ?? "STOP")], reply.usage ?? (await usageFor(model, body, 20)))
    const parts = sign(model, [{ text: reply.text }])
    return respond([candidate(parts, reply.finishReason ?? "STOP")], reply.usage ?? (await usageFor(model, body, Math.max(1, Math.ceil(reply.text.length / 4)))))
  }

  const fileJson = (f: StandInFile, state: string) => ({
    name: f.name,
    displayName: f.displayName,
    mimeType: f.mimeType,
    sizeBytes: String(f.sizeBytes),
    uri: f.uri,
    state,
    ...(state === "FAILED" ? { error: { code: 3, message: f.error ?? "processing failed" } } : {})
  })

  const finalizeUpload = async (uploadId: string, pending: { displayName: string; mimeType: string; size: number; chunks: Array<Buffer> }) => {
    const bytes = new Uint8Array(Buffer.concat(pending.chunks))
    const id = `standin${uploadId}`
    let outcome: "ACTIVE" | "FAILED" = "ACTIVE"
    let error: string | null = null
    let video: StandInFile["video"] = null
    if (pending.mimeType.startsWith("video/")) {
      const probe = await probeCached(bytes)
      const problem = videoProblem(pending.mimeType, probe)
      if (probe !== null) video = { durationSeconds: probe.durationSeconds, hasAudio: probe.audioCodecs.length > 0 }
      if (strict && problem !== null) {
        outcome = "FAILED"
        error = `Video processing failed: ${problem}.`
      }
    }
    const file: StandInFile = {
      name: `files/${id}`,
      displayName: pending.displayName,
      mimeType: pending.mimeType,
      sizeBytes: bytes.length,
      uri: `${baseUrl}/v1beta/files/${id}`,
      bytes,
      chunks: pending.chunks.map((c) => c.length),
      outcome,
      error,
      video,
      polls: 0,
      expired: false
    }
    files.set(file.name, file)
    return file
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    let json: unknown = null
    try {
      json = body.length === 0 ? null : JSON.parse(Buffer.from(body).toString("utf8"))
    } catch {
      json = null
    }
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v
    const requestPath = req.url ?? "/"
    requests.push({ method: req.method ?? "GET", path: requestPath, headers, body, json })
    const url = new URL(requestPath, "http://stand-in")

    const generate = /^\/v1(?:beta)?\/models\/([^/:]+):generateContent$/.exec(url.pathname)
    if (req.method === "POST" && generate) {
      const id = decodeURIComponent(generate[1]!)
      const model = servedModel(id, today)
      if (strict) {
        const problem = model === null
          ? { status: 404, message: `models/${id} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.` }
          : await validate(model, json, body.length)
        if (problem !== null) {
          rejections.push(problem)
          return sendError(res, problem.status, problem.message)
        }
      }
      const reply = queue.shift() ?? options.respond?.({ model: id, body: json })
      return reply === undefined ? sendError(res, 500, "stand-in: no scripted reply") : answer(res, reply, json, model)
    }
    const modelGet = /^\/v1(?:beta)?\/models\/([^/:]+)$/.exec(url.pathname)
    if (req.method === "GET" && modelGet) {
      const id = decodeURIComponent(modelGet[1]!)
      const model = servedModel(id, today)
      if (model === null) return sendError(res, 404, `models/${id} is not found for API version v1beta, or is not supported for generateContent.`)
      return sendJson(res, 200, {
        name: `models/${model.id}`,
        version: model.released,
        displayName: model.id,
        inputTokenLimit: model.inputTokenLimit,
        outputTokenLimit: model.outputTokenLimit,
        supportedGenerationMethods: ["generateContent", "countTokens", "batchGenerateContent"],
        thinking: model.generation === "3" && model.kind === "text"
      })
    }
    if (req.method === "POST" && /^\/upload\/v1(?:beta)?\/files$/.test(url.pathname)) {
      const command = headers["x-goog-upload-command"] ?? ""
      if (command === "start") {
        const uploadId = String(nextId++)
        const meta = (json as { file?: { displayName?: string } } | null)?.file
        pendingUploads.set(uploadId, {
          displayName: meta?.displayName ?? "",
          mimeType: headers["x-goog-upload-header-content-type"] ?? "application/octet-stream",
          size: Number(headers["x-goog-upload-header-content-length"] ?? "0"),
          chunks: []
        })
        res.writeHead(200, { "x-goog-upload-url": `${baseUrl}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`, "x-goog-upload-status": "active" })
        return res.end()
      }
      const uploadId = url.searchParams.get("upload_id") ?? ""
      const pending = pendingUploads.get(uploadId)
      if (pending === undefined) return sendError(res, 404, `stand-in: unknown upload ${uploadId}`)
      const offset = Number(headers["x-goog-upload-offset"] ?? "NaN")
      const received = pending.chunks.reduce((n, c) => n + c.length, 0)
      if (offset !== received) return sendError(res, 400, `Invalid X-Goog-Upload-Offset ${offset}: ${received} bytes received so far.`)
      const finalize = command.split(",").map((s) => s.trim()).includes("finalize")
      if (!command.split(",").map((s) => s.trim()).includes("upload")) return sendError(res, 400, `stand-in: unknown upload command "${command}"`)
      if (strict && !finalize && body.length % UPLOAD_CHUNK_GRANULARITY !== 0) return sendError(res, 400, `Chunk of ${body.length} bytes is not a multiple of ${UPLOAD_CHUNK_GRANULARITY} bytes.`)
      pending.chunks.push(Buffer.from(body))
      if (!finalize) {
        res.writeHead(200, { "x-goog-upload-status": "active" })
        return res.end()
      }
      pendingUploads.delete(uploadId)
      const total = received + body.length
      if (strict && total !== pending.size) return sendError(res, 400, `Upload of ${total} bytes does not match the declared ${pending.size} bytes.`)
      const file = await finalizeUpload(uploadId, pending)
      return sendJson(res, 200, { file: fileJson(file, "PROCESSING") }, { "x-goog-upload-status": "final" })
    }
    const fileGet = /^\/v1(?:beta)?\/(files\/[^/]+)$/.exec(url.pathname)
    if (req.method === "GET" && fileGet) {
      const file = files.get(fileGet[1]!)
      if (file === undefined || file.expired) return sendError(res, 403, `You do not have permission to access the File ${fileGet[1]} or it may not exist.`)
      file.polls += 1
      return sendJson(res, 200, fileJson(file, file.polls > processingPolls ? file.outcome : "PROCESSING"))
    }
    return sendError(res, 404, `stand-in: no route for ${req.method} ${url.pathname}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, `stand-in failure: ${String(e)}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    requests,
    files,
    rejections,
    script: (...replies) => {
      queue.push(...replies)
    },
    generateRequests: () => requests.filter((r) => r.path.includes(":generateContent")),
    expire: (name) => {
      const file = files.get(name)
      if (file !== undefined) file.expired = true
    },
    reset: () => {
      queue = []
      requests.length = 0
      rejections.length = 0
      files.clear()
      pendingUploads.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      })
  }
}

/** Every model id of the list served on `day` (for tests that need a real one of a kind). */
export const servedModels = (day: string, kind?: GoogleModel["kind"]): ReadonlyArray<string> =>
  GOOGLE_MODELS.filter((m) => servedModel(m.id, day) !== null && (kind === undefined || m.kind === kind)).map((m) => m.id)
