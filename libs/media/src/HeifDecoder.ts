/// <reference path="./internal/modules.d.ts" />
/**
 * HeifDecoder: decodes HEIC (HEVC-coded HEIF) photos, which sharp's prebuilt libvips
 * cannot (no HEVC decoder) and Debian's ffmpeg 5.1 cannot open.
 *
 * Native libheif only, through Debian's `heif-convert` (libheif-examples), writing a
 * quality-95 JPEG into a per-call temp dir. JPEG rather than PNG: it is about 4x faster to
 * write than PNG's zlib (docs/decisions/0001-heic-native-libheif.md) and sharp's JPEG
 * shrink-on-load keeps thumbnails cheap; PNG also fails on some ICC profiles. There is no
 * WebAssembly fallback (decision 0008): a missing `heif-convert` is a configuration error.
 *
 * libheif applies the HEIF `irot`/`imir` transforms itself; EXIF orientation is applied only
 * when the primary item has neither (the Samsung S24 FE fixture: EXIF 6, no `irot`).
 *
 * Only the primary item (`pitm`) is decoded, whatever else the file holds (several top-level
 * images: a collection, a stereo pair, a burst stored as items, a grid with further images, an
 * alpha plane or thumbnail left visible). A HEIF image sequence (brand `msf1`, a `moov` with an
 * image track and no primary item) gives its first frame, decoded by ffmpeg (its `mov` demuxer
 * reads the sequence's HEVC track; libheif 1.15 reads still items only).
 */
import { access, constants, copyFile, open, readFile } from "node:fs/promises"
import path from "node:path"
import { Context, Effect, Layer, type Scope } from "effect"
import sharp, { type Sharp } from "sharp"
import { CorruptMediaError, MediaTooLargeError, type MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import { MediaConfig } from "./MediaConfig.js"
import { guardInput, ProcessRunner } from "./ProcessRunner.js"
import { readExifOrientation } from "./internal/exif.js"
import { type HeifLayout, heifResidualOrientation, readHeifLayout } from "./internal/heif.js"
import { setJpegExifOrientation } from "./internal/jpegExif.js"
import { applyOrientation, swapsAxes } from "./internal/orientation.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"
import { extractFrame } from "./internal/videoFrame.js"

/**
 * A decoded HEIC, upright: `width`/`height` are the displayed size in px (all transforms applied).
 * `pipeline()` starts a NEW sharp pipeline on the decoded pixels with the orientation already
 * queued, ready for resize/encode.
 * Valid while the scope passed to `decode` is open (the intermediate lives in its temp dir).
 */
export interface DecodedImage {
  readonly width: number
  readonly height: number
  readonly pipeline: () => Sharp
}

/** Failures of {@link HeifDecoder.decode}. */
export type HeifDecodeError = CorruptMediaError | MediaTooLargeError | MediaToolTimeoutError | UnsupportedMediaError

/** The intermediate JPEG quality: 95 keeps the 400 px thumbnail and quality scores free of visible loss. */
export const NATIVE_JPEG_QUALITY = 95

/**
 * A heif-convert failure as a typed error with a true message: libheif's "Unsupported feature" /
 * "Unsupported file-type" -> `UnsupportedMediaError`; anything else (truncated data, invalid
 * boxes) -> `CorruptMediaError`. libheif's empty sub-error texts ("Unknown error", "Unspecified")
 * are dropped: they tell the person nothing.
 */
export const heifConvertError = (toolMessage: string): CorruptMediaError | UnsupportedMediaError => {
  const reason = toolMessage
    .replace(/^heif-convert could not read the file: /, "")
    .replace(/:\s*(Unknown error|Unspecified)\b\.?/gi, "")
    .replace(/\b(Unknown error|Unspecified)\b:?\s*/gi, "")
    .trim()
  return /unsupported/i.test(reason)
    ? new UnsupportedMediaError({ message: `this HEIF file uses a feature libheif cannot decode (${reason})` })
    : new CorruptMediaError({ message: `HEIC data cannot be decoded: the file is truncated or corrupt (${reason})` })
}

/** Copies `file` into `dir` with every image other than the primary flagged hidden (see `decode`). */
const primaryOnlyCopy = (file: string, dir: string, layout: HeifLayout) =>
  Effect.tryPromise(async () => {
    const copy = path.join(dir, "primary-only.heic")
    await copyFile(file, copy)
    const handle = await open(copy, "r+")
    try {
      const byte = Buffer.alloc(1)
      for (const item of layout.secondaryImages) {
        const at = layout.metaOffset + item.flagsOffset
        await handle.read(byte, 0, 1, at)
        byte[0] = (byte[0] ?? 0) | 1
        await handle.write(byte, 0, 1, at)
      }
    } finally {
      await handle.close()
    }
    return copy
  }).pipe(
    // The input was just read (layout, header): a failure here is the temp dir's (disk full), a defect of the worker.
    Effect.orDie
  )

/** The service. */
export class HeifDecoder extends Context.Service<HeifDecoder, {
  /**
   * Decodes the primary image of the HEIC at `path`. Checks the pixel limit from the header
   * first (an external decoder bypasses sharp's `limitInputPixels`) -> `MediaTooLargeError`;
   * truncated or undecodable -> `CorruptMediaError`; heif-convert killed -> `MediaToolTimeoutError`.
   */
  readonly decode: (path: string) => Effect.Effect<DecodedImage, HeifDecodeError, Scope.Scope>
}>()("curator/media/HeifDecoder") {
  static readonly layer = Layer.effect(
    HeifDecoder,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const runner = yield* ProcessRunner
      yield* Effect.sync(() => sharp.cache(false))
      // Checked once per layer (cold start); a missing binary fails each HEIC with a clear message
      // instead of an ENOENT from the spawn.
      const nativeExists = yield* Effect.promise(() =>
        access(config.heifConvertPath, constants.X_OK).then(() => true, () => false)
      )

      /** The first frame of a HEIF image sequence (no primary item), through ffmpeg's `mov` demuxer and HEVC decoder. */
      const decodeFirstFrame = Effect.fnUntraced(function* (file: string) {
        const probe = yield* runner.probe(file, { demuxer: "mov" })
        const stream = probe.streams.find((s) => s.codec_type === "video")
        const width = stream?.width ?? 0
        const height = stream?.height ?? 0
        if (stream === undefined || width <= 0 || height <= 0) {
          return yield* new CorruptMediaError({ message: "the HEIF image sequence has no decodable image track" })
        }
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, "read from the sequence's track header")
        // Full size: extractFrame's scale never enlarges and the pixel limit was checked above.
        const frame = yield* extractFrame(runner, file, 0, Math.max(width, height))
        const limitInputPixels = config.maxInputPixels
        return {
          width: frame.width,
          height: frame.height,
          pipeline: () => sharp(frame.jpeg, { limitInputPixels, failOn: "truncated" })
        } satisfies DecodedImage
      })

      const tooLarge = (width: number, height: number, source: string) =>
        new MediaTooLargeError({
          message: `${width}x${height} px is ${(width * height / 1e6).toFixed(1)} megapixels, over the limit of ${(config.maxInputPixels / 1e6).toFixed(1)} megapixels (${source}; not decoded)`
        })

      const decode = Effect.fnUntraced(function* (input: string) {
        const file = yield* guardInput(input)
        if (!nativeExists) {
          return yield* new UnsupportedMediaError({
            message: `HEIC needs libheif's heif-convert at ${config.heifConvertPath} (Debian package libheif-examples), which is not installed`
          })
        }
        const layout = yield* readHeifLayout(file, "HEIC")
        if (layout.sequence) return yield* decodeFirstFrame(file)
        const header = yield* Effect.tryPromise({ try: () => sharp(file, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        const width = header.width ?? layout.ispe?.width ?? 0
        const height = header.height ?? layout.ispe?.height ?? 0
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, "read from the HEIF header")
        const orientation = heifResidualOrientation(layout, (yield* Effect.promise(() => readExifOrientation(header.exif))) ?? 1)
        const limitInputPixels = config.maxInputPixels

        const dir = yield* runner.tempDir
        // heif-convert writes every top-level image (name-1.jpg ... name-N.jpg when there are several:
        // a collection, a stereo pair, a burst stored as items, a non-hidden thumbnail or alpha plane).
        // Only the primary item is the photo: a private copy with the other images flagged hidden
        // (infe flags bit 0, ISO/IEC 14496-12 §8.11.6) makes it the only one, so exactly one JPEG is
        // decoded and written, whatever the file holds.
        const source = layout.secondaryImages.length === 0 ? file : yield* primaryOnlyCopy(file, dir, layout)
        const output = path.join(dir, "decoded.jpg")
        yield* runner.run("heif-convert", ["-q", String(NATIVE_JPEG_QUALITY), source, output]).pipe(
          Effect.mapError((error) => (error._tag === "CorruptMediaError" ? heifConvertError(error.message) : error))
        )
        const jpeg = yield* Effect.tryPromise({
          try: () => readFile(output),
          catch: () => new CorruptMediaError({ message: "HEIC data cannot be decoded: libheif wrote no image for the primary item" })
        })
        // heif-convert copies the EXIF block into its JPEG unchanged, although libheif has already
        // applied irot/imir to the pixels: that stale tag would turn an iPhone photo (irot + EXIF 6)
        // sideways again in every output that keeps EXIF. The tag is set to what is still to be done
        // (the residual orientation), so sharp's auto-orientation is always right and removes the
        // tag; it also keeps JPEG shrink-on-load (an explicit rotate(90) before a resize disables
        // it: 299 ms vs 36 ms for the 4000x1848 Samsung HEIC's thumbnail step, tools/bench).
        const tagged = setJpegExifOrientation(jpeg, orientation)
        const info = yield* Effect.tryPromise({ try: () => sharp(jpeg).metadata(), catch: corruptFromSharp })
        const open = () => {
          const image = sharp(jpeg, { limitInputPixels, failOn: "truncated" })
          return tagged ? image.autoOrient() : applyOrientation(image, orientation)
        }
        const swap = swapsAxes(orientation)
        return {
          width: swap ? (info.height ?? 0) : (info.width ?? 0),
          height: swap ? (info.width ?? 0) : (info.height ?? 0),
          pipeline: open
        } satisfies DecodedImage
      })

      return HeifDecoder.of({ decode })
    })
  )
}
