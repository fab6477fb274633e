/**
 * ThumbnailRenderer: the 400 px (longest edge) JPEG thumbnail of a photo or video,
 * upright. Photos go through sharp from the FILE PATH with resize, so libjpeg's
 * shrink-on-load (DCT scaling by 1/2, 1/4, 1/8) decodes a JPEG at reduced size instead
 * of full size; `failOn: "truncated"` makes a partial JPEG an error instead of a grey
 * bottom half. HEIC goes through {@link HeifDecoder}; videos through ffmpeg (frame at
 * 1 s with input seeking, the first frame for clips shorter than 1.2 s).
 */
import { Context, Effect, Layer } from "effect"
import sharp, { type Sharp } from "sharp"
import type { CorruptMediaError, MediaTooLargeError, MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import { HeifDecoder } from "./HeifDecoder.js"
import { MediaConfig } from "./MediaConfig.js"
import type { SniffedType } from "./MediaSniffer.js"
import type { MediaMetadata } from "./MetadataReader.js"
import { ProcessRunner } from "./ProcessRunner.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"
import { extractFrame } from "./internal/videoFrame.js"

/** A thumbnail: baseline JPEG bytes and its size in px (longest edge <= {@link THUMBNAIL_EDGE}). */
export interface Thumbnail {
  readonly jpeg: Uint8Array
  readonly width: number
  readonly height: number
}

/** Longest edge of a thumbnail in px (ARCHITECTURE.md: "400 px thumbnail"). */
export const THUMBNAIL_EDGE = 400
/** JPEG quality of thumbnails (sharp's default is 80; 82 keeps fine texture for the quality scores). */
export const THUMBNAIL_QUALITY = 82
/** The frame time of a video thumbnail in s; clips shorter than {@link SHORT_CLIP_SECONDS} use the first frame. */
export const VIDEO_THUMBNAIL_SECONDS = 1
/** Below this duration (s) a 1 s seek risks landing on the last frame or none at all. */
export const SHORT_CLIP_SECONDS = 1.2

/** Failures of {@link ThumbnailRenderer.render}. */
export type ThumbnailError = CorruptMediaError | MediaTooLargeError | MediaToolTimeoutError | UnsupportedMediaError

/** The service. */
export class ThumbnailRenderer extends Context.Service<ThumbnailRenderer, {
  /**
   * Renders the thumbnail of the file at `path` (sniffed and read already).
   * Truncated/undecodable -> `CorruptMediaError`; over the pixel limit -> `MediaTooLargeError`;
   * a media tool killed on timeout -> `MediaToolTimeoutError`.
   */
  readonly render: (path: string, sniffed: SniffedType, metadata: MediaMetadata) => Effect.Effect<Thumbnail, ThumbnailError>
}>()("curator/media/ThumbnailRenderer") {
  static readonly layer = Layer.effect(
    ThumbnailRenderer,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const heif = yield* HeifDecoder
      const runner = yield* ProcessRunner
      yield* Effect.sync(() => sharp.cache(false))

      const encode = (image: Sharp) =>
        Effect.tryPromise({
          try: () =>
            image
              .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: "inside", withoutEnlargement: true })
              .jpeg({ quality: THUMBNAIL_QUALITY })
              .toBuffer({ resolveWithObject: true }),
          catch: corruptFromSharp
        }).pipe(Effect.map(({ data, info }): Thumbnail => ({ jpeg: new Uint8Array(data), width: info.width, height: info.height })))

      const render = (path: string, sniffed: SniffedType, metadata: MediaMetadata): Effect.Effect<Thumbnail, ThumbnailError> => {
        if (sniffed.kind === "video") {
          const at = (metadata.durationSeconds ?? 0) < SHORT_CLIP_SECONDS ? 0 : VIDEO_THUMBNAIL_SECONDS
          return Effect.scoped(extractFrame(runner, path, at, THUMBNAIL_EDGE))
        }
        if (sniffed.format === "heic") {
          return Effect.scoped(Effect.flatMap(heif.decode(path), (decoded) => encode(decoded.pipeline())))
        }
        // `.rotate()` with no angle applies the EXIF orientation (sharp "autoOrient").
        return encode(sharp(path, { failOn: "truncated", limitInputPixels: config.maxInputPixels }).rotate())
      }

      return ThumbnailRenderer.of({ render })
    })
  )
}
