/**
 * Generated media for the orientation tests (issue 12 item 3): an asymmetric test pattern
 * (quadrants red, green / blue, white as displayed) stored rotated or mirrored so that the
 * file's own orientation instruction (EXIF Orientation, HEIF `irot`/`imir`) brings it upright.
 * "Upright" is then checked on pixels ({@link quadrants}) and the orientation tags are read by
 * ExifTool itself (one `-stay_open` process, `-n -a -G1`), independent of sharp and exifr.
 */
import { execFileSync } from "node:child_process"
import path from "node:path"
import { ExifTool } from "exiftool-vendored"
import sharp from "sharp"
import { type HeifTransform, writeHeifWithTransforms } from "./heifBoxes.js"

export const EXIFTOOL = path.resolve(import.meta.dirname, "../../../node_modules/exiftool-vendored.pl/bin/exiftool")

/** The displayed pattern: 96x64 px, quadrants R G / B W. */
export const PATTERN = { width: 96, height: 64, quadrants: "RG/BW" } as const

interface Raw {
  readonly data: Buffer
  readonly width: number
  readonly height: number
}

const pattern = (): Raw => {
  const { width, height } = PATTERN
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const left = x < width / 2
      const top = y < height / 2
      const rgb = top ? (left ? [255, 0, 0] : [0, 255, 0]) : left ? [0, 0, 255] : [255, 255, 255]
      data.set(rgb, (y * width + x) * 3)
    }
  }
  return { data, width, height }
}

/** Builds a raster of size w x h whose pixel (x, y) is `src` at `from(x, y)`. */
const remap = (src: Raw, width: number, height: number, from: (x: number, y: number) => readonly [number, number]): Raw => {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = from(x, y)
      src.data.copy(data, (y * width + x) * 3, (sy * src.width + sx) * 3, (sy * src.width + sx) * 3 + 3)
    }
  }
  return { data, width, height }
}

/** 90 degrees clockwise. */
const rotCw = (s: Raw) => remap(s, s.height, s.width, (x, y) => [y, s.height - 1 - x])
/** 90 degrees anti-clockwise. */
const rotCcw = (s: Raw) => remap(s, s.height, s.width, (x, y) => [s.width - 1 - y, x])
const flipLeftRight = (s: Raw) => remap(s, s.width, s.height, (x, y) => [s.width - 1 - x, y])
const flipTopBottom = (s: Raw) => remap(s, s.width, s.height, (x, y) => [x, s.height - 1 - y])

/**
 * The stored raster for EXIF orientation `o` (TIFF 6.0 / EXIF 2.32 tag 0x0112): the inverse of
 * what a viewer does for `o`. 2 mirror left-right; 3 rotate 180; 4 mirror top-bottom; 5 mirror
 * left-right + rotate 270 CW (a transpose); 6 rotate 90 CW; 7 mirror left-right + rotate 90 CW
 * (a transverse); 8 rotate 270 CW.
 */
const storedForExif = (o: number, u: Raw): Raw => {
  switch (o) {
    case 2: return flipLeftRight(u)
    case 3: return rotCw(rotCw(u))
    case 4: return flipTopBottom(u)
    case 5: return flipLeftRight(rotCw(u)) // display = rot270cw(flipLR(stored)) -> stored = flipLR(rot90cw(display))
    case 6: return rotCcw(u)
    case 7: return flipLeftRight(rotCcw(u)) // display = rot90cw(flipLR(stored)) -> stored = flipLR(rot90ccw(display))
    case 8: return rotCw(u)
    default: return u
  }
}

/**
 * The stored raster for HEIF transforms applied in association order (ISO/IEC 23008-12: `irot`
 * turns anti-clockwise by angle x 90; `imir` mode 0 exchanges top and bottom, 1 left and right):
 * the transforms undone in reverse order.
 */
const storedForHeif = (transforms: ReadonlyArray<HeifTransform>, u: Raw): Raw =>
  [...transforms].reverse().reduce((raster, t) => {
    if ("imir" in t) return t.imir === 0 ? flipTopBottom(raster) : flipLeftRight(raster)
    let out = raster
    for (let i = 0; i < t.irot; i++) out = rotCw(out)
    return out
  }, u)

let tool: ExifTool | undefined
/** One ExifTool process (`-stay_open`, through exiftool-vendored) for every read and write of a test file; {@link endExiftool} ends it. */
const exiftool = () => (tool ??= new ExifTool({ maxProcs: 1, exiftoolPath: EXIFTOOL, taskTimeoutMillis: 60_000 }))

/** Ends the shared ExifTool process (call in afterAll). */
export const endExiftool = async () => {
  await tool?.end()
  tool = undefined
}

/** Writes the EXIF Orientation tag (numeric) and a DateTimeOriginal into `file` with ExifTool. */
export const writeExifOrientation = (file: string, orientation: number) =>
  exiftool().write(file, {}, { writeArgs: ["-overwrite_original", `-Orientation#=${orientation}`, "-DateTimeOriginal=2024:05:06 07:08:09"] })

/** Every Orientation tag ExifTool finds in `file` (all groups, numeric). */
export const orientationTags = async (file: string): Promise<ReadonlyArray<number>> => {
  const tags = await exiftool().readRaw(file, { readArgs: ["-n", "-a", "-G1", "-Orientation"] })
  return Object.entries(tags).filter(([k]) => k.endsWith(":Orientation")).map(([, v]) => Number(v))
}

/** A photo (`jpeg`, `png`, `webp`) of the pattern stored for EXIF orientation `o`, the tag written by ExifTool. */
export const exifOrientedPhoto = async (dir: string, format: "jpeg" | "png" | "webp", o: number): Promise<string> => {
  const stored = storedForExif(o, pattern())
  const file = path.join(dir, `exif-${o}.${format === "jpeg" ? "jpg" : format}`)
  const image = sharp(stored.data, { raw: { width: stored.width, height: stored.height, channels: 3 } })
  await (format === "jpeg" ? image.jpeg({ quality: 95 }) : format === "png" ? image.png() : image.webp({ quality: 95 })).toFile(file)
  await writeExifOrientation(file, o)
  return file
}

/**
 * A HEIC (heif-enc) or AVIF of the pattern stored so that `transforms` bring it upright, the
 * transforms written as `irot`/`imir` properties of the primary item, and with EXIF Orientation
 * `exif` written by ExifTool (undefined: no EXIF block).
 */
export const heifOrientedPhoto = async (
  dir: string,
  name: string,
  transforms: ReadonlyArray<HeifTransform>,
  exif: number | undefined,
  format: "heic" | "avif" = "heic"
): Promise<string> => {
  const stored = storedForHeif(transforms, pattern())
  const png = path.join(dir, `${name}.png`)
  await sharp(stored.data, { raw: { width: stored.width, height: stored.height, channels: 3 } }).png().toFile(png)
  const plain = path.join(dir, `${name}.plain.${format}`)
  execFileSync("heif-enc", [...(format === "avif" ? ["-A"] : []), "-q", "95", "-o", plain, png], { stdio: "ignore" })
  const file = path.join(dir, `${name}.${format}`)
  writeHeifWithTransforms(plain, file, transforms)
  if (exif !== undefined) await writeExifOrientation(file, exif)
  return file
}

/**
 * A HEIC (heif-enc) of the pattern stored for EXIF orientation `o` with NO `irot`/`imir`, the EXIF
 * tag written by ExifTool: the Samsung Galaxy S24 FE case, where the EXIF tag is the only instruction.
 */
export const heifExifOnlyPhoto = async (dir: string, o: number): Promise<string> => {
  const stored = storedForExif(o, pattern())
  const png = path.join(dir, `heif-exif-${o}.png`)
  await sharp(stored.data, { raw: { width: stored.width, height: stored.height, channels: 3 } }).png().toFile(png)
  const file = path.join(dir, `heif-exif-${o}.heic`)
  execFileSync("heif-enc", ["-q", "95", "-o", file, png], { stdio: "ignore" })
  await writeExifOrientation(file, o)
  return file
}

/**
 * The colours at the centres of the four quadrants of an image as decoded (NO orientation
 * applied), e.g. "RG/BW", plus its stored size.
 */
export const quadrants = async (input: Uint8Array | string): Promise<{ readonly size: string; readonly quadrants: string }> => {
  const { data, info } = await sharp(input).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true })
  const at = (fx: number, fy: number) => {
    const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * info.channels
    const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]]
    return r > 128 && g > 128 && b > 128 ? "W" : r > 128 ? "R" : g > 128 ? "G" : b > 128 ? "B" : "?"
  }
  return { size: `${info.width}x${info.height}`, quadrants: `${at(0.25, 0.25)}${at(0.75, 0.25)}/${at(0.25, 0.75)}${at(0.75, 0.75)}` }
}

/** Every HEIF transform list of the tests: no transform, each `irot`, each `imir`, and each rotation with each mirror in both orders. */
export const HEIF_TRANSFORMS: ReadonlyArray<ReadonlyArray<HeifTransform>> = [
  [],
  ...([1, 2, 3] as const).map((irot) => [{ irot }]),
  ...([0, 1] as const).map((imir) => [{ imir }]),
  ...([1, 2, 3] as const).flatMap((irot) => ([0, 1] as const).flatMap((imir) => [[{ irot }, { imir }], [{ imir }, { irot }]]))
]
