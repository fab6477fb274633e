/**
 * `curator run` end to end, as a person runs it: the CLI is bundled with the
 * same script `npm start` uses and started in a fresh Node process on the
 * real fixture folder (20 files: 16 good, 4 truncated) and on the generated
 * sample trip. Asserts on the artifacts it writes and on its exit code.
 */
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
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
