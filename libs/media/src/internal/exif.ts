/**
 * EXIF blocks (a TIFF structure, EXIF 2.32) -> the MediaItem fields, via exifr.
 * Every photo format reaches here the same way: sharp's `metadata().exif` (header
 * read only) holds the raw EXIF of JPEG APP1, PNG `eXIf`, WebP RIFF `EXIF` and
 * HEIF/AVIF `Exif` items; exifr has no WebP support of its own, and for some JPEGs
 * (e.g. the Sony DSC-HX5V fixture) its file scanner finds nothing while the TIFF
 * block itself parses fine.
 */
import exifr from "exifr"
import type { CaptureTime, GpsPosition } from "@curator/contracts"

/** The EXIF facts Curator keeps. */
export interface ExifFacts {
  readonly make: string | null
  readonly model: string | null
  /** EXIF orientation 1..8, undefined when the block has none (or it could not be read). */
  readonly orientation: number | undefined
  readonly captureTime: CaptureTime | null
  readonly gps: GpsPosition | null
  /** EXIF `Software` (0x0131), null when absent. */
  readonly software: string | null
  /** EXIF `UserComment` (0x9286) decoded by its character code, null when absent or empty. */
  readonly userComment: string | null
}

export const NO_EXIF: ExifFacts = { make: null, model: null, orientation: undefined, captureTime: null, gps: null, software: null, userComment: null }

/**
 * Decodes an EXIF `UserComment`: an 8-byte character code, then the text (EXIF 2.32 §4.6.5,
 * Table 9): `ASCII\0\0\0`, `UNICODE\0` (UCS-2 in the TIFF byte order, `littleEndian`), `JIS\0\0\0\0\0`
 * (read as UTF-8, its ASCII subset being what cameras write) or 8 zero bytes (undefined: read as
 * UTF-8). Trailing NULs and spaces dropped; null when nothing is left.
 */
export const decodeUserComment = (value: unknown, littleEndian: boolean): string | null => {
  if (typeof value === "string") return text(value)
  if (!(value instanceof Uint8Array) || value.length < 8) return null
  const code = String.fromCharCode(...value.subarray(0, 8)).replace(/\0+$/, "")
  const body = value.subarray(8)
  if (code === "UNICODE") {
    const units: Array<number> = []
    for (let i = 0; i + 1 < body.length; i += 2) units.push(littleEndian ? body[i]! | (body[i + 1]! << 8) : (body[i]! << 8) | body[i + 1]!)
    return text(String.fromCharCode(...units))
  }
  return text(new TextDecoder("utf-8", { fatal: false }).decode(body))
}

// sharp hands JPEG/AVIF EXIF with the APP1 "Exif\0\0" identifier, PNG/WebP/HEIC without it.
const tiffBlock = (exif: Uint8Array): Uint8Array =>
  exif.length > 6 && String.fromCharCode(...exif.subarray(0, 6)) === "Exif\0\0" ? exif.subarray(6) : exif

const text = (value: unknown): string | null => {
  if (typeof value !== "string") return null
  const trimmed = value.replace(/\u0000+$/g, "").trim()
  return trimmed === "" ? null : trimmed
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/

/** Parses a `±HH:MM` UTC offset into minutes east of UTC. */
export const parseOffsetMinutes = (value: unknown): number | null => {
  const match = typeof value === "string" ? OFFSET.exec(value.trim()) : null
  if (match === null) return null
  const [, sign, hh = "0", mm = "0"] = match
  const minutes = Number(hh) * 60 + Number(mm)
  return minutes > 14 * 60 ? null : (sign === "-" ? -minutes : minutes)
}

/** Builds a CaptureTime from a local wall-clock `YYYY-MM-DDTHH:MM:SS` and an optional offset (utc computed). */
export const captureTimeOf = (local: string, offsetMinutes: number | null, source: CaptureTime["source"]): CaptureTime => {
  const utc = offsetMinutes === null ? null : new Date(Date.parse(`${local}Z`) - offsetMinutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z")
  return { local, offsetMinutes, utc, source }
}

const exifDate = (value: unknown): string | null => {
  const match = typeof value === "string" ? EXIF_DATE.exec(value) : null
  if (match === null) return null
  const [, y, mo, d, h, mi, s] = match
  if (y === "0000" || mo === "00" || d === "00") return null
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`
  return Number.isNaN(Date.parse(`${local}Z`)) ? null : local
}

const firstByte = (value: unknown): number | null => {
  if (typeof value === "number") return value
  if (value instanceof Uint8Array) return value[0] ?? null
  if (value !== null && typeof value === "object" && 0 in value) return Number((value as Record<number, unknown>)[0])
  return null
}

/**
 * Reads make, model, software, user comment, orientation, capture time (DateTimeOriginal with OffsetTimeOriginal, else
 * CreateDate with OffsetTimeDigitized) and GPS (exifr's signed decimal degrees; altitude negative
 * when GPSAltitudeRef = 1, "below sea level"). GPS exactly 0,0 counts as none.
 * An unparsable block yields {@link NO_EXIF}: missing metadata is not a reason to reject a photo.
 */
export const readExif = async (exif: Uint8Array | undefined): Promise<ExifFacts> => {
  if (exif === undefined || exif.length < 8) return NO_EXIF
  const block = Buffer.from(tiffBlock(exif))
  const options = { translateValues: false, reviveValues: false, gps: true, mergeOutput: true }
  let tags: Record<string, unknown> | undefined
  try {
    tags = await exifr.parse(block, { ...options, userComment: true })
    // exifr drops a whole IFD on one malformed entry (the Sony DSC-HX5V writes an IFD0 tag of
    // type 0); the EXIF and GPS IFDs are still readable when IFD0 is skipped. exifr's types say
    // IFD0 "cannot be disabled", but 7.1.3 honours `ifd0: false` at runtime (checked on that fixture).
    if (tags !== undefined && tags !== null && "errors" in tags && tags.DateTimeOriginal === undefined && tags.latitude === undefined) {
      tags = { ...(await exifr.parse(block, { ...options, ifd0: false as never })), ...tags }
    }
  } catch {
    return NO_EXIF
  }
  if (tags === undefined || tags === null) return NO_EXIF
  const orientation = typeof tags.Orientation === "number" && tags.Orientation >= 1 && tags.Orientation <= 8 ? tags.Orientation : undefined
  const original = exifDate(tags.DateTimeOriginal)
  const digitized = exifDate(tags.CreateDate)
  const captureTime = original !== null
    ? captureTimeOf(original, parseOffsetMinutes(tags.OffsetTimeOriginal), "exif")
    : digitized !== null
      ? captureTimeOf(digitized, parseOffsetMinutes(tags.OffsetTimeDigitized), "exif")
      : null
  const lat = tags.latitude
  const lon = tags.longitude
  let gps: GpsPosition | null = null
  if (typeof lat === "number" && typeof lon === "number" && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
    const altitude = typeof tags.GPSAltitude === "number" && Number.isFinite(tags.GPSAltitude) ? tags.GPSAltitude : null
    gps = { lat, lon, alt: altitude === null ? null : firstByte(tags.GPSAltitudeRef) === 1 ? -altitude : altitude }
  }
  // The TIFF header's byte order ("II" little-endian, "MM" big-endian), which a UNICODE UserComment follows.
  const littleEndian = block[0] === 0x49
  return {
    make: text(tags.Make),
    model: text(tags.Model),
    orientation,
    captureTime,
    gps,
    software: text(tags.Software),
    userComment: decodeUserComment(tags.userComment ?? tags.UserComment, littleEndian)
  }
}

/** The first XMP value of `property` (`prefix:Name`): an attribute, a simple element, or the first `rdf:li` of an Alt/Seq/Bag. */
const xmpValue = (xmp: string, property: string): string | null => {
  const name = property.replace(":", "\\:")
  const attribute = new RegExp(`${name}="([^"]*)"`).exec(xmp)
  if (attribute !== null) return text(unescapeXml(attribute[1]!))
  const element = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xmp)
  if (element === null) return null
  const item = /<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/.exec(element[1]!)
  return text(unescapeXml((item?.[1] ?? element[1]!).replace(/<[^>]*>/g, "")))
}

const unescapeXml = (value: string) =>
  value.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e] ?? "")

/**
 * What a file says about the program that wrote it and its own comment, from whichever
 * metadata it carries, first found wins: EXIF (`Software`, `UserComment`), then PNG text
 * chunks (keywords `Software`; `Comment`, then `Description` — PNG 1.2 §11.3.4.2), then XMP
 * (`xmp:CreatorTool`; `exif:UserComment`). `comments` and `xmp` as sharp's `metadata()` gives them.
 */
export const softwareAndComment = (
  exif: Pick<ExifFacts, "software" | "userComment">,
  comments: ReadonlyArray<{ readonly keyword: string; readonly text: string }> | undefined,
  xmp: string | undefined
): { readonly software: string | null; readonly userComment: string | null } => {
  const chunk = (keyword: string) => text(comments?.find((c) => c.keyword.toLowerCase() === keyword.toLowerCase())?.text)
  return {
    software: exif.software ?? chunk("Software") ?? (xmp === undefined ? null : xmpValue(xmp, "xmp:CreatorTool")),
    userComment: exif.userComment ?? chunk("Comment") ?? chunk("Description") ?? (xmp === undefined ? null : xmpValue(xmp, "exif:UserComment"))
  }
}
