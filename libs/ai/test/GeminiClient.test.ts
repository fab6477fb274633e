import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type GeminiConfig, GeminiClient, geminiConfigFromEnv, type JsonRequest } from "../src/index.js"

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 2 })
})
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const config = (over: Partial<GeminiConfig> = {}): GeminiConfig => ({
  ...geminiConfigFromEnv({ GEMINI_API_KEY: "test-key", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })!,
  filePollMs: 1,
  ...over
})

const request: JsonRequest<{ n: number }> = {
  what: "test",
  model: "gemini-test",
  parts: [{ text: "give me n" }],
  responseJsonSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
  decode: (json) =>
    typeof json === "object" && json !== null && typeof (json as { n?: unknown }).n === "number"
      ? { ok: true, value: { n: (json as { n: number }).n } }
      : { ok: false, error: "n must be a number" }
}

const generate = (c: GeminiConfig = config()) => GeminiClient.use((g) => g.generateJson(request)).pipe((e) => runExit(e, GeminiClient.layer(c)))

describe("geminiConfigFromEnv", () => {
  it("is null without a key, so callers stay offline", () => {
    expect(geminiConfigFromEnv({})).toBeNull()
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "  " })).toBeNull()
  })
  it("reads models, base URL and timeout with documented defaults", () => {
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "k" })).toMatchObject({
      apiKey: "k",
      baseUrl: null,
      models: { selection: "gemini-2.5-flash", photoEdit: "gemini-2.5-flash-image", videoAnalysis: "gemini-2.5-flash" },
      timeoutMs: 120_000
    })
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_MODEL_SELECTION: "gemini-x", CURATOR_GEMINI_TIMEOUT_MS: "5000", CURATOR_GEMINI_BASE_URL: "http://h:1" }))
      .toMatchObject({ baseUrl: "http://h:1", models: { selection: "gemini-x" }, timeoutMs: 5000 })
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_TIMEOUT_MS: "-3" })!.timeoutMs).toBe(120_000)
  })
})

describe("GeminiClient.generateJson against the stand-in", () => {
  it("sends the documented request and returns the value with the token usage", async () => {
    standIn.script({ text: "{\"n\": 7}", usage: { promptTokenCount: 11, candidatesTokenCount: 3, totalTokenCount: 14 } })
    const exit = await generate()
    expect(exit._tag).toBe("Success")
    expect(exit._tag === "Success" && exit.value).toEqual({ value: { n: 7 }, usage: { promptTokens: 11, outputTokens: 3, totalTokens: 14 } })
    const [req] = standIn.generateRequests()
    expect(req!.method).toBe("POST")
    expect(req!.path).toBe("/v1beta/models/gemini-test:generateContent")
    expect(req!.headers["x-goog-api-key"]).toBe("test-key")
    expect(req!.json).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "give me n" }] }],
      generationConfig: { responseMimeType: "application/json", responseJsonSchema: request.responseJsonSchema }
    })
  })

  it("maps HTTP 429 to AiRateLimitedError after ONE request (no SDK retries)", async () => {
    standIn.script({ status: 429, message: "Resource has been exhausted" })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiRateLimitedError", message: expect.stringContaining("429") })
    expect(standIn.generateRequests()).toHaveLength(1)
  })

  it("maps HTTP 503 to AiUnavailableError after one request", async () => {
    standIn.script({ status: 503 })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiUnavailableError" })
    expect(standIn.generateRequests()).toHaveLength(1)
  })

  it("maps a request that outlives the timeout to AiUnavailableError", async () => {
    standIn.script({ delayMs: 2_000, then: { text: "{\"n\": 1}" } })
    expect(failureOf(await generate(config({ timeoutMs: 100 })))).toMatchObject({ _tag: "AiUnavailableError", message: expect.stringContaining("in time") })
  })

  it("maps a blocked prompt and a SAFETY finish to AiRefusedError", async () => {
    standIn.script({ blockReason: "PROHIBITED_CONTENT" }, { text: "", finishReason: "SAFETY" })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiRefusedError", message: expect.stringContaining("PROHIBITED_CONTENT") })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiRefusedError", message: expect.stringContaining("SAFETY") })
  })

  it("repairs malformed JSON once, sending the bad answer and the parse error back, and sums the tokens", async () => {
    standIn.script({ text: "{\"n\": 7" }, { text: "{\"n\": 8}" })
    const exit = await generate()
    expect(exit._tag === "Success" && exit.value).toEqual({ value: { n: 8 }, usage: { promptTokens: 200, outputTokens: 40, totalTokens: 240 } })
    const [, repair] = standIn.generateRequests()
    const contents = (repair!.json as { contents: Array<{ role: string; parts: Array<{ text?: string }> }> }).contents
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(contents[1]!.parts[0]!.text).toBe("{\"n\": 7")
    expect(contents[2]!.parts[0]!.text).toMatch(/not valid JSON/)
  })

  it("fails with AiBadResponseError when the repair is unusable too", async () => {
    standIn.script({ text: "nope" }, { text: "{\"n\": \"x\"}" })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("n must be a number") })
    expect(standIn.generateRequests()).toHaveLength(2)
  })
})

describe("GeminiClient.uploadFile against the stand-in (Files API)", () => {
  it("uploads resumably and waits until the file is ACTIVE", async () => {
    const bytes = new Uint8Array([26, 69, 223, 163, 1, 2, 3, 4])
    const file = await runWith(GeminiClient.use((g) => g.uploadFile(bytes, "video/webm", "clip.webm")), GeminiClient.layer(config()))
    expect(file).toEqual({ name: "files/standin1", uri: `${standIn.baseUrl}/v1beta/files/standin1`, mimeType: "video/webm" })
    const [start, upload, ...polls] = standIn.requests
    expect(start).toMatchObject({ method: "POST", path: "/upload/v1beta/files" })
    expect(start!.headers).toMatchObject({
      "x-goog-upload-protocol": "resumable",
      "x-goog-upload-command": "start",
      "x-goog-upload-header-content-length": "8",
      "x-goog-upload-header-content-type": "video/webm"
    })
    expect(start!.json).toMatchObject({ file: { displayName: "clip.webm", mimeType: "video/webm" } })
    expect(upload!.headers).toMatchObject({ "x-goog-upload-command": "upload, finalize", "x-goog-upload-offset": "0" })
    expect([...upload!.body]).toEqual([...bytes])
    expect(polls.map((p) => `${p.method} ${p.path}`)).toEqual(["GET /v1beta/files/standin1", "GET /v1beta/files/standin1", "GET /v1beta/files/standin1"])
  })

  it("gives up with AiUnavailableError when the file stays PROCESSING past the bound", async () => {
    const exit = await runExit(GeminiClient.use((g) => g.uploadFile(new Uint8Array([1]), "video/webm", "slow.webm")), GeminiClient.layer(config({ fileActiveTimeoutMs: 1, filePollMs: 1 })))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiUnavailableError", message: expect.stringContaining("not ACTIVE") })
  })
})
