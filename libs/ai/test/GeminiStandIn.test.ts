/**
 * The strict stand-in itself (`@curator/ai/gemini-testing`, strict by default): it must reject
 * what Google rejects, or the tests against it prove nothing (issue 16 "The stand-in must catch
 * these"). Requests are sent raw (fetch), as no Curator code would send most of them.
 */
import { type GeminiStandIn, GOOGLE_MODELS, servedModel, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { DEFAULT_MODELS } from "../src/index.js"
import { mp4Preview } from "./support/videos.js"

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 0 })
})
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const TEXT_MODEL = DEFAULT_MODELS.selection
const IMAGE_MODEL = DEFAULT_MODELS.photoEdit

const post = async (model: string, body: unknown) => {
  const res = await fetch(`${standIn.baseUrl}/v1beta/models/${model}:generateContent`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as { error?: { message: string; status: string }; candidates?: Array<{ content?: { parts: Array<Record<string, unknown>> } }> } }
}
const user = (...parts: ReadonlyArray<Record<string, unknown>>) => ({ role: "user", parts })
const ok = { text: "{}" }

describe("the stand-in's list of real model IDs and shutdown dates", () => {
  it("serves every Curator default today, and not the 2.5 defaults Google shut down", () => {
    const today = new Date().toISOString().slice(0, 10)
    for (const model of Object.values(DEFAULT_MODELS)) expect(servedModel(model, today), model).not.toBeNull()
    expect(servedModel("gemini-2.5-flash", "2026-06-17")).toBeNull()
    expect(servedModel("gemini-2.5-flash", "2026-06-16")).not.toBeNull()
    expect(servedModel("gemini-2.5-flash-image", "2026-10-02")).toBeNull()
    expect(GOOGLE_MODELS.every((m) => m.shutdown === null || m.shutdown > m.released)).toBe(true)
  })

  it("models.get answers a served model with its limits and 404 for a retired one", async () => {
    const served = await fetch(`${standIn.baseUrl}/v1beta/models/${TEXT_MODEL}`)
    expect(served.status).toBe(200)
    expect(await served.json()).toMatchObject({ name: `models/${TEXT_MODEL}`, inputTokenLimit: 1_048_576, supportedGenerationMethods: expect.arrayContaining(["generateContent"]) })
    const retired = await fetch(`${standIn.baseUrl}/v1beta/models/gemini-2.5-flash`)
    expect(retired.status).toBe(404)
    expect(((await retired.json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND")
  })
})

describe("strict generateContent", () => {
  it("404 for a model not on the list or shut down", async () => {
    standIn.script(ok, ok)
    expect((await post("gemini-2.5-flash", { contents: [user({ text: "hi" })] })).status).toBe(404)
    expect((await post("gemini-test", { contents: [user({ text: "hi" })] })).status).toBe(404)
    expect((await post(TEXT_MODEL, { contents: [user({ text: "hi" })] })).status).toBe(200)
  })

  it.each([
    ["an empty text part", { contents: [user({ text: "hi" }), { role: "model", parts: [{ text: "" }] }, user({ text: "again" })] }, "data"],
    ["a part with two data fields", { contents: [user({ text: "a", inlineData: { mimeType: "image/png", data: "AA==" } })] }, "oneof"],
    ["a part with no data", { contents: [user({ thought: true })] }, "oneof"],
    ["an unknown request key", { contents: [user({ text: "a" })], config: {} }, "Unknown name \"config\""],
    ["an unknown generationConfig key", { contents: [user({ text: "a" })], generationConfig: { responseFormat: {} } }, "Unknown name \"responseFormat\""],
    ["an unknown part key", { contents: [user({ text: "a", mime: "x" })] }, "Unknown name \"mime\""],
    ["thinkingBudget with thinkingLevel", { contents: [user({ text: "a" })], generationConfig: { thinkingConfig: { thinkingBudget: 10, thinkingLevel: "LOW" } } }, "together"],
    ["more than 10 video parts", { contents: [user(...Array.from({ length: 11 }, () => ({ inlineData: { mimeType: "video/mp4", data: Buffer.from(mp4Preview(1)).toString("base64") } })))] }, "at most 10"]
  ])("400 for %s", async (_, body, message) => {
    standIn.script(ok)
    const res = await post(TEXT_MODEL, body)
    expect(res.status).toBe(400)
    expect(res.json.error?.status).toBe("INVALID_ARGUMENT")
    expect(res.json.error?.message).toContain(message)
  })

  it("400 for a request body over 100 MB", async () => {
    const big = "A".repeat(101 * 1024 * 1024)
    const res = await post(TEXT_MODEL, { contents: [user({ inlineData: { mimeType: "image/png", data: big } })] })
    expect(res.status).toBe(400)
    expect(res.json.error?.message).toContain("104857600")
  })

  it("400 when the estimated prompt exceeds the model's input token limit", async () => {
    // The image model takes 32,768 tokens; 40 images at the Gemini 3 default of 1,120 tokens each are 44,800.
    const image = { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }
    const res = await post(IMAGE_MODEL, { contents: [user(...Array.from({ length: 40 }, () => image))] })
    expect(res.status).toBe(400)
    expect(res.json.error?.message).toMatch(/input token count \(\d+\) exceeds the maximum number of tokens allowed \(32768\)/)
  })

  it("Gemini 3 image model: 400 for a model turn without the thoughtSignature it issued; the placeholder is accepted", async () => {
    const image = { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }
    const unsigned = await post(IMAGE_MODEL, { contents: [user({ text: "edit" }), { role: "model", parts: [image] }, user({ text: "again" })] })
    expect(unsigned.status).toBe(400)
    expect(unsigned.json.error?.message).toContain("missing a thought_signature")
    const forged = await post(IMAGE_MODEL, { contents: [user({ text: "edit" }), { role: "model", parts: [{ ...image, thoughtSignature: "bm90IGlzc3VlZA==" }] }, user({ text: "again" })] })
    expect(forged.json.error?.message).toContain("invalid thought signature")
    standIn.script(ok)
    const placeholder = await post(IMAGE_MODEL, { contents: [user({ text: "edit" }), { role: "model", parts: [{ ...image, thoughtSignature: "skip_thought_signature_validator" }] }, user({ text: "again" })] })
    expect(placeholder.status).toBe(200)
  })

  it("a fileUri must be ACTIVE and not expired", async () => {
    const bytes = mp4Preview()
    const start = await fetch(`${standIn.baseUrl}/upload/v1beta/files`, {
      method: "POST",
      headers: { "x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start", "x-goog-upload-header-content-length": String(bytes.length), "x-goog-upload-header-content-type": "video/mp4" },
      body: JSON.stringify({ file: { displayName: "a.mp4" } })
    })
    const uploadUrl = start.headers.get("x-goog-upload-url")!
    const done = await fetch(uploadUrl, { method: "POST", headers: { "x-goog-upload-command": "upload, finalize", "x-goog-upload-offset": "0" }, body: bytes })
    const file = ((await done.json()) as { file: { name: string; uri: string } }).file
    const part = { fileData: { mimeType: "video/mp4", fileUri: file.uri } }
    const processing = await post(TEXT_MODEL, { contents: [user(part, { text: "?" })] })
    expect(processing.status).toBe(400)
    expect(processing.json.error?.message).toContain("not in an ACTIVE state")
    await fetch(`${standIn.baseUrl}/v1beta/${file.name}`)
    standIn.script(ok)
    expect((await post(TEXT_MODEL, { contents: [user(part, { text: "?" })] })).status).toBe(200)
    standIn.expire(file.name)
    const expired = await post(TEXT_MODEL, { contents: [user(part, { text: "?" })] })
    expect(expired.status).toBe(403)
  })
})

describe("realistic replies", () => {
  it("a Gemini 3 image answer: thought parts first, signatures on the first answer part and the image, usage with image tokens", async () => {
    const png = Buffer.from(await (await import("sharp")).default({ create: { width: 40, height: 30, channels: 3, background: "#808080" } }).png().toBuffer()).toString("base64")
    standIn.script({ image: {} })
    const res = await post(IMAGE_MODEL, { contents: [user({ inlineData: { mimeType: "image/png", data: png } }, { text: "edit" })], generationConfig: { responseModalities: ["TEXT", "IMAGE"] } })
    const parts = res.json.candidates![0]!.content!.parts
    expect(parts.map((p) => [p["thought"] === true, "inlineData" in p, typeof p["thoughtSignature"] === "string"])).toEqual([
      [true, false, false],
      [true, true, false],
      [false, false, true],
      [false, true, true]
    ])
  })

  it("text answers of a thinking model report thoughtsTokenCount", async () => {
    standIn.script({ text: "{\"a\":1}" })
    const res = await fetch(`${standIn.baseUrl}/v1beta/models/${TEXT_MODEL}:generateContent`, { method: "POST", body: JSON.stringify({ contents: [user({ text: "hello there" })] }) })
    const json = (await res.json()) as { usageMetadata: { promptTokenCount: number; thoughtsTokenCount: number; candidatesTokenCount: number; totalTokenCount: number } }
    expect(json.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0)
    expect(json.usageMetadata.totalTokenCount).toBe(json.usageMetadata.promptTokenCount + json.usageMetadata.candidatesTokenCount + json.usageMetadata.thoughtsTokenCount)
  })
})
