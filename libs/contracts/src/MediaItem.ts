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
 * UTC offset when the file records one (EXIF `OffsetTimeOriginal`, an XMP date,
 * QuickTime `com.apple.quicktime.creationdate` or `©day`), and `utc` the instant
 * when it is known (offset known, or the container stores UTC such as the MP4
 * movie header's `creation_time`: then `local` holds that UTC wall time and
 * `offsetMinutes` is null). `source`: EXIF, XMP/IPTC, a QuickTime date tag, the
 * container header, or the file system.
 * Comparing two captures uses `utc` when both have it, else `local`.
 */
export const CaptureTime = Schema.Struct({
  local: Schema.String,
  offsetMinutes: Schema.NullOr(Schema.Int),
  utc: Schema.NullOr(Schema.String),
  source: Schema.Literals(["exif", "xmp", "quicktime", "container", "file"])
})
export type CaptureTime = typeof CaptureTime.Type

const pad2 = (n: number) => String(n).padStart(2, "0")

/** `+hh:mm` / `-hh:mm` (ISO 8601) for a UTC offset in minutes east of UTC. */
export const formatUtcOffset = (minutes: number): string => {
  const abs = Math.abs(minutes)
  return `${minutes < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
}

/**
 * A capture time as ONE ISO 8601 string: the local wall time with its offset when the
 * offset is known (`2020-11-20T15:04:02+01:00`: what the person's watch showed, and the
 * instant); the UTC instant ending in `Z` when only that is known (an MP4 header time);
 * else the bare local time (`2008-10-22T16:28:39`: a camera with no time zone).
 */
export const formatCaptureTime = (time: CaptureTime): string => {
  const local = time.local.replace(/\.\d+$/, "")
  if (time.offsetMinutes !== null && Number.isFinite(Date.parse(`${local}Z`))) return `${local}${formatUtcOffset(time.offsetMinutes)}`
  if (time.utc !== null && Number.isFinite(Date.parse(time.utc))) return new Date(Date.parse(time.utc)).toISOString().replace(/\.000Z$/, "Z")
  return local
}

/**
 * The camera as people name it: "Canon EOS 70D", not "Canon Canon EOS 70D" (many makers repeat the
 * make at the start of EXIF Model); "Apple iPhone 7" when they do not; null when neither is known.
 */
export const cameraLabel = (make: string | null | undefined, model: string | null | undefined): string | null => {
  const m = make?.trim() ?? ""
  const n = model?.trim() ?? ""
  if (m === "") return n === "" ? null : n
  if (n === "") return m
  return n.toLowerCase().startsWith(m.toLowerCase()) ? n : `${m} ${n}`
}

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

/**
 * Why an input was not taken in: a symbolic link (Curator reads regular files only, so a link
 * can never lead it outside the folder or read one file twice) or a file that is not a photo or
 * video (no media extension and no media signature in its first bytes: an SVG, a README, a
 * sidecar). Listed in every report, never dropped silently.
 */
export const SkippedInputStatus = Schema.Literals(["skipped: symlink", "skipped: unsupported type"])
export type SkippedInputStatus = typeof SkippedInputStatus.Type

/** An input that was not taken in: its name (relative path), status and a plain reason. */
export const SkippedInput = Schema.Struct({ fileName: Schema.String, status: SkippedInputStatus, reason: Schema.String })
export type SkippedInput = typeof SkippedInput.Type
