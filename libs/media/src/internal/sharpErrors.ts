/**
 * Turns a sharp/libvips failure into a `CorruptMediaError` with a reason a person
 * can act on. libvips messages are matched by the loader's own wording
 * (VipsJpeg / VipsForeignLoadPng / heif / webp); the raw message is kept after a colon.
 */
import { CorruptMediaError } from "@curator/contracts"

const REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/premature end of JPEG|JPEG datastream contains no image|Corrupt JPEG data|Not a JPEG/i, "JPEG data ends early: the file is truncated"],
  [/(png|spng).*(truncat|end of|IDAT|CRC)|read error/i, "PNG data ends early or is damaged: the file is truncated or corrupt"],
  [/webp|VP8/i, "WebP data cannot be decoded: the file is truncated or corrupt"],
  [/heif|bad seek|end of file/i, "HEIF data cannot be decoded: the file is truncated or corrupt"],
  [/corrupt header|unsupported image format|Input file contains unsupported/i, "the image header cannot be read: the file is truncated or corrupt"]
]

const firstLine = (message: string) => message.split(/\r?\n/)[0]?.trim() ?? message

/** Maps any thrown value from sharp to a `CorruptMediaError` whose message starts with a human reason. */
export const corruptFromSharp = (cause: unknown): CorruptMediaError => {
  const message = cause instanceof Error ? cause.message : String(cause)
  const reason = REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? "the image cannot be decoded"
  return new CorruptMediaError({ message: `${reason} (${firstLine(message)})` })
}
