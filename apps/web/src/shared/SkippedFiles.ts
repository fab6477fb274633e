/**
 * The picked or dropped files that were never sent — not a photo or video, or
 * refused by the upload rules before any request — kept per session so the
 * review lists every input with its status, as `curator run`'s report does
 * ("skipped: unsupported type"; a browser never sees symbolic links: it reads
 * what they point to). Only the browser knows them (the server never saw
 * them), so they live in the origin's `localStorage`: kept across a reload
 * and shared by tabs, dropped with the session's 24 h lifetime. The upload
 * step records them (its model's `skippedOfPick` says which and why), the
 * review lists them under "Not taken in".
 */
import { DEFAULT_TTL_SECONDS, type SkippedInputStatus } from "@curator/contracts"

/**
 * A file that was not taken in: its folder-relative path (or name), its status and the reason
 * in plain words. `refused`: a photo or video the upload rules turned down (too large, a name
 * the server refuses).
 */
export interface SkippedFile {
  readonly path: string
  readonly status: SkippedInputStatus | "refused"
  readonly reason: string
}

/** The storage key of a session's list. */
const keyOf = (sessionId: string) => `curator.skipped.${sessionId}`

interface Stored {
  readonly savedAt: number
  readonly files: ReadonlyArray<SkippedFile>
}

/**
 * Adds `files` to the session's list (a path already listed is kept once) and forgets the lists of
 * sessions older than their lifetime. `now`: ms since the epoch. A storage that refuses (private
 * mode, quota) loses the list, never the upload.
 */
export const rememberSkipped = (storage: Storage | null, sessionId: string, files: ReadonlyArray<SkippedFile>, now = Date.now()): void => {
  if (storage === null || files.length === 0) return
  try {
    for (let i = storage.length - 1; i >= 0; i--) {
      const key = storage.key(i)
      if (key === null || !key.startsWith("curator.skipped.")) continue
      const saved = parse(storage.getItem(key))
      if (saved === null || now - saved.savedAt > DEFAULT_TTL_SECONDS * 1000) storage.removeItem(key)
    }
    const known = parse(storage.getItem(keyOf(sessionId)))?.files ?? []
    const paths = new Set(known.map((f) => f.path))
    const merged = [...known, ...files.filter((f) => !paths.has(f.path))]
    storage.setItem(keyOf(sessionId), JSON.stringify({ savedAt: now, files: merged } satisfies Stored))
  } catch {
    // Storage full or disabled: the review then lists what the server knows.
  }
}

/** The session's list, in the order the files were picked; empty when none was kept. */
export const skippedFilesOf = (storage: Storage | null, sessionId: string): ReadonlyArray<SkippedFile> => {
  try {
    return storage === null ? [] : (parse(storage.getItem(keyOf(sessionId)))?.files ?? [])
  } catch {
    return []
  }
}

const parse = (text: string | null): Stored | null => {
  if (text === null) return null
  try {
    const value = JSON.parse(text) as Partial<Stored>
    if (typeof value.savedAt !== "number" || !Array.isArray(value.files)) return null
    const files = value.files.filter(
      (f): f is SkippedFile => typeof f === "object" && f !== null && typeof f.path === "string" && typeof f.reason === "string" && typeof f.status === "string"
    )
    return { savedAt: value.savedAt, files }
  } catch {
    return null
  }
}

/** `window.localStorage` when the page may use it, else null (tests, a sandboxed frame). */
export const browserStorage = (): Storage | null => {
  try {
    return typeof localStorage === "undefined" ? null : localStorage
  } catch {
    return null
  }
}
