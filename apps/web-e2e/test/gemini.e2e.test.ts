/**
 * The browser workflow with a Gemini key: `curator serve` started with
 * `GEMINI_API_KEY` and `CURATOR_GEMINI_BASE_URL` pointing at the local
 * Gemini-protocol stand-in (in this process), driven in Debian Chromium.
 * The stand-in answers by request kind (the calls of parallel items arrive in
 * no fixed order): selection JSON picking the first items with "Gemini:"
 * justifications, a deterministic warm image edit, a review scoring 9, video
 * parameters. Asserts the review shows the Gemini model and justifications,
 * enhancement completes for photos and the video through the Gemini layers
 * (image calls, reviews, H.264/AAC MP4 previews through the Files API), and feedback
 * on a photo is a further turn of its conversation.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { type GeminiStandIn, type StandInReply, startGeminiStandIn } from "@curator/ai/gemini-testing"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fixtures, launchChromium, root, type Server, shot, startServer } from "./support.js"

const files = ["jpeg-nikon-coolpix-p6000-gps.jpg", "jpeg-sony-dsc-hx5v-gps.jpg", "webp-htc-desire-gps.webp", "video-apple-iphone6-gps-rot90.mov"]
const photoCount = files.length - 1
const shots = path.join(root, "test-output/e2e")

interface Body {
  readonly contents?: ReadonlyArray<{ readonly role?: string; readonly parts?: ReadonlyArray<{ readonly text?: string }> }>
  readonly generationConfig?: { readonly imageConfig?: unknown; readonly responseJsonSchema?: { readonly properties?: Record<string, unknown> } }
}

/** Answers by request kind (see the module doc). */
const respond = ({ body }: { readonly body: unknown }): StandInReply | undefined => {
  const b = body as Body
  if (b.generationConfig?.imageConfig !== undefined) return { image: { gains: [1.12, 1, 0.88] } }
  const properties = b.generationConfig?.responseJsonSchema?.properties ?? {}
  const json = (v: unknown): StandInReply => ({ text: JSON.stringify(v) })
  if ("professionalScore" in properties) return json({ overallAssessment: "Warm and natural.", remainingImprovements: [], professionalScore: 9 })
  if ("brightness" in properties) {
    return json({ brightness: 0.02, contrast: 1.05, saturation: 1.1, gamma: 1.05, warmth: 0.05, denoise: 0, stabilise: false, sharpen: 0.3, reason: "Slightly flat." })
  }
  if ("selected" in properties) {
    const first = b.contents?.[0]?.parts?.[0]?.text ?? ""
    const m = /Pick at most (\d+) of these (\d+) items/.exec(first)
    const k = Number(m?.[1] ?? 0)
    const n = Number(m?.[2] ?? 0)
    const all = Array.from({ length: n }, (_, i) => i)
    return json({
      scenes: [{ name: "The trip", items: all }],
      selected: all.slice(0, k).map((i) => ({ index: i, scene: "The trip", justification: `Gemini: item ${i} tells the story.`, comparisonNote: "Clearer than its neighbours." })),
      excluded: all.slice(k).map((i) => ({ index: i, category: "redundant-scene", reason: `Gemini: item ${i} repeats a moment.`, duplicateOfIndex: null }))
    })
  }
  return undefined
}

let standIn: GeminiStandIn
let server: Server
let browser: Browser
let context: BrowserContext
const saved: Record<string, string | undefined> = {}
const env = (): Record<string, string> => ({
  GEMINI_API_KEY: "e2e-key",
  CURATOR_GEMINI_BASE_URL: standIn.baseUrl,
  CURATOR_GEMINI_MODEL_SELECTION: "gemini-3.6-flash",
  // Previews through the Files API (the fixture's is small enough to go inline otherwise).
  CURATOR_GEMINI_INLINE_VIDEO_BYTES: "1000"
})

beforeAll(async () => {
  standIn = await startGeminiStandIn({ respond })
  fs.mkdirSync(shots, { recursive: true })
  // startServer passes process.env to `curator serve`.
  for (const [k, v] of Object.entries(env())) {
    saved[k] = process.env[k]
    process.env[k] = v
  }
  server = await startServer(path.join(root, "dist/test/web-e2e/curator-gemini.mjs"), fs.mkdtempSync(path.join(os.tmpdir(), "curator-gemini-e2e-")))
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const first = await context.newPage()
  await first.goto(server.entryUrl)
  await first.waitForSelector("[data-testid=dropzone]")
  await first.close()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await standIn?.close()
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

const kinds = () => {
  const bodies = standIn.generateRequests().map((r) => r.json as Body)
  return {
    image: bodies.filter((b) => b.generationConfig?.imageConfig !== undefined),
    review: bodies.filter((b) => "professionalScore" in (b.generationConfig?.responseJsonSchema?.properties ?? {})),
    video: bodies.filter((b) => "brightness" in (b.generationConfig?.responseJsonSchema?.properties ?? {})),
    selection: bodies.filter((b) => "selected" in (b.generationConfig?.responseJsonSchema?.properties ?? {}))
  }
}

describe("the browser workflow with a Gemini key", () => {
  let page: Page
  it("selects with Gemini (justifications shown), enhances photos and the video through Gemini, takes feedback as a further turn", async () => {
    page = await context.newPage()
    await page.goto(`${server.baseUrl}/`)
    await page.waitForSelector("[data-testid=dropzone]")
    await page.setInputFiles("[data-testid=file-input]", files.map((f) => path.join(fixtures, f)))
    await page.click("[data-testid=start-upload]")
    await page.waitForURL(/\/review\/[a-z2-7]{26}$/, { timeout: 180_000 })
    await page.waitForSelector("[data-testid=selected-item]")
    expect(await page.textContent("[data-testid=model]")).toContain("Gemini")
    // The estimated cost next to the tokens (issue 16).
    expect(await page.textContent("[data-testid=model]")).toMatch(/Gemini tokens used, about \$\d+\.\d{2,4}/)
    expect(await page.textContent("main")).toContain("Gemini: item 0 tells the story.")
    expect(kinds().selection).toHaveLength(1)
    // The video went to the selection as its MP4 preview.
    expect([...standIn.files.values()].map((f) => f.mimeType)).toEqual(["video/mp4"])
    await shot(page, path.join(shots, "gemini-1-review.png"))

    for (const toggle of await page.locator("[data-testid=excluded-item] [data-testid=toggle]").all()) {
      await toggle.click()
      await expect.poll(() => toggle.getAttribute("aria-busy")).toBe("false")
    }
    await page.click("[data-testid=confirm]")
    await page.waitForSelector("[data-testid=confirmed]")
    await page.click("[data-testid=start-enhance]")
    await page.waitForURL(/\/s\/[a-z2-7]{26}\/enhance\/[a-z2-7]{26}$/, { timeout: 30_000 })
    await expect.poll(() => page.textContent("[data-testid=job-status]"), { timeout: 240_000, interval: 1000 }).toBe("Complete")
    const reasons = await page.locator("[data-testid=item-reason]").allTextContents()
    expect(reasons, `items failed:\n${reasons.join("\n")}\n${server.log().slice(-4000)}`).toEqual([])
    expect(await page.locator("[data-testid=enhance-item][data-status=done]").count()).toBe(files.length)
    const round0 = kinds()
    expect(round0.image).toHaveLength(photoCount)
    expect(round0.review).toHaveLength(photoCount)
    expect(round0.video).toHaveLength(1)
    expect([...standIn.files.values()].map((f) => f.mimeType)).toEqual(["video/mp4", "video/mp4"])
    expect(standIn.rejections).toEqual([])
    await shot(page, path.join(shots, "gemini-2-enhanced.png"))

    const card = page.locator("[data-testid=enhance-item][data-kind=photo]").first()
    await card.scrollIntoViewIfNeeded()
    const fileId = (await card.getAttribute("data-file-id")) ?? ""
    await card.locator("[data-testid=feedback-chip][data-word=warmer]").click()
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid=enhance-item][data-file-id="${id}"]`)?.getAttribute("data-current-round") === "1",
      fileId,
      { timeout: 180_000, polling: 250 }
    )
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 60_000 }).toBe("done")
    const feedback = kinds().image.at(-1)!
    expect(feedback.contents?.map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(feedback.contents?.[2]?.parts?.[0]?.text).toContain("\"warmer\"")
    expect(await card.locator("[data-testid=version][data-round='1']").textContent()).toContain("warmer")
    await shot(page, path.join(shots, "gemini-3-feedback.png"))
  }, 480_000)
})
