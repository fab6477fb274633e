/**
 * A ReportInput built from real generated JPEGs (sharp) of different aspect
 * ratios and a valid SelectionResult: two scenes, three picks, two
 * exclusions (one near-duplicate), one file that failed without a thumbnail.
 * Each thumbnail is one flat colour so tests can find it in the contact sheet.
 */
import type { MediaItem, MediaKind, SelectionResult } from "@curator/contracts"
import sharp from "sharp"
import type { ReportInput, ReportItem } from "../../src/report/index.js"

/** A flat sRGB colour. */
export type Rgb = readonly [number, number, number]

/** A flat-colour JPEG of `width` × `height` px, like a 400 px thumbnail. */
export const colourJpeg = (width: number, height: number, [r, g, b]: Rgb): Promise<Uint8Array> =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).jpeg({ quality: 95 }).toBuffer()

const mediaItem = (fileId: string, fileName: string, kind: MediaKind, width: number, height: number, local: string): MediaItem => ({
  fileId,
  key: `session/original/${fileId}.jpg`,
  fileName,
  kind,
  mime: kind === "video" ? "video/mp4" : "image/jpeg",
  bytes: 1_000_000,
  width,
  height,
  captureTime: { local, offsetMinutes: 60, utc: null, source: kind === "video" ? "quicktime" : "exif" },
  gps: { lat: 43.2965, lon: 5.3698, alt: null },
  make: "Apple",
  model: "iPhone 7",
  orientation: 1,
  rotation: 0,
  durationSeconds: kind === "video" ? 12.4 : null,
  hasAudio: kind === "video" ? true : null,
  codec: kind === "video" ? "h264" : "jpeg",
  contentHash: `hash-${fileId}`
})

/** A file of the fixture: id, name, kind, thumbnail colour and size (px). */
export interface FixtureFile {
  readonly fileId: string
  readonly fileName: string
  readonly kind: MediaKind
  readonly colour: Rgb
  readonly width: number
  readonly height: number
}

/** Name with markup, to prove every renderer escapes. */
export const HOSTILE_NAME = "<img src=x onerror=alert(1)>.jpg"

/** The processed files; colours are far apart so each tile is recognisable. */
export const FILES = {
  dawn: { fileId: "f-dawn", fileName: "harbour/IMG_0001.jpg", kind: "photo", colour: [220, 40, 40], width: 400, height: 300 },
  boats: { fileId: "f-boats", fileName: "harbour/boats at the quay.mp4", kind: "video", colour: [40, 180, 60], width: 225, height: 400 },
  street: { fileId: "f-street", fileName: HOSTILE_NAME, kind: "photo", colour: [40, 90, 220], width: 400, height: 400 },
  dawnAgain: { fileId: "f-dawn-2", fileName: "harbour/IMG_0002.jpg", kind: "photo", colour: [230, 200, 30], width: 400, height: 225 },
  blurry: { fileId: "f-blurry", fileName: "old town/a very long file name from a camera that likes long names 2019-03-21.jpg", kind: "photo", colour: [200, 60, 200], width: 300, height: 400 }
} as const satisfies Record<string, FixtureFile>

/** The file that failed (no item, no thumbnail). */
export const FAILED = { fileId: "f-broken", fileName: "truncated-IMG_9999.heic", tag: "CorruptMediaError", message: "The HEIC file is truncated: 1.2 MB of 3.4 MB." } as const

/** The selection result of the fixture, as a SelectionModel would produce it (the CLI adds the failed file as unprocessable). */
export const RESULT: SelectionResult = {
  model: "offline",
  selected: [
    { rank: 1, fileId: FILES.dawn.fileId, kind: "photo", scene: "Harbour at dawn", justification: "Sharpest frame of the sunrise, balanced exposure.", comparisonNote: "Beats IMG_0002 on sharpness (Laplacian variance 412 vs 96)." },
    { rank: 2, fileId: FILES.street.fileId, kind: "photo", scene: "Old town", justification: "The only wide view of the old town.", comparisonNote: "" },
    { rank: 3, fileId: FILES.boats.fileId, kind: "video", scene: "Harbour at dawn", justification: "Adds motion: boats leaving the quay.", comparisonNote: "Varied against the still photos of the same scene." }
  ],
  excluded: [
    { fileId: FILES.dawnAgain.fileId, reason: "Near-duplicate of IMG_0001 (perceptual hash distance 3), less sharp.", category: "near-duplicate", duplicateOf: FILES.dawn.fileId },
    { fileId: FILES.blurry.fileId, reason: "Motion blur: sharpness 12 % of the scene's best.", category: "quality-issue", duplicateOf: null },
    { fileId: FAILED.fileId, reason: FAILED.message, category: "unprocessable", duplicateOf: null }
  ],
  sceneGroups: [
    {
      name: "Harbour at dawn",
      gps: { lat: 43.2951, lon: 5.3744, alt: null },
      timeRange: { start: "2019-03-21T06:58:00", end: "2019-03-21T07:40:12" },
      items: [FILES.dawn.fileId, FILES.boats.fileId, FILES.dawnAgain.fileId]
    },
    {
      name: "Old town",
      gps: null,
      timeRange: { start: "2019-03-21T13:02:00", end: "2019-03-21T13:30:00" },
      items: [FILES.street.fileId, FILES.blurry.fileId]
    }
  ]
}

/** The report item of a processed fixture file (real generated JPEG thumbnail). */
export const processedItem = async (f: FixtureFile, local = "2019-03-21T07:00:00"): Promise<ReportItem> => ({
  fileId: f.fileId,
  fileName: f.fileName,
  item: mediaItem(f.fileId, f.fileName, f.kind, f.width * 10, f.height * 10, local),
  thumbnail: await colourJpeg(f.width, f.height, f.colour),
  failure: null
})

/** The report item of the failed file. */
export const failedItem: ReportItem = {
  fileId: FAILED.fileId,
  fileName: FAILED.fileName,
  item: null,
  thumbnail: null,
  failure: { tag: FAILED.tag, message: FAILED.message }
}

/** The whole fixture: 6 files, 2 scenes, 3 selected, 2 excluded (1 near-duplicate), 1 failed. */
export const makeReportInput = async (): Promise<ReportInput> => ({
  title: "Curator selection — Marseille",
  tripContext: "A spring weekend in Marseille: the harbour at dawn and the old town.",
  generatedAt: "2024-05-01T10:00:00.000Z",
  result: RESULT,
  items: [
    await processedItem(FILES.dawn),
    await processedItem(FILES.boats),
    await processedItem(FILES.street),
    await processedItem(FILES.dawnAgain),
    await processedItem(FILES.blurry),
    failedItem
  ]
})

/** Every file name of the fixture. */
export const ALL_NAMES: ReadonlyArray<string> = [...Object.values(FILES).map((f) => f.fileName), FAILED.fileName]

/**
 * A big run: `scenes` scenes of `perScene` files each (the first picked, the others excluded as
 * redundant), plus `failed` files that failed; every thumbnail one small flat JPEG.
 */
export const makeManyScenesInput = async (scenes: number, perScene: number, failed: number): Promise<ReportInput> => {
  const thumbnail = await colourJpeg(80, 60, [90, 120, 160])
  const scene = (s: number) => `2024-06-${String(1 + (s % 28)).padStart(2, "0")} ${String(s % 24).padStart(2, "0")}:00 · Scene ${s}`
  const id = (s: number, k: number) => `f-${s}-${k}`
  const items: Array<ReportItem> = []
  for (let s = 0; s < scenes; s++)
    for (let k = 0; k < perScene; k++) {
      const fileName = `scene${s}/IMG_${k}.jpg`
      items.push({ fileId: id(s, k), fileName, item: mediaItem(id(s, k), fileName, "photo", 4000, 3000, "2024-06-01T10:00:00"), thumbnail, failure: null })
    }
  const broken = Array.from({ length: failed }, (_, k): ReportItem => ({ ...failedItem, fileId: `f-broken-${k}`, fileName: `broken-${k}.heic` }))
  return {
    title: "Curator selection — a long trip",
    tripContext: "",
    generatedAt: "2024-07-01T10:00:00.000Z",
    items: [...items, ...broken],
    result: {
      model: "offline",
      selected: Array.from({ length: scenes }, (_, s) => ({ rank: s + 1, fileId: id(s, 0), kind: "photo" as const, scene: scene(s), justification: "Best of the scene.", comparisonNote: "" })),
      excluded: [
        ...Array.from({ length: scenes }, (_, s) =>
          Array.from({ length: perScene - 1 }, (_, k) => ({ fileId: id(s, k + 1), reason: "Same scene as the pick.", category: "redundant-scene" as const, duplicateOf: null }))
        ).flat(),
        ...broken.map((b) => ({ fileId: b.fileId, reason: FAILED.message, category: "unprocessable" as const, duplicateOf: null }))
      ],
      sceneGroups: Array.from({ length: scenes }, (_, s) => ({
        name: scene(s),
        gps: null,
        timeRange: null,
        items: Array.from({ length: perScene }, (_, k) => id(s, k))
      }))
    }
  }
}
