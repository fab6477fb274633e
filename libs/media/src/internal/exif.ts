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
}

export const NO_EXIF: ExifFacts = { make: null, model: null, orientation: undefined, captureTime: null, gps: null }

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
 * Reads make, model, orientation, capture time (DateTimeOriginal with OffsetTimeOriginal, else
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
    tags = await exifr.parse(block, options)
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
  return { make: text(tags.Make), model: text(tags.Model), orientation, captureTime, gps }
}
