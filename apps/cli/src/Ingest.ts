/**
 * Ingest for `curator run`: copies every regular file of a folder (recursive,
 * hidden files skipped, sorted by path) into the local BlobStore under a
 * fresh random fileId and records the upload, exactly as a browser upload
 * would end up. Nothing is trusted here: the thumbnail task validates the
 * bytes (size, magic bytes, header limits).
 *
 * Files that are plainly not media — neither a photo/video extension nor a
 * photo/video signature in their first bytes (a README, a sidecar .xmp) — are
 * skipped and listed, like a photo app's import does; anything that claims to
 * be media by name or by bytes goes through and, if broken, is reported by
 * the pipeline with its reason.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { BlobKeys, type UploadRecord } from "@curator/contracts"
import { sniffSync } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { randomId } from "./ids.js"

/** Extension -> content type declared for the upload record (the worker sniffs the real type). */
const MIME_BY_EXT: Record<string, string> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", heic: "image/heic", heif: "image/heif",
  avif: "image/avif", gif: "image/gif", mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", "3gp": "video/3gpp"
}

/** Regular files under `dir`, relative paths with `/` separators, hidden entries skipped, sorted. */
export const listMediaFiles = async (dir: string): Promise<ReadonlyArray<string>> => {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
  const files: Array<string> = []
  for (const e of entries) {
    if (!e.isFile()) continue
    const rel = path.relative(dir, path.join(e.parentPath, e.name))
    if (rel.split(path.sep).some((seg) => seg.startsWith("."))) continue
    files.push(rel.split(path.sep).join("/"))
  }
  return files.sort()
}

/** The blob-key extension for a file name: its lower-cased extension if short and alphanumeric, else "bin". */
export const blobExtension = (fileName: string): string => {
  const ext = path.extname(fileName).slice(1).toLowerCase()
  return /^[a-z0-9]{1,5}$/.test(ext) ? ext : "bin"
}

/** True when a file is plainly not media: no media extension and no media signature in its first 64 bytes. */
export const isPlainlyNotMedia = async (fullPath: string, fileName: string): Promise<boolean> => {
  if (MIME_BY_EXT[blobExtension(fileName)] !== undefined) return false
  const handle = await fs.open(fullPath, "r")
  try {
    const header = new Uint8Array(64)
    const { bytesRead } = await handle.read(header, 0, 64, 0)
    return sniffSync(header.subarray(0, bytesRead)) === undefined
  } finally {
    await handle.close()
  }
}

/** What ingest did: the upload records (in path order) and the file names it skipped as not media. */
export interface IngestResult {
  readonly uploads: ReadonlyArray<UploadRecord>
  readonly skipped: ReadonlyArray<string>
}

/** Copies the folder's media files into the session and records their uploads. */
export const ingestFolder = Effect.fn("curator.ingest")(function* (folder: string, sessionId: string, expiresAt: number) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const all = yield* Effect.promise(() => listMediaFiles(folder))
  const flags = yield* Effect.promise(() => Promise.all(all.map((f) => isPlainlyNotMedia(path.join(folder, f), f))))
  const files = all.filter((_, i) => !flags[i])
  const skipped = all.filter((_, i) => flags[i])
  const uploads = yield* Effect.forEach(
    files,
    (fileName) =>
      Effect.gen(function* () {
        const fileId = randomId()
        const ext = blobExtension(fileName)
        const key = BlobKeys.original(sessionId, fileId, ext)
        const mime = MIME_BY_EXT[ext] ?? "application/octet-stream"
        const full = path.join(folder, fileName)
        const { size } = yield* Effect.promise(() => fs.stat(full))
        yield* blobs.putFile(key, full, mime)
        const record: UploadRecord = { fileId, fileName, mime, bytes: size, key, status: "uploaded", expiresAt }
        yield* sessions.putUpload(sessionId, record)
        return record
      }),
    { concurrency: 4 }
  )
  return { uploads, skipped } satisfies IngestResult
})
