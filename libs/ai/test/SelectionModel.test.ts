import type { SelectionResult } from "@curator/contracts"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { describe, expect, it } from "vitest"
import { type SelectionInput, SelectionModel } from "../src/index.js"
import { blackPicture, type ItemOptions, mediaItem, nightPicture, picture, type PictureOptions, shuffled, underExposedPicture } from "./support/images.js"

const select = (input: SelectionInput) => runWith(SelectionModel.use((m) => m.select(input)), SelectionModel.layerOffline)

interface Spec {
  readonly id: string
  readonly seed: number
  readonly picture?: PictureOptions
  readonly item?: ItemOptions
  readonly black?: boolean
  readonly frames?: ReadonlyArray<{ readonly seed: number; readonly picture?: PictureOptions }>
}

const build = async (specs: ReadonlyArray<Spec>, targetCount?: number): Promise<SelectionInput> => ({
  tripContext: "test trip",
  ...(targetCount === undefined ? {} : { targetCount }),
  items: await Promise.all(
    specs.map(async (s) => ({
      item: mediaItem(s.id, s.item),
      thumbnail: s.black ? await blackPicture() : await picture(s.seed, s.picture),
      frames: await Promise.all((s.frames ?? []).map((f) => picture(f.seed, f.picture)))
    }))
  )
})

/** Every input item exactly once across selected and excluded. */
const expectAccounted = (input: SelectionInput, result: SelectionResult) => {
  const ids = [...result.selected.map((s) => s.fileId), ...result.excluded.map((e) => e.fileId)].sort()
  expect(ids).toEqual(input.items.map((i) => i.item.fileId).sort())
  expect(result.selected.map((s) => s.rank)).toEqual(result.selected.map((_, k) => k + 1))
}

const sceneOf = (result: SelectionResult, fileId: string) => result.sceneGroups.findIndex((g) => g.items.includes(fileId))
const excludedOf = (result: SelectionResult, fileId: string) => result.excluded.find((e) => e.fileId === fileId)
const at = (time: string) => ({ local: time })

describe("SelectionModel.layerOffline", () => {
  it("picks one item from each of two bursts of near-duplicates, pointing the rest at the pick", async () => {
    const input = await build([
      { id: "a1", seed: 11, item: at("2024-06-01T10:00:00") },
      { id: "a2", seed: 11, picture: { shift: [22, 21] }, item: at("2024-06-01T10:00:02") },
      { id: "a3", seed: 11, picture: { shift: [18, 20] }, item: at("2024-06-01T10:00:04") },
      { id: "b1", seed: 12, item: at("2024-06-01T13:00:00") },
      { id: "b2", seed: 12, picture: { shift: [21, 18] }, item: at("2024-06-01T13:00:01") },
      { id: "b3", seed: 12, picture: { shift: [19, 22] }, item: at("2024-06-01T13:00:03") }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.model).toBe("offline")
    expect(result.selected).toHaveLength(2)
    expect(result.sceneGroups).toHaveLength(2)
    const picks = result.selected.map((s) => s.fileId)
    for (const burst of ["a", "b"]) {
      const pick = picks.find((p) => p.startsWith(burst))!
      expect(pick).toBeDefined()
      for (const other of ["1", "2", "3"].map((n) => burst + n).filter((id) => id !== pick)) {
        expect(excludedOf(result, other)).toMatchObject({ category: "near-duplicate", duplicateOf: pick })
      }
    }
    expect(result.selected[0]!.justification).toMatch(/^Best of 3 near-identical shots at 2024-06-01/)
    expect(result.selected[0]!.comparisonNote).toMatch(/Kept over 2 near-duplicates/)
  })

  it("splits a 3 h gap into two scenes and keeps a 1.5 h gap at one place in one", async () => {
    const here = { lat: 48.8584, lon: 2.2945 }
    const input = await build([
      { id: "p1", seed: 21, item: { local: "2024-06-01T09:00:00", gps: here } },
      { id: "p2", seed: 22, item: { local: "2024-06-01T10:30:00", gps: here } },
      { id: "p3", seed: 23, item: { local: "2024-06-01T13:30:00", gps: here } }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(sceneOf(result, "p1")).toBe(sceneOf(result, "p2"))
    expect(sceneOf(result, "p3")).not.toBe(sceneOf(result, "p1"))
    expect(result.sceneGroups).toHaveLength(2)
    // Named by the offline reverse geocoder (the Eiffel Tower reads Paris).
    expect(result.sceneGroups[0]!.name).toBe("2024-06-01 09:00–10:30 · Paris, France")
    expect(result.sceneGroups[0]!.gps).toMatchObject({ lat: 48.8584, lon: 2.2945 })
    expect(result.sceneGroups[0]!.timeRange).toEqual({ start: "2024-06-01T09:00:00", end: "2024-06-01T10:30:00" })
  })

  it("shows a scene's coordinates where no town lies within 30 km (mid-Atlantic)", async () => {
    const input = await build([{ id: "sea", seed: 31, item: { local: "2024-06-02T12:00:00", gps: { lat: 30, lon: -40 } } }])
    const result = await select(input)
    expect(result.sceneGroups[0]!.name).toBe("2024-06-02 12:00 · 30.0000, -40.0000")
  })

  it("splits on a 5 km GPS gap even minutes apart", async () => {
    const input = await build([
      { id: "g1", seed: 31, item: { local: "2024-06-01T09:00:00", gps: { lat: 48.8584, lon: 2.2945 } } },
      { id: "g2", seed: 32, item: { local: "2024-06-01T09:10:00", gps: { lat: 48.8584 + 5 / 111.2, lon: 2.2945 } } }
    ])
    const result = await select(input)
    expect(result.sceneGroups).toHaveLength(2)
    expect(result.selected).toHaveLength(2)
  })

  it("orders times in two time zones by UTC and applies the 2 h rule on UTC", async () => {
    // 10:00+02:00 is 08:00Z, before 09:30+00:00 (09:30Z): 1.5 h apart, one scene, Paris shot first.
    // 12:00+02:00 is 10:00Z, 2 h after 08:00Z but only 0.5 h after 09:30Z: still the same scene,
    // although its local time is 2.5 h after 09:30 local.
    const input = await build([
      { id: "london", seed: 41, item: { local: "2024-06-01T09:30:00", offsetMinutes: 0, utc: "2024-06-01T09:30:00Z" } },
      { id: "paris", seed: 42, item: { local: "2024-06-01T10:00:00", offsetMinutes: 120, utc: "2024-06-01T08:00:00Z" } },
      { id: "later", seed: 43, item: { local: "2024-06-01T12:00:00", offsetMinutes: 120, utc: "2024-06-01T10:00:00Z" } },
      { id: "evening", seed: 44, item: { local: "2024-06-01T14:00:00", offsetMinutes: 0, utc: "2024-06-01T14:00:00Z" } }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.sceneGroups).toHaveLength(2)
    expect(result.sceneGroups[0]!.items).toEqual(["paris", "london", "later"])
    expect(result.sceneGroups[0]!.timeRange).toEqual({ start: "2024-06-01T10:00:00+02:00", end: "2024-06-01T12:00:00+02:00" })
    expect(result.sceneGroups[1]!.items).toEqual(["evening"])
  })

  it("lets a sharp original beat its blurred copy", async () => {
    const input = await build([
      { id: "blurred", seed: 51, picture: { blur: 2.5 }, item: at("2024-06-01T10:00:00") },
      { id: "sharp", seed: 51, item: at("2024-06-01T10:00:01") },
      { id: "other", seed: 52, item: at("2024-06-01T10:05:00") }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.selected.map((s) => s.fileId)).toContain("sharp")
    const loser = excludedOf(result, "blurred")!
    expect(["near-duplicate", "quality-issue"]).toContain(loser.category)
    if (loser.category === "near-duplicate") expect(loser.duplicateOf).toBe("sharp")
  })

  it("excludes an all-black frame as a quality issue with the numbers", async () => {
    const input = await build([
      { id: "p1", seed: 61 },
      { id: "cap", seed: 0, black: true },
      { id: "p2", seed: 62 }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    const cap = excludedOf(result, "cap")!
    expect(cap.category).toBe("quality-issue")
    expect(cap.reason).toMatch(/^mostly black: \d+% of the image at luminance <= 5/)
  })

  it("excludes a very blurry shot relative to the batch median", async () => {
    const input = await build([
      { id: "s1", seed: 71, item: at("2024-06-01T10:00:00") },
      { id: "s2", seed: 72, item: at("2024-06-01T10:01:00") },
      { id: "s3", seed: 73, item: at("2024-06-01T10:02:00") },
      { id: "mush", seed: 74, picture: { blur: 12 }, item: at("2024-06-01T10:03:00") }
    ])
    const result = await select(input)
    const mush = excludedOf(result, "mush")!
    expect(mush.category).toBe("quality-issue")
    expect(mush.reason).toMatch(/^(very blurry: Laplacian variance \d+ vs median \d+ in this batch|no detail)/)
  })

  it("night shots rejected as \"badly under-exposed\": a low-key night shot with lit highlights is judged as one; a dark shot with no highlights is not", async () => {
    const night = { item: mediaItem("night", at("2024-06-01T22:30:00")), thumbnail: await nightPicture(501), frames: [] }
    const night2 = { item: mediaItem("night2", at("2024-06-02T23:30:00")), thumbnail: await nightPicture(502), frames: [] }
    const dark = { item: mediaItem("dark", at("2024-06-01T14:00:00")), thumbnail: await underExposedPicture(503, 4), frames: [] }
    const day = await build([
      { id: "day1", seed: 504, item: at("2024-06-01T09:00:00") },
      { id: "day2", seed: 505, item: at("2024-06-01T18:00:00") }
    ])
    const input = { ...day, items: [...day.items, night, night2, dark] }
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.selected.map((s) => s.fileId)).toEqual(expect.arrayContaining(["night", "night2"]))
    for (const id of ["night", "night2"]) expect(result.selected.find((s) => s.fileId === id)!.justification).toMatch(/low-key/)
    expect(excludedOf(result, "dark")).toMatchObject({ category: "quality-issue" })
    expect(excludedOf(result, "dark")!.reason).toMatch(/^badly under-exposed: mean luminance \d+ of 255/)
  })

  it("excludes an exact duplicate by content hash, keeping the original name", async () => {
    const input = await build([
      { id: "copy", seed: 81, item: { contentHash: "same", fileName: "IMG_1 copy.jpg" } },
      { id: "orig", seed: 81, item: { contentHash: "same", fileName: "IMG_1.jpg" } }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(excludedOf(result, "copy")).toEqual({
      fileId: "copy",
      category: "near-duplicate",
      duplicateOf: "orig",
      reason: "Exact duplicate of IMG_1.jpg: same content hash"
    })
    expect(result.sceneGroups[0]!.items).toEqual(["orig", "copy"])
  })

  it("duplicate copies make a photo vanish: one copy is kept, analysed and selectable, the same in every arrival order", async () => {
    // Four copies of one file as browsers and file managers name them; fileIds sort unlike the names.
    const copies: Array<Spec> = [
      { id: "c-z", seed: 401, item: { ...at("2024-06-01T10:00:00"), contentHash: "h1234", fileName: "IMG_1234.jpg" } },
      { id: "c-a", seed: 401, item: { ...at("2024-06-01T10:00:00"), contentHash: "h1234", fileName: "IMG_1234 (1).jpg" } },
      { id: "c-m", seed: 401, item: { ...at("2024-06-01T10:00:00"), contentHash: "h1234", fileName: "IMG_1234 copy.jpg" } },
      { id: "c-b", seed: 401, item: { ...at("2024-06-01T10:00:00"), contentHash: "h1234", fileName: "IMG_1234 copy 2.jpg" } }
    ]
    const others: Array<Spec> = [
      { id: "o-1", seed: 402, item: { ...at("2024-06-01T13:00:00"), fileName: "IMG_1300.jpg" } },
      { id: "o-2", seed: 403, item: { ...at("2024-06-01T16:00:00"), fileName: "IMG_1400.jpg" } }
    ]
    const input = await build([...copies, ...others])
    const orders = [input.items, [...input.items].reverse(), ...Array.from({ length: 10 }, (_, k) => shuffled(input.items, 1000 + k))]
    const results: Array<SelectionResult> = []
    for (const items of orders) {
      const result = await select({ ...input, items })
      expectAccounted(input, result)
      expect(result.selected.map((s) => s.fileId)).toContain("c-z")
      expect(result.excluded.filter((e) => e.category === "unprocessable")).toEqual([])
      for (const id of ["c-a", "c-m", "c-b"]) {
        expect(excludedOf(result, id)).toEqual({ fileId: id, category: "near-duplicate", duplicateOf: "c-z", reason: "Exact duplicate of IMG_1234.jpg: same content hash" })
      }
      results.push(result)
    }
    for (const result of results) expect(result).toEqual(results[0])
  })

  it("near-identical shots of equal quality: the kept one does not depend on arrival order", async () => {
    // The same pixels saved twice (different bytes, so no exact duplicate) tie on quality; undated items
    // tie on time. Before canonical ordering the first to arrive won every tie.
    const input = await build([
      { id: "t-9", seed: 411, item: { ...at("2024-06-01T10:00:00"), contentHash: "h-a", fileName: "DSC_0001.jpg" } },
      { id: "t-1", seed: 411, item: { ...at("2024-06-01T10:00:00"), contentHash: "h-b", fileName: "DSC_0001-export.jpg" } },
      { id: "u-5", seed: 412, item: { local: null, contentHash: "h-c", fileName: "scan-b.jpg" } },
      { id: "u-2", seed: 412, item: { local: null, contentHash: "h-d", fileName: "scan-a.jpg" } }
    ], 1)
    const orders = [input.items, [...input.items].reverse(), ...Array.from({ length: 6 }, (_, k) => shuffled(input.items, 2000 + k))]
    const results = await Promise.all(orders.map((items) => select({ ...input, items })))
    for (const result of results) expect(result).toEqual(results[0])
  })

  it("respects targetCount, picks round-robin across scenes and accounts for every item", async () => {
    // Three scenes 3 h apart with 3 distinct shots each; target 4 -> every scene once, then the best second shot.
    const specs: Array<Spec> = []
    for (let scene = 0; scene < 3; scene++)
      for (let k = 0; k < 3; k++)
        specs.push({ id: `s${scene}k${k}`, seed: 100 + scene * 10 + k, item: at(`2024-06-0${1 + scene}T1${k}:00:00`) })
    const input = await build(specs, 4)
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.selected).toHaveLength(4)
    expect(result.sceneGroups).toHaveLength(3)
    const firstRound = result.selected.slice(0, 3).map((s) => sceneOf(result, s.fileId))
    expect(new Set(firstRound).size).toBe(3)
    const redundant = result.excluded.filter((e) => e.category === "redundant-scene")
    expect(redundant).toHaveLength(5)
    for (const e of redundant) expect(e.reason).toMatch(/^Same scene as s\dk\d\.jpg \(rank \d\), which scored higher/)
  })

  it("defaults targetCount to 20", async () => {
    const specs: Array<Spec> = Array.from({ length: 22 }, (_, k) => ({ id: `d${k}`, seed: 200 + k, item: at(`2024-06-${String(1 + k).padStart(2, "0")}T10:00:00`) }))
    const input = await build(specs)
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.selected).toHaveLength(20)
    expect(result.excluded).toHaveLength(2)
  })

  it("lets a video compete through its frames: sharp frames win, blurred frames lose", async () => {
    const input = await build([
      { id: "photo", seed: 91, picture: { blur: 1.5 }, item: { local: "2024-06-01T10:00:00" } },
      {
        id: "clip",
        seed: 91,
        item: { local: "2024-06-01T10:00:03", kind: "video", width: 1920, height: 1080 },
        frames: [{ seed: 91, picture: { shift: [21, 20] } }, { seed: 91, picture: { shift: [19, 21] } }]
      }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.selected.map((s) => s.fileId)).toEqual(["clip"])
    expect(result.selected[0]!.kind).toBe("video")
    expect(result.selected[0]!.justification).toMatch(/video 5\.0 s, scored on 3 frames/)
    expect(excludedOf(result, "photo")).toMatchObject({ duplicateOf: "clip" })
  })

  it("puts items without a capture time last, in their own scene", async () => {
    const input = await build([
      { id: "undated", seed: 301, item: { local: null } },
      { id: "dated", seed: 302, item: at("2024-06-01T10:00:00") }
    ])
    const result = await select(input)
    expect(result.sceneGroups.map((g) => g.items)).toEqual([["dated"], ["undated"]])
    expect(result.sceneGroups[1]!.name).toBe("Undated")
    expect(result.sceneGroups[1]!.timeRange).toBeNull()
  })

  it("undated photos grouped by colour: with no date and no GPS they form one Undated group, never merged into a dated scene", async () => {
    const paris = { lat: 48.8584, lon: 2.2945 }
    const rome = { lat: 41.8902, lon: 12.4922 }
    const input = await build([
      { id: "dated", seed: 321, item: at("2024-06-01T10:00:00") },
      { id: "u-warm", seed: 322, item: { local: null } },
      { id: "u-cool", seed: 323, picture: { palette: "cool" }, item: { local: null } },
      { id: "u-warm2", seed: 324, item: { local: null } },
      { id: "u-paris", seed: 325, item: { local: null, gps: paris } },
      { id: "u-paris2", seed: 326, picture: { palette: "cool" }, item: { local: null, gps: paris } },
      { id: "u-rome", seed: 327, item: { local: null, gps: rome } }
    ])
    const result = await select(input)
    expectAccounted(input, result)
    expect(result.sceneGroups.map((g) => [g.name, [...g.items].sort()])).toEqual([
      ["2024-06-01 10:00 · no location", ["dated"]],
      ["Undated · Paris, France", ["u-paris", "u-paris2"]],
      ["Undated · Rome, Italy", ["u-rome"]],
      ["Undated", ["u-cool", "u-warm", "u-warm2"]]
    ])
    const undatedPick = result.selected.find((p) => p.scene === "Undated")!
    expect(undatedPick.justification).toMatch(/^(Best of \d+ shots|Only usable shot) with no date or place;/)
    expect(result.selected.find((p) => p.scene === "Undated · Rome, Italy")!.justification).toMatch(/^Only usable shot at Rome, Italy \(undated\);/)
  })

  it("reports an undecodable thumbnail as unprocessable", async () => {
    const input = await build([{ id: "ok", seed: 311 }])
    const broken = { ...input, items: [...input.items, { item: mediaItem("bad"), thumbnail: new Uint8Array([0xff, 0xd8, 0xff]), frames: [] }] }
    const result = await select(broken)
    expectAccounted(broken, result)
    expect(excludedOf(result, "bad")!.category).toBe("unprocessable")
  })

  it("is deterministic", async () => {
    const input = await build([
      { id: "a1", seed: 401, item: at("2024-06-01T10:00:00") },
      { id: "a2", seed: 401, picture: { shift: [21, 21] }, item: at("2024-06-01T10:00:00") },
      { id: "b", seed: 402, item: at("2024-06-01T10:00:00") },
      { id: "c", seed: 403, item: { local: null } }
    ])
    const [first, second] = [await select(input), await select(input)]
    expect(second).toEqual(first)
  })

  it("fails with InvalidInputError on a bad targetCount or a repeated fileId", async () => {
    const input = await build([{ id: "x", seed: 501 }])
    const bad = await runExit(SelectionModel.use((m) => m.select({ ...input, targetCount: 0 })), SelectionModel.layerOffline)
    expect(failureOf(bad)).toMatchObject({ _tag: "InvalidInputError" })
    const twice = await runExit(SelectionModel.use((m) => m.select({ ...input, items: [input.items[0]!, input.items[0]!] })), SelectionModel.layerOffline)
    expect(failureOf(twice)).toMatchObject({ _tag: "InvalidInputError" })
  })

  it("returns an empty result for no items", async () => {
    const result = await select({ tripContext: "", items: [] })
    expect(result).toEqual({ model: "offline", selected: [], excluded: [], sceneGroups: [] })
  })
})
