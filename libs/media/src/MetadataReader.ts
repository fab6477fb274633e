/**
 * MetadataReader: reads what Curator stores about a photo or video WITHOUT decoding
 * pixels: header dimensions (checked against the pixel limit before anything decodes),
 * EXIF (exifr) for photos, ffprobe's JSON for videos.
 */
import { Context, Effect, Layer } from "effect"
import sharp from "sharp"
import {
  CorruptMediaError,
  type CaptureTime,
  type GpsPosition,
  type MediaItem,
  MediaTooLargeError,
  type MediaToolTimeoutError,
  UnsupportedMediaError
} from "@curator/contracts"
import { MediaConfig } from "./MediaConfig.js"
import type { SniffedType } from "./MediaSniffer.js"
import { ProcessRunner, type FfprobeResult, type FfprobeStream } from "./ProcessRunner.js"
import { captureTimeOf, readExif, softwareAndComment } from "./internal/exif.js"
import { heifResidualOrientation, isHeifFamily, readHeifLayout } from "./internal/heif.js"
import { readTopLevel } from "./internal/isobmff.js"
import { parseIso6709 } from "./internal/iso6709.js"
import { swapsAxes } from "./internal/orientation.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"

/**
 * A MediaItem without the fields that belong to the upload (fileId, key, fileName, bytes,
 * contentHash): kind, mime, codec, displayed width/height (px, orientation/rotation applied),
 * captureTime, gps, make, model, software and userComment (photos), orientation (EXIF 1..8),
 * rotation (video, degrees clockwise), durationSeconds and hasAudio (videos; null for photos).
 */
export type MediaMetadata = Omit<MediaItem, "fileId" | "key" | "fileName" | "bytes" | "contentHash">

/** Failures of {@link MetadataReader.read}. */
export type MetadataError = CorruptMediaError | UnsupportedMediaError | MediaTooLargeError | MediaToolTimeoutError

const tooLarge = (width: number, height: number, limit: number) =>
  new MediaTooLargeError({
    message: `${width}x${height} px is ${(width * height / 1e6).toFixed(1)} megapixels, over the limit of ${(limit / 1e6).toFixed(1)} megapixels (read from the header; not decoded)`
  })

/** Normalises a rotation to 0/90/180/270 degrees clockwise (nearest quarter turn). */
export const normaliseRotation = (clockwise: number): number => (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360

/**
 * The display rotation of a video stream in degrees clockwise: from the display matrix in
 * `side_data_list` (ffprobe reports its angle counter-clockwise, hence the sign flip), else
 * the legacy `rotate` tag (clockwise), else 0.
 */
export const streamRotation = (stream: FfprobeStream): number => {
  const matrix = stream.side_data_list?.find((s) => typeof s.rotation === "number")
  if (matrix?.rotation !== undefined) return normaliseRotation(-matrix.rotation)
  const tag = Number(stream.tags?.rotate)
  return Number.isFinite(tag) ? normaliseRotation(tag) : 0
}

const QT_DATE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Video capture time. `com.apple.quicktime.creationdate` is local time WITH its offset
 * (e.g. `2019-07-24T11:25:40+0300`); MP4/QuickTime `creation_time` is UTC (ISO/IEC 14496-12
 * `mvhd`, seconds since 1904 UTC) with no offset. Zero dates (1904/1970 epochs) count as none.
 */
export const videoCaptureTime = (tags: Readonly<Record<string, string>>): CaptureTime | null => {
  const apple = QT_DATE.exec(tags["com.apple.quicktime.creationdate"] ?? "")
  if (apple !== null) {
    const [, date, time, zone] = apple
    const local = `${date}T${time}`
    if (zone === undefined) return captureTimeOf(local, null, "quicktime")
    if (zone === "Z") return captureTimeOf(local, 0, "quicktime")
    const sign = zone.startsWith("-") ? -1 : 1
    const digits = zone.slice(1).replace(":", "")
    return captureTimeOf(local, sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))), "quicktime")
  }
  const container = QT_DATE.exec(tags.creation_time ?? "")
  if (container !== null) {
    const [, date = "", time] = container
    if (Number(date.slice(0, 4)) <= 1970) return null
    const utc = `${date}T${time}`
    return { local: utc, offsetMinutes: null, utc: `${utc}Z`, source: "container" }
  }
  return null
}

/** Video GPS from the ISO 6709 tags ffprobe exposes (Apple Keys first, then udta `©xyz` as `location`). */
export const videoGps = (tags: Readonly<Record<string, string>>): GpsPosition | null => {
  for (const key of ["com.apple.quicktime.location.ISO6709", "location", "location-eng"]) {
    const value = tags[key]
    if (value !== undefined) return parseIso6709(value)
  }
  return null
}

const nonEmpty = (value: string | undefined): string | null => (value !== undefined && value.trim() !== "" ? value.trim() : null)

/** The service. */
export class MetadataReader extends Context.Service<MetadataReader, {
  /**
   * Reads the metadata of the file at `path`, already sniffed as `sniffed`.
   * Fails with `CorruptMediaError` (header unreadable, boxes past the end of file, no `moov`),
   * `UnsupportedMediaError` (e.g. a video file with no video track), `MediaTooLargeError`
   * (pixel limit from the header, or the video duration x resolution budget), or
   * `MediaToolTimeoutError` (ffprobe killed).
   */
  readonly read: (path: string, sniffed: SniffedType) => Effect.Effect<MediaMetadata, MetadataError>
}>()("curator/media/MetadataReader") {
  static readonly layer = Layer.effect(
    MetadataReader,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const runner = yield* ProcessRunner
      yield* Effect.sync(() => sharp.cache(false))

      const readPhoto = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
        const heif = isHeifFamily(sniffed) ? yield* readHeifLayout(path, sniffed.format.toUpperCase()) : undefined
        if (heif?.sequence === true) return yield* readImageSequence(path, sniffed)
        // limitInputPixels off here: metadata() reads the header only, and we report the limit ourselves.
        const header = yield* Effect.tryPromise({ try: () => sharp(path, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        const width = header.width
        const height = header.height
        if (width === undefined || height === undefined || width <= 0 || height <= 0) {
          return yield* new CorruptMediaError({ message: "the image header has no dimensions: the file is truncated or corrupt" })
        }
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, config.maxInputPixels)
        const exif = yield* Effect.promise(() => readExif(header.exif))
        // libvips reads the orientation tag on its own: the fallback when exifr could not.
        const orientation = exif.orientation ?? header.orientation ?? 1
        // sharp reports HEIF sizes after libheif's irot; other formats as stored.
        const residual = heif !== undefined ? heifResidualOrientation(heif, orientation) : orientation
        const swap = swapsAxes(residual)
        return {
          kind: "photo",
          mime: sniffed.mime,
          codec: sniffed.format,
          width: swap ? height : width,
          height: swap ? width : height,
          captureTime: exif.captureTime,
          gps: exif.gps,
          make: exif.make,
          model: exif.model,
          ...softwareAndComment(exif, header.comments, header.xmpAsString),
          orientation,
          rotation: 0,
          durationSeconds: null,
          hasAudio: null
        } satisfies MediaMetadata
      })

      /**
       * A HEIF image sequence with no primary item (issue 12 item 13): the size of its image track
       * (ffprobe; HeifDecoder shows its first frame), no EXIF to read.
       */
      const readImageSequence = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
        const probe = yield* runner.probe(path, { demuxer: "mov" })
        const stream = probe.streams.find((s) => s.codec_type === "video")
        const width = stream?.width ?? 0
        const height = stream?.height ?? 0
        if (width <= 0 || height <= 0) return yield* new CorruptMediaError({ message: "the HEIF image sequence has no decodable image track" })
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, config.maxInputPixels)
        return {
          kind: "photo",
          mime: sniffed.mime,
          codec: sniffed.format,
          width,
          height,
          captureTime: null,
          gps: null,
          make: null,
          model: null,
          orientation: 1,
          rotation: 0,
          durationSeconds: null,
          hasAudio: null
        } satisfies MediaMetadata
      })

      const readVideo = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
        const layout = yield* Effect.promise(() => readTopLevel(path))
        if (layout.truncatedBox !== undefined) {
          return yield* new CorruptMediaError({
            message: `the video is truncated, like an interrupted recording: its '${layout.truncatedBox.type}' box needs ${layout.truncatedBox.size} bytes, the file has ${layout.fileSize - layout.truncatedBox.start} left`
          })
        }
        if (!layout.boxes.some((b) => b.type === "moov")) {
          return yield* new CorruptMediaError({ message: "the video has no 'moov' index (an interrupted recording): it cannot be played" })
        }
        const probe: FfprobeResult = yield* runner.probe(path, { demuxer: "mov" })
        const stream = probe.streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1)
        if (stream === undefined) return yield* new UnsupportedMediaError({ message: `the ${sniffed.format} file has no video track` })
        const codedWidth = stream.width ?? 0
        const codedHeight = stream.height ?? 0
        if (codedWidth <= 0 || codedHeight <= 0) return yield* new CorruptMediaError({ message: "the video track has no frame size: the file is corrupt" })
        if (codedWidth * codedHeight > config.maxInputPixels) return yield* tooLarge(codedWidth, codedHeight, config.maxInputPixels)
        const duration = Number(probe.format.duration ?? stream.duration)
        const durationSeconds = Number.isFinite(duration) && duration >= 0 ? duration : null
        const pixelSeconds = codedWidth * codedHeight * (durationSeconds ?? 0)
        if (pixelSeconds > config.maxVideoPixelSeconds) {
          return yield* new MediaTooLargeError({
            message: `a ${durationSeconds?.toFixed(1)} s video at ${codedWidth}x${codedHeight} px is ${pixelSeconds.toExponential(2)} pixel-seconds, over the budget of ${config.maxVideoPixelSeconds.toExponential(2)} (about ${Math.round(config.maxVideoPixelSeconds / (3840 * 2160) / 60)} minutes of 4K) that keeps one task within the Lambda time limit`
          })
        }
        const rotation = streamRotation(stream)
        const swap = rotation === 90 || rotation === 270
        const tags = probe.format.tags ?? {}
        return {
          kind: "video",
          mime: sniffed.mime,
          codec: stream.codec_name ?? "unknown",
          width: swap ? codedHeight : codedWidth,
          height: swap ? codedWidth : codedHeight,
          captureTime: videoCaptureTime(tags),
          gps: videoGps(tags),
          make: nonEmpty(tags["com.apple.quicktime.make"] ?? tags["com.android.manufacturer"] ?? tags.make),
          model: nonEmpty(tags["com.apple.quicktime.model"] ?? tags["com.android.model"] ?? tags.model),
          orientation: 1,
          rotation,
          durationSeconds,
          hasAudio: probe.streams.some((s) => s.codec_type === "audio")
        } satisfies MediaMetadata
      })

      const read = (path: string, sniffed: SniffedType): Effect.Effect<MediaMetadata, MetadataError> =>
        sniffed.kind === "photo" ? readPhoto(path, sniffed) : readVideo(path, sniffed)

      return MetadataReader.of({ read })
    })
  )
}
