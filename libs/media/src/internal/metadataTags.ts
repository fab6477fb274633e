/**
 * ExifTool tags (`-n -a -G3:1` JSON, see ExifToolReader) -> the MediaItem facts
 * Curator keeps: make, model, EXIF orientation, capture time, GPS, and a photo's
 * software and user comment. Pure.
 *
 * Tags are read as ExifTool names and documents them (https://exiftool.org/TagNames/):
 * - Make/Model: the file's own tags (EXIF IFD0, QuickTime Keys/ItemList/UserData, the
 *   GoPro `GPMF` box), else XMP-tiff; the thumbnail IFD (IFD1) never counts. Android's
 *   `com.android.manufacturer`/`model` Keys (ExifTool: AndroidMake/AndroidModel) are
 *   the last resort for videos. ExifTool's own choice without `-a` is the first
 *   non-XMP one too (EXIF is read before XMP and keeps its priority).
 * - Capture time, photos: EXIF DateTimeOriginal with OffsetTimeOriginal (EXIF 2.31
 *   §4.6.5); XMP-exif:DateTimeOriginal, XMP-photoshop:DateCreated, IPTC
 *   DateCreated+TimeCreated (ExifTool's Composite:DateTimeCreated); EXIF CreateDate with
 *   OffsetTimeDigitized; XMP-xmp:CreateDate. A time without an offset takes the
 *   offset of another of these tags holding the same wall-clock time (an offset kept
 *   only in XMP, as photo editors write it).
 * - Capture time, videos: an offset-bearing local time first — Apple's Keys
 *   `com.apple.quicktime.creationdate` (ExifTool Keys:CreationDate) or `©day`
 *   (ContentCreateDate) — then the XMP/EXIF dates as for photos when they carry an
 *   offset; then the movie header's CreateDate, which QuickTime and ISO/IEC 14496-12
 *   define as UTC (said with `Z`; with Samsung's `samsung.android.utc_offset`,
 *   ExifTool's AndroidTimeZone, the local time is known too); last a local time with no
 *   offset. Zero dates and dates before 1971 (an epoch-zero header) count as none.
 * - GPS: ExifTool's Composite GPSLatitude/GPSLongitude/GPSAltitude (signed, from EXIF
 *   GPS, XMP or the QuickTime ISO 6709 tags). With none, the first valid fix of the timed
 *   metadata (`-ee`): a sample whose GPSMeasureMode, when given, is 2 or 3 (a 2-D or 3-D
 *   fix; GoPro GPMF `GPSF`). Exactly 0,0 ("null island", written by phones with no fix)
 *   and out-of-range values count as no position.
 * - Software and user comment (photos; what tells a screenshot or a chart from a camera
 *   photo, issue 12 item 9), first found wins: EXIF `Software` (IFD0), the PNG `Software`
 *   text chunk, XMP `xmp:CreatorTool`; EXIF `UserComment` (ExifTool decodes it by its
 *   8-byte character code, EXIF 2.32 Table 9), the PNG `Comment` then `Description` text
 *   chunks (PNG 1.2 §11.3.4.2), XMP `exif:UserComment`.
 */
import type { CaptureTime, GpsPosition, MediaKind } from "@curator/contracts"
import { captureTimeOf, parseOffsetMinutes } from "./exif.js"

/** ExifTool's JSON for one file, as ExifToolReader returns it. */
export type Tags = Readonly<Record<string, unknown>>

/** The ExifTool tag names {@link tagFacts} reads from the file itself. */
export const FACT_TAGS: ReadonlyArray<string> = [
  "Make",
  "Model",
  "AndroidMake",
  "AndroidModel",
  "Orientation",
  "DateTimeOriginal",
  "CreateDate",
  "OffsetTimeOriginal",
  "OffsetTimeDigitized",
  "DateCreated",
  "DateTimeCreated",
  "CreationDate",
  "ContentCreateDate",
  "AndroidTimeZone",
  "GPSLatitude",
  "GPSLongitude",
  "GPSAltitude",
  "Software",
  "CreatorTool",
  "UserComment",
  "Comment",
  "Description"
]

/** The ExifTool tag names {@link firstValidFix} reads from timed metadata (`-ee`). */
export const FIX_TAGS: ReadonlyArray<string> = ["GPSLatitude", "GPSLongitude", "GPSAltitude", "GPSMeasureMode"]

/** The facts read from the tags. `orientation` is undefined when the file has no EXIF orientation tag. */
export interface TagFacts {
  readonly make: string | null
  readonly model: string | null
  readonly orientation: number | undefined
  readonly captureTime: CaptureTime | null
  readonly gps: GpsPosition | null
  /** The program that wrote a photo (null for videos and when absent). */
  readonly software: string | null
  /** A photo's own comment (null for videos and when absent or empty). */
  readonly userComment: string | null
}

/** One tag value: `doc` is null for the file itself, else the timed-metadata document (`Doc3-2` -> [3, 2]). */
interface Entry {
  readonly doc: ReadonlyArray<number> | null
  readonly group: string
  readonly name: string
  readonly value: unknown
}

const DOC = /^Doc(\d+(?:-\d+)*)$/

/** Splits ExifTool's `-G3:1` keys (`IFD0:Make`, `Doc1-2:Track4:GPSLatitude`) into entries, in ExifTool's order. */
const entriesOf = (tags: Tags): ReadonlyArray<Entry> =>
  Object.entries(tags).flatMap(([key, value]): Array<Entry> => {
    const parts = key.split(":")
    if (parts.length < 2) return [] // SourceFile, errors, warnings
    const doc = DOC.exec(parts[0] ?? "")
    const name = parts[parts.length - 1] ?? ""
    const group = parts[parts.length - 2] ?? ""
    return [{ doc: doc === null ? null : (doc[1] ?? "").split("-").map(Number), group, name, value }]
  })

const isXmp = (group: string) => group.startsWith("XMP")

const text = (value: unknown): string | null => {
  const s = typeof value === "number" ? String(value) : typeof value === "string" ? value.replace(/\u0000+/g, "").trim() : ""
  return s === "" ? null : s
}

/** The value of `name` in the file itself: a non-XMP group first (IFD1, the thumbnail's IFD, never), then XMP. */
const fileTag = (entries: ReadonlyArray<Entry>, name: string, accept: (e: Entry) => boolean = () => true): Entry | undefined => {
  const own = entries.filter((e) => e.doc === null && e.name === name && e.group !== "IFD1" && accept(e))
  return own.find((e) => !isXmp(e.group)) ?? own[0]
}

/** A date as ExifTool prints it with `-n` (`2020:11:20 15:04:02[.sss][+01:00|Z]`): the local wall time and its zone. */
interface ParsedDate {
  readonly local: string
  /** Minutes east of UTC; 0 for `Z`; null when the value has no zone. */
  readonly offsetMinutes: number | null
  readonly isUtc: boolean
}

const DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** Parses an ExifTool date-time; null for a date alone, a zero date or anything unparsable. */
export const parseTagDate = (value: unknown): ParsedDate | null => {
  const match = typeof value === "string" ? DATE.exec(value.trim()) : null
  if (match === null) return null
  const [, y = "", mo = "", d = "", h = "", mi = "", s = "00", zone] = match
  if (Number(y) === 0 || Number(mo) === 0 || Number(d) === 0) return null
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`
  if (Number.isNaN(Date.parse(`${local}Z`))) return null
  if (zone === undefined) return { local, offsetMinutes: null, isUtc: false }
  if (zone.toUpperCase() === "Z") return { local, offsetMinutes: 0, isUtc: true }
  const offsetMinutes = parseOffsetMinutes(zone)
  return offsetMinutes === null ? null : { local, offsetMinutes, isUtc: false }
}

/** A CaptureTime from a parsed date whose zone is known (local + offset), or a UTC one (`Z`: the instant only). */
const fromParsed = (date: ParsedDate, source: CaptureTime["source"]): CaptureTime =>
  date.isUtc
    ? { local: date.local, offsetMinutes: null, utc: `${date.local}Z`, source }
    : captureTimeOf(date.local, date.offsetMinutes, source)

/** XMP and IPTC dates are labelled `xmp`; the rest of a photo's dates `exif`. */
const sourceOf = (group: string): CaptureTime["source"] => (isXmp(group) || group === "IPTC" || group === "Composite" ? "xmp" : "exif")

/** A date tag that may carry its zone: (name, group filter). */
type ZonedDate = readonly [string, (group: string) => boolean]

/** When the picture was taken, by XMP and IPTC (ExifTool's Composite:DateTimeCreated joins IPTC DateCreated and TimeCreated). */
const ORIGINAL_ZONED: ReadonlyArray<ZonedDate> = [
  ["DateTimeOriginal", isXmp],
  ["DateCreated", (g) => g === "XMP-photoshop"],
  ["DateTimeCreated", (g) => g === "Composite"]
]
/** When the file was made, by XMP. */
const CREATED_ZONED: ReadonlyArray<ZonedDate> = [["CreateDate", isXmp]]
const ALL_ZONED = [...ORIGINAL_ZONED, ...CREATED_ZONED]

const sameMinute = (a: string, b: string) => a.slice(0, 16) === b.slice(0, 16)

/** The offset of another date tag recording the same wall-clock time (to the minute), if one carries it. */
const offsetFromTwin = (entries: ReadonlyArray<Entry>, local: string): number | null => {
  for (const [name, inGroup] of ALL_ZONED) {
    for (const e of entries) {
      if (e.doc !== null || e.name !== name || !inGroup(e.group)) continue
      const date = parseTagDate(e.value)
      if (date !== null && !date.isUtc && date.offsetMinutes !== null && sameMinute(date.local, local)) return date.offsetMinutes
    }
  }
  return null
}

/** EXIF `name` with its EXIF offset tag `offsetName`, else an offset found in a twin tag. `zonedOnly` keeps only a time with an offset. */
const exifDate = (entries: ReadonlyArray<Entry>, name: string, offsetName: string, zonedOnly = false): CaptureTime | null => {
  const tag = fileTag(entries, name, (e) => !isXmp(e.group) && e.group !== "QuickTime" && e.group !== "Composite")
  const date = tag === undefined ? null : parseTagDate(tag.value)
  if (date === null) return null
  if (date.offsetMinutes !== null) return fromParsed(date, "exif")
  const offset = parseOffsetMinutes(text(fileTag(entries, offsetName)?.value) ?? "") ?? offsetFromTwin(entries, date.local)
  return zonedOnly && offset === null ? null : captureTimeOf(date.local, offset, "exif")
}

/** The first of `dates` that parses; `zonedOnly` keeps only those carrying an offset. */
const zonedDate = (entries: ReadonlyArray<Entry>, dates: ReadonlyArray<ZonedDate>, zonedOnly = false): CaptureTime | null => {
  for (const [name, inGroup] of dates) {
    const tag = fileTag(entries, name, (e) => inGroup(e.group))
    const date = tag === undefined ? null : parseTagDate(tag.value)
    if (tag === undefined || date === null || (zonedOnly && date.offsetMinutes === null)) continue
    if (date.offsetMinutes !== null) return fromParsed(date, sourceOf(tag.group))
    return captureTimeOf(date.local, offsetFromTwin(entries, date.local), sourceOf(tag.group))
  }
  return null
}

const photoCaptureTime = (entries: ReadonlyArray<Entry>): CaptureTime | null =>
  exifDate(entries, "DateTimeOriginal", "OffsetTimeOriginal") ??
  zonedDate(entries, ORIGINAL_ZONED) ??
  exifDate(entries, "CreateDate", "OffsetTimeDigitized") ??
  zonedDate(entries, CREATED_ZONED)

/** A QuickTime date tag (Keys:CreationDate, ©day): `zoned` keeps the values with an offset, else those without. */
const quickTimeDate = (entries: ReadonlyArray<Entry>, zoned: boolean): CaptureTime | null => {
  for (const name of ["CreationDate", "ContentCreateDate"]) {
    for (const e of entries) {
      if (e.doc !== null || e.name !== name || isXmp(e.group)) continue
      const date = parseTagDate(e.value)
      if (date === null || date.isUtc || (date.offsetMinutes !== null) !== zoned) continue
      return captureTimeOf(date.local, date.offsetMinutes, "quicktime")
    }
  }
  return null
}

/** The movie header's CreateDate (UTC by definition), or a `Z` date tag; with AndroidTimeZone the local time too. */
const containerTime = (entries: ReadonlyArray<Entry>): CaptureTime | null => {
  const header = entries.find((e) => e.doc === null && e.group === "QuickTime" && e.name === "CreateDate")
  const utcTag = entries.find((e) => e.doc === null && (e.name === "CreationDate" || e.name === "ContentCreateDate" || e.name === "CreationTime") && parseTagDate(e.value)?.isUtc === true)
  const date = [header, utcTag].map((e) => (e === undefined ? null : parseTagDate(e.value))).find((d) => d !== null && Number(d.local.slice(0, 4)) > 1970)
  if (date === undefined || date === null) return null
  const utc = `${date.local}Z`
  const zone = parseOffsetMinutes(text(fileTag(entries, "AndroidTimeZone")?.value) ?? "")
  if (zone === null) return { local: date.local, offsetMinutes: null, utc, source: "container" }
  const local = new Date(Date.parse(utc) + zone * 60_000).toISOString().slice(0, 19)
  return { local, offsetMinutes: zone, utc, source: "container" }
}

const videoCaptureTime = (entries: ReadonlyArray<Entry>): CaptureTime | null =>
  quickTimeDate(entries, true) ??
  zonedDate(entries, ALL_ZONED, true) ??
  exifDate(entries, "DateTimeOriginal", "OffsetTimeOriginal", true) ??
  containerTime(entries) ??
  quickTimeDate(entries, false) ??
  exifDate(entries, "DateTimeOriginal", "OffsetTimeOriginal") ??
  zonedDate(entries, ALL_ZONED)

/** A number tag's value: ExifToolReader gives every value as a string (JSONQ); a JSON number is taken as it is. */
const finite = (value: unknown): number | null => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : null
}

/** A position from signed decimal degrees, or null when missing, out of range or exactly 0,0. */
const position = (lat: unknown, lon: unknown, alt: unknown): GpsPosition | null => {
  const la = finite(lat)
  const lo = finite(lon)
  if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180 || (la === 0 && lo === 0)) return null
  return { lat: la, lon: lo, alt: finite(alt) }
}

const compareDocs = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The first valid GPS fix of the timed metadata in `tags` (read with `-ee`), in sample order:
 * a document with latitude and longitude whose GPSMeasureMode (its own, or its parent
 * document's: GoPro GPMF gives one per second for its 18 Hz GPS5 samples) is absent or >= 2.
 */
export const firstValidFix = (tags: Tags): GpsPosition | null => {
  const byDoc = new Map<string, { doc: ReadonlyArray<number>; values: Map<string, unknown> }>()
  for (const e of entriesOf(tags)) {
    if (e.doc === null) continue
    const key = e.doc.join("-")
    const slot = byDoc.get(key) ?? { doc: e.doc, values: new Map<string, unknown>() }
    if (!slot.values.has(e.name)) slot.values.set(e.name, e.value)
    byDoc.set(key, slot)
  }
  const docs = [...byDoc.values()].sort((a, b) => compareDocs(a.doc, b.doc))
  for (const { doc, values } of docs) {
    const mode = finite(values.get("GPSMeasureMode") ?? byDoc.get(String(doc[0]))?.values.get("GPSMeasureMode"))
    if (mode !== null && mode < 2) continue
    const fix = position(values.get("GPSLatitude"), values.get("GPSLongitude"), values.get("GPSAltitude"))
    if (fix !== null) return fix
  }
  return null
}

/** The file's own GPS position (ExifTool's Composite tags), or null. */
export const fileGps = (tags: Tags): GpsPosition | null => {
  const entries = entriesOf(tags)
  const composite = (name: string) => entries.find((e) => e.doc === null && e.group === "Composite" && e.name === name)?.value
  return position(composite("GPSLatitude"), composite("GPSLongitude"), composite("GPSAltitude"))
}

const isPng = (group: string) => group === "PNG"

/** The first non-empty value among `picks` (tag name, group filter), each read from the file itself. */
const firstText = (entries: ReadonlyArray<Entry>, picks: ReadonlyArray<readonly [string, (group: string) => boolean]>): string | null => {
  for (const [name, inGroup] of picks) {
    const value = text(fileTag(entries, name, (e) => inGroup(e.group))?.value)
    if (value !== null) return value
  }
  return null
}

/** A photo's software and user comment (rules in the module doc). */
const softwareAndComment = (entries: ReadonlyArray<Entry>): Pick<TagFacts, "software" | "userComment"> => ({
  software: firstText(entries, [
    ["Software", (g) => !isXmp(g) && !isPng(g)],
    ["Software", isPng],
    ["CreatorTool", isXmp]
  ]),
  userComment: firstText(entries, [
    ["UserComment", (g) => !isXmp(g)],
    ["Comment", isPng],
    ["Description", isPng],
    ["UserComment", isXmp]
  ])
})

/**
 * Make, model, EXIF orientation, capture time, GPS, and for a photo software and user comment, of a `kind` file from its ExifTool tags
 * (rules in the module doc). Missing or malformed tags give nulls, never a failure.
 */
export const tagFacts = (tags: Tags, kind: MediaKind): TagFacts => {
  const entries = entriesOf(tags)
  const make = text(fileTag(entries, "Make")?.value) ?? (kind === "video" ? text(fileTag(entries, "AndroidMake")?.value) : null)
  const model = text(fileTag(entries, "Model")?.value) ?? (kind === "video" ? text(fileTag(entries, "AndroidModel")?.value) : null)
  const orientationValue = finite(fileTag(entries, "Orientation", (e) => !isXmp(e.group))?.value)
  const orientation = orientationValue !== null && Number.isInteger(orientationValue) && orientationValue >= 1 && orientationValue <= 8 ? orientationValue : undefined
  const captureTime = kind === "photo" ? photoCaptureTime(entries) : videoCaptureTime(entries)
  const { software, userComment } = kind === "photo" ? softwareAndComment(entries) : { software: null, userComment: null }
  return { make, model, orientation, captureTime, gps: fileGps(tags), software, userComment }
}
