/**
 * ExifToolReader: reads a file's metadata tags with ExifTool, the reference
 * reader (https://exiftool.org), through exiftool-vendored's `-stay_open` batch
 * process: one perl process per layer, started on the first read, ended with the
 * layer. MetadataReader turns the tags into Curator's fields
 * (`internal/metadataTags.ts`); decision: docs/decisions/0009-metadata-read-by-exiftool.md.
 *
 * Output: ExifTool's JSON with `-n` (numbers, not print conversions), `-a` (duplicates
 * kept) and `-G3:1` (keys `<group>:<Tag>` for the file itself, `DocN[-M]:<group>:<Tag>`
 * for timed metadata read with `-ee`, e.g. a GoPro GPMF sample). Every value is a JSON
 * string (`-api StructFormat=JSONQ`): ExifTool otherwise prints any text that looks like
 * a number as one, and a Software tag "6.0" (the iPhone 5 fixture) would come back as 6;
 * the reader of a numeric tag parses it (`metadataTags.ts`).
 */
import path from "node:path"
import { InternalDefectError, MediaToolTimeoutError } from "@curator/contracts"
import { Context, Duration, Effect, Layer, Scope } from "effect"
import { MediaConfig } from "./MediaConfig.js"
import { acquireExifTool, isExifToolTimeout } from "./internal/exiftool.js"

/** ExifTool's JSON object for one file (see the module doc for its keys; values are strings); `errors`/`warnings` hold ExifTool's own complaints. */
export type ExifToolTags = Readonly<Record<string, unknown>>

/**
 * What to read: `tags` are ExifTool tag names (e.g. `DateTimeOriginal`; every group that has one is
 * reported); `embedded` adds `-ee`: timed metadata in the media data too (GoPro GPMF, Google `camm`,
 * DJI and dash-camera tracks), which costs a pass over those samples.
 */
export interface ExifToolReadOptions {
  readonly tags: ReadonlyArray<string>
  readonly embedded?: boolean
}

/** The service. */
export class ExifToolReader extends Context.Service<ExifToolReader, {
  /**
   * Reads `tags` of the file at `file`. ExifTool's complaints about the file itself (a format
   * error, an empty file) come back in `errors`/`warnings`, not as a failure: missing metadata is
   * no reason to reject a file. Fails with MediaToolTimeoutError past `MediaSettings.toolTimeout`
   * (the process is killed); a missing ExifTool script or a dead perl process is a defect.
   */
  readonly read: (file: string, options: ExifToolReadOptions) => Effect.Effect<ExifToolTags, MediaToolTimeoutError>
}>()("curator/media/ExifToolReader") {
  /** The ExifTool-backed layer (needs MediaConfig). The script is resolved and perl started on the first read. */
  static readonly layer = Layer.effect(
    ExifToolReader,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const scope = yield* Effect.scope
      // Lazily: a worker that never reads tags (photo enhancement) never loads exiftool-vendored.
      const tool = yield* Effect.cached(acquireExifTool(config, Duration.toMillis(config.toolTimeout)).pipe(Scope.provide(scope), Effect.orDie))

      const read = Effect.fn("ExifToolReader.read")(function* (file: string, options: ExifToolReadOptions) {
        const exiftool = yield* tool
        const readArgs = ["-n", "-a", "-G3:1", "-api", "largefilesupport=1", "-api", "StructFormat=JSONQ", ...(options.embedded === true ? ["-ee"] : []), ...options.tags.map((t) => `-${t}`)]
        return yield* Effect.tryPromise({
          try: () => exiftool.readRaw(file, { readArgs, useMWG: false }) as Promise<ExifToolTags>,
          catch: (error) =>
            isExifToolTimeout(error)
              ? new MediaToolTimeoutError({ message: `exiftool ran longer than ${Duration.format(config.toolTimeout)} reading ${path.basename(file)} and was killed` })
              : new InternalDefectError({ message: `exiftool failed reading ${path.basename(file)}: ${error instanceof Error ? error.message : String(error)}` })
        }).pipe(Effect.catchTag("InternalDefectError", (defect) => Effect.die(defect)))
      })

      return ExifToolReader.of({ read })
    })
  )
}
