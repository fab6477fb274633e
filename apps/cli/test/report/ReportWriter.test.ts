import { runTest } from "@curator/contracts/testing"
import { Schema } from "effect"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import sharp from "sharp"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { SelectionJson, writeReport } from "../../src/report/index.js"
import { FAILED, FILES, makeReportInput } from "./reportFixture.js"

let dir = ""
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-report-"))
})
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

describe("writeReport", () => {
  it("writes selection.json, contact-sheet.jpg, report.html and thumbs/ into a new nested folder", async () => {
    const out = path.join(dir, "a", "b")
    const paths = await runTest(writeReport(out, await makeReportInput()))
    expect(paths).toEqual({
      selectionJson: path.join(out, "selection.json"),
      contactSheet: path.join(out, "contact-sheet.jpg"),
      htmlReport: path.join(out, "report.html"),
      thumbnails: path.join(out, "thumbs")
    })
    const doc = Schema.decodeUnknownSync(SelectionJson)(await fs.readFile(paths.selectionJson, "utf8"))
    expect(doc.counts.files).toBe(6)
    expect((await sharp(paths.contactSheet).metadata()).width).toBe(1800)
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
    expect((await fs.readdir(out)).sort()).toEqual(["contact-sheet.jpg", "report.html", "selection.json", "thumbs"])
  })

  it("fails with ReportWriteError when the folder cannot be created", async () => {
    const blocker = path.join(dir, "file")
    await fs.writeFile(blocker, "not a folder")
    await expect(runTest(writeReport(path.join(blocker, "out"), await makeReportInput()))).rejects.toMatchObject({ _tag: "ReportWriteError" })
  })
})
