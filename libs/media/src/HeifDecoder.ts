/// <reference path="./internal/modules.d.ts" />
/**
 * HeifDecoder: decodes HEIC (HEVC-coded HEIF) photos, which sharp's prebuilt libvips
 * cannot (no HEVC decoder) and Debian's ffmpeg 5.1 cannot open.
 *
 Native libheif only, through Debian's `heif-convert` (libheif-examples), writing a
 * quality-95 JPEG into a per-call temp dir. JPEG rather than PNG: it is about 4x faster to
 * write than PNG's zlib (docs/decisions/0001-heic-native-libheif.md) and sharp's JPEG
 * shrink-on-load keeps thumbnails cheap; PNG also fails on some ICC profiles. There is no
 * WebAssembly fallback (decision 0008): a missing `heif-convert` is a configuration error.
 *
 * libheif applies the HEIF `irot`/`imir` transforms itself; EXIF orientation is applied only
 * when the primary item has neither (the Samsung S24 FE fixture: EXIF 6, no `irot`).
 */
import { access, constants, readFile } from "node:fs/promises"
import path from "node:path"
import { Context, Effect, Layer, type Scope } from "effect"
import sharp, { type Sharp } from "sharp"
import { CorruptMediaError, MediaTooLargeError, type MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import { MediaConfig } from "./MediaConfig.js"
import { guardInput, ProcessRunner } from "./ProcessRunner.js"
import { readExif } from "./internal/exif.js"
import { heifResidualOrientation, readHeifLayout } from "./internal/heif.js"
import { applyOrientation, swapsAxes } from "./internal/orientation.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"

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

      const decode = Effect.fnUntraced(function* (input: string) {
        const file = yield* guardInput(input)
        if (!nativeExists) {
          return yield* new UnsupportedMediaError({
            message: `HEIC needs libheif's heif-convert at ${config.heifConvertPath} (Debian package libheif-examples), which is not installed`
          })
        }
        const item = yield* readHeifLayout(file, "HEIC")
        const header = yield* Effect.tryPromise({ try: () => sharp(file, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        const width = header.width ?? item.ispe?.width ?? 0
        const height = header.height ?? item.ispe?.height ?? 0
        if (width * height > config.maxInputPixels) {
          return yield* new MediaTooLargeError({
            message: `${width}x${height} px is ${(width * height / 1e6).toFixed(1)} megapixels, over the limit of ${(config.maxInputPixels / 1e6).toFixed(1)} megapixels (read from the HEIF header; not decoded)`
          })
        }
        const exif = yield* Effect.promise(() => readExif(header.exif))
        const orientation = heifResidualOrientation(item, exif.orientation ?? 1)
        const limitInputPixels = config.maxInputPixels

        const dir = yield* runner.tempDir
        const output = path.join(dir, "decoded.jpg")
        yield* runner.run("heif-convert", ["-q", String(NATIVE_JPEG_QUALITY), file, output]).pipe(
          Effect.mapError((error) =>
            error._tag === "CorruptMediaError"
              ? new CorruptMediaError({ message: `HEIC data cannot be decoded: the file is truncated or corrupt (${error.message})` })
              : error
          )
        )
        const jpeg = yield* Effect.promise(() => readFile(output))
        const info = yield* Effect.tryPromise({ try: () => sharp(jpeg).metadata(), catch: corruptFromSharp })
        // heif-convert copies the EXIF block into its JPEG. When that tag equals the residual
        // orientation (EXIF orientation, no irot/imir), sharp auto-orients from it, which keeps
        // JPEG shrink-on-load; an explicit rotate(90) before the resize disables it (measured by
        // tools/bench: 299 ms vs 36 ms for the 4000x1848 Samsung HEIC's thumbnail step). When
        // libheif already applied irot/imir, the residual is 1 and the copied tag must be ignored.
        const autoOrient = orientation !== 1 && (info.orientation ?? 1) === orientation
        const open = () => {
          const image = sharp(jpeg, { limitInputPixels, failOn: "truncated" })
          return autoOrient ? image.autoOrient() : applyOrientation(image, orientation)
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
