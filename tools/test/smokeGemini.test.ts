/**
 * `npm run smoke:gemini` (tools/scripts/smoke-gemini.mjs): without a key it says so and exits 0;
 * with one it runs every step and prints models, tokens and cost. Here the "real" endpoint is the
 * strict Gemini stand-in (CURATOR_GEMINI_BASE_URL), answering by request kind, so the script's
 * whole path is exercised without a network: the model check, the MP4 preview, the selection, the
 * edit with its review, the video analysis and the caption.
 */
import { spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { type GeminiStandIn, type StandInReply, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const script = path.join(root, "tools/scripts/smoke-gemini.mjs")

const runScript = (env: Record<string, string | undefined>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...env }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k]
    const child = spawn(process.execPath, [script], { env: childEnv as NodeJS.ProcessEnv, cwd: root })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

interface Body {
  readonly contents?: ReadonlyArray<{ readonly parts?: ReadonlyArray<{ readonly text?: string }> }>
  readonly generationConfig?: { readonly imageConfig?: unknown; readonly responseJsonSchema?: { readonly properties?: Record<string, unknown> } }
}

/** Answers by the response schema asked for (the calls of one kind each). */
const respond = ({ body }: { readonly body: unknown }): StandInReply | undefined => {
  const b = body as Body
  if (b.generationConfig?.imageConfig !== undefined) return { image: {} }
  const properties = b.generationConfig?.responseJsonSchema?.properties ?? {}
  const json = (v: unknown): StandInReply => ({ text: JSON.stringify(v) })
  if ("professionalScore" in properties) return json({ overallAssessment: "Natural.", remainingImprovements: [], professionalScore: 9 })
  if ("brightness" in properties) return json({ brightness: 0, contrast: 1, saturation: 1.05, gamma: 1, warmth: 0.02, denoise: 0, stabilise: false, sharpen: 0.3, reason: "Fine as it is." })
  if ("hashtags" in properties) return json({ caption: "Two photos from the smoke test.", hashtags: ["Smoke"], locationTag: null })
  if ("selected" in properties) {
    return json({
      scenes: [{ name: "Smoke", items: [0, 1, 2] }],
      selected: [0, 1].map((index) => ({ index, scene: "Smoke", justification: "Sharp.", comparisonNote: "Best." })),
      excluded: [{ index: 2, category: "redundant-scene", reason: "Similar.", duplicateOfIndex: null }]
    })
  }
  return undefined
}

let standIn: GeminiStandIn
beforeAll(async () => {
  standIn = await startGeminiStandIn({ respond, processingPolls: 0 })
})
afterAll(() => standIn.close())

describe("npm run smoke:gemini", () => {
  it("without GEMINI_API_KEY says so and exits 0, calling nothing", async () => {
    const r = await runScript({ GEMINI_API_KEY: undefined })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain("GEMINI_API_KEY is not set")
  }, 60_000)

  it("with a key checks every model, runs the five steps and prints models, tokens and cost against the target", async () => {
    const r = await runScript({ GEMINI_API_KEY: "smoke-key", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    for (const model of ["gemini-3.8-flash", "gemini-nano-banana-2.1"]) expect(r.stdout).toMatch(new RegExp(`${model.replaceAll(".", "\\.")}\\s+input token limit \\d`))
    for (const step of ["selection", "photo edit+review", "video analysis", "caption"]) expect(r.stdout).toMatch(new RegExp(`${step.replace("+", "\\+")}\\s+gemini-\\S+\\s+[\\d,]+ tokens\\s+\\$\\d`))
    expect(r.stdout).toMatch(/Total: [\d,]+ tokens, \$\d+\.\d+ estimated .*; target under \$0\.10: met\./)
    expect(standIn.rejections).toEqual([])
  }, 240_000)
})
