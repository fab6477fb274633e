import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { runWith } from "@curator/contracts/testing"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { type SelectionInput, SelectionModel } from "../src/index.js"
import { mediaItem } from "./support/images.js"

const MEDIA = "/work/shared/fixtures/media"

describe("SelectionModel.layerOffline on the real fixture JPEGs", () => {
  it("accounts for every photo, keeps all distinct shots under a big target, and caps at a small one", async () => {
    const files = readdirSync(MEDIA).filter((f) => /^jpeg-.*\.jpg$/.test(f)).sort()
    const items = await Promise.all(
      files.map(async (file, k) => {
        const thumbnail = new Uint8Array(await sharp(readFileSync(path.join(MEDIA, file))).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer())
        const meta = await sharp(thumbnail).metadata()
        return { item: { ...mediaItem(`f${k}`, { local: `2024-06-01T1${k}:00:00` }), fileName: file, width: meta.width * 8, height: meta.height * 8 }, thumbnail, frames: [] }
      })
    )
    const input: SelectionInput = { tripContext: "fixtures", items }
    const all = await runWith(SelectionModel.use((m) => m.select(input)), SelectionModel.layerOffline)
    expect(all.selected.length + all.excluded.length).toBe(files.length)
    // Distinct real photos: none is a near-duplicate of another.
    expect(all.excluded.filter((e) => e.category === "near-duplicate")).toEqual([])
    for (const s of all.selected) expect(s.justification).toMatch(/MP$/)

    const few = await runWith(SelectionModel.use((m) => m.select({ ...input, targetCount: 2 })), SelectionModel.layerOffline)
    expect(few.selected).toHaveLength(2)
    expect(few.selected.length + few.excluded.length).toBe(files.length)
  })
})
