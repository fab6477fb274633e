/**
 * HEIF helpers shared by MetadataReader and HeifDecoder: the primary item's transforms
 * read from the header, and the orientation rule for pixels libheif decoded.
 */
import { Effect } from "effect"
import { CorruptMediaError } from "@curator/contracts"
import type { SniffedType } from "../MediaSniffer.js"
import { heifPrimaryItem, readTopLevel, type HeifPrimaryItem } from "./isobmff.js"

/** HEIF-family formats: libheif applies `irot`/`imir` itself, so EXIF orientation only counts without them. */
export const isHeifFamily = (sniffed: SniffedType) => sniffed.format === "heic" || sniffed.format === "avif"

/**
 * The EXIF orientation still to apply to pixels libheif decoded: the EXIF value when the primary
 * item has neither `irot` nor `imir`, else 1 (libheif already transformed; applying EXIF too would
 * rotate twice). Source: HEIF (ISO/IEC 23008-12) 6.5.10/6.5.12 and libheif's documentation.
 */
export const heifResidualOrientation = (item: HeifPrimaryItem, exifOrientation: number): number =>
  item.hasIrot || item.hasImir ? 1 : exifOrientation

/** Reads the primary item's transforms of a HEIF file, and refuses a file whose boxes run past its end. */
export const readHeifLayout = Effect.fnUntraced(function* (path: string, label: string) {
  const layout = yield* Effect.promise(() => readTopLevel(path))
  if (layout.truncatedBox !== undefined) {
    return yield* new CorruptMediaError({
      message: `${label} data ends early: the file is truncated (its '${layout.truncatedBox.type}' box needs ${layout.truncatedBox.size} bytes at offset ${layout.truncatedBox.start}, the file has ${layout.fileSize})`
    })
  }
  if (layout.meta === undefined) return yield* new CorruptMediaError({ message: `${label} file has no 'meta' box: not a readable HEIF image` })
  return heifPrimaryItem(layout.meta)
})

