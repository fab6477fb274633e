import { runTest } from "@curator/contracts/testing"
import { Schema } from "effect"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import sharp from "sharp"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { MAX_SHEET_HEIGHT, SelectionJson, writeReport } from "../../src/report/index.js"
import { FAILED, FILES, makeManyScenesInput, makeReportInput } from "./reportFixture.js"

let dir = ""
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-report-"))
})
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

describe("writeReport", () => {
  it("writes selection.json, contact-sheet-01.jpg, report.html and thumbs/ into a new nested folder", async () => {
    const out = path.join(dir, "a", "b")
    const paths = await runTest(writeReport(out, await makeReportInput()))
    expect(paths).toEqual({
      selectionJson: path.join(out, "selection.json"),
      contactSheets: [path.join(out, "contact-sheet-01.jpg")],
      htmlReport: path.join(out, "report.html"),
      thumbnails: path.join(out, "thumbs")
    })
    const doc = Schema.decodeUnknownSync(SelectionJson)(await fs.readFile(paths.selectionJson, "utf8"))
    expect(doc.counts.files).toBe(6)
    expect((await sharp(paths.contactSheets[0]!).metadata()).width).toBe(1800)
    expect((await fs.readdir(paths.thumbnails)).sort()).toEqual(Object.values(FILES).map((f) => `${f.fileId}.jpg`).sort())
    const thumb = await sharp(path.join(paths.thumbnails, `${FILES.boats.fileId}.jpg`)).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(["jpeg", FILES.boats.width, FILES.boats.height])
    // Every image the page links exists next to it.
    const html = await fs.readFile(paths.htmlReport, "utf8")
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1] ?? "")
    expect(srcs).toHaveLength(5)
    for (const src of srcs) await expect(fs.stat(path.join(out, decodeURIComponent(src)))).resolves.toBeTruthy()
    expect(html).toContain(FAILED.fileName)
    // No temporary files left behind.
    expect((await fs.readdir(out)).sort()).toEqual(["contact-sheet-01.jpg", "report.html", "selection.json", "thumbs"])
  })

  it("the contact sheet fails above ~200 scenes: a run too big for one page writes numbered pages, and a smaller run after it leaves no stale page", { timeout: 300_000 }, async () => {
    // 130 scenes overflow one page at 12 columns; their 522 files fill two pages of the compact paged layout
    // (the layout test pages 1,025 files in 255 scenes).
    const out = path.join(dir, "big")
    const big = await makeManyScenesInput(130, 4, 2)
    const paths = await runTest(writeReport(out, big))
    expect(paths.contactSheets.length).toBeGreaterThan(1)
    expect(paths.contactSheets.map((p) => path.basename(p))).toEqual(paths.contactSheets.map((_, k) => `contact-sheet-${String(k + 1).padStart(2, "0")}.jpg`))
    for (const page of paths.contactSheets) {
      const meta = await sharp(page).metadata()
      expect([meta.format, meta.width]).toEqual(["jpeg", 1800])
      expect(meta.height).toBeLessThanOrEqual(MAX_SHEET_HEIGHT)
    }
    await runTest(writeReport(out, await makeReportInput()))
    expect((await fs.readdir(out)).filter((f) => f.startsWith("contact-sheet")).sort()).toEqual(["contact-sheet-01.jpg"])
  })

  it("fails with ReportWriteError when the folder cannot be created", async () => {
    const blocker = path.join(dir, "file")
    await fs.writeFile(blocker, "not a folder")
    await expect(runTest(writeReport(path.join(blocker, "out"), await makeReportInput()))).rejects.toMatchObject({ _tag: "ReportWriteError" })
  })
})
