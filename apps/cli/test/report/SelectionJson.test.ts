import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { renderSelectionJson, type ReportInput, SelectionJson } from "../../src/report/index.js"
import { ALL_NAMES, FAILED, FILES, makeReportInput, processedItem } from "./reportFixture.js"

const decode = Schema.decodeUnknownSync(SelectionJson)

describe("renderSelectionJson", () => {
  it("decodes with the SelectionJson schema and accounts for every file exactly once by its original name", async () => {
    const doc = decode(renderSelectionJson(await makeReportInput()))
    const names = [...doc.selected.map((s) => s.fileName), ...doc.excluded.map((e) => e.fileName)]
    expect([...names].sort()).toEqual([...ALL_NAMES].sort())
    expect(new Set(names).size).toBe(names.length)
    expect(doc.counts).toEqual({
      files: 6,
      selected: 3,
      excluded: 3,
      unprocessable: 1,
      skipped: 0,
      scenes: 2,
      byCategory: { "near-duplicate": 1, "quality-issue": 1, "content-mismatch": 0, "redundant-scene": 0, unprocessable: 1 }
    })
    expect(doc.model).toBe("offline")
  })

  it("lists picks in rank order with scene, justification and comparison note", async () => {
    const doc = decode(renderSelectionJson(await makeReportInput()))
    expect(doc.selected.map((s) => [s.rank, s.fileName, s.kind, s.scene])).toEqual([
      [1, FILES.dawn.fileName, "photo", "Harbour at dawn"],
      [2, FILES.street.fileName, "photo", "Old town"],
      [3, FILES.boats.fileName, "video", "Harbour at dawn"]
    ])
    expect(doc.selected[0]?.comparisonNote).toContain("Laplacian")
  })

  it("gives the near-duplicate's original by name and the failed file's error tag", async () => {
    const doc = decode(renderSelectionJson(await makeReportInput()))
    const dup = doc.excluded.find((e) => e.fileId === FILES.dawnAgain.fileId)
    expect(dup).toMatchObject({ category: "near-duplicate", scene: "Harbour at dawn", duplicateOf: { fileName: FILES.dawn.fileName, fileId: FILES.dawn.fileId } })
    const failed = doc.excluded.find((e) => e.fileName === FAILED.fileName)
    expect(failed).toMatchObject({ category: "unprocessable", kind: null, scene: null, reason: FAILED.message, error: { tag: FAILED.tag, message: FAILED.message } })
    expect(doc.sceneGroups.map((g) => [g.name, g.files.map((f) => f.fileName)])).toEqual([
      ["Harbour at dawn", [FILES.dawn.fileName, FILES.boats.fileName, FILES.dawnAgain.fileName]],
      ["Old town", [FILES.street.fileName, FILES.blurry.fileName]]
    ])
  })

  it("not every input is accounted for: symlinks and unsupported types are listed in `skipped` with their status and counted", async () => {
    const input: ReportInput = {
      ...(await makeReportInput()),
      skipped: [
        { fileName: "chart.svg", status: "skipped: unsupported type", reason: "not a photo or video (.svg)" },
        { fileName: "day2/link.jpg", status: "skipped: symlink", reason: "a symbolic link" }
      ]
    }
    const doc = decode(renderSelectionJson(input))
    expect(doc.skipped.map((s) => [s.fileName, s.status])).toEqual([
      ["chart.svg", "skipped: unsupported type"],
      ["day2/link.jpg", "skipped: symlink"]
    ])
    expect([doc.counts.files, doc.counts.skipped]).toEqual([6, 2])
  })

  it("still lists a failed file the result leaves out, and a file the result never mentions", async () => {
    const base = await makeReportInput()
    const stray = await processedItem({ ...FILES.dawn, fileId: "f-stray", fileName: "stray.jpg" })
    const input: ReportInput = {
      ...base,
      items: [...base.items, stray],
      result: { ...base.result, excluded: base.result.excluded.filter((e) => e.category !== "unprocessable") }
    }
    const doc = decode(renderSelectionJson(input))
    expect(doc.counts.files).toBe(7)
    expect(doc.excluded.find((e) => e.fileName === FAILED.fileName)).toMatchObject({ category: "unprocessable", error: { tag: FAILED.tag } })
    expect(doc.excluded.find((e) => e.fileName === "stray.jpg")).toMatchObject({ category: "unprocessable", error: null })
  })

  it("refuses a document that lists a file twice or whose counts disagree", async () => {
    const text = renderSelectionJson(await makeReportInput())
    const raw = JSON.parse(text) as { selected: Array<unknown>; excluded: Array<unknown>; counts: { files: number } }
    expect(() => decode(JSON.stringify({ ...raw, excluded: [...raw.excluded, raw.excluded[0]] }))).toThrow(/more than once/)
    expect(() => decode(JSON.stringify({ ...raw, counts: { ...raw.counts, files: 5 } }))).toThrow(/counts.files/)
  })
})
