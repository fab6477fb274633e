/**
 * `curator run` end to end, as a person runs it: the CLI is bundled with the
 * same script `npm start` uses and started in a fresh Node process on the
 * real fixture folder (20 files: 16 good, 4 truncated) and on the generated
 * sample trip. Asserts on the artifacts it writes and on its exit code.
 */
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { startGeminiStandIn } from "@curator/ai/gemini-testing"
import sharp from "sharp"
import { beforeAll, describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "../../..")
const fixtures = path.resolve(root, "../shared/fixtures/media")
const cli = path.join(root, "dist/test/cli/main.mjs")

interface SelectionJson {
  readonly counts: Record<string, number>
  readonly selected: ReadonlyArray<{ readonly fileName: string; readonly rank: number; readonly scene: string; readonly justification: string }>
  readonly excluded: ReadonlyArray<{
    readonly fileName: string
    readonly category: string
    readonly reason: string
    readonly duplicateOf: { readonly fileName: string } | null
    readonly error: { readonly tag: string; readonly message: string } | null
  }>
}

const runCli = (args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 240_000, env: { ...process.env, NO_COLOR: "1" } })

/** Like runCli, but without blocking the event loop (the Gemini stand-in runs in this process). */
const runCliAsync = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: "1", ...env } })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

beforeAll(async () => {
  // The same build script `npm start` runs (a workspace script, loaded by path).
  const { bundle } = (await import(pathToFileURL(path.join(root, "tools/scripts/bundle.mjs")).href)) as {
    bundle: (entry: string, out: string) => Promise<unknown>
  }
  await bundle(path.join(root, "apps/cli/src/main.ts"), cli)
}, 60_000)

describe("curator run", () => {
  it("accounts for all 20 fixture files: 16 processed, the 4 truncated reported as corrupt, exit 0", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-e2e-"))
    const out = path.join(work, "out")
    const r = runCli(["run", fixtures, "--out", out, "--data", path.join(work, "data")])
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
    const inputs = fs.readdirSync(fixtures).filter((f) => !f.endsWith(".md"))
    expect(inputs).toHaveLength(20)
    const names = [...sel.selected.map((s) => s.fileName), ...sel.excluded.map((e) => e.fileName)]
    expect(names.sort()).toEqual([...inputs].sort())
    const unprocessable = sel.excluded.filter((e) => e.category === "unprocessable")
    expect(unprocessable.map((e) => e.fileName).sort()).toEqual(inputs.filter((f) => f.startsWith("truncated-")).sort())
    for (const e of unprocessable) {
      expect(e.error?.tag).toBe("CorruptMediaError")
      expect(e.reason.length).toBeGreaterThan(10)
    }
    for (const s of sel.selected) expect(s.justification.length).toBeGreaterThan(10)
    expect(r.stdout).toMatch(/Selected \d+ of 20 files/)
    fs.rmSync(work, { recursive: true, force: true })
  }, 300_000)

  it("runs on the generated sample trip: one pick per burst, the duplicate and the corrupt file explained, a contact sheet", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-sample-"))
    const out = path.join(work, "out")
    const r = runCli(["run", "--sample", "--out", out, "--data", path.join(work, "data"), "--max", "6"])
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
    expect(sel.selected.length).toBeLessThanOrEqual(6)
    const burst = ["IMG_2001.jpg", "IMG_2002.jpg", "IMG_2003.jpg"]
    expect(sel.selected.filter((s) => burst.includes(s.fileName))).toHaveLength(1)
    const copy = sel.excluded.find((e) => e.fileName === "IMG_2201 copy.jpg" || e.fileName === "IMG_2201.jpg")
    expect(copy?.category).toBe("near-duplicate")
    expect(sel.excluded.find((e) => e.fileName === "IMG_2104.jpg")?.category).toBe("unprocessable")
    expect(new Set(sel.selected.map((s) => s.scene)).size).toBeGreaterThanOrEqual(3)
    const sheet = await sharp(path.join(out, "contact-sheet.jpg")).metadata()
    expect(sheet.format).toBe("jpeg")
    expect(fs.readFileSync(path.join(out, "report.html"), "utf8")).toContain("IMG_2104.jpg")
    fs.rmSync(work, { recursive: true, force: true })
  }, 300_000)

  it("with GEMINI_API_KEY set, selects through the SDK (pointed at the local Gemini stand-in) and writes the same artifacts", async () => {
    const standIn = await startGeminiStandIn()
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-gemini-"))
    const out = path.join(work, "out")
    try {
      standIn.script({
        text: JSON.stringify({
          scenes: [{ name: "Start of the trip", items: [0, 1] }],
          selected: [
            { index: 1, scene: "Start of the trip", justification: "Gemini: the clearest view of the day.", comparisonNote: "Sharper than item 0." },
            { index: 0, scene: "Start of the trip", justification: "Gemini: a good opener.", comparisonNote: "Only one of its kind." }
          ],
          excluded: []
        })
      })
      const r = await runCliAsync(["run", "--sample", "--out", out, "--data", path.join(work, "data"), "--max", "6"], {
        GEMINI_API_KEY: "e2e-key",
        CURATOR_GEMINI_BASE_URL: standIn.baseUrl,
        CURATOR_GEMINI_MODEL_SELECTION: "gemini-e2e"
      })
      expect(r.status, r.stderr + r.stdout).toBe(0)
      expect(r.stdout).toContain("Gemini selection (gemini-e2e).")
      expect(r.stdout).toMatch(/scene\(s\) \(Gemini selection, gemini-e2e\)/)
      const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
      expect(sel.selected.map((s) => s.justification)).toEqual(["Gemini: the clearest view of the day.", "Gemini: a good opener."])
      const inputs = fs.readdirSync(path.join(out, "sample-trip"))
      expect([...sel.selected.map((s) => s.fileName), ...sel.excluded.map((e) => e.fileName)].sort()).toEqual([...inputs].sort())
      expect(sel.excluded.find((e) => e.fileName === "IMG_2104.jpg")?.category).toBe("unprocessable")
      expect((await sharp(path.join(out, "contact-sheet.jpg")).metadata()).format).toBe("jpeg")
      const [request, ...more] = standIn.generateRequests()
      expect(more).toHaveLength(0)
      expect(request!.path).toBe("/v1beta/models/gemini-e2e:generateContent")
      expect(request!.headers["x-goog-api-key"]).toBe("e2e-key")
      const body = request!.json as { contents: Array<{ parts: Array<{ inlineData?: { mimeType: string } }> }> }
      const images = body.contents[0]!.parts.filter((p) => p.inlineData?.mimeType === "image/jpeg")
      // every processed file sends at least its thumbnail (the corrupt one never reaches the model)
      expect(images.length).toBeGreaterThanOrEqual(inputs.length - 1)
    } finally {
      await standIn.close()
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)

  it("says 'offline selection' without a key", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-offline-"))
    fs.mkdirSync(path.join(work, "in"))
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" }
    delete env["GEMINI_API_KEY"]
    const r = spawnSync(process.execPath, [cli, "run", path.join(work, "in"), "--out", path.join(work, "out"), "--data", path.join(work, "data")], {
      encoding: "utf8",
      timeout: 120_000,
      env
    })
    expect(r.stdout).toContain("Offline selection (no GEMINI_API_KEY).")
    fs.rmSync(work, { recursive: true, force: true })
  }, 120_000)

  it("refuses a second process on the same data folder", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-lock-"))
    const data = path.join(work, "data")
    fs.mkdirSync(path.join(work, "in"))
    const { default: lockfile } = await import("proper-lockfile")
    fs.mkdirSync(data, { recursive: true })
    const release = await lockfile.lock(data, { realpath: false })
    const r = runCli(["run", path.join(work, "in"), "--out", path.join(work, "out"), "--data", data])
    await release()
    expect(r.status).not.toBe(0)
    expect(r.stderr + r.stdout).toMatch(/Another Curator process/)
    fs.rmSync(work, { recursive: true, force: true })
  }, 60_000)
})
