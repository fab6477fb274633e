/**
 * MetadataReader: reads what Curator stores about a photo or video WITHOUT decoding
 * pixels: the pixel facts from the decoders' own view (sharp's header for photos,
 * checked against the pixel limit before anything decodes; ffprobe's JSON for videos:
 * tracks, codec, size, display rotation, duration) and the tags — make, model, EXIF
 * orientation, capture time, GPS, a photo's software and user comment — from ExifTool,
 * the reference reader (ExifToolReader; the rules in `internal/metadataTags.ts`;
 * decision 0009). A video with no location tag has its timed metadata read too (`-ee`:
 * GoPro GPMF, `camm`). A HEIF image sequence (no primary item) takes its size from
 * ffprobe's image track.
 */
import { Context, Effect, Layer } from "effect"
import sharp from "sharp"
import {
  CorruptMediaError,
  type MediaItem,
  MediaTooLargeError,
  type MediaToolTimeoutError,
  UnsupportedMediaError
} from "@curator/contracts"
import { ExifToolReader } from "./ExifToolReader.js"
import { MediaConfig } from "./MediaConfig.js"
import type { SniffedType } from "./MediaSniffer.js"
import { ProcessRunner, type FfprobeResult, type FfprobeStream } from "./ProcessRunner.js"
import { heifResidualOrientation, isHeifFamily, readHeifLayout } from "./internal/heif.js"
import { readTopLevel } from "./internal/isobmff.js"
import { FACT_TAGS, FIX_TAGS, firstValidFix, type TagFacts, tagFacts } from "./internal/metadataTags.js"
import { swapsAxes } from "./internal/orientation.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"

/**
 * A MediaItem without the fields that belong to the upload (fileId, key, fileName, bytes,
 * contentHash): kind, mime, codec, displayed width/height (px, orientation/rotation applied),
 * captureTime, gps, make, model, software and userComment (photos), orientation (EXIF 1..8),
 * rotation (video, degrees clockwise), durationSeconds and hasAudio (videos; null for photos).
 */
export type MediaMetadata = Omit<MediaItem, "fileId" | "key" | "fileName" | "bytes" | "contentHash">

/**
 * What {@link MetadataReader.readDetailed} returns: the metadata, and the EXIF orientation tag as
 * the file stores it (1..8), or null when it has none (`metadata.orientation` is 1 then) or is a video.
 */
export interface MetadataReading {
  readonly metadata: MediaMetadata
  readonly orientationTag: number | null
}

/**
 * The first step of a read ({@link MetadataReader.probe}): `preliminary` is the metadata from the
 * decoders' view alone (size, codec, duration, rotation; the orientation libvips reads; no capture
 * time, GPS, make, model, software or comment yet); `withTags` reads the tags and gives the finished reading.
 */
export interface ProbedMetadata {
  readonly preliminary: MediaMetadata
  readonly withTags: Effect.Effect<MetadataReading, MediaToolTimeoutError>
}

/** The MediaMetadata fields that come from the tags (the orientation aside: it also decides the geometry). */
type TagFields = Omit<TagFacts, "orientation">

/** Tag fields before the tags are read. */
const NO_TAGS: TagFields = { make: null, model: null, captureTime: null, gps: null, software: null, userComment: null }

/** The tag fields of a photo (software and user comment included). */
const photoTagFields = ({ make, model, captureTime, gps, software, userComment }: TagFields) => ({ make, model, captureTime, gps, software, userComment })

/** The tag fields of a video (software and user comment are photos' only). */
const videoTagFields = ({ make, model, captureTime, gps }: TagFields) => ({ make, model, captureTime, gps })

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
  /** {@link read}, with the EXIF orientation tag as stored (what `curator inspect` shows). */
  readonly readDetailed: (path: string, sniffed: SniffedType) => Effect.Effect<MetadataReading, MetadataError>
  /**
   * {@link readDetailed} in two steps: the decoders' view first (header or ffprobe, every limit and
   * truncation check: what must pass before anything decodes), then `withTags` (ExifTool). A caller
   * may start decoding with `preliminary` while the tags are read (MediaInspector renders the
   * thumbnail meanwhile: the one ExifTool process serves every file in turn).
   */
  readonly probe: (path: string, sniffed: SniffedType) => Effect.Effect<ProbedMetadata, MetadataError>
}>()("curator/media/MetadataReader") {
  static readonly layer = Layer.effect(
    MetadataReader,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const runner = yield* ProcessRunner
      const exiftool = yield* ExifToolReader
      yield* Effect.sync(() => sharp.cache(false))

      /** A photo's tags (ExifTool) with the photo rules. */
      const photoTags = (path: string) => Effect.map(exiftool.read(path, { tags: FACT_TAGS }), (tags) => tagFacts(tags, "photo"))

      const probePhoto = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
        const heif = isHeifFamily(sniffed) ? yield* readHeifLayout(path, sniffed.format.toUpperCase()) : undefined
        if (heif?.sequence === true) return yield* probeImageSequence(path, sniffed)
        // limitInputPixels off here: metadata() reads the header only, and we report the limit ourselves.
        const header = yield* Effect.tryPromise({ try: () => sharp(path, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
        const width = header.width
        const height = header.height
        if (width === undefined || height === undefined || width <= 0 || height <= 0) {
          return yield* new CorruptMediaError({ message: "the image header has no dimensions: the file is truncated or corrupt" })
        }
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, config.maxInputPixels)
        const photo = (orientation: number, facts: TagFields): MediaMetadata => {
          // sharp reports HEIF sizes after libheif's irot; other formats as stored.
          const residual = heif !== undefined ? heifResidualOrientation(heif, orientation) : orientation
          const swap = swapsAxes(residual)
          return {
            kind: "photo",
            mime: sniffed.mime,
            codec: sniffed.format,
            width: swap ? height : width,
            height: swap ? width : height,
            ...photoTagFields(facts),
            orientation,
            rotation: 0,
            durationSeconds: null,
            hasAudio: null
          }
        }
        const withTags = Effect.map(photoTags(path), (facts): MetadataReading => {
          // libvips reads the orientation tag on its own: the fallback when ExifTool found none.
          const orientationTag = facts.orientation ?? header.orientation ?? null
          return { metadata: photo(orientationTag ?? 1, facts), orientationTag }
        })
        return { preliminary: photo(header.orientation ?? 1, NO_TAGS), withTags } satisfies ProbedMetadata
      })

      /**
       * A HEIF image sequence with no primary item (issue 12 item 13): the size of its image track
       * (ffprobe; HeifDecoder shows its first frame as stored, so orientation 1 whatever EXIF tag it carries);
       * the file's tags as a photo's.
       */
      const probeImageSequence = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
        const probe = yield* runner.probe(path, { demuxer: "mov" })
        const stream = probe.streams.find((s) => s.codec_type === "video")
        const width = stream?.width ?? 0
        const height = stream?.height ?? 0
        if (width <= 0 || height <= 0) return yield* new CorruptMediaError({ message: "the HEIF image sequence has no decodable image track" })
        if (width * height > config.maxInputPixels) return yield* tooLarge(width, height, config.maxInputPixels)
        const sequence = (facts: TagFields): MediaMetadata => ({
          kind: "photo",
          mime: sniffed.mime,
          codec: sniffed.format,
          width,
          height,
          ...photoTagFields(facts),
          orientation: 1,
          rotation: 0,
          durationSeconds: null,
          hasAudio: null
        })
        const withTags = Effect.map(photoTags(path), (facts): MetadataReading => ({ metadata: sequence(facts), orientationTag: facts.orientation ?? null }))
        return { preliminary: sequence(NO_TAGS), withTags } satisfies ProbedMetadata
      })

      const probeVideo = Effect.fnUntraced(function* (path: string, sniffed: SniffedType) {
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
        const video = (facts: TagFields): MediaMetadata => ({
          kind: "video",
          mime: sniffed.mime,
          codec: stream.codec_name ?? "unknown",
          width: swap ? codedHeight : codedWidth,
          height: swap ? codedWidth : codedHeight,
          ...videoTagFields(facts),
          orientation: 1,
          rotation,
          durationSeconds,
          hasAudio: probe.streams.some((s) => s.codec_type === "audio")
        })
        const withTags = Effect.gen(function* () {
          const facts = tagFacts(yield* exiftool.read(path, { tags: FACT_TAGS }), "video")
          // No location tag: the first fix of the timed metadata (GoPro GPMF, camm) — ExifTool `-ee`.
          // That pass is an extra: past the time limit the video simply has no position.
          const gps = facts.gps ?? firstValidFix(yield* exiftool.read(path, { tags: FIX_TAGS, embedded: true }).pipe(
            Effect.catchTag("MediaToolTimeoutError", () => Effect.succeed({}))
          ))
          return { metadata: video({ ...facts, gps }), orientationTag: null } satisfies MetadataReading
        })
        return { preliminary: video(NO_TAGS), withTags } satisfies ProbedMetadata
      })

      const probe = (path: string, sniffed: SniffedType): Effect.Effect<ProbedMetadata, MetadataError> =>
        sniffed.kind === "photo" ? probePhoto(path, sniffed) : probeVideo(path, sniffed)
      const readDetailed = (path: string, sniffed: SniffedType): Effect.Effect<MetadataReading, MetadataError> =>
        Effect.flatMap(probe(path, sniffed), (probed) => probed.withTags)

      return MetadataReader.of({ read: (path, sniffed) => Effect.map(readDetailed(path, sniffed), (r) => r.metadata), readDetailed, probe })
    })
  )
}
