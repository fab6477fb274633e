/**
 * The ExifTool process (the perl tool run by exiftool-vendored in `-stay_open`
 * batch mode) as a scoped resource, shared by {@link GpsStripper} (writes) and
 * {@link ExifToolReader} (reads).
 *
 * - The script: `MEDIA_EXIFTOOL_PATH` (`MediaSettings.exiftoolPath`), else the one
 *   the `exiftool-vendored.pl` package ships, checked executable. A missing script
 *   is InternalDefectError (spawning a missing file would crash the process from an
 *   unhandled child-process `error` event).
 * - exiftool-vendored is imported here, not at module load: every bundle holding
 *   libs/media carries it, and the Lambda init of a worker that never runs ExifTool
 *   stays as it was.
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

/**
 * Starts (lazily: exiftool-vendored spawns perl on the first task) an ExifTool for the
 * scope. `taskTimeoutMillis`: wall-clock limit of one task (ms). Fails with
 * InternalDefectError when the script cannot be found.
 */
export const acquireExifTool = (
  settings: Pick<MediaSettings, "exiftoolPath">,
  taskTimeoutMillis: number
): Effect.Effect<ExifTool, InternalDefectError, Scope.Scope> =>
  Effect.gen(function* () {
    const vendored = yield* Effect.tryPromise({
      try: () => import("exiftool-vendored"),
      catch: (error) => new InternalDefectError({ message: `exiftool-vendored cannot be loaded: ${error instanceof Error ? error.message : String(error)}` })
    })
    const script = yield* Effect.tryPromise({
      try: async () => {
        const resolved = settings.exiftoolPath ?? (await vendored.exiftoolPath())
        await access(resolved, constants.X_OK)
        return resolved
      },
      catch: (error) =>
        new InternalDefectError({
          message: `ExifTool not found (${error instanceof Error ? error.message : String(error)}): set MEDIA_EXIFTOOL_PATH to the exiftool script`
        })
    })
    return yield* Effect.acquireRelease(
      Effect.sync(() => new vendored.ExifTool({ maxProcs: 1, taskRetries: 0, taskTimeoutMillis, exiftoolPath: script })),
      (tool) => Effect.promise(() => tool.end(true)).pipe(Effect.timeout("5 seconds"), Effect.ignore, Effect.andThen(Effect.promise(() => tool.end(false))))
    )
  })

/** True when an exiftool-vendored rejection is its task timeout (batch-cluster names it, older releases only say so). */
export const isExifToolTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === "TaskTimeoutError" || /timed? ?out/i.test(error.message))
