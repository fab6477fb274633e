/**
 * The Gemini selection beyond one small request, against the strict stand-in: videos as their
 * H.264 MP4 previews (inline when small, Files API when large; a FAILED preview falls back to its
 * frames), token- and video-part-budgeted batches with proportional shares, deliberate media
 * resolution and thinking, prompts true to what is sent, and the per-session quota and budget.
 */
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import type { SelectionResult } from "@curator/contracts"
import { failureOf as failureOfExit, runExit } from "@curator/contracts/testing"
import { Layer } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  candidateLoad,
  DEFAULT_MODELS,
  GeminiClient,
  geminiConfigFromEnv,
  MAX_VIDEO_PARTS_PER_REQUEST,
  planBatches,
  PROMPTS,
  proportionalQuotas,
  type SelectionInput,
  SelectionModel,
  SelectionModelGemini
} from "../src/index.js"
import { mediaItem, picture } from "./support/images.js"
import { av1WebmPreview, mp4Preview } from "./support/videos.js"

let standIn: GeminiStandIn
let pics: Array<Uint8Array>
beforeAll(async () => {
  standIn = await startGeminiStandIn({ processingPolls: 0 })
  pics = await Promise.all([1, 2, 3, 4, 5].map((n) => picture(n)))
}, 60_000)
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = (env: Record<string, string> = {}) =>
  SelectionModelGemini.pipe(Layer.provide(GeminiClient.layer({ ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, ...env })!, filePollMs: 1 })))
const select = (input: SelectionInput, env: Record<string, string> = {}) => runExit(SelectionModel.use((m) => m.select(input)), layer(env))
const failureOf = (exit: Parameters<typeof failureOfExit>[0]) => failureOfExit(exit) as { readonly _tag?: string; readonly message?: string } | undefined
const success = async (input: SelectionInput, env: Record<string, string> = {}): Promise<SelectionResult> => {
  const exit = await select(input, env)
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit)?.message)}`)
  return exit.value
}
/** An answer picking the first `pick` items of a batch of `n` and excluding the rest. */
const answer = (n: number, pick: number, scene = "Scene") => ({
  text: JSON.stringify({
    scenes: [{ name: scene, items: Array.from({ length: n }, (_, i) => i) }],
    selected: Array.from({ length: pick }, (_, i) => ({ index: i, scene, justification: `Pick ${i}.`, comparisonNote: "Best of its moment." })),
    excluded: Array.from({ length: n - pick }, (_, i) => ({ index: pick + i, category: "redundant-scene", reason: "Similar.", duplicateOfIndex: null }))
  }),
  usage: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 }
})
interface Body {
  contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string }; fileData?: { fileUri: string; mimeType: string } }> }>
  systemInstruction: { parts: Array<{ text: string }> }
  generationConfig: Record<string, unknown>
}
const bodies = () => standIn.generateRequests().map((r) => r.json as Body)
const kinds = (body: Body) => body.contents[0]!.parts.map((p) => (p.fileData ? `file:${p.fileData.mimeType}` : p.inlineData ? p.inlineData.mimeType : "text"))
const photos = (n: number) => Array.from({ length: n }, (_, i) => ({ item: mediaItem(`p${i}`, { local: `2024-06-01T1${i}:00:00` }), thumbnail: pics[i % pics.length]!, frames: [] }))
const video = (id: string, minute: number, preview?: Uint8Array, durationSeconds = 2) => ({
  item: mediaItem(id, { kind: "video", local: `2024-06-01T12:${String(minute).padStart(2, "0")}:00`, durationSeconds }),
  thumbnail: pics[1]!,
  frames: [pics[2]!, pics[3]!],
  ...(preview === undefined ? {} : { preview })
})

describe("video previews — issue 16 item 5", () => {
  it("sends a small MP4 preview inline as video/mp4 after the thumbnail (no frames), and reports tokens and cost", async () => {
    const preview = mp4Preview()
    standIn.script(answer(2, 1))
    const r = await success({ tripContext: "", targetCount: 1, items: [{ item: mediaItem("a"), thumbnail: pics[0]!, frames: [] }, video("v", 0, preview)] })
    expect(standIn.files.size).toBe(0)
    const body = bodies()[0]!
    expect(kinds(body)).toEqual(["text", "text", "image/jpeg", "text", "image/jpeg", "video/mp4"])
    expect(Buffer.from(body.contents[0]!.parts[5]!.inlineData!.data, "base64").equals(Buffer.from(preview))).toBe(true)
    expect(r.tokensUsed).toBe(120)
    expect(r.costUsd).toBeGreaterThan(0)
    expect(standIn.rejections).toEqual([])
  })

  it("sends a large preview through the Files API by fileUri", async () => {
    standIn.script(answer(2, 1))
    await success({ tripContext: "", targetCount: 1, items: [{ item: mediaItem("a"), thumbnail: pics[0]!, frames: [] }, video("v", 0, mp4Preview())] }, { CURATOR_GEMINI_INLINE_VIDEO_BYTES: "1000" })
    const [file] = [...standIn.files.values()]
    expect(file).toMatchObject({ mimeType: "video/mp4", outcome: "ACTIVE" })
    expect(kinds(bodies()[0]!)).toEqual(["text", "text", "image/jpeg", "text", "image/jpeg", "file:video/mp4"])
    expect(bodies()[0]!.contents[0]!.parts[5]!.fileData!.fileUri).toBe(file!.uri)
  })

  it("a preview the Files API reports FAILED falls back to that item's frames only; the selection goes on", async () => {
    standIn.script(answer(3, 1))
    const r = await success(
      { tripContext: "", targetCount: 1, items: [{ item: mediaItem("a"), thumbnail: pics[0]!, frames: [] }, video("bad", 0, av1WebmPreview()), video("good", 1, mp4Preview())] },
      { CURATOR_GEMINI_INLINE_VIDEO_BYTES: "1000" }
    )
    expect([...standIn.files.values()].map((f) => f.outcome).sort()).toEqual(["ACTIVE", "FAILED"])
    const body = bodies()[0]!
    expect(kinds(body)).toEqual(["text", "text", "image/jpeg", "text", "image/jpeg", "image/jpeg", "image/jpeg", "text", "image/jpeg", "file:video/mp4"])
    expect(body.contents[0]!.parts[3]!.text).toMatch(/^item 1: video, .*; its thumbnail and 2 frames taken across it follow$/)
    expect([...r.selected, ...r.excluded].map((x) => x.fileId).sort()).toEqual(["a", "bad", "good"])
  })
})

describe("prompts true to what is sent — issue 16 item 8", () => {
  it("the system instruction and each item's line say what follows: a preview clip or frames", async () => {
    standIn.script(answer(2, 1))
    await success({ tripContext: "", targetCount: 1, items: [video("clip", 0, mp4Preview()), video("frames", 1)] })
    const body = bodies()[0]!
    expect(body.systemInstruction.parts[0]!.text).toBe(PROMPTS.selection.replaceAll("TARGET_COUNT", "1"))
    expect(PROMPTS.selection).toContain("preview clip of the whole video")
    const parts = body.contents[0]!.parts
    expect(parts[1]!.text).toMatch(/^item 0: video, .*; its thumbnail and its preview clip \(the whole video, reduced size and frame rate, with its sound if any\) follow$/)
    expect(kinds(body).slice(1, 4)).toEqual(["text", "image/jpeg", "video/mp4"])
    expect(parts[4]!.text).toMatch(/^item 1: video, .*; its thumbnail and 2 frames taken across it follow$/)
    expect(kinds(body).slice(4)).toEqual(["text", "image/jpeg", "image/jpeg", "image/jpeg"])
  })
})

describe("token- and part-budgeted batches, deliberate settings — issue 16 item 4", () => {
  it("sets mediaResolution LOW and the selection's thinking level for the default model", async () => {
    standIn.script(answer(2, 1))
    await success({ tripContext: "", targetCount: 1, items: photos(2) })
    expect(bodies()[0]!.generationConfig).toMatchObject({ mediaResolution: "MEDIA_RESOLUTION_LOW", thinkingConfig: { thinkingLevel: "MEDIUM" } })
    expect(standIn.generateRequests()[0]!.path).toContain(DEFAULT_MODELS.selection)
  })

  it("never sends more than 10 video parts in one request", async () => {
    const preview = mp4Preview(1)
    const items = Array.from({ length: 12 }, (_, i) => video(`v${i}`, i, preview, 1))
    standIn.script(answer(10, 5), answer(2, 1))
    const r = await success({ tripContext: "", targetCount: 6, items })
    const requests = bodies()
    expect(requests.map((b) => kinds(b).filter((k) => k === "video/mp4").length)).toEqual([MAX_VIDEO_PARTS_PER_REQUEST, 2])
    expect(standIn.rejections).toEqual([])
    expect([...r.selected, ...r.excluded]).toHaveLength(12)
  })

  it("splits by estimated tokens: a long clip's sampled frames and sound count, not only its bytes", async () => {
    // Two 10-minute videos at 1 fps: (600 x 70 + 600 x 32) tokens each = 61,200 on Gemini 3 at LOW.
    const load = candidateLoad(video("long", 0, mp4Preview(1), 600), "3", "MEDIA_RESOLUTION_LOW", 4_000_000)
    expect(load.tokens).toBeGreaterThan(61_200)
    expect(load.videoParts).toBe(1)
    const items = [video("long1", 0, mp4Preview(1), 600), video("long2", 1, mp4Preview(1), 600)]
    standIn.script(answer(1, 1), answer(1, 1))
    await success({ tripContext: "", targetCount: 2, items }, { CURATOR_GEMINI_SELECTION_BATCH_TOKENS: "100000" })
    expect(bodies()).toHaveLength(2)
  })

  it("plans by every limit at once and keeps capture-time order", () => {
    const items = [...photos(3), video("v", 30, mp4Preview(1), 1)]
    const load = (c: (typeof items)[number]) => candidateLoad(c, "3", "MEDIA_RESOLUTION_LOW", 4_000_000)
    expect(planBatches(items, { items: 100, bytes: 1e9, tokens: 1e9, videoParts: 10 }, load)).toHaveLength(1)
    const byTokens = planBatches(items, { items: 100, bytes: 1e9, tokens: load(items[0]!).tokens * 2, videoParts: 10 }, load)
    expect(byTokens.map((b) => b.map((c) => c.item.fileId))).toEqual([["p0", "p1"], ["p2"], ["v"]])
    const byParts = planBatches([video("a", 1, mp4Preview(1), 1), video("b", 2, mp4Preview(1), 1)], { items: 100, bytes: 1e9, tokens: 1e9, videoParts: 1 }, load)
    expect(byParts.map((b) => b.map((c) => c.item.fileId))).toEqual([["a"], ["b"]])
  })

  it("splits a session over the item limit into time-ordered batches with proportional shares and merges every item once", async () => {
    // 5 photos given out of time order, at most 2 per request: batches [p0,p1] [p2,p3] [p4]; target 3 -> shares 1, 1, 1.
    const items = photos(5).reverse()
    standIn.script(answer(2, 1, "Morning"), answer(2, 1, "Noon"), answer(1, 1, "Afternoon"))
    const r = await success({ tripContext: "Porto", targetCount: 3, items }, { CURATOR_GEMINI_SELECTION_BATCH_ITEMS: "2" })
    const reqs = bodies()
    expect(reqs).toHaveLength(3)
    expect(reqs[0]!.contents[0]!.parts[0]!.text).toContain("This is part 1 of 3 of the session (in time order); pick at most 1 of its 2 items.")
    expect(reqs[2]!.systemInstruction.parts[0]!.text).toContain("Choose at most 1 items")
    expect(r.selected.map((s) => [s.rank, s.fileId])).toEqual([[1, "p0"], [2, "p2"], [3, "p4"]])
    expect([...r.selected.map((s) => s.fileId), ...r.excluded.map((e) => e.fileId)].sort()).toEqual(["p0", "p1", "p2", "p3", "p4"])
    expect(r.sceneGroups.map((g) => g.name)).toEqual(["Morning", "Noon", "Afternoon"])
    expect(r.tokensUsed).toBe(360)
  })

  it("splits by inline bytes too", async () => {
    // Three items of the same size, a limit just under two of them: one item per request.
    const items = photos(3).map((c) => ({ ...c, thumbnail: pics[0]! }))
    const bytes = String(2 * pics[0]!.length - 1)
    standIn.script(answer(1, 1), answer(1, 1))
    const r = await success({ tripContext: "", targetCount: 2, items }, { CURATOR_GEMINI_SELECTION_BATCH_BYTES: bytes })
    // Shares of 2 over three batches of 1: 1, 1, 0 — the third batch needs no request.
    expect(bodies()).toHaveLength(2)
    expect(r.selected.map((s) => s.fileId)).toEqual(["p0", "p1"])
    expect(r.excluded).toEqual([{ fileId: "p2", reason: "Not picked: its part of the session had no share of the 2 picks.", category: "redundant-scene", duplicateOf: null }])
  })

  it("stops with QuotaExceededError once the session's tokens pass the quota, before the next batch", async () => {
    standIn.script(answer(2, 1), answer(2, 1), answer(1, 1))
    const exit = await select({ tripContext: "", targetCount: 3, items: photos(5) }, { CURATOR_GEMINI_SELECTION_BATCH_ITEMS: "2", CURATOR_GEMINI_SESSION_TOKEN_QUOTA: "200" })
    expect(failureOf(exit)?._tag).toBe("QuotaExceededError")
    expect(failureOf(exit)?.message).toContain("used 240 Gemini tokens after 2 of 3 request(s), over the session quota of 200")
    expect(bodies()).toHaveLength(2)
  })

  it("stops with QuotaExceededError once the estimated cost passes CURATOR_GEMINI_SESSION_BUDGET_USD", async () => {
    const big = { ...answer(2, 1), usage: { promptTokenCount: 1_000_000, candidatesTokenCount: 20, totalTokenCount: 1_000_020 } }
    standIn.script(big, big, big)
    const exit = await select({ tripContext: "", targetCount: 3, items: photos(5) }, { CURATOR_GEMINI_SELECTION_BATCH_ITEMS: "2", CURATOR_GEMINI_SESSION_BUDGET_USD: "0.5" })
    expect(failureOf(exit)?._tag).toBe("QuotaExceededError")
    expect(failureOf(exit)?.message).toContain("CURATOR_GEMINI_SESSION_BUDGET_USD")
    expect(bodies()).toHaveLength(1)
  })

  it("proportional shares sum to the target (largest remainder) and never exceed a batch", () => {
    expect(proportionalQuotas(3, [2, 2, 1])).toEqual([1, 1, 1])
    expect(proportionalQuotas(10, [100, 100, 50])).toEqual([4, 4, 2])
    expect(proportionalQuotas(20, [3, 100])).toEqual([1, 19])
    expect(proportionalQuotas(50, [3, 4])).toEqual([3, 4])
    expect(proportionalQuotas(1, [5, 5, 5])).toEqual([1, 0, 0])
  })
})
