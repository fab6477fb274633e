/**
 * `curator inspect <file|folder>... [--json]`: what Curator reads from each
 * file, through the SAME code as the pipeline — `MediaInspector.inspect`,
 * the thumbnail task's whole per-file program (byte limit, magic bytes,
 * header limits, metadata by ExifTool/sharp/ffprobe, the thumbnail render
 * that finds truncated data, the SHA-256) — and a folder's inputs listed as
 * `curator run` lists them (`Inputs.ts`: symbolic links and files that are
 * not photos or videos are `skipped`, unreadable ones `unreadable`).
 *
 * Prints a table, or with `--json` a JSON array with one {@link InspectionRecord}
 * per input, in argument order (a folder's files in path order). Exit code 0
 * even when files are bad (their status says why); a path that does not exist
 * or an empty folder is a user error: one line, exit 1.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { cameraLabel, formatCaptureTime, InvalidInputError } from "@curator/contracts"
import { type InspectedMedia, Media, MediaInspector } from "@curator/media"
import { Cause, Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type FolderInput, readFolderInputs } from "./Inputs.js"

/** What `inspect` says about a file: read fine, or why not (from the error table's tag). */
export type InspectionStatus = "ok" | "corrupt" | "unsupported" | "unreadable" | "skipped"

/**
 * One input, as `--json` prints it. Units: px (`width`/`height` as displayed, after the EXIF
 * orientation, HEIF `irot`/`imir` or the video's display rotation), decimal degrees WGS 84
 * (`gps`), metres (`altitude`), seconds (`durationSeconds`), degrees clockwise (`rotation`).
 * - `file`: the path relative to the folder argument, or the file argument as given;
 * - `errorTag`: the error table's tag of a failure (e.g. `CorruptMediaError`, `UnreadableFileError`), null
 *   when ok or skipped; `message`: why, in words (a skipped input's starts with its status,
 *   `skipped: symlink: …` / `skipped: unsupported type: …`), null when ok;
 * - `orientation`: the EXIF orientation 1..8 as stored, null when the file has none (and for videos);
 * - `capturedAt`: ISO 8601 local time with its offset when known (`2020-11-20T15:04:02+01:00`),
 *   ending in `Z` when only the UTC instant is known, bare when the zone is unknown; null when none;
 * - `durationSeconds`, `rotation`: videos only (null for photos).
 */
export interface InspectionRecord {
  readonly file: string
  readonly status: InspectionStatus
  readonly errorTag: string | null
  readonly message: string | null
  readonly kind: "photo" | "video" | null
  readonly mimeType: string | null
  readonly width: number | null
  readonly height: number | null
  readonly orientation: number | null
  readonly capturedAt: string | null
  readonly gps: { readonly latitude: number; readonly longitude: number } | null
  readonly altitude: number | null
  readonly make: string | null
  readonly model: string | null
  readonly durationSeconds: number | null
  readonly rotation: number | null
}

const EMPTY = {
  kind: null,
  mimeType: null,
  width: null,
  height: null,
  orientation: null,
  capturedAt: null,
  gps: null,
  altitude: null,
  make: null,
  model: null,
  durationSeconds: null,
  rotation: null
} as const

/** The status of a failure by its error tag: corrupt data, a file Curator does not take, or one it may not read. */
export const statusOfTag = (tag: string): Exclude<InspectionStatus, "ok" | "skipped"> =>
  tag === "UnsupportedMediaError" || tag === "MediaTooLargeError"
    ? "unsupported"
    : tag === "UnreadableFileError" || tag === "NotFoundError"
      ? "unreadable"
      : "corrupt"

/** The record of a file that was inspected (pure). */
export const inspectionRecord = (file: string, inspected: InspectedMedia): InspectionRecord => {
  const m = inspected.metadata
  const video = m.kind === "video"
  return {
    file,
    status: "ok",
    errorTag: null,
    message: null,
    kind: m.kind,
    mimeType: m.mime,
    width: m.width,
    height: m.height,
    orientation: video ? null : inspected.orientationTag,
    capturedAt: m.captureTime === null ? null : formatCaptureTime(m.captureTime),
    gps: m.gps === null ? null : { latitude: m.gps.lat, longitude: m.gps.lon },
    altitude: m.gps?.alt ?? null,
    make: m.make,
    model: m.model,
    durationSeconds: video ? m.durationSeconds : null,
    rotation: video ? m.rotation : null
  }
}

/** The record of a file that failed with `tag` and `message` (pure). */
export const failureRecord = (file: string, tag: string, message: string): InspectionRecord => ({
  file,
  status: statusOfTag(tag),
  errorTag: tag,
  message,
  ...EMPTY
})

/** Inspects one file; any failure (a defect included) becomes its record, never the command's failure. */
const inspectFile = (file: string, fullPath: string) =>
  Effect.gen(function* () {
    const inspector = yield* MediaInspector
    return inspectionRecord(file, yield* inspector.inspect({ path: fullPath, fileName: file }))
  }).pipe(
    Effect.scoped,
    Effect.catchCause((cause) => {
      const error = Cause.squash(cause)
      const tagged = typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      const tag = tagged ? String((error as { _tag: string })._tag) : "InternalDefectError"
      const message = error instanceof Error || (typeof error === "object" && error !== null && "message" in error) ? String((error as { message: unknown }).message) : String(error)
      return Effect.succeed(failureRecord(file, tag, message))
    })
  )

/** The record of a folder input (skipped and unreadable ones without running anything). */
const inspectInput = (input: FolderInput) => {
  switch (input.kind) {
    case "media":
      return inspectFile(input.fileName, input.fullPath)
    case "unreadable":
      return Effect.succeed(failureRecord(input.fileName, input.error._tag, input.error.message))
    case "skipped":
      return Effect.succeed({ file: input.fileName, status: "skipped", errorTag: null, message: `${input.skipped.status}: ${input.skipped.reason}`, ...EMPTY } satisfies InspectionRecord)
  }
}

/** What one argument names: a folder's inputs, or one file (fails with InvalidInputError when it does not exist or a folder is empty). */
const inputsOf = (argument: string) =>
  Effect.gen(function* () {
    const stat = yield* Effect.tryPromise({
      try: () => fs.stat(argument),
      catch: () => new InvalidInputError({ message: `No such file or folder: ${argument}` })
    })
    if (!stat.isDirectory()) return [{ kind: "file", file: argument, fullPath: path.resolve(argument) }] as const
    const inputs = yield* readFolderInputs(path.resolve(argument))
    if (inputs.length === 0) return yield* new InvalidInputError({ message: `Nothing to inspect in ${argument}: the folder is empty` })
    return inputs.map((input) => ({ kind: "input", input }) as const)
  })

/**
 * Inspects every argument (files as given, folders' inputs in path order), two files at a time;
 * records in argument order. Fails only with InvalidInputError (a missing path, an empty folder),
 * checked for every argument before anything is inspected.
 */
export const inspectPaths = (paths: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const targets = (yield* Effect.forEach(paths, inputsOf)).flat()
    return yield* Effect.forEach(targets, (t) => (t.kind === "file" ? inspectFile(t.file, t.fullPath) : inspectInput(t.input)), { concurrency: 2 })
  })

const dash = (value: string | number | null): string => (value === null ? "–" : String(value))

/** A plain-text table of the records: one line per file, a second line with the reason for a file that is not ok. */
export const renderInspectionTable = (records: ReadonlyArray<InspectionRecord>): string => {
  const header = ["file", "status", "kind", "size (px)", "orient./rot.", "captured", "GPS", "camera", "duration"]
  const rows = records.map((r) => [
    r.file,
    r.status,
    dash(r.kind),
    r.width === null || r.height === null ? "–" : `${r.width}x${r.height}`,
    r.kind === "video" ? `${dash(r.rotation)}°` : dash(r.orientation),
    dash(r.capturedAt),
    r.gps === null ? "–" : `${r.gps.latitude.toFixed(5)}, ${r.gps.longitude.toFixed(5)}${r.altitude === null ? "" : ` ${r.altitude.toFixed(0)} m`}`,
    cameraLabel(r.make, r.model) ?? "–",
    r.durationSeconds === null ? "–" : `${r.durationSeconds.toFixed(2)} s`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()
  const lines = [line(header), line(widths.map((w) => "-".repeat(w)))]
  records.forEach((r, i) => {
    lines.push(line(rows[i] ?? []))
    if (r.status !== "ok") lines.push(`    ${r.errorTag === null ? "" : `${r.errorTag}: `}${r.message ?? ""}`)
  })
  return lines.join("\n")
}

const options = {
  paths: Argument.String("path").pipe(Argument.withDescription("Files or folders (folders are searched recursively)"), Argument.atLeast(1)),
  json: Flag.Boolean("json").pipe(Flag.withDescription("Print a JSON array, one object per input"), Flag.withDefault(false))
}

/** The `inspect` subcommand. */
export const inspectCommand = Command.make("inspect", options, (cfg) =>
  Effect.gen(function* () {
    const records = yield* inspectPaths(cfg.paths).pipe(Effect.provide(Media.layer))
    yield* Console.log(cfg.json ? JSON.stringify(records, null, 2) : renderInspectionTable(records))
  })
).pipe(Command.withDescription("Show what Curator reads from each file (size as displayed, capture time, GPS, camera, duration), through the pipeline's own code."))
