import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import type { SelectionResult } from "@curator/contracts"
import { failureOf, runExit } from "@curator/contracts/testing"
import { Layer } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  DEFAULT_MODELS,
  describeItem,
  GeminiClient,
  geminiConfigFromEnv,
  ROLE_SETTINGS,
  SELECTION_OUTPUT_TOKENS_PER_ITEM,
  SELECTION_RESPONSE_SCHEMA,
  type SelectionInput,
  SelectionModel,
  SelectionModelGemini
} from "../src/index.js"
import { mediaItem, picture } from "./support/images.js"

let standIn: GeminiStandIn
let input: SelectionInput
beforeAll(async () => {
  standIn = await startGeminiStandIn()
  const [p0, p1, p2, v0, v1] = await Promise.all([picture(1), picture(2), picture(3), picture(4), picture(5)])
  input = {
    tripContext: "Lisbon with my sister, trams and the sea",
    targetCount: 2,
    items: [
      { item: mediaItem("a", { local: "2024-06-01T10:00:00", offsetMinutes: 60, gps: { lat: 38.7139, lon: -9.1394 } }), thumbnail: p0!, frames: [] },
      { item: mediaItem("b", { local: "2024-06-01T10:00:05", offsetMinutes: 60 }), thumbnail: p1!, frames: [] },
      { item: mediaItem("c", { local: "2024-06-01T18:30:00", offsetMinutes: 60 }), thumbnail: p2!, frames: [] },
      { item: mediaItem("v", { kind: "video", local: "2024-06-01T19:00:00", durationSeconds: 12.5 }), thumbnail: v0!, frames: [v1!] }
    ]
  }
}, 60_000)
afterAll(() => standIn.close())
beforeEach(() => standIn.reset())

const layer = () =>
  SelectionModelGemini.pipe(
    Layer.provide(GeminiClient.layer({ ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl, CURATOR_GEMINI_MODEL_SELECTION: "gemini-3.7-flash" })! }))
  )
const select = () => runExit(SelectionModel.use((m) => m.select(input)), layer())

const good = {
  scenes: [{ name: "Morning at Baixa", items: [0, 1] }, { name: "Evening by the river", items: [2, 3] }],
  selected: [
    { index: 0, scene: "Morning at Baixa", justification: "The tram in sharp light.", comparisonNote: "Sharper than item 1." },
    { index: 3, scene: "Evening by the river", justification: "The sunset with the sound of the waves.", comparisonNote: "Motion adds to the still of item 2." }
  ],
  excluded: [
    { index: 1, category: "near-duplicate", reason: "Same tram, slightly blurred.", duplicateOfIndex: 0 },
    { index: 2, category: "redundant-scene", reason: "The video covers this moment.", duplicateOfIndex: null }
  ]
}
const json = (v: unknown) => ({ text: JSON.stringify(v) })

const success = async (): Promise<SelectionResult> => {
  const exit = await select()
  if (exit._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(exit))}`)
  return exit.value
}
const accounted = (r: SelectionResult) => [...r.selected.map((s) => s.fileId), ...r.excluded.map((e) => e.fileId)].sort()

describe("SelectionModelGemini against the stand-in", () => {
  it("maps a good answer to fileIds and sends one request with the schema, the prompt and inline JPEG parts", async () => {
    standIn.script(json(good))
    const r = await success()
    expect(r.model).toBe("gemini-3.7-flash")
    expect(r.selected).toEqual([
      { rank: 1, fileId: "a", kind: "photo", scene: "Morning at Baixa", justification: "The tram in sharp light.", comparisonNote: "Sharper than item 1." },
      { rank: 2, fileId: "v", kind: "video", scene: "Evening by the river", justification: "The sunset with the sound of the waves.", comparisonNote: "Motion adds to the still of item 2." }
    ])
    expect(r.excluded).toEqual([
      { fileId: "b", reason: "Same tram, slightly blurred.", category: "near-duplicate", duplicateOf: "a" },
      { fileId: "c", reason: "The video covers this moment.", category: "redundant-scene", duplicateOf: null }
    ])
    expect(r.sceneGroups[0]).toEqual({
      name: "Morning at Baixa",
      gps: { lat: 38.7139, lon: -9.1394, alt: null },
      timeRange: { start: "2024-06-01T10:00:00", end: "2024-06-01T10:00:05" },
      items: ["a", "b"]
    })

    const reqs = standIn.generateRequests()
    expect(reqs).toHaveLength(1)
    expect(reqs[0]!.path).toBe("/v1beta/models/gemini-3.7-flash:generateContent")
    const body = reqs[0]!.json as {
      contents: Array<{ role: string; parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>
      systemInstruction: { parts: Array<{ text: string }> }
      generationConfig: Record<string, unknown>
    }
    // gemini-3.7-flash is not in Curator's own facts: no thinking setting is sent to an unknown model (its default).
    expect(body.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: SELECTION_RESPONSE_SCHEMA,
      mediaResolution: "MEDIA_RESOLUTION_LOW",
      maxOutputTokens: Math.min(8_192, ROLE_SETTINGS.selection.maxOutputTokens + 4 * SELECTION_OUTPUT_TOKENS_PER_ITEM)
    })
    expect(body.systemInstruction.parts[0]!.text).toMatch(/Choose at most 2 items/)
    const parts = body.contents[0]!.parts
    expect(parts[0]!.text).toMatch(/Lisbon with my sister/)
    expect(parts[0]!.text).toMatch(/Pick at most 2 of these 4 items/)
    expect(parts[1]!.text).toBe("item 0: photo, 2024-06-01T10:00:00+01:00, at 38.71390, -9.13940, camera unknown, 4000x3000; its thumbnail follows")
    const images = parts.filter((p) => p.inlineData !== undefined)
    expect(images).toHaveLength(5) // 3 photo thumbnails + video thumbnail + 1 frame
    for (const p of images) expect(p.inlineData!.mimeType).toBe("image/jpeg")
    expect(Buffer.from(images[0]!.inlineData!.data, "base64")).toEqual(Buffer.from(input.items[0]!.thumbnail))
    expect(parts.find((p) => p.text?.startsWith("item 3:"))!.text).toBe(
      "item 3: video, 2024-06-01T19:00:00 local (UTC offset unknown), place unknown, camera unknown, 4000x3000, 12.5 s, with sound; its thumbnail and 1 frame taken across it follow"
    )
    expect(DEFAULT_MODELS.selection).not.toBe("gemini-3.7-flash")
  })

  it("fails with AiRateLimitedError on 429 and succeeds on the next attempt (the state machine's retry)", async () => {
    standIn.script({ status: 429 }, json(good))
    expect(failureOf(await select())).toMatchObject({ _tag: "AiRateLimitedError" })
    expect(standIn.generateRequests()).toHaveLength(1)
    expect(accounted(await success())).toEqual(["a", "b", "c", "v"])
  })

  it("fails with AiUnavailableError on 503, twice in a row", async () => {
    standIn.script({ status: 503 }, { status: 503 })
    expect(failureOf(await select())).toMatchObject({ _tag: "AiUnavailableError" })
    expect(failureOf(await select())).toMatchObject({ _tag: "AiUnavailableError" })
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it("fails with AiRefusedError when the prompt is blocked", async () => {
    standIn.script({ blockReason: "SAFETY" })
    expect(failureOf(await select())).toMatchObject({ _tag: "AiRefusedError" })
  })

  it("repairs malformed JSON with one more turn", async () => {
    standIn.script({ text: JSON.stringify(good).slice(0, 80) }, json(good))
    const r = await success()
    expect(r.selected.map((s) => s.fileId)).toEqual(["a", "v"])
    expect(standIn.generateRequests()).toHaveLength(2)
  })

  it("fails with AiBadResponseError when JSON stays malformed", async () => {
    standIn.script({ text: "{" }, { text: "still not json" })
    expect(failureOf(await select())).toMatchObject({ _tag: "AiBadResponseError" })
  })

  it("appends an item the answer drops to excluded, so every item appears exactly once", async () => {
    standIn.script(json({ ...good, excluded: good.excluded.slice(0, 1) }))
    const r = await success()
    expect(accounted(r)).toEqual(["a", "b", "c", "v"])
    expect(r.excluded.find((e) => e.fileId === "c")).toMatchObject({ category: "redundant-scene", reason: expect.stringMatching(/passed over/) })
    expect(standIn.generateRequests()).toHaveLength(1)
  })

  it("asks again when an index is out of range, sending the problem back, and fails if it stays wrong", async () => {
    const bad = { ...good, selected: [good.selected[0], { ...good.selected[1], index: 7 }] }
    standIn.script(json(bad), json(good))
    expect(accounted(await success())).toEqual(["a", "b", "c", "v"])
    const repair = standIn.generateRequests()[1]!.json as { contents: Array<{ parts: Array<{ text?: string }> }> }
    expect(repair.contents[2]!.parts[0]!.text).toMatch(/item number 7 does not exist \(item numbers are 0\.\.3\)/)

    standIn.reset()
    standIn.script(json(bad), json(bad))
    expect(failureOf(await select())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("item number 7") })
  })

  it("treats an item listed twice as a bad answer", async () => {
    const twice = { ...good, excluded: [...good.excluded, { index: 0, category: "quality-issue", reason: "x", duplicateOfIndex: null }] }
    standIn.script(json(twice), json(twice))
    expect(failureOf(await select())).toMatchObject({ _tag: "AiBadResponseError", message: expect.stringContaining("item 0 appears more than once") })
  })

  it("moves picks past the target count to excluded", async () => {
    const over = { ...good, selected: [...good.selected, { index: 2, scene: "Evening by the river", justification: "Nice light.", comparisonNote: "" }], excluded: good.excluded.slice(0, 1) }
    standIn.script(json(over))
    const r = await success()
    expect(r.selected).toHaveLength(2)
    expect(r.excluded.find((e) => e.fileId === "c")).toMatchObject({ category: "redundant-scene", reason: expect.stringMatching(/^Ranked below the target of 2/) })
  })
})

describe("describeItem", () => {
  it("writes negative offsets and UTC-only times", () => {
    expect(describeItem(5, mediaItem("x", { local: "2024-01-01T08:00:00", offsetMinutes: -330 }))).toMatch(/^item 5: photo, 2024-01-01T08:00:00-05:30, /)
    expect(describeItem(0, mediaItem("x", { local: "2024-01-01T08:00:00", utc: "2024-01-01T07:00:00Z" }))).toMatch(/local \(UTC 2024-01-01T07:00:00Z\)/)
    expect(describeItem(0, mediaItem("x", { local: null }))).toMatch(/time unknown/)
  })
})
