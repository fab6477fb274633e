/**
 * ExifTool's one start-up path (the perl tool; exiftool-vendored runs it in
 * `-stay_open` batch mode), used by every part of libs/media that runs it:
 * {@link ExifToolReader} (MetadataReader's tags) and {@link GpsStripper}
 * (writes) hold a process from {@link acquireExifTool}; ProcessRunner's
 * one-off `run("exiftool", …)` (VideoEnhancer's capture-tag copy,
 * OrientationNormalizer's Orientation reset) runs the script
 * {@link resolveExiftoolScript} finds.
 *
 * - The script: `MEDIA_EXIFTOOL_PATH` (`MediaSettings.exiftoolPath`; the Lambda
 *   image sets it), else the one the `exiftool-vendored.pl` package ships, found
 *   through exiftool-vendored's own `exiftoolPath()`, checked executable. A
 *   missing script is InternalDefectError (spawning a missing file would crash
 *   the process from an unhandled child-process `error` event).
 * - exiftool-vendored is imported on first use, not at module load: every
 *   bundle holding libs/media carries it, and the Lambda init of a worker that
 *   never runs ExifTool stays as it was.
 * - One process (`maxProcs: 1`): on 2 cores a second perl would only pay ExifTool's
 *   start-up and module compilation twice (docs/decisions/0009). No task retries
 *   (Step Functions retries the task); a task past `taskTimeoutMillis` kills the
 *   process. Ended gracefully, then killed, when the scope closes.
 */
import { constants } from "node:fs"
import { access } from "node:fs/promises"
import { InternalDefectError } from "@curator/contracts"
import { Effect, type Scope } from "effect"
import type { ExifTool } from "exiftool-vendored"
import type { MediaSettings } from "../MediaConfig.js"

export type { ExifTool } from "exiftool-vendored"

/** exiftool-vendored, loaded on first use (see the module doc). */
const loadVendored = Effect.tryPromise({
  try: () => import("exiftool-vendored"),
  catch: (error) => new InternalDefectError({ message: `exiftool-vendored cannot be loaded: ${error instanceof Error ? error.message : String(error)}` })
})

/**
 * The ExifTool script's path: `configured` (MEDIA_EXIFTOOL_PATH) or the exiftool-vendored.pl
 * package's, checked executable. A missing script -> InternalDefectError naming MEDIA_EXIFTOOL_PATH.
 */
export const resolveExiftoolScript = (configured: string | null): Effect.Effect<string, InternalDefectError> =>
  Effect.tryPromise({
    try: async () => {
      const resolved = configured ?? (await (await import("exiftool-vendored")).exiftoolPath())
      await access(resolved, constants.X_OK)
      return resolved
    },
    catch: (error) =>
      new InternalDefectError({
        message: `ExifTool not found (${error instanceof Error ? error.message : String(error)}): set MEDIA_EXIFTOOL_PATH to the exiftool script`
      })
  })

/**
 * Starts (lazily: exiftool-vendored spawns perl on the first task) an ExifTool for the
 * scope. `taskTimeoutMillis`: wall-clock limit of one task (ms). Fails with
 * InternalDefectError when exiftool-vendored cannot be loaded or the script cannot be found.
 */
export const acquireExifTool = (
  settings: Pick<MediaSettings, "exiftoolPath">,
  taskTimeoutMillis: number
): Effect.Effect<ExifTool, InternalDefectError, Scope.Scope> =>
  Effect.gen(function* () {
    const vendored = yield* loadVendored
    const script = yield* resolveExiftoolScript(settings.exiftoolPath)
    return yield* Effect.acquireRelease(
      Effect.sync(() => new vendored.ExifTool({ maxProcs: 1, taskRetries: 0, taskTimeoutMillis, exiftoolPath: script })),
      (tool) => Effect.promise(() => tool.end(true)).pipe(Effect.timeout("5 seconds"), Effect.ignore, Effect.andThen(Effect.promise(() => tool.end(false))))
    )
  })

/** True when an exiftool-vendored rejection is its task timeout (batch-cluster names it, older releases only say so). */
export const isExifToolTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === "TaskTimeoutError" || /timed? ?out/i.test(error.message))
