/**
 * The Gemini Captioner against the local Gemini-protocol stand-in: the request
 * bodies (system prompt, response schema, metadata text, inline thumbnails,
 * the history as user/model turns) and the scripted answers (good, malformed
 * JSON repaired, refusal, rate limit, an answer that stays unusable).
 */
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import type { CaptionVersion } from "@curator/contracts"
import { failureOf, runExit } from "@curator/contracts/testing"
import { Layer } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { CAPTION_RESPONSE_SCHEMA, type CaptionInput, Captioner, CaptionerGemini, type CaptionOutput, GeminiClient, geminiConfigFromEnv, PROMPTS } from "../src/index.js"
import { mediaItem, picture } from "./support/images.js"

let standIn: GeminiStandIn
let input: CaptionInput
beforeAll(async () => {
  standIn = await startGeminiStandIn()
  const [p0, v0] = await Promise.all([picture(1), picture(2)])
  input = {
    tripContext: "Lisbon with my sister, trams and the sea",
    label: "Belém evening",
    items: [
      { item: mediaItem("a", { local: "2024-06-01T18:30:00", offsetMinutes: 60, gps: { lat: 38.6916, lon: -9.216 } }), scene: "Sunset at Belém Tower", thumbnail: p0! },
      { item: mediaItem("v", { kind: "video", local: "2024-06-01T19:00:00", offsetMinutes: 60, durationSeconds: 12.5 }), scene: "Sunset at Belém Tower", thumbnail: v0! },
      { item: mediaItem("n", { local: "2024-06-01T19:10:00", offsetMinutes: 60 }), scene: null, thumbnail: null }
    ],
    history: [],
    feedback: null
  }
}, 60_000)
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = () =>
  CaptionerGemini.pipe(
    Layer.provide(GeminiClient.layer(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_MODEL_CAPTION: "gemini-3.6-flash" })!))
  )
const write = (i: CaptionInput = input) => runExit(Captioner.use((c) => c.write(i)), layer())
const success = async (i: CaptionInput = input): Promise<CaptionOutput> => {
  const exit = await write(i)
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit))}`)
  return exit.value
}
const json = (v: unknown) => ({ text: JSON.stringify(v) })
const good = { caption: "Golden hour at Belém with my sister 🌅", hashtags: ["#Lisbon", "belém", "golden hour", "Lisbon", "2024"], locationTag: " Lisbon,  Portugal " }

type Body = {
  contents: Array<{ role: string; parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>
  systemInstruction: { parts: Array<{ text: string }> }
  generationConfig: Record<string, unknown>
}
const bodies = () => standIn.generateRequests().map((r) => r.json as Body)

describe("CaptionerGemini against the stand-in", () => {
  it("sends the prompt, the response schema, the metadata and the thumbnails inline, and normalises the answer", async () => {
    standIn.script(json(good))
    const out = await success()
    expect(out).toEqual({
      model: "gemini-3.6-flash",
      note: null,
      draft: { caption: "Golden hour at Belém with my sister 🌅", hashtags: ["Lisbon", "belem", "GoldenHour"], locationTag: "Lisbon, Portugal" }
    })
    const [body] = bodies()
    expect(standIn.generateRequests()[0]!.path).toBe("/v1beta/models/gemini-3.6-flash:generateContent")
    expect(body!.generationConfig).toEqual({ responseMimeType: "application/json", responseJsonSchema: CAPTION_RESPONSE_SCHEMA, mediaResolution: "MEDIA_RESOLUTION_LOW", maxOutputTokens: 4096 })
    expect(body!.systemInstruction.parts[0]!.text).toBe(PROMPTS.caption)
    expect(body!.contents).toHaveLength(1)
    expect(body!.contents[0]!.role).toBe("user")
    const parts = body!.contents[0]!.parts
    expect(parts[0]!.text).toBe(
      [
        "Trip context: Lisbon with my sister, trams and the sea",
        "Post label: Belém evening",
        "Dates: 1 June 2024 (evening)",
        "Places: Lisbon, Portugal",
        "Suggested location tag: Lisbon, Portugal",
        "Items: 2 photos, 1 video",
        "Camera: unknown",
        "Write the caption for this post of 3 items, in carousel order:"
      ].join("\n")
    )
    expect(parts[1]!.text).toBe("item 0: photo, 2024-06-01T18:30:00+01:00, at 38.69160, -9.21600, camera unknown, 4000x3000, place name: Lisbon, Portugal, scene: Sunset at Belém Tower")
    expect(parts[2]!.inlineData!.mimeType).toBe("image/jpeg")
    expect(Buffer.from(parts[2]!.inlineData!.data, "base64")).toEqual(Buffer.from(input.items[0]!.thumbnail!))
    expect(parts[3]!.text).toMatch(/^item 1: video, .*12\.5 s, with sound, scene: Sunset at Belém Tower$/)
    expect(Buffer.from(parts[4]!.inlineData!.data, "base64")).toEqual(Buffer.from(input.items[1]!.thumbnail!))
    expect(parts[5]!.text).toMatch(/^item 2: photo, .*scene: unknown$/) // no thumbnail loaded: no picture part
    expect(parts).toHaveLength(6)
  })

  it("sends the history as turns: versions as model turns, feedback and edits as user turns, the new feedback last", async () => {
    const v = (round: number, source: CaptionVersion["source"], feedback: string | null, caption: string): CaptionVersion => ({
      round, source, feedback, model: "gemini-3.6-flash", postRevision: 0, createdAt: "2024-06-02T10:00:00.000Z", draft: { caption, hashtags: ["Lisbon"], locationTag: "Lisbon, Portugal" }
    })
    const history = [v(0, "generated", null, "First."), v(1, "generated", "more casual", "Second!"), v(2, "edited", null, "My own words.")]
    standIn.script(json({ caption: "Shorter words.", hashtags: ["Lisbon"], locationTag: "Lisbon, Portugal" }))
    const out = await success({ ...input, history, feedback: "shorter, and mention the trams" })
    expect(out.draft.caption).toBe("Shorter words.")
    const contents = bodies()[0]!.contents
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user", "model", "user", "model", "user"])
    expect(contents[0]!.parts.filter((p) => p.inlineData !== undefined)).toHaveLength(2)
    const text = (i: number) => contents[i]!.parts[0]!.text
    expect(JSON.parse(text(1)!)).toEqual({ caption: "First.", hashtags: ["Lisbon"], locationTag: "Lisbon, Portugal" })
    expect(text(2)).toBe('Feedback on your last caption: "more casual". Write a new version that follows it and keeps what it does not ask to change.')
    expect(JSON.parse(text(3)!).caption).toBe("Second!")
    expect(text(4)).toMatch(/^I edited the caption myself; continue from this version: \{"caption":"My own words\."/)
    expect(JSON.parse(text(5)!).caption).toBe("My own words.")
    expect(text(6)).toBe('Feedback on your last caption: "shorter, and mention the trams". Write a new version that follows it and keeps what it does not ask to change.')
    // The drafts are Curator's own record, not the answers' turns: the documented placeholder signature.
    expect([1, 3, 5].map((i) => (contents[i]!.parts[0] as { thoughtSignature?: string }).thoughtSignature)).toEqual(Array(3).fill("skip_thought_signature_validator"))
  })

  it("repairs malformed JSON with one more turn after the history", async () => {
    standIn.script({ text: JSON.stringify(good).slice(0, 30) }, json(good))
    const out = await success()
    expect(out.draft.caption).toBe(good.caption)
    const [, repair] = bodies()
    expect(repair!.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(repair!.contents[2]!.parts[0]!.text).toMatch(/not valid JSON/)
  })

  it("asks again for an empty caption or a wrong shape, and fails with AiBadResponseError when it stays unusable", async () => {
    standIn.script(json({ ...good, caption: "  " }), json({ caption: "Fine.", hashtags: "Lisbon", locationTag: null }))
    expect(failureOf(await write())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("the caption is empty") })
    expect(bodies()[1]!.contents[2]!.parts[0]!.text).toMatch(/the caption is empty/)
  })

  it("maps a refusal, a blocked prompt and a rate limit onto the error table", async () => {
    standIn.script({ text: "", finishReason: "SAFETY" }, { blockReason: "PROHIBITED_CONTENT" }, { status: 429 })
    expect(failureOf(await write())).toMatchObject({ _tag: "AiRefusedError" })
    expect(failureOf(await write())).toMatchObject({ _tag: "AiRefusedError" })
    expect(failureOf(await write())).toMatchObject({ _tag: "AiRateLimitedError" })
  })

  it("refuses a feedback round without feedback before calling Gemini", async () => {
    const history: Array<CaptionVersion> = [
      { round: 0, source: "generated", feedback: null, model: "gemini-3.6-flash", postRevision: 0, createdAt: "2024-06-02T10:00:00.000Z", draft: { caption: "x", hashtags: [], locationTag: null } }
    ]
    expect(failureOf(await write({ ...input, history, feedback: null }))).toMatchObject({ _tag: "InvalidInputError" })
    expect(standIn.generateRequests()).toHaveLength(0)
  })
})
