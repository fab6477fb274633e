/**
 * GeminiClient against the strict stand-in: configuration and the start-up model check (issue 16
 * item 1), finishReason first and never an empty part (item 3), rate limits (item 6), usage with
 * thinking tokens and cost (item 7), and the Files API (chunks, FAILED).
 */
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Clock, Duration, Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  checkGeminiModels,
  costUsd,
  DEFAULT_MODELS,
  type GeminiConfig,
  GeminiClient,
  geminiConfigFromEnv,
  type JsonRequest,
  MODEL_ENV,
  ROLE_SETTINGS
} from "../src/index.js"
import { av1WebmPreview, mp4Preview } from "./support/videos.js"

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 2 })
})
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const MODEL = DEFAULT_MODELS.selection

const config = (over: Partial<GeminiConfig> = {}): GeminiConfig => ({
  ...geminiConfigFromEnv({ GEMINI_API_KEY: "test-key", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })!,
  filePollMs: 1,
  ...over
})

const request: JsonRequest<{ n: number }> = {
  what: "test",
  role: "videoAnalysis",
  model: MODEL,
  parts: [{ text: "give me n" }],
  responseJsonSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
  decode: (json) =>
    typeof json === "object" && json !== null && typeof (json as { n?: unknown }).n === "number"
      ? { ok: true, value: { n: (json as { n: number }).n } }
      : { ok: false, error: "n must be a number" }
}

const generate = (c: GeminiConfig = config()) => GeminiClient.use((g) => g.generateJson(request)).pipe((e) => runExit(e, GeminiClient.layer(c)))

interface Body {
  readonly contents: ReadonlyArray<{ readonly role: string; readonly parts: ReadonlyArray<Record<string, unknown>> }>
  readonly generationConfig: Record<string, unknown>
}
const bodies = () => standIn.generateRequests().map((r) => r.json as Body)

describe("geminiConfigFromEnv", () => {
  it("is null without a key, so callers stay offline", () => {
    expect(geminiConfigFromEnv({})).toBeNull()
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "  " })).toBeNull()
  })
  it("reads every role's model (one place for defaults, each overridable), base URL, timeout and budget", () => {
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "k" })).toMatchObject({
      apiKey: "k",
      baseUrl: null,
      models: DEFAULT_MODELS,
      sessionBudgetUsd: 2,
      timeoutMs: 120_000
    })
    const env = { GEMINI_API_KEY: "k", [MODEL_ENV.caption]: "gemini-x", CURATOR_GEMINI_TIMEOUT_MS: "5000", CURATOR_GEMINI_BASE_URL: "http://h:1", CURATOR_GEMINI_SESSION_BUDGET_USD: "0.5" }
    expect(geminiConfigFromEnv(env)).toMatchObject({ baseUrl: "http://h:1", models: { ...DEFAULT_MODELS, caption: "gemini-x" }, timeoutMs: 5000, sessionBudgetUsd: 0.5 })
    expect(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_TIMEOUT_MS: "-3", CURATOR_GEMINI_SESSION_BUDGET_USD: "x" })).toMatchObject({ timeoutMs: 120_000, sessionBudgetUsd: 2 })
  })
})

describe("checkGeminiModels (start-up models.get) — issue 16 item 1", () => {
  it("accepts the default models: every one is served by Google today (the stand-in's list of real IDs and shutdown dates)", async () => {
    const checked = await runWith(checkGeminiModels(config()), GeminiClient.layer(config()))
    expect(checked.inputTokenLimits).toMatchObject({ [DEFAULT_MODELS.selection]: 1_048_576 })
    const gets = standIn.requests.filter((r) => r.method === "GET").map((r) => r.path).sort()
    expect(gets).toEqual([...new Set(Object.values(DEFAULT_MODELS))].map((m) => `/v1beta/models/${m}`).sort())
  })

  it.each([
    ["gemini-2.5-flash", "selection"],
    ["gemini-2.5-flash-image", "photoEdit"],
    ["gemini-made-up", "caption"]
  ] as const)("refuses %s (unknown or retired) with a ConfigError naming the model and the variable", async (model, role) => {
    const exit = await runExit(checkGeminiModels(config({ models: { ...DEFAULT_MODELS, [role]: model } })), GeminiClient.layer(config()))
    const error = failureOf(exit) as { _tag?: string; message?: string }
    expect(error?._tag).toBe("ConfigError")
    expect(error?.message).toContain(model)
    expect(error?.message).toContain(MODEL_ENV[role])
    expect(error?.message).toContain(`default ${DEFAULT_MODELS[role]}`)
  })
})

describe("GeminiClient.generateJson against the strict stand-in", () => {
  it("sends the role's deliberate settings and returns the value, the model turn and the usage with thinking tokens and cost", async () => {
    standIn.script({ text: "{\"n\": 7}", usage: { promptTokenCount: 11, candidatesTokenCount: 3, thoughtsTokenCount: 40, totalTokenCount: 54 } })
    const exit = await generate()
    expect(failureOf(exit)).toBeUndefined()
    const value = exit._tag === "Success" ? exit.value : undefined
    const day = new Date().toISOString().slice(0, 10)
    expect(value?.value).toEqual({ n: 7 })
    expect(value?.usage).toEqual({
      promptTokens: 11,
      outputTokens: 3,
      thoughtsTokens: 40,
      totalTokens: 54,
      costUsd: costUsd(MODEL, { promptTokens: 11, outputTokens: 3, thoughtsTokens: 40, imageOutputTokens: 0 }, day)
    })
    expect(value!.usage.costUsd).toBeGreaterThan(0)
    // The model turn comes back verbatim, with the thought signature the model put on it.
    expect(value?.modelTurn.parts?.[0]).toMatchObject({ text: "{\"n\": 7}", thoughtSignature: expect.any(String) })
    const [req] = standIn.generateRequests()
    expect(req!.path).toBe(`/v1beta/models/${MODEL}:generateContent`)
    expect(req!.headers["x-goog-api-key"]).toBe("test-key")
    expect(req!.json).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "give me n" }] }],
      generationConfig: {
        responseMimeType: "application/json",
        responseJsonSchema: request.responseJsonSchema,
        mediaResolution: ROLE_SETTINGS.videoAnalysis.mediaResolution,
        thinkingConfig: { thinkingLevel: ROLE_SETTINGS.videoAnalysis.thinkingLevel },
        maxOutputTokens: ROLE_SETTINGS.videoAnalysis.maxOutputTokens
      }
    })
  })

  it("maps a per-minute HTTP 429 without RetryInfo to AiRateLimitedError after ONE request (no SDK retries)", async () => {
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

  it("maps a blocked prompt and a SAFETY finish with no content to AiRefusedError", async () => {
    standIn.script({ blockReason: "PROHIBITED_CONTENT" }, { finishReason: "SAFETY", noContent: true })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiRefusedError", message: expect.stringContaining("PROHIBITED_CONTENT") })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiRefusedError", message: expect.stringContaining("SAFETY") })
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it("repairs malformed JSON once, sending the bad answer's turn VERBATIM and the parse error back, and sums the tokens", async () => {
    standIn.script({ text: "{\"n\": 7" }, { text: "{\"n\": 8}" })
    const exit = await generate()
    expect(exit._tag === "Success" && exit.value.value).toEqual({ n: 8 })
    const [first, repair] = bodies()
    expect(exit._tag === "Success" && exit.value.usage.totalTokens).toBeGreaterThan(0)
    expect(repair!.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(repair!.contents[1]!.parts[0]).toMatchObject({ text: "{\"n\": 7", thoughtSignature: expect.any(String) })
    expect(repair!.contents[2]!.parts[0]!["text"]).toMatch(/not valid JSON/)
    expect(first!.contents).toHaveLength(1)
    expect(standIn.rejections).toEqual([])
  })

  it("fails with AiBadResponseError when the repair is unusable too", async () => {
    standIn.script({ text: "nope" }, { text: "{\"n\": \"x\"}" })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("n must be a number") })
    expect(standIn.generateRequests()).toHaveLength(2)
  })
})

describe("finishReason before any repair; never an empty part — issue 16 item 3", () => {
  it.each([
    ["empty candidates", { noCandidates: true } as const],
    ["OTHER with no content", { finishReason: "OTHER", noContent: true } as const]
  ])("an answer with %s is asked again as it was (no model turn with an empty part), then succeeds", async (_, empty) => {
    standIn.script(empty, { text: "{\"n\": 3}" })
    const exit = await generate()
    expect(failureOf(exit)).toBeUndefined()
    expect(exit._tag === "Success" && exit.value.value).toEqual({ n: 3 })
    const [, again] = bodies()
    expect(again!.contents.map((c) => c.role)).toEqual(["user"])
    expect(standIn.rejections).toEqual([])
  })

  it("an answer empty twice is AiBadResponseError, and no request was rejected for an empty part", async () => {
    standIn.script({ noCandidates: true }, { finishReason: "OTHER", noContent: true })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("twice") })
    expect(standIn.rejections).toEqual([])
  })

  it.each([
    ["truncated JSON", { text: "{\"n\": ", finishReason: "MAX_TOKENS" } as const],
    ["no content after thinking", { finishReason: "MAX_TOKENS", noContent: true } as const]
  ])("MAX_TOKENS with %s raises the output budget once to the model's maximum", async (_, truncated) => {
    standIn.script(truncated, { text: "{\"n\": 5}" })
    const exit = await generate()
    expect(exit._tag === "Success" && exit.value.value).toEqual({ n: 5 })
    const [first, raised] = bodies()
    expect(first!.generationConfig["maxOutputTokens"]).toBe(ROLE_SETTINGS.videoAnalysis.maxOutputTokens)
    expect(raised!.generationConfig["maxOutputTokens"]).toBe(65_536)
    expect(raised!.contents).toHaveLength(1)
    expect(standIn.rejections).toEqual([])
  })

  it("MAX_TOKENS again at the maximum is AiBadResponseError (no third call)", async () => {
    standIn.script({ text: "{\"n\": ", finishReason: "MAX_TOKENS" }, { finishReason: "MAX_TOKENS", noContent: true })
    expect(failureOf(await generate())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("MAX_TOKENS") })
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it.each(["PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"])(
    "%s is AiRefusedError at once",
    async (finishReason) => {
      standIn.script({ finishReason, noContent: true })
      expect(failureOf(await generate())).toMatchObject({ _tag: "AiRefusedError", message: expect.stringContaining(finishReason) })
      expect(standIn.generateRequests()).toHaveLength(1)
    }
  )
})

/** Runs with a Clock whose sleeps are recorded (ms) and return at once: the RetryInfo wait is observed, not timed. */
const withRecordedSleeps = async (effect: Effect.Effect<unknown, unknown, GeminiClient>) => {
  const sleeps: Array<number> = []
  const exit = await runExit(
    Effect.gen(function* () {
      const clock = yield* Clock.Clock
      const recording: Clock.Clock = {
        currentTimeMillisUnsafe: () => clock.currentTimeMillisUnsafe(),
        currentTimeMillis: clock.currentTimeMillis,
        currentTimeNanosUnsafe: () => clock.currentTimeNanosUnsafe(),
        currentTimeNanos: clock.currentTimeNanos,
        monotonicTimeNanosUnsafe: () => clock.monotonicTimeNanosUnsafe(),
        monotonicTimeNanos: clock.monotonicTimeNanos,
        sleep: (d) => Effect.sync(() => void sleeps.push(Duration.toMillis(d)))
      }
      return yield* effect.pipe(Effect.provideService(Clock.Clock, recording))
    }),
    GeminiClient.layer(config())
  )
  return { exit, sleeps }
}

describe("rate limits: daily quota, RetryInfo — issue 16 item 6", () => {
  it("a 429 for a per-day quota is AiQuotaExhaustedError (terminal), not retried like a per-minute one", async () => {
    standIn.script({ status: 429, message: "You exceeded your current quota", retryDelay: "20s", quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" })
    const { exit, sleeps } = await withRecordedSleeps(GeminiClient.use((g) => g.generateJson(request)))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiQuotaExhaustedError", message: expect.stringContaining("GenerateRequestsPerDayPerProjectPerModel") })
    expect(sleeps).toEqual([])
  })

  it("a per-minute 429 with RetryInfo waits the delay Gemini asks for, then fails retryable", async () => {
    standIn.script({ status: 429, retryDelay: "17s", quotaId: "GenerateRequestsPerMinutePerProjectPerModel" })
    const { exit, sleeps } = await withRecordedSleeps(GeminiClient.use((g) => g.generateJson(request)))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiRateLimitedError", message: expect.stringContaining("17 s") })
    expect(sleeps).toEqual([17_000])
  })

  it("a RetryInfo delay beyond the state machine's retry budget (75 s) is AiQuotaExhaustedError, without waiting", async () => {
    standIn.script({ status: 429, retryDelay: "3600s", quotaId: "GenerateRequestsPerMinutePerProjectPerModel" })
    const { exit, sleeps } = await withRecordedSleeps(GeminiClient.use((g) => g.generateJson(request)))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiQuotaExhaustedError", message: expect.stringContaining("3600 s") })
    expect(sleeps).toEqual([])
  })
})

describe("GeminiClient Files API against the strict stand-in", () => {
  it("uploads an MP4 preview resumably and waits until it is ACTIVE", async () => {
    const bytes = mp4Preview()
    const file = await runWith(GeminiClient.use((g) => g.uploadFile(bytes, "video/mp4", "clip.mp4")), GeminiClient.layer(config()))
    expect(file).toEqual({ name: "files/standin1", uri: `${standIn.baseUrl}/v1beta/files/standin1`, mimeType: "video/mp4" })
    const [start, upload, ...polls] = standIn.requests
    expect(start).toMatchObject({ method: "POST", path: "/upload/v1beta/files" })
    expect(start!.headers).toMatchObject({
      "x-goog-upload-protocol": "resumable",
      "x-goog-upload-command": "start",
      "x-goog-upload-header-content-length": String(bytes.length),
      "x-goog-upload-header-content-type": "video/mp4"
    })
    expect(upload!.headers).toMatchObject({ "x-goog-upload-command": "upload, finalize", "x-goog-upload-offset": "0" })
    expect(polls.map((p) => `${p.method} ${p.path}`)).toEqual(["GET /v1beta/files/standin1", "GET /v1beta/files/standin1", "GET /v1beta/files/standin1"])
  })

  it("uploads a file over 8 MiB in the SDK's 8 MiB chunks, reassembled byte for byte", async () => {
    const bytes = new Uint8Array(9 * 1024 * 1024 + 123)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff
    const file = await runWith(GeminiClient.use((g) => g.uploadFile(bytes, "application/octet-stream", "big.bin")), GeminiClient.layer(config()))
    const stored = standIn.files.get(file.name)!
    expect(stored.chunks).toEqual([8 * 1024 * 1024, 1024 * 1024 + 123])
    expect(Buffer.from(stored.bytes).equals(Buffer.from(bytes))).toBe(true)
  })

  it("an AV1 WebM preview ends FAILED in the codec check: AiFileFailedError", async () => {
    const exit = await runExit(GeminiClient.use((g) => g.uploadFile(av1WebmPreview(), "video/webm", "old.webm")), GeminiClient.layer(config()))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiFileFailedError", message: expect.stringContaining("av1") })
  })

  it("gives up with AiUnavailableError when the file stays PROCESSING past the bound", async () => {
    const exit = await runExit(GeminiClient.use((g) => g.uploadFile(mp4Preview(), "video/mp4", "slow.mp4")), GeminiClient.layer(config({ fileActiveTimeoutMs: 1, filePollMs: 1 })))
    expect(failureOf(exit)).toMatchObject({ _tag: "AiUnavailableError", message: expect.stringContaining("not ACTIVE") })
  })

  it("videoPart: a small preview goes inline, a large one through the Files API, with videoMetadata.fps when asked", async () => {
    const bytes = mp4Preview()
    const inline = await runWith(GeminiClient.use((g) => g.videoPart({ bytes, mimeType: "video/mp4", displayName: "a.mp4", fps: 4 })), GeminiClient.layer(config()))
    expect(inline).toEqual({ part: { inlineData: { mimeType: "video/mp4", data: Buffer.from(bytes).toString("base64") }, videoMetadata: { fps: 4 } }, inlineBytes: bytes.length })
    const uploaded = await runWith(GeminiClient.use((g) => g.videoPart({ bytes, mimeType: "video/mp4", displayName: "b.mp4" })), GeminiClient.layer(config({ inlineVideoBytes: 100 })))
    expect(uploaded).toEqual({ part: { fileData: { fileUri: expect.stringContaining("/v1beta/files/"), mimeType: "video/mp4" } }, inlineBytes: 0 })
  })
})
