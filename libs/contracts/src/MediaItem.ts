/**
 * The media item: what Curator knows about one uploaded photo or video after
 * validation and metadata extraction.
 *
 * Units: bytes for sizes, px for dimensions (as displayed, i.e. after EXIF
 * orientation / container rotation), seconds for durations, decimal degrees
 * (WGS 84) for latitude/longitude and metres for altitude.
 */
import { Schema } from "effect"

/** Photo or video. */
export const MediaKind = Schema.Literals(["photo", "video"])
export type MediaKind = typeof MediaKind.Type

/**
 * A capture time. `local` is the wall-clock time where the picture was taken
 * (ISO 8601 without offset, e.g. `2019-03-21T14:02:11`), `offsetMinutes` the
 * UTC offset when the file records one (EXIF `OffsetTimeOriginal`, QuickTime
 * `com.apple.quicktime.creationdate`), and `utc` the instant when it is known
 * (offset known, or the container stores UTC such as MP4 `creation_time`).
 * Comparing two captures uses `utc` when both have it, else `local`.
 */
export const CaptureTime = Schema.Struct({
  local: Schema.String,
  offsetMinutes: Schema.NullOr(Schema.Int),
  utc: Schema.NullOr(Schema.String),
  source: Schema.Literals(["exif", "quicktime", "container", "file"])
})
export type CaptureTime = typeof CaptureTime.Type

/** A GPS fix in decimal degrees (WGS 84), altitude in metres when recorded. Exactly 0,0 is never stored (treated as "no GPS"). */
export const GpsPosition = Schema.Struct({
  lat: Schema.Number.check(Schema.isBetween({ minimum: -90, maximum: 90 })),
  lon: Schema.Number.check(Schema.isBetween({ minimum: -180, maximum: 180 })),
  alt: Schema.NullOr(Schema.Number)
})
export type GpsPosition = typeof GpsPosition.Type

/**
 * One validated media item.
 * - `fileId`: random, stable per upload (a Live Photo's HEIC and MOV never collide).
 * - `key`: blob key of the original, `<session>/original/<fileId>.<ext>`.
 * - `fileName`: the name the person uploaded (display only, never a path).
 * - `width`/`height`: displayed size in px (orientation / rotation applied).
 * - `orientation`: EXIF orientation 1..8 as stored in the file (1 when absent).
 * - `rotation`: video display rotation in degrees (0/90/180/270).
 * - `durationSeconds`, `hasAudio`: videos only (null for photos).
 * - `codec`: image format (`jpeg`, `heic`, ...) or video codec (`h264`, `hevc`, ...).
 * - `software`: the program that wrote the file, as it names itself (EXIF `Software`, else a
 *   PNG `Software` text chunk, else XMP `xmp:CreatorTool`): "Nikon Transfer 1.1 W",
 *   "Matplotlib version3.6.3, https://matplotlib.org/"; null when none. Optional: items
 *   recorded before it existed have none.
 * - `userComment`: the file's own comment (EXIF `UserComment`, else a PNG `Comment` or
 *   `Description` text chunk, else XMP `exif:UserComment`), e.g. macOS writes "Screenshot";
 *   null when none. Optional like `software`.
 */
export const MediaItem = Schema.Struct({
  fileId: Schema.String,
  key: Schema.String,
  fileName: Schema.String,
  kind: MediaKind,
  mime: Schema.String,
  bytes: Schema.Int,
  width: Schema.Int,
  height: Schema.Int,
  captureTime: Schema.NullOr(CaptureTime),
  gps: Schema.NullOr(GpsPosition),
  make: Schema.NullOr(Schema.String),
  model: Schema.NullOr(Schema.String),
  orientation: Schema.Int,
  rotation: Schema.Int,
  durationSeconds: Schema.NullOr(Schema.Number),
  hasAudio: Schema.NullOr(Schema.Boolean),
  codec: Schema.String,
  contentHash: Schema.String,
  software: Schema.optional(Schema.NullOr(Schema.String)),
  userComment: Schema.optional(Schema.NullOr(Schema.String))
})
export type MediaItem = typeof MediaItem.Type
