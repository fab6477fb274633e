/**
 * MediaSniffer: decides what a file IS from its first bytes (magic numbers),
 * never from its name. ISO base media files (ISO/IEC 14496-12) are told apart
 * by the brands of their `ftyp` box: HEIF/HEIC (ISO/IEC 23008-12), AVIF
 * (AV1 Image File Format), QuickTime (`qt  `), 3GPP (`3gp*`, `3g2*`) and MP4.
 */
import { Effect } from "effect"
import { CorruptMediaError, UnsupportedMediaError } from "@curator/contracts"

/** Photo formats Curator decodes. */
export type PhotoFormat = "jpeg" | "png" | "webp" | "heic" | "avif"
/** Video container formats Curator probes with ffprobe. */
export type VideoFormat = "mp4" | "mov" | "3gp"

/**
 * What the magic bytes say a file is.
 * - `format`: container/image format (`heic` covers every HEIF still image, whatever its brand).
 * - `mime`: the IANA media type to store and serve it with.
 * - `ext`: the extension (no dot) Curator gives its blob key.
 */
export type SniffedType =
  | { readonly kind: "photo"; readonly format: PhotoFormat; readonly mime: string; readonly ext: string }
  | { readonly kind: "video"; readonly format: VideoFormat; readonly mime: string; readonly ext: string }

/** How many leading bytes `sniff` needs (an `ftyp` box with a few compatible brands fits). */
export const SNIFF_HEADER_BYTES = 64

const photo = (format: PhotoFormat, mime: string, ext: string): SniffedType => ({ kind: "photo", format, mime, ext })
const video = (format: VideoFormat, mime: string, ext: string): SniffedType => ({ kind: "video", format, mime, ext })

const JPEG = photo("jpeg", "image/jpeg", "jpg")
const PNG = photo("png", "image/png", "png")
const WEBP = photo("webp", "image/webp", "webp")
const HEIC = photo("heic", "image/heic", "heic")
const AVIF = photo("avif", "image/avif", "avif")
const MP4 = video("mp4", "video/mp4", "mp4")
const MOV = video("mov", "video/quicktime", "mov")
const GPP = video("3gp", "video/3gpp", "3gp")

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)))

const startsWith = (bytes: Uint8Array, signature: ReadonlyArray<number>, at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b)

// HEIF brands from ISO/IEC 23008-12 Annex B (heic/heix: HEVC stills, heim/heis: multi-layer,
// hevc/hevx: sequences; mif1/msf1 are the structural brands shared with AVIF).
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx"])
const AVIF_BRANDS = new Set(["avif", "avis"])
// MP4 family brands (ISO/IEC 14496-14 and common recorders' majors).
const MP4_BRANDS = new Set(["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "mmp4", "MSNV", "XAVC", "dash", "f4v "])
// QuickTime files written before `ftyp` existed start with one of these atoms.
const LEGACY_QUICKTIME_ATOMS = new Set(["moov", "mdat", "wide", "free", "skip", "pnot"])

const fromBrands = (brands: ReadonlyArray<string>): SniffedType | undefined => {
  // The major brand wins; then the compatible brands in order, image brands first
  // (a HEIC photo lists `mif1 heic`, an AVIF `mif1 avif miaf`).
  const [major = ""] = brands
  if (HEIC_BRANDS.has(major)) return HEIC
  if (AVIF_BRANDS.has(major)) return AVIF
  if (major === "qt  ") return MOV
  if (major.startsWith("3gp") || major.startsWith("3g2")) return GPP
  if (MP4_BRANDS.has(major)) return MP4
  if (brands.some((b) => AVIF_BRANDS.has(b))) return AVIF
  if (brands.some((b) => HEIC_BRANDS.has(b))) return HEIC
  if (brands.includes("mif1") || brands.includes("msf1")) return HEIC
  if (brands.includes("qt  ")) return MOV
  if (brands.some((b) => b.startsWith("3gp") || b.startsWith("3g2"))) return GPP
  if (brands.some((b) => MP4_BRANDS.has(b))) return MP4
  return undefined
}

// Formats we recognise but do not process, so the error can name them: each as the plural noun
// phrase the message starts with ("HLS playlists are not supported").
const KNOWN_UNSUPPORTED: ReadonlyArray<readonly [string, (b: Uint8Array) => boolean]> = [
  ["GIF images", (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a"],
  ["TIFF images", (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])],
  ["BMP images", (b) => ascii(b, 0, 2) === "BM"],
  ["Matroska/WebM videos", (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])],
  ["AVI videos", (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "AVI "],
  ["PDF documents", (b) => ascii(b, 0, 5) === "%PDF-"],
  ["HLS playlists", (b) => ascii(b, 0, 7) === "#EXTM3U"],
  ["ffmpeg concat scripts", (b) => ascii(b, 0, 8) === "ffconcat"],
  ["ZIP archives", (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04])]
]

/** What Curator takes, for the refusals. */
const SUPPORTED = "Curator takes JPEG, PNG, WebP, HEIC and AVIF photos and MP4, MOV and 3GP videos"

/**
 * Sniffs the media type from a file's first bytes (at least {@link SNIFF_HEADER_BYTES}
 * when the file is that long). Signatures: JPEG `FF D8 FF` (ITU T.81), PNG's 8-byte
 * signature (RFC 2083), WebP `RIFF....WEBP` (RFC 9649), ISO BMFF `....ftyp` + brands.
 *
 * Fails with `CorruptMediaError` ("empty file") when there are no bytes at all, and with
 * `UnsupportedMediaError` (naming the format when known) for anything else it does not take.
 */
export const sniff = (header: Uint8Array): Effect.Effect<SniffedType, UnsupportedMediaError | CorruptMediaError> => {
  const type = sniffSync(header)
  if (type !== undefined) return Effect.succeed(type)
  if (header.length === 0) {
    return Effect.fail(new CorruptMediaError({ message: "empty file (0 bytes): there is no photo or video in it, as when a copy or download was interrupted" }))
  }
  const known = KNOWN_UNSUPPORTED.find(([, test]) => test(header))
  return Effect.fail(
    new UnsupportedMediaError({
      message: known !== undefined ? `${known[0]} are not supported: ${SUPPORTED}` : `not a photo or video Curator recognises (unknown file signature): ${SUPPORTED}`
    })
  )
}

/** The synchronous core of {@link sniff}: the type, or `undefined` when the bytes match no supported signature. */
export const sniffSync = (header: Uint8Array): SniffedType | undefined => {
  if (startsWith(header, [0xff, 0xd8, 0xff])) return JPEG
  if (startsWith(header, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG
  if (ascii(header, 0, 4) === "RIFF" && ascii(header, 8, 12) === "WEBP") return WEBP
  const boxType = ascii(header, 4, 8)
  if (boxType === "ftyp" && header.length >= 16) {
    const size = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(0)
    const end = Math.min(size, header.length)
    const brands = [ascii(header, 8, 12)]
    for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(header, at, at + 4))
    return fromBrands(brands)
  }
  if (LEGACY_QUICKTIME_ATOMS.has(boxType) && header.length >= 8) return MOV
  return undefined
}
