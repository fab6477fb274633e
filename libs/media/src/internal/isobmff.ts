/**
 * Minimal ISO base media file format (ISO/IEC 14496-12) reader: walks the
 * top-level boxes (to spot truncation) and reads a HEIF `meta` box
 * (ISO/IEC 23008-12) for the primary item's transform properties
 * (`irot` rotation, `imir` mirror) and its `ispe` size. Reads headers only.
 */
import { open } from "node:fs/promises"

/** One top-level box: `type` is its four-character code, `start`/`size` in bytes. */
export interface Box {
  readonly type: string
  readonly start: number
  readonly size: number
}

/** The top-level layout; `truncatedBox` names the first box that claims bytes past the end of the file. */
export interface TopLevelLayout {
  readonly fileSize: number
  readonly boxes: ReadonlyArray<Box>
  readonly truncatedBox: Box | undefined
}

/** HEIF primary-item facts. `rotationCcw` is `irot` x 90 degrees counter-clockwise; `ispe` the coded size in px. */
export interface HeifPrimaryItem {
  readonly hasIrot: boolean
  readonly hasImir: boolean
  readonly rotationCcw: number
  readonly ispe: { readonly width: number; readonly height: number } | undefined
}

const MAX_META_BYTES = 16 * 1024 * 1024

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0)

/** Reads the top-level box headers of a file (at most 10,000 boxes). */
export const readTopLevel = async (
  file: string
): Promise<TopLevelLayout & { readonly meta: Uint8Array | undefined; readonly metaOffset: number }> => {
  const handle = await open(file, "r")
  try {
    const fileSize = (await handle.stat()).size
    const boxes: Array<Box> = []
    const header = Buffer.alloc(16)
    let at = 0
    let meta: Uint8Array | undefined
    let metaOffset = 0
    while (at + 8 <= fileSize && boxes.length < 10_000) {
      const { bytesRead } = await handle.read(header, 0, 16, at)
      if (bytesRead < 8) break
      let size = header.readUInt32BE(0)
      const type = fourcc(header, 4)
      let headerSize = 8
      if (size === 1) {
        if (bytesRead < 16) return { fileSize, boxes, truncatedBox: { type, start: at, size: Number.POSITIVE_INFINITY }, meta, metaOffset }
        size = Number(header.readBigUInt64BE(8))
        headerSize = 16
      } else if (size === 0) {
        size = fileSize - at
      }
      const box = { type, start: at, size }
      if (size < headerSize) return { fileSize, boxes, truncatedBox: box, meta, metaOffset }
      if (at + size > fileSize) return { fileSize, boxes, truncatedBox: box, meta, metaOffset }
      boxes.push(box)
      if (type === "meta" && meta === undefined && size - headerSize <= MAX_META_BYTES) {
        const payload = Buffer.alloc(size - headerSize)
        await handle.read(payload, 0, payload.length, at + headerSize)
        meta = payload
        metaOffset = at + headerSize
      }
      at += size
    }
    return { fileSize, boxes, truncatedBox: undefined, meta, metaOffset }
  } finally {
    await handle.close()
  }
}

interface Child {
  readonly type: string
  readonly body: Uint8Array
}

const children = (b: Uint8Array): Array<Child> => {
  const out: Array<Child> = []
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let at = 0
  while (at + 8 <= b.length) {
    let size = view.getUint32(at)
    let headerSize = 8
    if (size === 1 && at + 16 <= b.length) {
      size = Number(view.getBigUint64(at + 8))
      headerSize = 16
    } else if (size === 0) size = b.length - at
    if (size < headerSize || at + size > b.length) break
    out.push({ type: fourcc(b, at + 4), body: b.subarray(at + headerSize, at + size) })
    at += size
  }
  return out
}

/** The primary item id of a `meta` box's children (`pitm`, a FullBox: 16-bit id in version 0, else 32-bit), undefined without one. */
const primaryItemId = (metaChildren: ReadonlyArray<Child>): number | undefined => {
  const pitm = metaChildren.find((c) => c.type === "pitm")
  if (pitm === undefined || pitm.body.length < 6) return undefined
  const v = new DataView(pitm.body.buffer, pitm.body.byteOffset, pitm.body.byteLength)
  return pitm.body[0] === 0 ? v.getUint16(4) : v.getUint32(4)
}

/**
 * Reads the primary item's properties from a HEIF `meta` box payload (after its 8-byte header).
 * `meta` is a FullBox (4 bytes version/flags); `pitm` names the primary item, `iprp/ipco` lists
 * properties (1-based), `iprp/ipma` associates them with items.
 */
export const heifPrimaryItem = (metaPayload: Uint8Array): HeifPrimaryItem => {
  const boxes = children(metaPayload.subarray(4))
  const primaryId = primaryItemId(boxes)
  const iprp = boxes.find((c) => c.type === "iprp")
  const iprpChildren = iprp === undefined ? [] : children(iprp.body)
  const ipco = iprpChildren.find((c) => c.type === "ipco")
  const properties = ipco === undefined ? [] : children(ipco.body)
  const associated = new Set<number>()
  for (const ipma of iprpChildren.filter((c) => c.type === "ipma")) {
    const b = ipma.body
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
    const version = b[0] ?? 0
    const flags = ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)
    let at = 4
    if (at + 4 > b.length) continue
    const entries = v.getUint32(at)
    at += 4
    for (let e = 0; e < entries && at < b.length; e++) {
      const itemId = version < 1 ? v.getUint16(at) : v.getUint32(at)
      at += version < 1 ? 2 : 4
      const count = b[at] ?? 0
      at += 1
      for (let i = 0; i < count && at < b.length; i++) {
        const index = flags & 1 ? v.getUint16(at) & 0x7fff : (b[at] ?? 0) & 0x7f
        at += flags & 1 ? 2 : 1
        if (primaryId === undefined || itemId === primaryId) associated.add(index)
      }
    }
  }
  const primaryProps = properties.filter((_, i) => associated.has(i + 1))
  const irot = primaryProps.find((p) => p.type === "irot")
  const ispe = primaryProps.find((p) => p.type === "ispe")
  let ispeSize: HeifPrimaryItem["ispe"]
  if (ispe !== undefined && ispe.body.length >= 12) {
    const v = new DataView(ispe.body.buffer, ispe.body.byteOffset, ispe.body.byteLength)
    ispeSize = { width: v.getUint32(4), height: v.getUint32(8) }
  }
  return {
    hasIrot: irot !== undefined,
    hasImir: primaryProps.some((p) => p.type === "imir"),
    rotationCcw: irot === undefined ? 0 : ((irot.body[0] ?? 0) & 0x3) * 90,
    ispe: ispeSize
  }
}

/**
 * One item of a HEIF `iinf` box (ISO/IEC 14496-12 §8.11.6, `infe` versions 2 and 3): its id, its
 * four-character type (`hvc1`, `grid`, `Exif`, ...), whether it is hidden (flags bit 0: not meant to
 * be displayed, e.g. grid tiles) and where the byte holding that flag sits (offset from the start
 * of the `meta` payload).
 */
export interface HeifItem {
  readonly id: number
  readonly type: string
  readonly hidden: boolean
  readonly flagsOffset: number
}

/** The primary item id (`pitm`, undefined when absent) and every `infe` item of a HEIF `meta` box payload. */
export const heifItems = (metaPayload: Uint8Array): { readonly primaryId: number | undefined; readonly items: ReadonlyArray<HeifItem> } => {
  const boxes = children(metaPayload.subarray(4))
  const primaryId = primaryItemId(boxes)
  const items: Array<HeifItem> = []
  const iinf = boxes.find((c) => c.type === "iinf")
  if (iinf !== undefined && iinf.body.length >= 6) {
    const first = iinf.body[0] === 0 ? 6 : 8
    for (const infe of children(iinf.body.subarray(first))) {
      if (infe.type !== "infe" || infe.body.length < 12) continue
      const b = infe.body
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
      const version = b[0] ?? 0
      if (version < 2) continue
      const id = version === 2 ? v.getUint16(4) : v.getUint32(4)
      const typeAt = version === 2 ? 8 : 10
      if (typeAt + 4 > b.length) continue
      // FullBox flags are bytes 1..3 of the body (big-endian): bit 0 (hidden) is in byte 3.
      items.push({ id, type: fourcc(b, typeAt), hidden: ((b[3] ?? 0) & 1) === 1, flagsOffset: b.byteOffset - metaPayload.byteOffset + 3 })
    }
  }
  return { primaryId, items }
}

/** Item types that are metadata, not images (HEIF §A.2 Exif, MIME items such as XMP, URI items). */
const METADATA_ITEM_TYPES = new Set(["Exif", "mime", "uri "])

/**
 * The image items a HEIF reader lists besides the primary one (libheif's "top-level images":
 * shown, i.e. not hidden): the other images of a collection, a stereo pair's second view, a
 * burst's stills, thumbnails and auxiliary images such as an alpha plane that were not hidden.
 */
export const visibleSecondaryImages = (primaryId: number | undefined, items: ReadonlyArray<HeifItem>): ReadonlyArray<HeifItem> =>
  items.filter((item) => item.id !== primaryId && !item.hidden && !METADATA_ITEM_TYPES.has(item.type))
