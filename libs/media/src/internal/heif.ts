/**
 * HEIF helpers shared by MetadataReader and HeifDecoder: the primary item's transforms
 * read from the header, and the orientation rule for pixels libheif decoded.
 */
import { Effect } from "effect"
import { CorruptMediaError } from "@curator/contracts"
import type { SniffedType } from "../MediaSniffer.js"
import { type HeifItem, heifItems, heifPrimaryItem, type HeifPrimaryItem, readTopLevel, visibleSecondaryImages } from "./isobmff.js"

/** HEIF-family formats: libheif applies `irot`/`imir` itself, so EXIF orientation only counts without them. */
export const isHeifFamily = (sniffed: SniffedType) => sniffed.format === "heic" || sniffed.format === "avif"

/**
 * The EXIF orientation still to apply to pixels libheif decoded: the EXIF value when the primary
 * item has neither `irot` nor `imir`, else 1 (libheif already transformed; applying EXIF too would
 * rotate twice). Source: HEIF (ISO/IEC 23008-12) 6.5.10/6.5.12 and libheif's documentation.
 */
export const heifResidualOrientation = (item: HeifPrimaryItem, exifOrientation: number): number =>
  item.hasIrot || item.hasImir ? 1 : exifOrientation

/**
 * What Curator needs to know of a HEIF file's layout:
 * - the primary item's transforms and size ({@link HeifPrimaryItem}; none for a sequence);
 * - `sequence`: true for a HEIF image sequence (ISO/IEC 23008-12 §7, brand `msf1`: a `moov` with
 *   an image track) that has no primary item to show — its first frame is the picture;
 * - `secondaryImages`: the other images a reader lists besides the primary one (a collection, a
 *   stereo pair, a burst stored as items, a non-hidden thumbnail or alpha plane);
 * - `metaOffset`: the file offset of the `meta` payload (item offsets are relative to it).
 */
export interface HeifLayout extends HeifPrimaryItem {
  readonly sequence: boolean
  readonly secondaryImages: ReadonlyArray<HeifItem>
  readonly metaOffset: number
}

/**
 * Reads the layout of a HEIF file ({@link HeifLayout}). A file whose boxes run past its end ->
 * `CorruptMediaError` ("truncated"); no `meta` box and no image track -> `CorruptMediaError`.
 */
export const readHeifLayout = Effect.fnUntraced(function* (path: string, label: string) {
  const layout = yield* Effect.promise(() => readTopLevel(path))
  if (layout.truncatedBox !== undefined) {
    return yield* new CorruptMediaError({
      message: `${label} data ends early: the file is truncated (its '${layout.truncatedBox.type}' box needs ${layout.truncatedBox.size} bytes at offset ${layout.truncatedBox.start}, the file has ${layout.fileSize})`
    })
  }
  const hasMoov = layout.boxes.some((b) => b.type === "moov")
  const { primaryId, items } = layout.meta === undefined ? { primaryId: undefined, items: [] } : heifItems(layout.meta)
  if (hasMoov && (primaryId === undefined || !items.some((item) => item.id === primaryId))) {
    return { hasIrot: false, hasImir: false, rotationCcw: 0, ispe: undefined, sequence: true, secondaryImages: [], metaOffset: 0 } satisfies HeifLayout
  }
  if (layout.meta === undefined) {
    return yield* new CorruptMediaError({ message: `${label} file has neither a 'meta' box (still images) nor a 'moov' box (an image sequence): not a HEIF image` })
  }
  return {
    ...heifPrimaryItem(layout.meta),
    sequence: false,
    secondaryImages: visibleSecondaryImages(primaryId, items),
    metaOffset: layout.metaOffset
  } satisfies HeifLayout
})
