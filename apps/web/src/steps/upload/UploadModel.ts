/**
 * The upload step's list of files and its sums, as pure data so the rules
 * (what is refused before sending, how total progress is weighed) are unit
 * tested without a browser.
 */
import { uploadRefusal } from "@curator/contracts"
import type { PickedFile } from "./MediaFiles.js"

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
