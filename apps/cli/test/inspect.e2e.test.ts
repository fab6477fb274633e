/**
 * `curator inspect` end to end (the bundled CLI in a fresh process) on every
 * fixture, checked against ExifTool's own command line — the reference reader
 * (`exiftool -json -n -ee`, the perl script exiftool-vendored.pl ships) — on
 * capture time, GPS (1e-4°), make/model and video duration (0.05 s), and
 * against hand-checked values for what Curator interprets itself: the size as
 * displayed (after EXIF orientation / HEIF irot / the video's rotation) and
 * the capture time with its UTC offset. The agreement figure is printed and
 * recorded in docs/accuracy.md. Then the statuses: skipped, unsupported,
 * unreadable (a mode-000 file read as an unprivileged user), corrupt; exit 0
 * with bad files, one line and exit 1 for a missing path or an empty folder.
 */
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { InspectionRecord } from "../src/InspectCommand.js"
import { bundleCli, fixtures, root, runCliProcess, worldWritableDir } from "./cliProcess.js"

const cli = path.join(root, "dist/test/cli-inspect/main.mjs")
const EXIFTOOL = path.join(root, "node_modules/exiftool-vendored.pl/bin/exiftool")

/** What `inspect --json` prints per input (the type the command writes). */
type Inspection = InspectionRecord

const inspect = (args: ReadonlyArray<string>, unprivileged = false) => {
  const r = runCliProcess(cli, ["inspect", ...args], { unprivileged })
  return { ...r, records: r.status === 0 && args.includes("--json") ? (JSON.parse(r.stdout) as Array<Inspection>) : [] }
}

/** ExifTool's own reading of `file` (CLI, `-json -n -ee`): tags without group names, ExifTool's priority choice. */
const exiftool = (file: string): Record<string, unknown> =>
  (JSON.parse(execFileSync(EXIFTOOL, ["-json", "-n", "-ee", "-api", "largefilesupport=1", file], { encoding: "utf8" })) as Array<Record<string, unknown>>)[0] ?? {}

/** `YYYY:MM:DD HH:MM:SS[.sss][zone]` (ExifTool) -> `YYYY-MM-DDTHH:MM:SS` and the zone as written (`+03:00`, `Z`, or ""). */
const exifToolTime = (value: unknown): { readonly wall: string; readonly zone: string } | null => {
  const m = typeof value === "string" ? /^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(value) : null
  return m === null || m[1] === "0000" ? null : { wall: `${m[1]}-${m[2]}-${m[3]}T${m[4]}`, zone: m[5] ?? "" }
}

/**
 * What ExifTool says the capture time is: a photo's DateTimeOriginal (else CreateDate) with
 * OffsetTimeOriginal; a video's Apple CreationDate or ©day (ContentCreateDate) when it carries its
 * zone, else the movie header's CreateDate, which the QuickTime spec defines as UTC (`Z`).
 * `zone` is "" when ExifTool states none for that time.
 */
const exifToolCapture = (et: Record<string, unknown>, kind: string): { readonly wall: string; readonly zone: string } | null => {
  if (kind === "photo") {
    const original = exifToolTime(et["DateTimeOriginal"])
    const t = original ?? exifToolTime(et["CreateDate"])
    if (t === null) return null
    return { wall: t.wall, zone: original !== null && typeof et["OffsetTimeOriginal"] === "string" ? et["OffsetTimeOriginal"] : t.zone }
  }
  const zoned = [et["CreationDate"], et["ContentCreateDate"]].map(exifToolTime).find((t) => t !== null && t.zone !== "" && t.zone !== "Z")
  if (zoned !== undefined && zoned !== null) return zoned
  const header = exifToolTime(et["CreateDate"])
  return header === null ? null : { wall: header.wall, zone: "Z" }
}

/** Hand-checked: the displayed size (px, after orientation/irot/rotation) and the capture time with its offset (MANIFEST.md, exiftool, ffprobe). */
const HAND_CHECKED: Readonly<Record<string, readonly [number, number, string | null]>> = {
  "avif-canon-eos-70d.avif": [5472, 3648, "2015-10-11T14:41:44"],
  "heic-apple-iphone11pro-portrait.heic": [3024, 4032, "2020-05-04T18:39:11-04:00"],
  "heic-apple-iphone7-gps.heic": [4032, 3024, "2019-03-21T11:04:22"],
  "heic-samsung-galaxy-s24fe-exif-orient6.heic": [1848, 4000, "2025-05-09T11:38:44+02:00"],
  "jpeg-apple-iphone5-gps-orient3.jpg": [3264, 2448, "2012-09-29T16:11:25"],
  "jpeg-canon-eos-5d-12mp.jpg": [2912, 4368, "2005-09-25T00:31:00"],
  "jpeg-canon-s40-exif-stripped.jpg": [480, 360, null],
  "jpeg-nikon-coolpix-p6000-gps.jpg": [640, 480, "2008-10-22T16:28:39"],
  "jpeg-panasonic-dmc-lz2-orient6.jpg": [1920, 2560, "2005-03-26T13:28:27"],
  "jpeg-samsung-sm-j327t1-orient6.jpg": [1932, 2576, "2019-09-26T16:38:00"],
  "jpeg-sony-dsc-hx5v-gps.jpg": [730, 547, "2010-05-15T17:12:05"],
  "png-macos-screenshot-exif.png": [640, 513, null],
  "video-3gp5-portrait-rot90-zero-gps.mp4": [720, 1280, "2020-10-23T20:27:29Z"],
  "video-apple-iphone6-gps-rot90.mov": [320, 568, "2019-07-24T11:25:40+03:00"],
  "video-gopro-max-gpmf-gps.mp4": [848, 480, "2019-11-18T15:45:32Z"],
  "webp-htc-desire-gps.webp": [776, 909, "2011-05-06T09:59:48"]
}

/** Media the fixtures lack, made with ffmpeg and the ExifTool CLI: (displayed size, capture time with offset) hand-checked. */
const GENERATED: Readonly<Record<string, readonly [number, number, string | null]>> = {
  "apple-creationdate.mov": [320, 240, "2020-11-20T15:04:02+01:00"],
  "day-offset.mp4": [320, 240, "2020-11-20T15:04:02+01:00"],
  "utc-only.mp4": [320, 240, "2020-11-20T14:30:00Z"],
  "xmp-offset.jpg": [640, 480, "2008-10-22T16:28:39+01:00"],
  "gopro-gpmf-only.mp4": [848, 480, "2019-11-18T15:45:32Z"]
}

let generated: string

/** Writes the {@link GENERATED} media into `dir`. */
const generateMedia = (dir: string) => {
  const ffmpeg = (args: ReadonlyArray<string>, out: string) =>
    execFileSync("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", ...args, path.join(dir, out)])
  const rewrite = (source: string, out: string, args: ReadonlyArray<string>) => {
    fs.copyFileSync(path.join(fixtures, source), path.join(dir, out))
    fs.chmodSync(path.join(dir, out), 0o644)
    execFileSync(EXIFTOOL, ["-q", "-q", "-overwrite_original", "-api", "largefilesupport=1", ...args, path.join(dir, out)])
  }
  ffmpeg(["-movflags", "use_metadata_tags", "-metadata", "creation_time=2020-11-20T14:04:02Z", "-metadata", "com.apple.quicktime.creationdate=2020-11-20T15:04:02+0100"], "apple-creationdate.mov")
  ffmpeg(["-metadata", "creation_time=2020-11-20T14:04:02Z", "-metadata", "date=2020-11-20T15:04:02+01:00"], "day-offset.mp4")
  ffmpeg(["-metadata", "creation_time=2020-11-20T14:30:00Z"], "utc-only.mp4")
  rewrite("jpeg-nikon-coolpix-p6000-gps.jpg", "xmp-offset.jpg", ["-OffsetTime*=", "-XMP-photoshop:DateCreated=2008:10:22 16:28:39+01:00"])
  rewrite("video-gopro-max-gpmf-gps.mp4", "gopro-gpmf-only.mp4", ["-UserData:GPSCoordinates="])
}

beforeAll(async () => {
  generated = worldWritableDir("curator-inspect-generated-")
  generateMedia(generated)
  await bundleCli(cli)
}, 120_000)

afterAll(() => fs.rmSync(generated, { recursive: true, force: true }))

/**
 * Compares `inspect --json` records of the files in `folder` with ExifTool's CLI and with the
 * hand-checked values; returns how many fields were compared and the disagreements.
 */
const agreement = (records: ReadonlyArray<Inspection>, folder: string, handChecked: Readonly<Record<string, readonly [number, number, string | null]>>) => {
  let compared = 0
  const disagreements: Array<string> = []
  const check = (file: string, field: string, ok: boolean, detail: string) => {
    compared++
    if (!ok) disagreements.push(`${file} ${field}: ${detail}`)
  }
  for (const rec of records) {
    expect(rec.status, `${rec.file}: ${rec.message}`).toBe("ok")
    const et = exiftool(path.join(folder, rec.file))
    const kind = rec.kind ?? ""
    const reference = exifToolCapture(et, kind)
    const ours = rec.capturedAt === null ? null : /^(.{19})(.*)$/.exec(rec.capturedAt)
    check(
      rec.file,
      "capture time",
      reference === null ? ours === null : ours !== null && ours[1] === reference.wall && (reference.zone === "" || ours[2] === reference.zone),
      `${rec.capturedAt} vs ExifTool ${JSON.stringify(reference)}`
    )
    const lat = et["GPSLatitude"]
    const lon = et["GPSLongitude"]
    const etGps = typeof lat === "number" && typeof lon === "number" && !(lat === 0 && lon === 0) ? { lat, lon } : null
    check(
      rec.file,
      "gps",
      etGps === null ? rec.gps === null : rec.gps !== null && Math.abs(rec.gps.latitude - etGps.lat) <= 1e-4 && Math.abs(rec.gps.longitude - etGps.lon) <= 1e-4,
      `${JSON.stringify(rec.gps)} vs ExifTool ${JSON.stringify(etGps)}`
    )
    const text = (v: unknown) => (v === undefined || v === null ? null : String(v).trim())
    check(rec.file, "make", rec.make === text(et["Make"]), `${rec.make} vs ExifTool ${text(et["Make"])}`)
    check(rec.file, "model", rec.model === text(et["Model"]), `${rec.model} vs ExifTool ${text(et["Model"])}`)
    if (kind === "video") {
      const duration = et["Duration"]
      check(rec.file, "duration", typeof duration === "number" && rec.durationSeconds !== null && Math.abs(rec.durationSeconds - duration) <= 0.05, `${rec.durationSeconds} vs ExifTool ${String(duration)}`)
    }
    const hand = handChecked[rec.file]
    expect(hand, `${rec.file} has hand-checked values`).toBeDefined()
    check(rec.file, "displayed size", rec.width === hand?.[0] && rec.height === hand[1], `${rec.width}x${rec.height} vs ${hand?.[0]}x${hand?.[1]}`)
    check(rec.file, "capture time with offset", rec.capturedAt === hand?.[2], `${rec.capturedAt} vs ${hand?.[2]}`)
  }
  return { compared, disagreements }
}

describe("curator inspect", () => {
  it("agrees with ExifTool's CLI on every fixture (capture time, GPS 1e-4°, make/model, duration 0.05 s) and with hand-checked sizes and offsets", () => {
    const r = inspect([fixtures, "--json"])
    expect(r.status, r.stderr).toBe(0)
    expect(r.records.map((x) => x.file)).toEqual(fs.readdirSync(fixtures).sort())
    for (const rec of r.records.filter((x) => x.file.endsWith(".md"))) {
      expect([rec.status, rec.errorTag]).toEqual(["skipped", null])
      expect(rec.message).toMatch(/^skipped: unsupported type: /)
    }
    for (const rec of r.records.filter((x) => x.file.startsWith("truncated-"))) expect([rec.file, rec.status, rec.errorTag]).toEqual([rec.file, "corrupt", "CorruptMediaError"])
    const media = r.records.filter((x) => !x.file.endsWith(".md") && !x.file.startsWith("truncated-"))
    expect(media).toHaveLength(16)
    const { compared, disagreements } = agreement(media, fixtures, HAND_CHECKED)
    // The agreement figure of docs/accuracy.md.
    console.log(`curator inspect on the fixtures vs ExifTool + hand-checked values: ${compared - disagreements.length} of ${compared} fields agree`)
    expect(disagreements).toEqual([])
    expect(compared).toBeGreaterThanOrEqual(16 * 6)
  }, 300_000)

  it("agrees with ExifTool and the hand-checked values on generated media the fixtures lack (©day and Apple creationdate offsets, UTC only, XMP-only offset, GPMF-only GPS)", () => {
    const r = inspect([generated, "--json"])
    expect(r.status, r.stderr).toBe(0)
    expect(r.records.map((x) => x.file)).toEqual(Object.keys(GENERATED).sort())
    const { compared, disagreements } = agreement(r.records, generated, GENERATED)
    console.log(`curator inspect on generated media vs ExifTool + hand-checked values: ${compared - disagreements.length} of ${compared} fields agree`)
    expect(disagreements).toEqual([])
    expect(r.records.find((x) => x.file === "gopro-gpmf-only.mp4")?.gps?.latitude).toBeCloseTo(33.12677, 5)
  }, 300_000)

  it("prints a table by default; reads EXIF orientation, video rotation and null for what a file lacks", () => {
    const table = inspect([path.join(fixtures, "jpeg-panasonic-dmc-lz2-orient6.jpg"), path.join(fixtures, "video-apple-iphone6-gps-rot90.mov")])
    expect(table.status, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^file\s+status\s+kind\s+size \(px\)/)
    expect(table.stdout).toMatch(/jpeg-panasonic-dmc-lz2-orient6\.jpg\s+ok\s+photo\s+1920x2560\s+6\s/)
    const json = inspect([path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), path.join(fixtures, "video-apple-iphone6-gps-rot90.mov"), "--json"])
    const [stripped, mov] = json.records
    expect(stripped).toMatchObject({ file: path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), status: "ok", errorTag: null, kind: "photo", mimeType: "image/jpeg" })
    expect([stripped?.orientation, stripped?.capturedAt, stripped?.gps, stripped?.altitude, stripped?.make, stripped?.durationSeconds, stripped?.rotation]).toEqual([null, null, null, null, null, null, null])
    expect(mov).toMatchObject({ kind: "video", mimeType: "video/quicktime", orientation: null, rotation: 90, make: "Apple", model: "iPhone 6" })
    expect(mov?.altitude).toBeCloseTo(28.5, 0)
  }, 120_000)

  it("reports unreadable, skipped, unsupported and corrupt inputs with their status and exits 0", () => {
    const dir = worldWritableDir("curator-inspect-")
    try {
      const folder = path.join(dir, "in")
      fs.mkdirSync(folder)
      fs.copyFileSync(path.join(fixtures, "jpeg-nikon-coolpix-p6000-gps.jpg"), path.join(folder, "ok.jpg"))
      fs.copyFileSync(path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), path.join(folder, "locked.jpg"))
      fs.chmodSync(path.join(folder, "locked.jpg"), 0o000)
      fs.symlinkSync(path.join(fixtures, "webp-htc-desire-gps.webp"), path.join(folder, "link.webp"))
      fs.writeFileSync(path.join(folder, "chart.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)
      fs.copyFileSync(path.join(fixtures, "truncated-nikon-p6000-half.jpg"), path.join(folder, "cut.jpg"))
      for (const f of ["ok.jpg", "chart.svg", "cut.jpg"]) fs.chmodSync(path.join(folder, f), 0o644)
      fs.chmodSync(folder, 0o755)
      const r = inspect([folder, path.join(folder, "chart.svg"), "--json"], true)
      expect(r.status, r.stderr).toBe(0)
      expect(r.records.map((x) => [x.file, x.status, x.status === "skipped" ? x.message?.match(/^skipped: [a-z ]+/)?.[0] : x.errorTag])).toEqual([
        ["chart.svg", "skipped", "skipped: unsupported type"],
        ["cut.jpg", "corrupt", "CorruptMediaError"],
        ["link.webp", "skipped", "skipped: symlink"],
        ["locked.jpg", "unreadable", "UnreadableFileError"],
        ["ok.jpg", "ok", null],
        [path.join(folder, "chart.svg"), "unsupported", "UnsupportedMediaError"]
      ])
      expect(r.records.find((x) => x.file === "locked.jpg")?.message).toMatch(/permission denied \(EACCES\)/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("a missing path or an empty folder prints one line (no stack trace) and exits 1", () => {
    const dir = worldWritableDir("curator-inspect-empty-")
    try {
      for (const [args, message] of [
        [[path.join(dir, "nope")], `curator: No such file or folder: ${path.join(dir, "nope")}`],
        [[dir], `curator: Nothing to inspect in ${dir}: the folder is empty`]
      ] as const) {
        const r = inspect(args)
        expect(r.status).toBe(1)
        expect(r.stderr.trim()).toBe(message)
        expect(r.stdout.trim()).toBe("")
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
