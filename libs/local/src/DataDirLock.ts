/**
 * One Curator process per data folder: `serve` and `run` take an exclusive
 * lock (proper-lockfile: an atomic `mkdir` of `<dataDir>.lock`, refreshed while
 * held, considered stale 30 s after its holder died) and refuse clearly when
 * another process holds it. The lock is released when the scope closes.
 */
import fs from "node:fs/promises"
import { Effect, Schema } from "effect"
import lockfile from "proper-lockfile"

/** Another process holds the data folder. */
export class DataDirLockedError extends Schema.TaggedError<DataDirLockedError>()("DataDirLockedError", {
  message: Schema.String
}) {}

/** Acquire / release of the data-folder lock. */
export const DataDirLock = {
  /** Creates `dataDir` if needed and locks it for the current scope; fails with DataDirLockedError if held. */
  acquire: (dataDir: string) =>
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          await fs.mkdir(dataDir, { recursive: true })
          return lockfile.lock(dataDir, { stale: 30_000, update: 10_000, retries: 0, realpath: false })
        },
        catch: (e) =>
          new DataDirLockedError({
            message:
              (e as { code?: string }).code === "ELOCKED"
                ? `Another Curator process (serve or run) is using ${dataDir}. Stop it, or pass --data <another folder>.`
                : `Cannot lock ${dataDir}: ${String(e)}`
          })
      }),
      (release) => Effect.promise(() => release()).pipe(Effect.ignore)
    )
}
