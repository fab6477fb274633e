/**
 * The Gemini VideoAnalyzer (`VideoAnalyzerGemini`): the video's AI preview (H.264 + AAC MP4 from
 * `AiPreviewEncoder`) goes inline when small, else up through the Files API (bounded wait for
 * ACTIVE, a `fileData` part), sampled at {@link analysisFps} (`videoMetadata.fps`: more than
 * Gemini's default 1 fps, so shake and flicker between frames can be seen), with the measured
 * signal and `prompts/video-analysis.md`; the answer is JSON (`responseJsonSchema` =
 * {@link VIDEO_RESPONSE_SCHEMA}) in the SAME ranges as the contract's `VideoAdjustments`, so
 * `VideoEnhancer` applies it unchanged. `toneMap` is not asked: it is the measured HDR transfer
 * (the preview is SDR, the model cannot see it). `mediaResolution` LOW (70 tokens per frame on
 * Gemini 3) and a LOW thinking level (GeminiModels.ts `ROLE_SETTINGS`).
 *
 * Feedback: a further turn of the same conversation — [user: the preview (sent again: a Files API
 * file lives 48 h, a round may come later) + the first prompt, model: the previous answer's turn
 * verbatim (kept in the round's params; rebuilt from the parameters with the documented
 * placeholder signature for a round stored before), user: `prompts/video-feedback.md` with the
 * person's words and the earlier ones] — answered with the complete parameters again.
 *
 * Errors: GeminiClient's (429, 5xx/timeouts, refusal, unusable JSON after one repair turn), and
 * AiFileFailedError when the Files API cannot process the preview (the task then keeps the
 * offline rules for the round). `analyse` / `applyFeedback` stay the offline rules.
 */
import { VideoAdjustments, type VideoAnalysis } from "@curator/contracts"
import type { Content } from "@google/genai"
import { AI_PREVIEW_MAX_FPS } from "@curator/media"
import { Effect, Layer, Schema } from "effect"
import { curatorModelTurn, type DecodeResult, GeminiClient } from "./GeminiClient.js"
import { PROMPTS } from "./prompts.generated.js"
import { deriveVideoAdjustments, interpretVideoFeedback, type VideoAnalysisRequest, VideoAnalyzer, type VideoRoundParams } from "./VideoAnalyzer.js"


/** The answer's shape: `VideoAdjustments` without `toneMap`, plus `reason`. Ranges as the contract's. */
const { toneMap: _toneMap, ...answerFields } = VideoAdjustments.fields
const GeminiVideoAnswer = Schema.Struct({ ...answerFields, reason: Schema.String })
type GeminiVideoAnswer = typeof GeminiVideoAnswer.Type

/** The JSON Schema sent as `responseJsonSchema` (mirrors the contract's VideoAdjustments ranges, decision: toneMap measured). */
export const VIDEO_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    brightness: { type: "number", minimum: -0.3, maximum: 0.3 },
    contrast: { type: "number", minimum: 0.5, maximum: 2 },
    saturation: { type: "number", minimum: 0, maximum: 2 },
    gamma: { type: "number", minimum: 0.5, maximum: 2 },
    warmth: { type: "number", minimum: -0.3, maximum: 0.3 },
    denoise: { type: "number", minimum: 0, maximum: 10 },
    stabilise: { type: "boolean" },
    sharpen: { type: "number", minimum: 0, maximum: 1.5 },
    reason: { type: "string" }
  },
  required: ["brightness", "contrast", "saturation", "gamma", "warmth", "denoise", "stabilise", "sharpen", "reason"]
}

/** Checks a parsed answer (the message goes back in the repair turn). */
export const decodeVideoAnswer = (json: unknown): DecodeResult<GeminiVideoAnswer> => {
  try {
    return { ok: true, value: Schema.decodeUnknownSync(GeminiVideoAnswer)(json) }
  } catch (e) {
    return { ok: false, error: `the answer does not match the schema (${e instanceof Error ? e.message : String(e)})` }
  }
}

/** The measured signal as the prompt states it. */
export const describeSignal = (a: VideoAnalysis): string =>
  [
    `Measured over ${a.sampledFrames} frames (8-bit code values, limited range 16-235): mean luma ${a.yavg.toFixed(1)}, darkest ${a.ymin.toFixed(1)}, brightest ${a.ymax.toFixed(1)}, mean saturation ${a.satavg.toFixed(1)}.`,
    `Shake: ${a.shake === null ? "not measured" : `${(a.shake * 100).toFixed(2)} % of the frame width per frame`}. Source: ${a.width}x${a.height}, ${a.durationSeconds.toFixed(1)} s, ${a.hasAudio ? "with sound" : "no sound"}, ${a.hdrTransfer === "none" ? "SDR" : `HDR (${a.hdrTransfer}, tone-mapped to SDR before your filters)`}.`,
    `The offline rules would choose: ${JSON.stringify(withoutToneMap(deriveVideoAdjustments(a)))}.`
  ].join("\n")

const withoutToneMap = ({ toneMap: _, ...rest }: ReturnType<typeof deriveVideoAdjustments>) => rest

const feedbackText = (feedback: string, earlier: ReadonlyArray<string>) =>
  PROMPTS["video-feedback"]
    .replace("FEEDBACK", feedback.trim().replaceAll("\"", "'"))
    .replace("EARLIER", earlier.length === 0 ? "" : `Earlier requests, which your previous answer already follows:\n${earlier.map((t) => `- "${t.trim().replaceAll("\"", "'")}"`).join("\n")}\n`)

/** Most frames the analysis asks Gemini to sample from one preview (70 tokens each at LOW: 21,000 tokens). */
export const ANALYSIS_MAX_FRAMES = 300

/**
 * The sampling rate asked for a preview of `durationSeconds`: as many of the preview's
 * {@link AI_PREVIEW_MAX_FPS} frames per second as fit in {@link ANALYSIS_MAX_FRAMES}, at least
 * Gemini's default 1 fps; one decimal. A 30 s clip is read at 5 fps, a 2 min one at 2.5 fps.
 */
export const analysisFps = (durationSeconds: number): number =>
  Math.max(1, Math.min(AI_PREVIEW_MAX_FPS, Math.floor((ANALYSIS_MAX_FRAMES / Math.max(durationSeconds, 0.1)) * 10) / 10))

const analyseGemini = Effect.fn("VideoAnalyzer.analyseVideo.gemini")(function*(request: VideoAnalysisRequest) {
  const client = yield* GeminiClient
  const model = client.config.models.videoAnalysis
  const { part: preview } = yield* client.videoPart({ ...request.preview, fps: analysisFps(request.preview.durationSeconds) })
  const firstParts = [preview, { text: describeSignal(request.analysis) }]
  const previous = request.previous
  const { usage, value, modelTurn } = previous === null
    ? yield* client.generateJson({
      what: "video analysis",
      role: "videoAnalysis",
      model,
      systemInstruction: PROMPTS["video-analysis"],
      parts: firstParts,
      responseJsonSchema: VIDEO_RESPONSE_SCHEMA,
      decode: decodeVideoAnswer
    })
    : yield* Effect.gen(function*() {
      const { gemini: conversation, toneMap: _, ...adjustments } = previous.params
      const lastTurn = conversation?.turn === undefined
        ? curatorModelTurn([{ text: JSON.stringify({ ...adjustments, reason: conversation?.reason ?? "" }) }])
        : (JSON.parse(conversation.turn) as Content)
      const history: ReadonlyArray<Content> = [{ role: "user", parts: firstParts }, lastTurn]
      return yield* client.generateJson({
        what: "video feedback",
        role: "videoAnalysis",
        model,
        systemInstruction: PROMPTS["video-analysis"],
        history,
        parts: [{ text: feedbackText(previous.feedback, conversation?.requests ?? []) }],
        responseJsonSchema: VIDEO_RESPONSE_SCHEMA,
        decode: decodeVideoAnswer
      })
    })
  const { reason, ...adjustments } = value
  return {
    ...adjustments,
    toneMap: request.analysis.hdrTransfer,
    gemini: {
      model,
      reason,
      requests: previous === null ? [] : [...(previous.params.gemini?.requests ?? []), previous.feedback],
      totalTokens: usage.totalTokens,
      turn: JSON.stringify(modelTurn)
    }
  } satisfies VideoRoundParams
})

/**
 * The Gemini VideoAnalyzer layer (needs a {@link GeminiClient}): `analyseVideo` as in the module
 * doc; `analyse` / `applyFeedback` are the offline rules (for rounds made offline).
 */
export const VideoAnalyzerGemini: Layer.Layer<VideoAnalyzer, never, GeminiClient> = Layer.effect(
  VideoAnalyzer,
  Effect.gen(function*() {
    const client = yield* GeminiClient
    return VideoAnalyzer.of({
      analyse: Effect.fn("VideoAnalyzer.analyse.offline")(function*(analysis: VideoAnalysis) {
        return deriveVideoAdjustments(analysis)
      }),
      applyFeedback: Effect.fn("VideoAnalyzer.applyFeedback.offline")(function*(adjustments, text: string) {
        return interpretVideoFeedback(adjustments, text)
      }),
      analyseVideo: (request) => analyseGemini(request).pipe(Effect.provideService(GeminiClient, client))
    })
  })
)
