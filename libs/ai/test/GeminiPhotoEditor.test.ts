import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { failureOf as failureOfExit, runExit } from "@curator/contracts/testing"
import { Layer } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  DEFAULT_MODELS,
  GeminiClient,
  geminiConfigFromEnv,
  type PhotoEditRequest,
  PhotoEditor,
  PhotoEditorGemini,
  type PhotoEditResult,
  padPlan,
  PROMPTS,
  REVIEW_RESPONSE_SCHEMA
} from "../src/index.js"

const EDIT_MODEL = DEFAULT_MODELS.photoEdit
/** A served model other than the default, to show the review's variable is read. */
const REVIEW_MODEL = "gemini-3.6-flash"

let standIn: GeminiStandIn
let photo: Uint8Array
beforeAll(async () => {
  standIn = await startGeminiStandIn()
  // 1000 x 700 (ratio 1.43): nearest supported ratio 3:2, padded left and right to 1050 x 700.
  photo = new Uint8Array(
    await sharp({ create: { width: 1000, height: 700, channels: 3, background: { r: 120, g: 130, b: 140 } } })
      .composite([{ input: await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 200, g: 60, b: 40 } } }).png().toBuffer(), left: 100, top: 200 }])
      .jpeg({ quality: 90 })
      .toBuffer()
  )
}, 60_000)
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = () =>
  PhotoEditorGemini.pipe(Layer.provide(GeminiClient.layer(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_MODEL_PHOTO_REVIEW: REVIEW_MODEL })!)))
const request = (previous: PhotoEditRequest["previous"] = null): PhotoEditRequest => ({ image: photo, width: 1000, height: 700, previous })
const edit = (r: PhotoEditRequest = request()) => runExit(PhotoEditor.use((e) => e.edit!(r)), layer())
const success = async (r?: PhotoEditRequest): Promise<PhotoEditResult> => {
  const exit = await edit(r)
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit))}`)
  return exit.value
}
const failureOf = (exit: Parameters<typeof failureOfExit>[0]) => failureOfExit(exit) as { readonly _tag?: string; readonly message?: string } | undefined
const json = (v: unknown) => ({ text: JSON.stringify(v) })
const review = (score: number, improvements: ReadonlyArray<{ region: string; issue: string; impact: string }> = []) =>
  json({ overallAssessment: "Balanced and natural.", remainingImprovements: improvements, professionalScore: score })

interface Body {
  contents: Array<{ role: string; parts: Array<{ text?: string; thought?: boolean; thoughtSignature?: string; inlineData?: { mimeType: string; data: string } }> }>
  systemInstruction?: { parts: Array<{ text: string }> }
  generationConfig: Record<string, unknown>
}
const bodies = () => standIn.generateRequests().map((r) => ({ path: r.path, body: r.json as Body }))
const sizeOf = async (base64: string) => {
  const m = await sharp(Buffer.from(base64, "base64")).metadata()
  return [m.width, m.height]
}
/** Mean R minus mean B: "warmth" of an image. */
const warmth = async (bytes: Uint8Array) => {
  const { channels } = await sharp(bytes).stats()
  return channels[0]!.mean - channels[2]!.mean
}

describe("PhotoEditorGemini against the stand-in", () => {
  it("edits with the image model (padded photo inline, aspect ratio asked), reviews with JSON, stops at a score >= 8.5, crops back", async () => {
    standIn.script({ image: {} }, review(9))
    const r = await success()
    const [editReq, reviewReq] = bodies()
    expect(bodies()).toHaveLength(2)
    expect(editReq!.path).toBe(`/v1beta/models/${EDIT_MODEL}:generateContent`)
    expect(editReq!.body.generationConfig).toMatchObject({ responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "3:2" } })
    expect(editReq!.body.contents).toHaveLength(1)
    const [image, prompt] = editReq!.body.contents[0]!.parts
    expect(image!.inlineData!.mimeType).toBe("image/jpeg")
    expect(await sizeOf(image!.inlineData!.data)).toEqual([1050, 700])
    expect(prompt!.text).toBe(PROMPTS["photo-edit"])
    // The review: structured output, both images inline, the review prompt as system instruction.
    expect(reviewReq!.path).toBe(`/v1beta/models/${REVIEW_MODEL}:generateContent`)
    expect(reviewReq!.body.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: REVIEW_RESPONSE_SCHEMA })
    expect(reviewReq!.body.systemInstruction!.parts[0]!.text).toBe(PROMPTS["photo-review"])
    expect(reviewReq!.body.contents[0]!.parts.map((p) => p.inlineData?.mimeType ?? p.text)).toEqual(["ORIGINAL:", "image/jpeg", "EDITED:", "image/png"])
    // The answer is 1248 x 832 (3:2 at 1K) — the final image, not the 64 px thought image before it;
    // cropped back to the photo's 1.43: 1189 x 832.
    expect(await sizeOf(Buffer.from(r.answer).toString("base64"))).toEqual([1248, 832])
    expect(await sizeOf(Buffer.from(r.edited).toString("base64"))).toEqual([1189, 832])
    expect(await warmth(r.edited)).toBeGreaterThan((await warmth(photo)) + 10)
    expect(r.conversation).toMatchObject({ model: EDIT_MODEL, pad: padPlan(1000, 700), turns: [], requests: [], passes: 1, review: { professionalScore: 9 } })
    expect(r.conversation.totalTokens).toBeGreaterThan(1120)
  })

  it("makes one targeted second pass in the same conversation when the score is below 8.5", async () => {
    standIn.script({ image: {} }, review(7.5, [{ region: "sky", issue: "a little flat", impact: "medium" }]), { image: { gains: [1.05, 1, 0.95] } })
    const r = await success()
    const reqs = bodies()
    expect(reqs).toHaveLength(3)
    const contents = reqs[2]!.body.contents
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(contents[0]).toEqual(reqs[0]!.body.contents[0])
    // The model's turn goes back VERBATIM: its thought parts, the text and the image with their signatures.
    expect(contents[1]!.parts.map((p) => [p.thought === true, p.inlineData?.mimeType ?? "text", typeof p.thoughtSignature])).toEqual([
      [true, "text", "undefined"],
      [true, "image/png", "undefined"],
      [false, "text", "string"],
      [false, "image/png", "string"]
    ])
    expect(standIn.rejections).toEqual([])
    expect(contents[2]!.parts[0]!.text).toContain("scored it 7.5 out of 10")
    expect(contents[2]!.parts[0]!.text).toContain("- sky: a little flat (impact medium)")
    expect(r.conversation.passes).toBe(2)
    expect(r.conversation.turns).toEqual([contents[2]!.parts[0]!.text])
    // The second pass edits the first answer again: warmer still.
    expect(await warmth(r.edited)).toBeGreaterThan((await warmth(photo)) + 20)
  })

  it("feedback is a further turn: the first turn again, the latest model turn verbatim, then the words", async () => {
    standIn.script({ image: {} }, review(9))
    const first = await success()
    standIn.reset()
    standIn.script({ image: {} })
    const r = await success(request({ conversation: first.conversation, answer: first.answer, modelTurn: first.modelTurn, feedback: "warmer please" }))
    const [req] = bodies()
    expect(bodies()).toHaveLength(1)
    expect(req!.body.contents.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(req!.body.contents[0]!.parts[1]!.text).toBe(PROMPTS["photo-edit"])
    expect(req!.body.contents[1]).toEqual(JSON.parse(JSON.stringify(first.modelTurn)))
    expect(req!.body.contents[1]!.parts.at(-1)!.inlineData!.data).toBe(Buffer.from(first.answer).toString("base64"))
    expect(req!.body.contents[2]!.parts[0]!.text).toContain("\"warmer please\"")
    expect(r.conversation.requests).toEqual(["warmer please"])
    expect(await warmth(r.edited)).toBeGreaterThan((await warmth(first.edited)) + 5)
  })

  it("429 is AiRateLimitedError and 503 AiUnavailableError (the state machine retries); the retry then succeeds", async () => {
    standIn.script({ status: 429 })
    expect(failureOf(await edit())?._tag).toBe("AiRateLimitedError")
    standIn.script({ status: 503 }, { status: 503 })
    expect(failureOf(await edit())?._tag).toBe("AiUnavailableError")
    expect(failureOf(await edit())?._tag).toBe("AiUnavailableError")
    standIn.script({ image: {} }, review(9))
    expect((await success()).conversation.passes).toBe(1)
    // No SDK-side retries: one request per attempt.
    expect(bodies()).toHaveLength(5)
  })

  it("feedback on a round stored before turns were kept: its image rebuilt with its real MIME type and the documented placeholder signature", async () => {
    standIn.script({ image: { mimeType: "image/jpeg" } }, review(9))
    const first = await success()
    expect(first.answerMimeType).toBe("image/jpeg")
    standIn.reset()
    standIn.script({ image: {} })
    await success(request({ conversation: first.conversation, answer: first.answer, modelTurn: null, feedback: "brighter" }))
    const model = bodies()[0]!.body.contents[1]!
    expect(model.parts).toEqual([{ inlineData: { mimeType: "image/jpeg", data: Buffer.from(first.answer).toString("base64") }, thoughtSignature: "skip_thought_signature_validator" }])
    expect(standIn.rejections).toEqual([])
  })

  it("keeps the answer's real MIME type (an image/jpeg answer is not called PNG) and takes an image-only answer", async () => {
    standIn.script({ image: { mimeType: "image/jpeg" }, text: null }, review(9))
    const r = await success()
    expect(r.answerMimeType).toBe("image/jpeg")
    expect((await sharp(r.answer).metadata()).format).toBe("jpeg")
    expect(r.modelTurn.parts!.filter((p) => p.thought !== true).map((p) => p.inlineData?.mimeType)).toEqual(["image/jpeg"])
  })

  it("a safety block or an image-safety / image-recitation stop is AiRefusedError (terminal)", async () => {
    standIn.script({ blockReason: "SAFETY" })
    expect(failureOf(await edit())?._tag).toBe("AiRefusedError")
    standIn.script({ finishReason: "IMAGE_SAFETY", noContent: true })
    expect(failureOf(await edit())?._tag).toBe("AiRefusedError")
    standIn.script({ finishReason: "IMAGE_RECITATION", noContent: true })
    expect(failureOf(await edit())?._tag).toBe("AiRefusedError")
  })

  it.each([
    ["NO_IMAGE", { finishReason: "NO_IMAGE", noContent: true } as const],
    ["IMAGE_OTHER", { finishReason: "IMAGE_OTHER", noContent: true } as const],
    ["a text-only answer", { text: "I would rather describe the photo." } as const]
  ])("%s is AiNoImageError (the task keeps the offline edit)", async (_, reply) => {
    standIn.script(reply)
    const failure = failureOf(await edit())
    expect(failure?._tag).toBe("AiNoImageError")
    expect(standIn.generateRequests()).toHaveLength(1)
  })

  it("a malformed review gets one repair turn with the history, then succeeds; twice malformed is AiBadResponseError", async () => {
    standIn.script({ image: {} }, { text: "{not json" }, review(9))
    expect((await success()).conversation.review?.professionalScore).toBe(9)
    const repair = bodies()[2]!.body.contents
    expect(repair.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(repair[1]!.parts[0]).toMatchObject({ text: "{not json", thoughtSignature: expect.any(String) })
    standIn.reset()
    standIn.script({ image: {} }, json({ overallAssessment: "x", remainingImprovements: [], professionalScore: 42 }), { text: "nope" })
    expect(failureOf(await edit())?._tag).toBe("AiBadResponseError")
  })
})
