/**
 * MediaConfig: the limits and tool settings every media service reads, from
 * effect `Config` (environment variables) with the defaults below. Tests use
 * {@link MediaConfig.layerWith} to set low limits.
 */
import { Config, Context, Duration, Effect, Layer, Option } from "effect"

/**
 * The settings.
 * - `maxPhotoBytes` / `maxVideoBytes`: per-file byte limits by kind (DDR-028 of the origin: photos 50 MB, videos 5 GB; decimal MB/GB).
 * - `maxInputPixels`: pixel count (width x height) allowed for a photo or a video frame, read from the header
 *   before decoding. Default 268,402,689 = 16383 x 16383, sharp's own `limitInputPixels` default.
 * - `maxVideoPixelSeconds`: the duration x resolution budget (px x s) of one video, so no task runs into
 *   Lambda's 15-minute limit. Default 3840 x 2160 x 1800 (30 minutes of 4K UHD), generous for phone clips.
 * - `toolTimeout`: wall-clock limit of one ffmpeg / ffprobe / heif-convert run; the process is killed past it.
 * - `heifConvertPath`, `ffmpegPath`, `ffprobePath`: the binaries (Debian's `/usr/bin` by default).
 * - `jpegtranPath`: libjpeg-turbo's `jpegtran` (Debian `libjpeg-turbo-progs`), the lossless JPEG rotation
 *   of rotated originals in download bundles (OrientationNormalizer; without it they are re-encoded).
 * - `exiftoolPath`: the perl ExifTool script {@link GpsStripper} runs (through exiftool-vendored); null = the
 *   one the `exiftool-vendored.pl` package ships, resolved from node_modules (the Lambda image copies it to
 *   `/opt/exiftool/exiftool` and sets `MEDIA_EXIFTOOL_PATH`, docker/Dockerfile.heavy).
 * - `exifStripTimeout`: wall-clock limit of one ExifTool rewrite (it copies the whole file: a 5 GB video at a
 *   slow 50 MB/s takes 100 s); the ExifTool process is killed past it.
 */
export interface MediaSettings {
  readonly maxPhotoBytes: number
  readonly maxVideoBytes: number
  readonly maxInputPixels: number
  readonly maxVideoPixelSeconds: number
  readonly toolTimeout: Duration.Duration
  readonly heifConvertPath: string
  readonly jpegtranPath: string
  readonly ffmpegPath: string
  readonly ffprobePath: string
  readonly exiftoolPath: string | null
  readonly exifStripTimeout: Duration.Duration
}

/** The defaults documented on {@link MediaSettings}. */
export const defaultMediaSettings: MediaSettings = {
  maxPhotoBytes: 50_000_000,
  maxVideoBytes: 5_000_000_000,
  maxInputPixels: 16383 * 16383,
  maxVideoPixelSeconds: 3840 * 2160 * 1800,
  toolTimeout: Duration.seconds(60),
  heifConvertPath: "/usr/bin/heif-convert",
  jpegtranPath: "/usr/bin/jpegtran",
  ffmpegPath: "/usr/bin/ffmpeg",
  ffprobePath: "/usr/bin/ffprobe",
  exiftoolPath: null,
  exifStripTimeout: Duration.minutes(5)
}

const d = defaultMediaSettings

/** Reads {@link MediaSettings} from `MEDIA_*` environment variables, each defaulting as documented. */
export const mediaSettingsConfig: Config.Config<MediaSettings> = Config.all({
  maxPhotoBytes: Config.Int("MEDIA_MAX_PHOTO_BYTES").pipe(Config.withDefault(d.maxPhotoBytes)),
  maxVideoBytes: Config.Int("MEDIA_MAX_VIDEO_BYTES").pipe(Config.withDefault(d.maxVideoBytes)),
  maxInputPixels: Config.Int("MEDIA_MAX_INPUT_PIXELS").pipe(Config.withDefault(d.maxInputPixels)),
  maxVideoPixelSeconds: Config.Number("MEDIA_MAX_VIDEO_PIXEL_SECONDS").pipe(Config.withDefault(d.maxVideoPixelSeconds)),
  toolTimeout: Config.Duration("MEDIA_TOOL_TIMEOUT").pipe(Config.withDefault(d.toolTimeout)),
  heifConvertPath: Config.String("MEDIA_HEIF_CONVERT_PATH").pipe(Config.withDefault(d.heifConvertPath)),
  jpegtranPath: Config.String("MEDIA_JPEGTRAN_PATH").pipe(Config.withDefault(d.jpegtranPath)),
  ffmpegPath: Config.String("MEDIA_FFMPEG_PATH").pipe(Config.withDefault(d.ffmpegPath)),
  ffprobePath: Config.String("MEDIA_FFPROBE_PATH").pipe(Config.withDefault(d.ffprobePath)),
  exiftoolPath: Config.String("MEDIA_EXIFTOOL_PATH").pipe(Config.option, Config.map(Option.getOrNull)),
  exifStripTimeout: Config.Duration("MEDIA_EXIF_STRIP_TIMEOUT").pipe(Config.withDefault(d.exifStripTimeout))
})

/** The media settings service. */
export class MediaConfig extends Context.Service<MediaConfig, MediaSettings>()("curator/media/MediaConfig") {
  /** Settings from the environment (`MEDIA_*`), defaults otherwise. */
  static readonly layer = Layer.effect(MediaConfig, Effect.map(mediaSettingsConfig, (s) => MediaConfig.of(s)))

  /** Fixed settings: the defaults with `overrides` applied (tests, benchmarks). */
  static readonly layerWith = (overrides: Partial<MediaSettings>) =>
    Layer.succeed(MediaConfig, MediaConfig.of({ ...defaultMediaSettings, ...overrides }))
}
