import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { VideoAdjustments, type VideoAnalysis } from "@curator/contracts"
import { failureOf as failureOfExit, runExit } from "@curator/contracts/testing"
import { Layer, Schema } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  analysisFps,
  DEFAULT_MODELS,
  GeminiClient,
  geminiConfigFromEnv,
  PROMPTS,
  VIDEO_RESPONSE_SCHEMA,
  type VideoAnalysisRequest,
  VideoAnalyzer,
  VideoAnalyzerGemini,
  type VideoRoundParams
} from "../src/index.js"
import { av1WebmPreview, mp4Preview } from "./support/videos.js"

const MODEL = DEFAULT_MODELS.videoAnalysis

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 1 })
})
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = (inlineBytes = 1) =>
  VideoAnalyzerGemini.pipe(
    Layer.provide(GeminiClient.layer({ ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_INLINE_VIDEO_BYTES: String(inlineBytes) })!, filePollMs: 1 }))
  )
const analysis: VideoAnalysis = { yavg: 60, ymin: 16, ymax: 200, satavg: 12, sampledFrames: 20, shake: 0.006, hdrTransfer: "hlg", durationSeconds: 10.5, hasAudio: true, rotation: 0, width: 848, height: 480 }
const preview = { bytes: mp4Preview(), mimeType: "video/mp4", displayName: "v1.mp4", durationSeconds: 2 }
const run = (previous: VideoAnalysisRequest["previous"] = null, request: Partial<VideoAnalysisRequest> = {}, inlineBytes?: number) =>
  runExit(VideoAnalyzer.use((a) => a.analyseVideo!({ preview, analysis, previous, ...request })), layer(inlineBytes))
const answer = { brightness: 0.02, contrast: 1.1, saturation: 1.2, gamma: 1.3, warmth: 0.05, denoise: 3, stabilise: true, sharpen: 0.5, reason: "Dim, shaky footage." }
const failureOf = (exit: Parameters<typeof failureOfExit>[0]) => failureOfExit(exit) as { readonly _tag?: string; readonly message?: string } | undefined
const json = (v: unknown) => ({ text: JSON.stringify(v) })
const success = async (previous: VideoAnalysisRequest["previous"] = null, request: Partial<VideoAnalysisRequest> = {}, inlineBytes?: number): Promise<VideoRoundParams> => {
  const exit = await run(previous, request, inlineBytes)
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit))}`)
  return exit.value
}
interface Body {
  contents: Array<{ role: string; parts: Array<{ text?: string; thoughtSignature?: string; videoMetadata?: { fps: number }; inlineData?: { mimeType: string }; fileData?: { fileUri: string; mimeType: string } }> }>
  systemInstruction?: { parts: Array<{ text: string }> }
  generationConfig: Record<string, unknown>
}

describe("VideoAnalyzerGemini against the stand-in", () => {
  it("uploads the MP4 preview through the Files API, sends its fileUri sampled above 1 fps with the signal, and answers VideoAdjustments with the measured tone map", async () => {
    standIn.script(json(answer))
    const params = await success()
    const { gemini, ...adjustments } = params
    expect(Schema.is(VideoAdjustments)(adjustments)).toBe(true)
    expect(adjustments).toEqual({ brightness: 0.02, contrast: 1.1, saturation: 1.2, gamma: 1.3, warmth: 0.05, denoise: 3, stabilise: true, sharpen: 0.5, toneMap: "hlg" })
    expect(gemini).toMatchObject({ model: MODEL, reason: "Dim, shaky footage.", requests: [] })
    expect(gemini!.totalTokens).toBeGreaterThan(0)
    // Upload start, bytes, at least one status read, then generateContent.
    const upload = standIn.requests.find((r) => r.path.startsWith("/upload/v1beta/files") && r.headers["x-goog-upload-command"] === "start")
    expect(upload?.headers["x-goog-upload-header-content-type"]).toBe("video/mp4")
    const [file] = [...standIn.files.values()]
    expect(file).toMatchObject({ mimeType: "video/mp4", outcome: "ACTIVE" })
    const [req] = standIn.generateRequests()
    expect(req!.path).toBe(`/v1beta/models/${MODEL}:generateContent`)
    const body = req!.json as Body
    expect(body.generationConfig).toMatchObject({
      responseMimeType: "application/json",
      responseJsonSchema: VIDEO_RESPONSE_SCHEMA,
      mediaResolution: "MEDIA_RESOLUTION_LOW",
      thinkingConfig: { thinkingLevel: "LOW" }
    })
    expect(body.systemInstruction!.parts[0]!.text).toBe(PROMPTS["video-analysis"])
    // A 2 s clip is read at all 5 of the preview's frames per second (Gemini's default is 1 fps).
    expect(body.contents[0]!.parts[0]).toEqual({ fileData: { fileUri: file!.uri, mimeType: "video/mp4" }, videoMetadata: { fps: 5 } })
    expect(body.contents[0]!.parts[1]!.text).toContain("mean luma 60.0")
  })

  it("sends a small preview inline", async () => {
    standIn.script(json(answer))
    await success(null, {}, 4_000_000)
    expect(standIn.files.size).toBe(0)
    expect((standIn.generateRequests()[0]!.json as Body).contents[0]!.parts[0]).toMatchObject({ inlineData: { mimeType: "video/mp4" }, videoMetadata: { fps: 5 } })
  })

  it("samples at most 300 frames: fps from the duration, between 1 and the preview's 5", () => {
    expect(analysisFps(2)).toBe(5)
    expect(analysisFps(120)).toBe(2.5)
    expect(analysisFps(3600)).toBe(1)
  })

  it("a preview the Files API cannot process is AiFileFailedError (the task keeps the offline rules)", async () => {
    const exit = await run(null, { preview: { bytes: av1WebmPreview(), mimeType: "video/webm", displayName: "v1.webm", durationSeconds: 2 } })
    expect(failureOf(exit)?._tag).toBe("AiFileFailedError")
    expect(standIn.generateRequests()).toHaveLength(0)
  })

  it("an answer out of the contract's ranges gets one repair turn", async () => {
    standIn.script(json({ ...answer, contrast: 5 }), json(answer))
    expect((await success()).contrast).toBe(1.1)
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it("feedback is a further turn: the preview turn, the model's previous answer turn verbatim, then the words", async () => {
    standIn.script(json(answer))
    const first = await success()
    const kept = JSON.parse(first.gemini!.turn!) as { role: string; parts: Array<{ text: string; thoughtSignature?: string }> }
    expect(kept.parts[0]).toMatchObject({ text: JSON.stringify(answer), thoughtSignature: expect.any(String) })
    standIn.reset()
    standIn.script(json({ ...answer, warmth: 0.12, reason: "Warmer as asked." }))
    const second = await success({ params: first, feedback: "warmer" })
    expect(second.warmth).toBe(0.12)
    expect(second.gemini?.requests).toEqual(["warmer"])
    const body = standIn.generateRequests()[0]!.json as Body
    expect(body.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(body.contents[0]!.parts[0]!.fileData?.mimeType).toBe("video/mp4")
    expect(body.contents[1]).toEqual(kept)
    expect(body.contents[2]!.parts[0]!.text).toContain("\"warmer\"")
  })

  it("feedback on a round stored before turns were kept rebuilds the model turn from the parameters with the placeholder signature", async () => {
    standIn.script(json(answer))
    const first = await success()
    const { turn: _, ...legacy } = first.gemini!
    standIn.reset()
    standIn.script(json(answer))
    await success({ params: { ...first, gemini: legacy }, feedback: "warmer" })
    const model = (standIn.generateRequests()[0]!.json as Body).contents[1]!
    expect(JSON.parse(model.parts[0]!.text!)).toEqual({ ...answer })
    expect(model.parts[0]!.thoughtSignature).toBe("skip_thought_signature_validator")
  })

  it("429, 503 and a refusal map onto the error table", async () => {
    standIn.script({ status: 429 })
    expect(failureOf(await run())?._tag).toBe("AiRateLimitedError")
    standIn.script({ status: 503 })
    expect(failureOf(await run())?._tag).toBe("AiUnavailableError")
    standIn.script({ blockReason: "PROHIBITED_CONTENT" })
    expect(failureOf(await run())?._tag).toBe("AiRefusedError")
  })
})
