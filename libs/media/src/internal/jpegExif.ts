/**
 * In-place edits of a JPEG's EXIF block that need no re-encoding: reading and rewriting the IFD0
 * Orientation tag (TIFF 6.0 / EXIF 2.32 tag 0x0112, SHORT, values 1..8) inside the APP1 `Exif`
 * segment. Layout: JPEG markers (ITU T.81 B.1.1.4: `FF xx`, then a 2-byte big-endian length that
 * counts itself), the APP1 payload `Exif\0\0` + a TIFF header (`II*\0` little-endian or `MM\0*`
 * big-endian, then the IFD0 offset from the TIFF header), IFD0 = a 2-byte entry count and 12-byte
 * entries (tag, type, count, value). Used on libheif's intermediate JPEG, whose copied EXIF block
 * keeps the camera's orientation although libheif already applied `irot`/`imir` to the pixels.
 */

/** Where IFD0 of the first APP1 `Exif` segment of `jpeg` starts, its byte order and the segment's end, or undefined when there is none. */
const exifIfd0 = (jpeg: Uint8Array): { readonly ifd0: number; readonly end: number; readonly littleEndian: boolean } | undefined => {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined
  let at = 2
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1] ?? 0
    if (marker === 0xda || marker === 0xd9) return undefined // start of scan / end of image: no more metadata
    const length = view.getUint16(at + 2)
    const payload = at + 4
    if (marker === 0xe1 && payload + 14 <= jpeg.length && String.fromCharCode(...jpeg.subarray(payload, payload + 6)) === "Exif\0\0") {
      const tiff = payload + 6
      const order = String.fromCharCode(jpeg[tiff] ?? 0, jpeg[tiff + 1] ?? 0)
      if (order !== "II" && order !== "MM") return undefined
      const littleEndian = order === "II"
      const end = Math.min(jpeg.length, at + 2 + length)
      const ifd0 = tiff + view.getUint32(tiff + 4, littleEndian)
      return ifd0 + 2 <= end ? { ifd0, end, littleEndian } : undefined
    }
    at += 2 + length
  }
  return undefined
}

/** Where the IFD0 Orientation value sits in `jpeg` (byte offset) and its byte order, or undefined when there is none. */
const orientationSlot = (jpeg: Uint8Array): { readonly at: number; readonly littleEndian: boolean } | undefined => {
  const exif = exifIfd0(jpeg)
  if (exif === undefined) return undefined
  const { ifd0, end, littleEndian } = exif
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
  const entries = view.getUint16(ifd0, littleEndian)
  for (let i = 0; i < entries; i++) {
    const entry = ifd0 + 2 + i * 12
    if (entry + 12 > end) return undefined
    // Orientation: tag 0x0112, type 3 (SHORT), count 1: the value is in the first 2 bytes of the value field.
    if (view.getUint16(entry, littleEndian) === 0x0112 && view.getUint16(entry + 2, littleEndian) === 3) {
      return { at: entry + 8, littleEndian }
    }
  }
  return undefined
}

/**
 * Unlinks IFD1 (the EXIF thumbnail's IFD) of `jpeg` IN PLACE by zeroing IFD0's next-IFD offset
 * (TIFF 6.0 §2: the 4 bytes after the last IFD entry). Readers then see no thumbnail and no IFD1
 * Orientation: the thumbnail shows the stored, unrotated and unenhanced original, and its
 * Orientation tag would still say how to turn that. Returns false when there is no IFD1.
 */
export const unlinkJpegExifThumbnail = (jpeg: Uint8Array): boolean => {
  const exif = exifIfd0(jpeg)
  if (exif === undefined) return false
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength)
  const link = exif.ifd0 + 2 + view.getUint16(exif.ifd0, exif.littleEndian) * 12
  if (link + 4 > exif.end || view.getUint32(link, exif.littleEndian) === 0) return false
  view.setUint32(link, 0, exif.littleEndian)
  return true
}

/** The IFD0 Orientation of a JPEG's EXIF block (1..8 as stored), or undefined when it has none. */
export const jpegExifOrientation = (jpeg: Uint8Array): number | undefined => {
  const slot = orientationSlot(jpeg)
  return slot === undefined ? undefined : new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).getUint16(slot.at, slot.littleEndian)
}

/**
 * Rewrites the IFD0 Orientation of `jpeg` IN PLACE to `orientation` (1..8). Returns false (and
 * changes nothing) when the JPEG has no EXIF Orientation tag.
 */
export const setJpegExifOrientation = (jpeg: Uint8Array, orientation: number): boolean => {
  const slot = orientationSlot(jpeg)
  if (slot === undefined) return false
  new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).setUint16(slot.at, orientation, slot.littleEndian)
  return true
}
