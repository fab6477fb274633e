/**
 * The Gemini selection beyond one small request: videos as their WebM previews through the Files
 * API (`fileData.fileUri`), large sessions split into batches with proportional shares, and the
 * per-session token quota.
 */
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import type { SelectionResult } from "@curator/contracts"
import { failureOf as failureOfExit, runExit } from "@curator/contracts/testing"
import { Layer } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { GeminiClient, geminiConfigFromEnv, proportionalQuotas, type SelectionInput, SelectionModel, SelectionModelGemini } from "../src/index.js"
import { mediaItem, picture } from "./support/images.js"

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
  })
})
interface Body {
  contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string }; fileData?: { fileUri: string; mimeType: string } }> }>
  systemInstruction: { parts: Array<{ text: string }> }
}
const bodies = () => standIn.generateRequests().map((r) => r.json as Body)
const photos = (n: number) => Array.from({ length: n }, (_, i) => ({ item: mediaItem(`p${i}`, { local: `2024-06-01T1${i}:00:00` }), thumbnail: pics[i % pics.length]!, frames: [] }))

describe("Gemini selection: video previews, batches, token quota", () => {
  it("sends a video as its WebM preview by fileUri (its thumbnail inline, no frames) and reports the tokens used", async () => {
    const preview = new Uint8Array(Buffer.from("\x1a\x45\xdf\xa3 webm"))
    standIn.script(answer(2, 1))
    const r = await success({
      tripContext: "",
      targetCount: 1,
      items: [
        { item: mediaItem("a"), thumbnail: pics[0]!, frames: [] },
        { item: mediaItem("v", { kind: "video", local: "2024-06-01T11:00:00" }), thumbnail: pics[1]!, frames: [pics[2]!, pics[3]!], preview }
      ]
    })
    const [file] = [...standIn.files.values()]
    expect(file!.mimeType).toBe("video/webm")
    expect(Buffer.from(file!.bytes)).toEqual(Buffer.from(preview))
    const parts = bodies()[0]!.contents[0]!.parts
    const kinds = parts.map((p) => (p.fileData ? `file:${p.fileData.mimeType}` : p.inlineData ? p.inlineData.mimeType : "text"))
    expect(kinds).toEqual(["text", "text", "image/jpeg", "text", "image/jpeg", "file:video/webm"])
    expect(parts[5]!.fileData!.fileUri).toBe(file!.uri)
    expect(r.tokensUsed).toBe(120)
    expect(r.selected.map((s) => s.fileId)).toEqual(["a"])
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

  it("proportional shares sum to the target (largest remainder) and never exceed a batch", () => {
    expect(proportionalQuotas(3, [2, 2, 1])).toEqual([1, 1, 1])
    expect(proportionalQuotas(10, [100, 100, 50])).toEqual([4, 4, 2])
    expect(proportionalQuotas(20, [3, 100])).toEqual([1, 19])
    expect(proportionalQuotas(50, [3, 4])).toEqual([3, 4])
    expect(proportionalQuotas(1, [5, 5, 5])).toEqual([1, 0, 0])
  })
})
