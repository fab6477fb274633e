/**
 * Where the ExifTool perl script is: `MEDIA_EXIFTOOL_PATH` (MediaConfig.exiftoolPath; the Lambda
 * image sets it), else the script the `exiftool-vendored.pl` package ships, found through
 * exiftool-vendored's own `exiftoolPath()`. exiftool-vendored is imported here, on first use, not
 * at module load: only the workers that run ExifTool pay for loading it.
 */
import { constants } from "node:fs"
import { access } from "node:fs/promises"
import { InternalDefectError } from "@curator/contracts"
import { Effect } from "effect"

/** The script's path, checked executable; a missing script -> InternalDefectError naming MEDIA_EXIFTOOL_PATH. */
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
