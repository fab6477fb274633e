import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { VideoAdjustments, type VideoAnalysis } from "@curator/contracts"
import { failureOf as failureOfExit, runExit } from "@curator/contracts/testing"
import { Layer, Schema } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  GeminiClient,
  geminiConfigFromEnv,
  PROMPTS,
  VIDEO_RESPONSE_SCHEMA,
  type VideoAnalysisRequest,
  VideoAnalyzer,
  VideoAnalyzerGemini,
  type VideoRoundParams
} from "../src/index.js"

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 1 })
})
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = () =>
  VideoAnalyzerGemini.pipe(
    Layer.provide(GeminiClient.layer({ ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS: "video-model" })!, filePollMs: 1 }))
  )
const analysis: VideoAnalysis = { yavg: 60, ymin: 16, ymax: 200, satavg: 12, sampledFrames: 20, shake: 0.006, hdrTransfer: "hlg", durationSeconds: 10.5, hasAudio: true, rotation: 0, width: 848, height: 480 }
const preview = { bytes: new Uint8Array(Buffer.from("webm preview bytes")), mimeType: "video/webm", displayName: "v1.webm" }
const run = (previous: VideoAnalysisRequest["previous"] = null) => runExit(VideoAnalyzer.use((a) => a.analyseVideo!({ preview, analysis, previous })), layer())
const answer = { brightness: 0.02, contrast: 1.1, saturation: 1.2, gamma: 1.3, warmth: 0.05, denoise: 3, stabilise: true, sharpen: 0.5, reason: "Dim, shaky footage." }
const failureOf = (exit: Parameters<typeof failureOfExit>[0]) => failureOfExit(exit) as { readonly _tag?: string; readonly message?: string } | undefined
const json = (v: unknown) => ({ text: JSON.stringify(v) })
const success = async (previous: VideoAnalysisRequest["previous"] = null): Promise<VideoRoundParams> => {
  const exit = await run(previous)
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit))}`)
  return exit.value
}
interface Body {
  contents: Array<{ role: string; parts: Array<{ text?: string; fileData?: { fileUri: string; mimeType: string } }> }>
  systemInstruction?: { parts: Array<{ text: string }> }
  generationConfig: Record<string, unknown>
}

describe("VideoAnalyzerGemini against the stand-in", () => {
  it("uploads the preview through the Files API, sends its fileUri with the signal, and answers VideoAdjustments with the measured tone map", async () => {
    standIn.script(json(answer))
    const params = await success()
    const { gemini, ...adjustments } = params
    expect(Schema.is(VideoAdjustments)(adjustments)).toBe(true)
    expect(adjustments).toEqual({ brightness: 0.02, contrast: 1.1, saturation: 1.2, gamma: 1.3, warmth: 0.05, denoise: 3, stabilise: true, sharpen: 0.5, toneMap: "hlg" })
    expect(gemini).toEqual({ model: "video-model", reason: "Dim, shaky footage.", requests: [], totalTokens: 120 })
    // Upload start, bytes, at least one status read, then generateContent.
    const upload = standIn.requests.find((r) => r.path.startsWith("/upload/v1beta/files") && r.headers["x-goog-upload-command"] === "start")
    expect(upload?.headers["x-goog-upload-header-content-type"]).toBe("video/webm")
    const [file] = [...standIn.files.values()]
    expect(Buffer.from(file!.bytes).toString()).toBe("webm preview bytes")
    const [req] = standIn.generateRequests()
    expect(req!.path).toBe("/v1beta/models/video-model:generateContent")
    const body = req!.json as Body
    expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: VIDEO_RESPONSE_SCHEMA })
    expect(body.systemInstruction!.parts[0]!.text).toBe(PROMPTS["video-analysis"])
    expect(body.contents[0]!.parts[0]).toEqual({ fileData: { fileUri: file!.uri, mimeType: "video/webm" } })
    expect(body.contents[0]!.parts[1]!.text).toContain("mean luma 60.0")
  })

  it("an answer out of the contract's ranges gets one repair turn", async () => {
    standIn.script(json({ ...answer, contrast: 5 }), json(answer))
    expect((await success()).contrast).toBe(1.1)
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it("feedback is a further turn: the preview turn, the latest parameters as the model's JSON, then the words", async () => {
    standIn.script(json(answer))
    const first = await success()
    standIn.reset()
    standIn.script(json({ ...answer, warmth: 0.12, reason: "Warmer as asked." }))
    const second = await success({ params: first, feedback: "warmer" })
    expect(second.warmth).toBe(0.12)
    expect(second.gemini?.requests).toEqual(["warmer"])
    const body = standIn.generateRequests()[0]!.json as Body
    expect(body.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(body.contents[0]!.parts[0]!.fileData?.mimeType).toBe("video/webm")
    expect(JSON.parse(body.contents[1]!.parts[0]!.text!)).toEqual({ ...answer })
    expect(body.contents[2]!.parts[0]!.text).toContain("\"warmer\"")
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
