/**
 * OrientationNormalizer: turns an ORIGINAL photo that a download exports untouched (no enhanced
 * round) upright, in place, so every file Curator hands out shows upright with EXIF Orientation 1
 * or none (issue 12 item 3), losing as little as possible. Decision record 0012.
 *
 * - JPEG with EXIF Orientation 2..8: libjpeg-turbo's `jpegtran -perfect` transforms the DCT
 *   blocks (lossless: no pixel is re-quantised; every marker kept), then IFD0 Orientation is set
 *   to 1 and the EXIF thumbnail's IFD1 unlinked, in place. `-perfect` refuses when a partial edge
 *   block would have to move (a width or height that is not a multiple of the 8/16 px MCU along
 *   the turned edge, e.g. 2576x1932): then, and when jpegtran is not installed, the photo is
 *   re-encoded by sharp at quality {@link REENCODE_JPEG_QUALITY} with its chroma subsampling,
 *   EXIF (Orientation 1), ICC profile, XMP and IPTC kept.
 * - PNG / WebP with an EXIF Orientation: re-encoded upright (PNG and lossless WebP stay lossless;
 *   lossy WebP at {@link REENCODE_WEBP_QUALITY}), metadata kept, Orientation 1.
 * - HEIC / AVIF: HEIF readers turn the picture by its `irot`/`imir` boxes; when it has them, only
 *   a contradicting EXIF Orientation is reset to 1 (ExifTool). When it has none and an EXIF
 *   Orientation 2..8 (the Samsung S24 FE case), the equivalent `irot`/`imir` are added to the
 *   primary item (no pixel decoded) and the EXIF tag set to 1. A layout the box writer does not
 *   handle is left as it is (logged): there is no HEVC encoder to re-encode it with.
 * - Videos and photos already upright: unchanged.
 */
import { readFile, writeFile } from "node:fs/promises"
import path from "node:path"
import { type CorruptMediaError, InternalDefectError, MediaTooLargeError, type MediaToolTimeoutError, type UnsupportedMediaError } from "@curator/contracts"
import { Context, Effect, Layer } from "effect"
import sharp from "sharp"
import { MediaConfig } from "./MediaConfig.js"
import { sniffSync } from "./MediaSniffer.js"
import { guardInput, ProcessRunner } from "./ProcessRunner.js"
import { readExifOrientation } from "./internal/exif.js"
import { isHeifFamily, readHeifLayout } from "./internal/heif.js"
import { heifTransformsForExif, withHeifTransforms } from "./internal/heifTransforms.js"
import { jpegExifOrientation, setJpegExifOrientation, unlinkJpegExifThumbnail } from "./internal/jpegExif.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"

/** What {@link OrientationNormalizer.upright} did to the file. */
export type UprightAction = "unchanged" | "lossless-rotation" | "re-encoded" | "heif-transforms" | "exif-tag-reset"

/** JPEG quality of a re-encoded original: 95 keeps one generation of loss below what a viewer shows. */
export const REENCODE_JPEG_QUALITY = 95
/** WebP quality of a re-encoded lossy WebP original (same reasoning as {@link REENCODE_JPEG_QUALITY}). */
export const REENCODE_WEBP_QUALITY = 95

/** Failures of {@link OrientationNormalizer.upright}. */
export type UprightError = CorruptMediaError | InternalDefectError | MediaTooLargeError | MediaToolTimeoutError | UnsupportedMediaError

/** Local file I/O in the task's own temp dir: a failure there (disk full, the file gone) is the worker's, not the photo's. */
const fileIo = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: (error) => new InternalDefectError({ message: `could not ${what}: ${error instanceof Error ? error.message : String(error)}` }) })

/** jpegtran's operation for each EXIF orientation (libjpeg-turbo's jpegtran manual: -flip, -rotate, -transpose, -transverse). */
const JPEGTRAN_OPERATION: Readonly<Record<number, ReadonlyArray<string>>> = {
  2: ["-flip", "horizontal"],
  3: ["-rotate", "180"],
  4: ["-flip", "vertical"],
  5: ["-transpose"],
  6: ["-rotate", "90"],
  7: ["-transverse"],
  8: ["-rotate", "270"]
}

/** The service. */
export class OrientationNormalizer extends Context.Service<OrientationNormalizer, {
  /**
   * Makes the local file at `file` upright with Orientation 1 or none, in place (see the module
   * doc for how per format); returns what it did. Undecodable -> `CorruptMediaError`; over the
   * pixel limit (re-encoding only) -> `MediaTooLargeError`; a tool killed -> `MediaToolTimeoutError`;
   * the local file unreadable or unwritable -> `InternalDefectError`.
   */
  readonly upright: (file: string) => Effect.Effect<UprightAction, UprightError>
}>()("curator/media/OrientationNormalizer") {
  static readonly layer = Layer.effect(
    OrientationNormalizer,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const runner = yield* ProcessRunner
      const limitInputPixels = config.maxInputPixels

      /** Re-encodes `file` upright in its own format, metadata kept with Orientation 1 (pixel limit checked first). */
      const reencode = (file: string, bytes: Buffer, format: "jpeg" | "png" | "webp") =>
        Effect.tryPromise({ try: () => sharp(bytes, { limitInputPixels: false }).metadata(), catch: corruptFromSharp }).pipe(
          Effect.flatMap((meta) => {
            const pixels = (meta.width ?? 0) * (meta.height ?? 0)
            return pixels > limitInputPixels
              ? Effect.fail(new MediaTooLargeError({ message: `${meta.width}x${meta.height} px is over the limit of ${(limitInputPixels / 1e6).toFixed(1)} megapixels: the original cannot be turned upright` }))
              : Effect.void
          }),
          Effect.andThen(encodeUpright(file, bytes, format))
        )

      const encodeUpright = (file: string, bytes: Buffer, format: "jpeg" | "png" | "webp") =>
        Effect.tryPromise({
          try: async () => {
            const image = sharp(bytes, { failOn: "truncated", limitInputPixels })
            const meta = await image.metadata()
            let out = image.autoOrient().keepMetadata().withExifMerge({ IFD0: { Orientation: "1" } })
            if (format === "jpeg") {
              out = out.jpeg({ quality: REENCODE_JPEG_QUALITY, chromaSubsampling: meta.chromaSubsampling === "4:4:4" ? "4:4:4" : "4:2:0" })
            } else if (format === "png") out = out.png()
            else out = out.webp(isLosslessWebp(bytes) ? { lossless: true } : { quality: REENCODE_WEBP_QUALITY })
            const data = await out.toBuffer()
            if (format === "jpeg") unlinkJpegExifThumbnail(data)
            await writeFile(file, data)
          },
          catch: corruptFromSharp
        }).pipe(Effect.as("re-encoded" as const))

      const uprightJpeg = Effect.fnUntraced(function* (file: string, bytes: Buffer) {
        const orientation = jpegExifOrientation(bytes) ?? 1
        const operation = JPEGTRAN_OPERATION[orientation]
        if (operation === undefined) return "unchanged" as const
        const dir = yield* runner.tempDir
        const turned = path.join(dir, "upright.jpg")
        const lossless = yield* runner.run("jpegtran", ["-copy", "all", "-perfect", ...operation, "-outfile", turned, file]).pipe(
          Effect.as(true),
          // Not perfect (a partial edge block would move), or jpegtran missing: re-encode instead.
          Effect.catchTag("CorruptMediaError", () => Effect.succeed(false)),
          Effect.catchDefect(() => Effect.succeed(false))
        )
        if (!lossless) return yield* reencode(file, bytes, "jpeg")
        const data = yield* fileIo("read jpegtran's output", () => readFile(turned))
        setJpegExifOrientation(data, 1)
        unlinkJpegExifThumbnail(data)
        yield* fileIo("write the turned JPEG", () => writeFile(file, data))
        return "lossless-rotation" as const
      }, Effect.scoped)

      const setExifOrientationOne = (file: string) =>
        runner.run("exiftool", ["-q", "-q", "-m", "-n", "-P", "-overwrite_original", "-Orientation=1", file])

      const uprightHeif = Effect.fnUntraced(function* (file: string, bytes: Buffer, label: string) {
        const layout = yield* readHeifLayout(file, label)
        if (layout.sequence) return "unchanged" as const
        const header = yield* Effect.tryPromise({ try: () => sharp(bytes, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        const orientation = (yield* Effect.promise(() => readExifOrientation(header.exif))) ?? header.orientation ?? 1
        if (orientation === 1) return "unchanged" as const
        if (layout.hasIrot || layout.hasImir) {
          yield* setExifOrientationOne(file)
          return "exif-tag-reset" as const
        }
        const rewritten = yield* Effect.try({ try: () => withHeifTransforms(bytes, heifTransformsForExif(orientation)), catch: (error) => error })
          .pipe(Effect.option)
        if (rewritten._tag === "None") {
          yield* Effect.logWarning("HEIF original left with its EXIF orientation: its box layout could not take irot/imir").pipe(
            Effect.annotateLogs({ file: path.basename(file), orientation })
          )
          return "unchanged" as const
        }
        yield* fileIo("write the HEIF with irot/imir", () => writeFile(file, rewritten.value))
        yield* setExifOrientationOne(file)
        return "heif-transforms" as const
      })

      const upright = Effect.fn("OrientationNormalizer.upright")(function* (input: string) {
        const file = yield* guardInput(input)
        const bytes = yield* fileIo("read the photo", () => readFile(file))
        const sniffed = sniffSync(bytes.subarray(0, 64))
        if (sniffed === undefined || sniffed.kind !== "photo") return "unchanged" as const
        if (sniffed.format === "jpeg") return yield* uprightJpeg(file, bytes)
        if (isHeifFamily(sniffed)) return yield* uprightHeif(file, bytes, sniffed.format.toUpperCase())
        const meta = yield* Effect.tryPromise({ try: () => sharp(bytes, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        if ((meta.orientation ?? 1) === 1) return "unchanged" as const
        return yield* reencode(file, bytes, sniffed.format === "png" ? "png" : "webp")
      })

      return OrientationNormalizer.of({ upright })
    })
  )
}

/** True for a lossless WebP: a simple-format `VP8L` image, or an extended-format file holding a `VP8L` chunk (RFC 9649 §2.5-2.7). */
const isLosslessWebp = (bytes: Uint8Array): boolean => {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString("latin1")
  return head.slice(12, 16) === "VP8L" || (head.slice(12, 16) === "VP8X" && head.includes("VP8L") && !head.includes("VP8 "))
}
