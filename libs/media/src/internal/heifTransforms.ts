/**
 * Adds HEIF transformative item properties (`irot`, `imir`) to the primary item of a HEIF file,
 * losslessly (no pixel is decoded): used to make an exported HEIC whose only orientation is an
 * EXIF tag upright for every HEIF reader (issue 12 item 3), and by the tests to build the
 * `irot`/`imir` combinations a camera writes (libheif 1.15's heif-enc cannot, and Debian bookworm
 * has no GPAC MP4Box). The boxes follow ISO/IEC 23008-12 (HEIF) §6.5.10 `irot` (angle x 90 degrees
 * anti-clockwise, 2 bits), §6.5.12 `imir` as amended (Amd 2, the field renamed `mode`: 0 = top and
 * bottom exchanged, 1 = left and right exchanged; the 2017 text's "vertical axis" wording was read
 * both ways — MPEGGroup/FileFormat issue 22 — and libheif, Apple and libavif >= 0.9.2 follow this), both marked essential in `ipma` (§9.3.3: transformative
 * properties are applied in the order of their association), and ISO/IEC 14496-12 §8.11.3 `iloc`
 * (extent offsets are file offsets, so every extent after the grown `meta` box moves by the
 * growth). Output is checked by libheif itself (heif-info / heif-convert) in the tests.
 */

/** One transform in association order: a rotation (`irot` angle 0..3, x 90 degrees anti-clockwise) or a mirror (`imir` axis 0 or 1). */
export type HeifTransform = { readonly irot: 0 | 1 | 2 | 3 } | { readonly imir: 0 | 1 }

/** A box in a byte buffer: four-character `type`, `start` offset, header and total size in bytes. */
export interface RawBox {
  readonly type: string
  readonly start: number
  readonly headerSize: number
  readonly size: number
}

/** The boxes between byte offsets `from` and `to` of `b` (32- and 64-bit sizes, size 0 = to the end); throws on a box past `to`. */
export const boxesIn = (b: Buffer, from: number, to: number): Array<RawBox> => {
  const out: Array<RawBox> = []
  let at = from
  while (at + 8 <= to) {
    let size = b.readUInt32BE(at)
    let headerSize = 8
    if (size === 1) {
      size = Number(b.readBigUInt64BE(at + 8))
      headerSize = 16
    } else if (size === 0) size = to - at
    if (size < headerSize || at + size > to) throw new Error(`bad box at ${at}`)
    out.push({ type: b.toString("latin1", at + 4, at + 8), start: at, headerSize, size })
    at += size
  }
  return out
}

/** The first box of `type` in `list`; throws when there is none. */
export const findBox = (list: ReadonlyArray<RawBox>, type: string): RawBox => {
  const box = list.find((b) => b.type === type)
  if (box === undefined) throw new Error(`no '${type}' box`)
  return box
}

const box = (type: string, body: Buffer) => {
  const header = Buffer.alloc(8)
  header.writeUInt32BE(8 + body.length, 0)
  header.write(type, 4, "latin1")
  return Buffer.concat([header, body])
}

const readUInt = (b: Buffer, at: number, size: number): number =>
  size === 0 ? 0 : size === 4 ? b.readUInt32BE(at) : size === 8 ? Number(b.readBigUInt64BE(at)) : size === 2 ? b.readUInt16BE(at) : b[at]!

const writeUInt = (b: Buffer, at: number, size: number, value: number) => {
  if (size === 4) b.writeUInt32BE(value, at)
  else if (size === 8) b.writeBigUInt64BE(BigInt(value), at)
  else if (size === 2) b.writeUInt16BE(value, at)
  else if (size !== 0) throw new Error(`offset size ${size}`)
}

/** Moves every file-offset extent (construction method 0) at or after `from` by `delta` bytes, in place in the `iloc` body. */
const shiftIloc = (b: Buffer, body: number, from: number, delta: number) => {
  const version = b[body]!
  let at = body + 4
  const offsetSize = b[at]! >> 4
  const lengthSize = b[at]! & 15
  const baseSize = b[at + 1]! >> 4
  const indexSize = version === 1 || version === 2 ? b[at + 1]! & 15 : 0
  at += 2
  const items = version < 2 ? b.readUInt16BE(at) : b.readUInt32BE(at)
  at += version < 2 ? 2 : 4
  for (let i = 0; i < items; i++) {
    at += version < 2 ? 2 : 4
    let method = 0
    if (version === 1 || version === 2) {
      method = b.readUInt16BE(at) & 15
      at += 2
    }
    at += 2
    const baseAt = at
    const base = readUInt(b, at, baseSize)
    at += baseSize
    const extents = b.readUInt16BE(at)
    at += 2
    // An extent's file offset is base_offset + extent_offset: move the base when it points past `from`, else each extent that does.
    const moveBase = method === 0 && baseSize > 0 && base >= from
    if (moveBase) writeUInt(b, baseAt, baseSize, base + delta)
    for (let e = 0; e < extents; e++) {
      at += indexSize
      const offset = readUInt(b, at, offsetSize)
      if (method === 0 && !moveBase && offsetSize > 0 && base + offset >= from) writeUInt(b, at, offsetSize, offset + delta)
      at += offsetSize + lengthSize
    }
  }
}

/**
 * Returns the bytes of the HEIF `input` with `transforms` associated (essential, in this order)
 * with its primary item, after the properties it already has.
 */
export const withHeifTransforms = (input: Buffer, transforms: ReadonlyArray<HeifTransform>): Buffer => {
  const top = boxesIn(input, 0, input.length)
  const meta = findBox(top, "meta")
  const metaKids = boxesIn(input, meta.start + 12, meta.start + meta.size)
  const pitm = findBox(metaKids, "pitm")
  const primary = input[pitm.start + 8] === 0 ? input.readUInt16BE(pitm.start + 12) : input.readUInt32BE(pitm.start + 12)
  const iprp = findBox(metaKids, "iprp")
  const iprpKids = boxesIn(input, iprp.start + 8, iprp.start + iprp.size)
  const ipco = findBox(iprpKids, "ipco")
  const ipma = findBox(iprpKids, "ipma")
  const existing = boxesIn(input, ipco.start + 8, ipco.start + ipco.size).length
  const added = transforms.map((t) => ("irot" in t ? box("irot", Buffer.from([t.irot & 3])) : box("imir", Buffer.from([t.imir & 1]))))
  const newIpco = box("ipco", Buffer.concat([input.subarray(ipco.start + 8, ipco.start + ipco.size), ...added]))

  // ipma: append the new 1-based property indices (essential bit set) to the primary item's entry.
  const version = input[ipma.start + 8]!
  const flags = input.readUIntBE(ipma.start + 9, 3)
  const wide = (flags & 1) === 1
  const parts: Array<Buffer> = [input.subarray(ipma.start + 8, ipma.start + 16)]
  let at = ipma.start + 16
  const entries = input.readUInt32BE(ipma.start + 12)
  let found = false
  for (let e = 0; e < entries; e++) {
    const idSize = version < 1 ? 2 : 4
    const id = version < 1 ? input.readUInt16BE(at) : input.readUInt32BE(at)
    const count = input[at + idSize]!
    const entryEnd = at + idSize + 1 + count * (wide ? 2 : 1)
    if (id !== primary) parts.push(input.subarray(at, entryEnd))
    else {
      found = true
      const head = Buffer.from(input.subarray(at, at + idSize + 1))
      head[idSize] = count + added.length
      const extra = added.map((_, i) => {
        const index = existing + i + 1
        if (index > (wide ? 0x7fff : 0x7f)) throw new Error(`property index ${index} does not fit the ipma entry`)
        if (wide) {
          const two = Buffer.alloc(2)
          two.writeUInt16BE(0x8000 | index)
          return two
        }
        return Buffer.from([0x80 | index])
      })
      parts.push(head, input.subarray(at + idSize + 1, entryEnd), ...extra)
    }
    at = entryEnd
  }
  if (!found) throw new Error(`primary item ${primary} has no ipma entry`)
  const newIpma = box("ipma", Buffer.concat(parts))

  const iprpBody = Buffer.concat(
    iprpKids.map((k) => (k.type === "ipco" ? newIpco : k.type === "ipma" ? newIpma : input.subarray(k.start, k.start + k.size)))
  )
  const newIprp = box("iprp", iprpBody)
  const metaBody = Buffer.concat([
    input.subarray(meta.start + 8, meta.start + 12),
    ...metaKids.map((k) => (k.type === "iprp" ? newIprp : Buffer.from(input.subarray(k.start, k.start + k.size))))
  ])
  const newMeta = box("meta", metaBody)
  const delta = newMeta.length - meta.size
  // Fix the iloc inside the new meta: extents after the old meta's end move by delta.
  const newKids = boxesIn(newMeta, 12, newMeta.length)
  const iloc = findBox(newKids, "iloc")
  shiftIloc(newMeta, iloc.start + 8, meta.start + meta.size, delta)
  return Buffer.concat([input.subarray(0, meta.start), newMeta, input.subarray(meta.start + meta.size)])
}

/**
 * The HEIF transforms (in association order) that display stored pixels as EXIF orientation `o`
 * (TIFF 6.0 tag 0x0112) does: 2 mirror left-right (`imir` 1); 3 `irot` 2; 4 mirror top-bottom
 * (`imir` 0); 5 mirror left-right then a quarter turn anti-clockwise (a transpose); 6 `irot` 3
 * (90 degrees clockwise); 7 mirror left-right then `irot` 3 (a transverse); 8 `irot` 1.
 */
export const heifTransformsForExif = (o: number): ReadonlyArray<HeifTransform> => {
  switch (o) {
    case 2: return [{ imir: 1 }]
    case 3: return [{ irot: 2 }]
    case 4: return [{ imir: 0 }]
    case 5: return [{ imir: 1 }, { irot: 1 }]
    case 6: return [{ irot: 3 }]
    case 7: return [{ imir: 1 }, { irot: 3 }]
    case 8: return [{ irot: 1 }]
    default: return []
  }
}
