/**
 * The upload step's list of files and its sums, as pure data so the rules
 * (what is refused before sending, how total progress is weighed, what the
 * rows and the main button say) are unit tested without a browser.
 */
import { uploadRefusal } from "@curator/contracts"
import { UPLOAD_CONCURRENCY } from "../../shared/Pool.js"
import type { SkippedFile } from "../../shared/SkippedFiles.js"
import { formatBytes, type PickedFile } from "./MediaFiles.js"

/**
 * Where one file is: `ready` (picked, not sent), `refused` (fails the
 * contract's rules before any request), `queued` (waiting for a free upload
 * lane), `uploading`, `uploaded` (stored and
 * its size confirmed by `complete`), `failed` (with `reason`).
 */
export type UploadEntryStatus = "ready" | "refused" | "queued" | "uploading" | "uploaded" | "failed"

/**
 * One row. `key` is local and unique per pick, so two files with the same
 * name (a Live Photo's IMG_1.HEIC and IMG_1.MOV, or IMG_1.JPG from two
 * folders) are two rows; `fileId` is the server's id once declared.
 * `loaded` and `size` are bytes.
 */
export interface UploadEntry {
  readonly key: string
  readonly name: string
  readonly path: string
  readonly mime: string
  readonly size: number
  readonly file: File | null
  readonly status: UploadEntryStatus
  readonly loaded: number
  readonly reason: string | null
  readonly fileId: string | null
}

/** New rows for picked files; `firstKey` numbers them after the rows already listed. Refused files are marked with the contract's reason. */
export const entriesFor = (picked: ReadonlyArray<PickedFile>, firstKey: number): Array<UploadEntry> =>
  picked.map((p, i) => {
    const reason = uploadRefusal({ name: p.name, type: p.mime, size: p.file.size })
    return {
      key: `f${firstKey + i}`,
      name: p.name,
      path: p.path,
      mime: p.mime,
      size: p.file.size,
      file: p.file,
      status: reason === null ? "ready" : "refused",
      loaded: 0,
      reason,
      fileId: null
    }
  })

/** Sums over the rows that are sent (refused rows left out): bytes sent / bytes to send, and counts by status. */
export const totalsOf = (entries: ReadonlyArray<UploadEntry>) => {
  let bytes = 0
  let loaded = 0
  const counts: Record<UploadEntryStatus, number> = { ready: 0, refused: 0, queued: 0, uploading: 0, uploaded: 0, failed: 0 }
  for (const e of entries) {
    counts[e.status]++
    if (e.status === "refused") continue
    bytes += e.size
    loaded += e.status === "uploaded" ? e.size : Math.min(e.loaded, e.size)
  }
  return { bytes, loaded, fraction: bytes === 0 ? 0 : loaded / bytes, counts }
}

/** Replaces the row with `key` by `f(row)`; other rows are kept as they are (same objects). */
export const updateEntry = (entries: ReadonlyArray<UploadEntry>, key: string, f: (e: UploadEntry) => UploadEntry): Array<UploadEntry> =>
  entries.map((e) => (e.key === key ? f(e) : e))

/** Splits `items` into chunks of at most `size` (>= 1): upload declarations go out 100 files per request. */
export const chunksOf = <T,>(items: ReadonlyArray<T>, size: number): Array<Array<T>> => {
  const out: Array<Array<T>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The files of a pick that are not sent, for the review's "Not taken in" (shared/SkippedFiles):
 * `notMedia` paths (MediaFiles.partitionMedia) as `skipped: unsupported type`, and the `refused`
 * rows — a content type the contract does not accept is `skipped: unsupported type` too (an SVG),
 * any other refusal (too large, a name the server refuses) `refused`, with the contract's reason.
 */
export const skippedOfPick = (notMedia: ReadonlyArray<string>, entries: ReadonlyArray<UploadEntry>): Array<SkippedFile> => [
  ...notMedia.map((path): SkippedFile => ({ path, status: "skipped: unsupported type", reason: "not a photo or video" })),
  ...entries
    .filter((e) => e.status === "refused")
    .map((e): SkippedFile => ({
      path: e.path,
      status: /content type .* is not accepted/.test(e.reason ?? "") ? "skipped: unsupported type" : "refused",
      reason: e.reason ?? "not accepted"
    }))
]

// ---------------------------------------------------------------------------
// What the step shows
// ---------------------------------------------------------------------------

/** Where the step is: files being picked, uploaded, the selection being started, or stopped by a failure. */
export type UploadPhase = "picking" | "uploading" | "starting" | "stopped"

/** A row's status as the list says it. */
export const STATUS_LABEL: Record<UploadEntryStatus, string> = {
  ready: "Ready",
  refused: "Not accepted",
  queued: "Queued",
  uploading: "Uploading",
  uploaded: "Uploaded",
  failed: "Failed"
}

/** A file's kind from its content type, for its icon. */
export const kindOf = (mime: string): "photo" | "video" | "other" => (mime.startsWith("video/") ? "video" : mime.startsWith("image/") ? "photo" : "other")

/** A row's status words: its percentage while it uploads, else {@link STATUS_LABEL}. */
export const entryStatusLabel = (e: Pick<UploadEntry, "status" | "loaded" | "size">): string =>
  e.status === "uploading" && e.size > 0 ? `${Math.floor((100 * e.loaded) / e.size)} %` : STATUS_LABEL[e.status]

/** A row's bar in [0, 1], or null while nothing was sent (ready, refused, queued). */
export const entryProgress = (e: Pick<UploadEntry, "status" | "loaded" | "size">): number | null =>
  e.status === "ready" || e.status === "refused" || e.status === "queued" ? null : e.size === 0 ? 1 : e.loaded / e.size

/** A row's detail: its size, and the folder it is in when it came with a folder. */
export const entryDetail = (e: Pick<UploadEntry, "name" | "path" | "size">): string =>
  e.path !== e.name ? `${formatBytes(e.size)} · in ${e.path.slice(0, e.path.length - e.name.length - 1)}` : formatBytes(e.size)

/** The note under the list for files that are not photos or videos: their count and the first five paths. */
export const skippedNote = (skipped: ReadonlyArray<string>): string =>
  `Skipped ${skipped.length} file${skipped.length === 1 ? "" : "s"} that ${skipped.length === 1 ? "is" : "are"} not a photo or video: ` +
  `${skipped.slice(0, 5).join(", ")}${skipped.length > 5 ? ` and ${skipped.length - 5} more` : ""}.`

/** What the step can send and has sent: rows to send (ready or failed), files uploaded in an earlier visit. */
export interface UploadProgress {
  readonly phase: UploadPhase
  readonly toSend: ReadonlyArray<Pick<UploadEntry, "size">>
  readonly uploadedBefore: number
  readonly totals: ReturnType<typeof totalsOf>
}

/** Whether the main button works: nothing runs, and there is something to send or something uploaded to pick from. */
export const canStart = ({ phase, toSend, uploadedBefore, totals }: UploadProgress): boolean =>
  phase !== "uploading" &&
  phase !== "starting" &&
  (toSend.length > 0 || (uploadedBefore + totals.counts.uploaded > 0 && phase !== "picking") || uploadedBefore > 0)

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`

/** The line next to the main button: what runs, or what is ready. */
export const statusLine = ({ phase, toSend, uploadedBefore, totals }: UploadProgress): string =>
  phase === "starting"
    ? "Starting the selection…"
    : phase === "uploading"
      ? `${totals.counts.uploading} uploading (up to ${UPLOAD_CONCURRENCY} at once), ${totals.counts.queued} queued`
      : toSend.length > 0
        ? `${files(toSend.length)} ready · ${formatBytes(toSend.reduce((n, e) => n + e.size, 0))}`
        : uploadedBefore > 0
          ? `${files(uploadedBefore)} uploaded`
          : "No files yet"

/** The main button's words. */
export const buttonLabel = (phase: UploadPhase, sendCount: number): string =>
  phase === "uploading"
    ? "Uploading…"
    : phase === "starting"
      ? "Starting…"
      : sendCount > 0
        ? phase === "stopped"
          ? `Retry ${sendCount} failed`
          : `Upload ${sendCount} and pick the best`
        : "Pick the best"
