/**
 * The per-session token quota and budget: every Gemini call inside `meteredFor(sessionId)`
 * is charged to `META.tokensUsed` and `META.costMicroUsd` (embedded dynalite) with the answer's
 * `usageMetadata` and its estimated cost, and refused with QuotaExceededError once the session's
 * tokens reached the quota or its cost reached `CURATOR_GEMINI_SESSION_BUDGET_USD`; outside a
 * meter nothing is charged. Runs the real SDK against the strict Gemini-protocol stand-in.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { failureOf } from "@curator/contracts/testing"
import { SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { costUsd, DEFAULT_MODELS, GeminiClient, geminiConfigFromEnv, type JsonRequest, meteredFor } from "../src/index.js"

let standIn: GeminiStandIn
let dir: string
let stores: ManagedRuntime.ManagedRuntime<SessionStore, unknown>
beforeAll(async () => {
  standIn = await startGeminiStandIn()
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "token-meter-"))
  stores = ManagedRuntime.make(SessionStoreLocal.layer({ dataDir: dir })) as ManagedRuntime.ManagedRuntime<SessionStore, unknown>
  for (const sessionId of ["s1", "s2", "s3"]) {
    await stores.runPromise(SessionStore.use((s) => s.createSession({ sessionId, createdAt: "2026-11-30T00:00:00Z", expiresAt: 4_000_000_000, generation: 0, tripContext: "" })))
  }
}, 60_000)
afterAll(async () => {
  await standIn.close()
  await stores.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})
beforeEach(() => standIn.reset())

const request: JsonRequest<{ n: number }> = {
  what: "meter test",
  role: "caption",
  model: DEFAULT_MODELS.caption,
  parts: [{ text: "give me n" }],
  responseJsonSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
  decode: (json) => (typeof (json as { n?: unknown }).n === "number" ? { ok: true, value: json as { n: number } } : { ok: false, error: "n" })
}

const client = (quota: number, budgetUsd = 2) =>
  GeminiClient.layer({ ...geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })!, sessionTokenQuota: quota, sessionBudgetUsd: budgetUsd })

const call = (quota: number, sessionId: string | null, budgetUsd?: number) => {
  const once = GeminiClient.use((g) => g.generateJson(request))
  const program = sessionId === null ? once : once.pipe(meteredFor(sessionId))
  return stores.runPromiseExit(program.pipe(Effect.provide(client(quota, budgetUsd))) as Effect.Effect<unknown, unknown, SessionStore>)
}
const tokensOf = (sessionId: string) => stores.runPromise(SessionStore.use((s) => s.getSession(sessionId))).then((m) => m.tokensUsed ?? 0)
const costOf = (sessionId: string) => stores.runPromise(SessionStore.use((s) => s.getSession(sessionId))).then((m) => (m.costMicroUsd ?? 0) / 1e6)
const answer = (total: number) => ({ text: "{\"n\": 1}", usage: { promptTokenCount: total - 10, candidatesTokenCount: 10, totalTokenCount: total } })

describe("SessionTokenMeter", () => {
  it("charges each metered call's total to its session and refuses calls once the quota is reached", async () => {
    standIn.script(answer(600), answer(500), answer(999))
    expect((await call(1000, "s1"))._tag).toBe("Success")
    expect(await tokensOf("s1")).toBe(600)
    // 600 < 1000: allowed; it takes the session over the quota (a call's size is only known after it).
    expect((await call(1000, "s1"))._tag).toBe("Success")
    expect(await tokensOf("s1")).toBe(1100)
    const refused = await call(1000, "s1")
    expect(failureOf(refused)).toMatchObject({ _tag: "QuotaExceededError", message: expect.stringMatching(/used 1100 Gemini tokens, its quota is 1000/) })
    // Refused before the request: the third scripted answer was never asked for.
    expect(standIn.generateRequests()).toHaveLength(2)
    expect(await tokensOf("s1")).toBe(1100)
  })

  it("keeps sessions apart, and charges nothing outside a meter", async () => {
    standIn.script(answer(300), answer(700))
    expect((await call(1000, "s2"))._tag).toBe("Success")
    expect((await call(1000, null))._tag).toBe("Success")
    expect(await tokensOf("s2")).toBe(300)
    expect(await tokensOf("s1")).toBe(1100)
  })

  it("charges the estimated cost with the tokens (thinking included) and refuses calls once the budget is spent — issue 16 item 7", async () => {
    const day = new Date().toISOString().slice(0, 10)
    const usage = { promptTokenCount: 400_000, candidatesTokenCount: 1_000, thoughtsTokenCount: 9_000, totalTokenCount: 410_000 }
    const one = costUsd(DEFAULT_MODELS.caption, { promptTokens: 400_000, outputTokens: 1_000, thoughtsTokens: 9_000, imageOutputTokens: 0 }, day)
    standIn.script({ text: "{\"n\": 1}", usage }, { text: "{\"n\": 1}", usage }, { text: "{\"n\": 1}", usage })
    const budget = one * 1.5
    expect((await call(10_000_000, "s3", budget))._tag).toBe("Success")
    expect(await costOf("s3")).toBeCloseTo(one, 6)
    expect(await tokensOf("s3")).toBe(410_000)
    // Under the budget: allowed; it takes the session over it.
    expect((await call(10_000_000, "s3", budget))._tag).toBe("Success")
    const refused = await call(10_000_000, "s3", budget)
    expect(failureOf(refused)).toMatchObject({ _tag: "QuotaExceededError", message: expect.stringContaining("CURATOR_GEMINI_SESSION_BUDGET_USD") })
    expect(standIn.generateRequests()).toHaveLength(2)
    expect(await costOf("s3")).toBeCloseTo(2 * one, 6)
  })
})
