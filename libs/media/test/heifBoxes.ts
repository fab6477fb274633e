/**
 * Test-media helpers over HEIF files: transforms added to heif-enc output (the writer is
 * src/internal/heifTransforms.ts, checked here by libheif decoding the result), items shown or
 * made primary.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { boxesIn, findBox, type HeifTransform, withHeifTransforms } from "../src/internal/heifTransforms.js"

export type { HeifTransform } from "../src/internal/heifTransforms.js"

/** {@link withHeifTransforms} from file to file. */
export const writeHeifWithTransforms = (input: string, output: string, transforms: ReadonlyArray<HeifTransform>) =>
  writeFileSync(output, withHeifTransforms(readFileSync(input), transforms))

/** The `infe` items of a HEIF file: id, type and the file offset of the byte holding the hidden flag (flags bit 0). */
const infeItems = (b: Buffer) => {
  const meta = findBox(boxesIn(b, 0, b.length), "meta")
  const kids = boxesIn(b, meta.start + 12, meta.start + meta.size)
  const iinf = findBox(kids, "iinf")
  const first = iinf.start + 8 + (b[iinf.start + 8] === 0 ? 6 : 8)
  return boxesIn(b, first, iinf.start + iinf.size)
    .filter((box) => box.type === "infe" && b[box.start + 8]! >= 2)
    .map((box) => {
      const v3 = b[box.start + 8] === 3
      const id = v3 ? b.readUInt32BE(box.start + 12) : b.readUInt16BE(box.start + 12)
      const type = b.toString("latin1", box.start + (v3 ? 18 : 16), box.start + (v3 ? 22 : 20))
      return { id, type, flagByte: box.start + 11 }
    })
}

/** Returns a copy of the HEIF `input` whose items of `types` (e.g. `hvc1` grid tiles) are shown (hidden flag cleared). */
export const withItemsShown = (input: Buffer, types: ReadonlySet<string>): Buffer => {
  const out = Buffer.from(input)
  for (const item of infeItems(out)) if (types.has(item.type)) out[item.flagByte] = out[item.flagByte]! & 0xfe
  return out
}

/** Returns a copy of the HEIF `input` whose primary item (`pitm`) is `id`. */
export const withPrimaryItem = (input: Buffer, id: number): Buffer => {
  const out = Buffer.from(input)
  const meta = findBox(boxesIn(out, 0, out.length), "meta")
  const pitm = findBox(boxesIn(out, meta.start + 12, meta.start + meta.size), "pitm")
  if (out[pitm.start + 8] === 0) out.writeUInt16BE(id, pitm.start + 12)
  else out.writeUInt32BE(id, pitm.start + 12)
  return out
}

/** The image item ids of a HEIF file in `iinf` order, with their types. */
export const heifItemList = (input: Buffer) => infeItems(input).map(({ id, type }) => ({ id, type }))
