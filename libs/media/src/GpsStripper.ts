/**
 * GpsStripper: removes the location from an exported photo or video, in
 * place and losslessly (issue 7 "GPS: stripped by default"; no pixel or
 * sample is re-encoded).
 *
 * - Metadata: ExifTool (the perl tool, run by exiftool-vendored in one
 *   `-stay_open` batch process) deletes the EXIF GPS IFD (`-gps:all=`), XMP
 *   GPS (`XMP-exif:GPS*`, the `xmp:geotag` shortcut), IPTC Extension
 *   locations, and the QuickTime location atoms: Keys/UserData/ItemList
 *   `GPSCoordinates` (Apple's `com.apple.quicktime.location.ISO6709`, the 3GPP
 *   / GoPro `©xyz`), the Keys `Location*` tags and the 3GPP `loci` box
 *   (ExifTool tag names: https://exiftool.org/TagNames/QuickTime.html).
 * - Telemetry tracks: a video carrying a GPS telemetry track (GoPro GPMF
 *   `gpmd`, Google `camm`) is first remuxed by ffmpeg with `-c copy`, every
 *   data track dropped (ExifTool edits metadata, it cannot remove a track).
 * - Check: the rewritten file is read back (`-ee`: embedded timed metadata
 *   too) and must hold no coordinates;
 *   otherwise UnsupportedMediaError (the download fails instead of leaking).
 *
 * The ExifTool process is a layer resource: started lazily on the first
 * file, ended (gracefully, then killed) when the layer's scope closes;
 * `maxProcs: 1`, no task retries (Step Functions retries the task), and a
 * task past `exifStripTimeout` kills the process. The script's path
 * (`MEDIA_EXIFTOOL_PATH`, else the exiftool-vendored.pl package) is resolved
 * and checked executable when the layer is built: a missing script fails the
 * layer with InternalDefectError (spawning a missing file would crash the
 * process from an unhandled child-process `error` event).
 *
 * Errors: CorruptMediaError (ExifTool or ffmpeg cannot read/rewrite the
 * file), MediaToolTimeoutError, UnsupportedMediaError.
 */
import { rename, rm } from "node:fs/promises"
import path from "node:path"
import { CorruptMediaError, MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import { Context, Duration, Effect, Layer } from "effect"
import { MediaConfig } from "./MediaConfig.js"
import { ProcessRunner } from "./ProcessRunner.js"
import { acquireExifTool, isExifToolTimeout } from "./internal/exiftool.js"
import { VIDEO_CAPTURE_TAGS } from "./internal/videoCaptureTags.js"

/** The ExifTool arguments that delete every location tag (one write, `-overwrite_original`, file times kept with `-P`). */
export const GPS_STRIP_ARGS: ReadonlyArray<string> = [
  "-overwrite_original",
  "-P",
  "-gps:all=",
  "-xmp:geotag=",
  "-XMP-exif:GPS*=",
  "-XMP-iptcExt:LocationCreated*=",
  "-XMP-iptcExt:LocationShown*=",
  "-Keys:GPSCoordinates=",
  "-Keys:Location*=",
  "-UserData:GPSCoordinates=",
  "-UserData:LocationInformation=",
  "-ItemList:GPSCoordinates=",
  "-api",
  "largefilesupport=1"
]

/**
 * ExifTool arguments that rebuild a photo's metadata from scratch, copying every
 * writable tag back (ExifTool FAQ 20, "How do I fix a corrupted EXIF?":
 * https://exiftool.org/faq.html#Q20). Used when an in-place edit is refused.
 */
export const METADATA_REBUILD_ARGS: ReadonlyArray<string> = ["-overwrite_original", "-P", "-all=", "-tagsfromfile", "@", "-all:all", "-unsafe", "-icc_profile"]

/** FourCCs of video tracks that carry GPS telemetry: GoPro GPMF (`gpmd`), Google Camera Motion Metadata (`camm`). */
export const GPS_TRACK_TAGS: ReadonlySet<string> = new Set(["gpmd", "camm"])

/** Tag names (as `readRaw` with `-G1` reports them, group prefix removed) that mean a location is still there. */
const LOCATION_TAG = /^(GPS(Latitude|Longitude|Position|Coordinates)|LocationInformation|ISO6709)$/i

/** What a file is, for stripping. */
export type StripKind = "photo" | "video"

/** The service. */
export class GpsStripper extends Context.Service<GpsStripper, {
  /**
   * Removes every location tag (and, for a video, GPS telemetry tracks) from
   * the local file at `file`, rewriting it in place. The file's extension
   * must match its format (ExifTool picks the writer by type).
   */
  readonly strip: (file: string, kind: StripKind) => Effect.Effect<void, CorruptMediaError | MediaToolTimeoutError | UnsupportedMediaError>
}>()("curator/media/GpsStripper") {
  /** The ExifTool-backed layer (needs MediaConfig and ProcessRunner; the ExifTool process ends with the layer; InternalDefectError when the script is missing). */
  static readonly layer = Layer.effect(
    GpsStripper,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const runner = yield* ProcessRunner
      // acquireExifTool imports exiftool-vendored here, not at module load: every bundle holding libs/media
      // carries it, only the bundle task's layer needs it (Lambda init of the other workers stays as it was).
      const exiftool = yield* acquireExifTool(config, Duration.toMillis(config.exifStripTimeout))

      const name = (file: string) => path.basename(file)
      const toolError = (file: string, error: unknown) => {
        const message = (error instanceof Error ? error.message : String(error)).replaceAll(file, name(file))
        return isExifToolTimeout(error)
          ? new MediaToolTimeoutError({ message: `exiftool ran longer than ${Duration.format(config.exifStripTimeout)} on ${name(file)} and was killed` })
          : new CorruptMediaError({ message: `exiftool could not rewrite ${name(file)}: ${message}` })
      }

      /** Drops data tracks (ffmpeg stream copy) when one of them is GPS telemetry. */
      const dropTelemetry = Effect.fnUntraced(function* (file: string) {
        const probe = yield* runner.probe(file)
        const telemetry = probe.streams.some((s) => s.codec_type === "data" && GPS_TRACK_TAGS.has(s.codec_tag_string ?? ""))
        if (!telemetry) return
        const out = path.join(path.dirname(file), `remux-${name(file)}`)
        yield* runner.ffmpeg(file, (command) =>
          command.outputOptions(["-map", "0", "-map", "-0:d", "-c", "copy", "-map_metadata", "0"]).output(out)
        ).pipe(
          Effect.scoped,
          // ffmpeg's MP4 muxer keeps creation_time only: the capture date and camera tags are copied back
          // (the location among them is removed by the strip that follows).
          Effect.andThen(Effect.tryPromise({
            try: () => exiftool.write(out, {}, { writeArgs: ["-n", "-tagsFromFile", file, ...VIDEO_CAPTURE_TAGS.map((tag) => `-${tag}`)], useMWG: false }),
            catch: (error) => toolError(file, error)
          })),
          Effect.onError(() => Effect.promise(() => rm(out, { force: true })))
        )
        yield* Effect.promise(() => rename(out, file))
      })

      const strip = Effect.fn("GpsStripper.strip")(function* (file: string, kind: StripKind) {
        if (kind === "video") yield* dropTelemetry(file)
        const write = (args: ReadonlyArray<string>) =>
          Effect.tryPromise({
            try: () => exiftool.write(file, {}, { writeArgs: [...args], useMWG: false }),
            catch: (error) => toolError(file, error)
          })
        yield* write(GPS_STRIP_ARGS).pipe(
          // A photo whose EXIF block ExifTool refuses to edit in place ("Bad format (0) for IFD0 entry 0",
          // e.g. the Sony DSC-HX5V fixture) gets its metadata rebuilt first — ExifTool FAQ 20 — and is stripped again.
          Effect.catchTag("CorruptMediaError", (error) =>
            kind === "photo" ? write(METADATA_REBUILD_ARGS).pipe(Effect.andThen(write(GPS_STRIP_ARGS))) : Effect.fail(error)
          )
        )
        const left = yield* Effect.tryPromise({
          try: () => exiftool.readRaw(file, { readArgs: ["-G1", "-a", "-ee", "-api", "largefilesupport=1"] }),
          catch: (error) => toolError(file, error)
        })
        const remaining = Object.keys(left).filter((key) => LOCATION_TAG.test(key.replace(/^.*:/, "")))
        if (remaining.length > 0) {
          return yield* new UnsupportedMediaError({ message: `the location of ${name(file)} cannot be removed (${remaining.join(", ")} left)` })
        }
      })

      return GpsStripper.of({ strip })
    })
  )
}
