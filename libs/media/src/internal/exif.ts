/**
 * What is still read from a raw EXIF block (a TIFF structure, EXIF 2.32) with exifr:
 * a HEIF's EXIF orientation, which HeifDecoder and OrientationNormalizer weigh against
 * its `irot`/`imir` boxes (sharp's `metadata().exif` holds the raw EXIF of the HEIF
 * `Exif` item; sharp hands JPEG/AVIF EXIF with the APP1 "Exif\0\0" identifier, PNG/WebP/HEIC
 * without it). Every other tag is read by ExifTool (ExifToolReader, decision 0009).
 * Also the date helpers the ExifTool tag rules share (`metadataTags.ts`).
 */
import exifr from "exifr"
import type { CaptureTime } from "@curator/contracts"

const tiffBlock = (exif: Uint8Array): Uint8Array =>
  exif.length > 6 && String.fromCharCode(...exif.subarray(0, 6)) === "Exif\0\0" ? exif.subarray(6) : exif

/**
 * The EXIF orientation (1..8) of a raw EXIF block, or undefined when the block has none or
 * cannot be parsed: missing metadata is not a reason to reject a photo.
 */
export const readExifOrientation = async (exif: Uint8Array | undefined): Promise<number | undefined> => {
  if (exif === undefined || exif.length < 8) return undefined
  try {
    const tags: Record<string, unknown> | undefined = await exifr.parse(Buffer.from(tiffBlock(exif)), { translateValues: false, reviveValues: false, mergeOutput: true })
    const orientation = tags?.Orientation
    return typeof orientation === "number" && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : undefined
  } catch {
    return undefined
  }
}

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/

/** Parses a `±HH:MM` UTC offset into minutes east of UTC (null when malformed or beyond ±14:00). */
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
