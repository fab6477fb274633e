/**
 * Ingest for `curator run`: copies every photo and video of a folder (the
 * inputs of `Inputs.ts`: recursive, in path order) into the local BlobStore
 * under a fresh random fileId and records the upload, exactly as a browser
 * upload would end up. Nothing is trusted here: the thumbnail task validates
 * the bytes (size, magic bytes, header limits).
 *
 * Every input is accounted for: symbolic links and files that are plainly not
 * media are returned as `skipped` with their status; a file the process may
 * not read is returned as `unreadable` with its UnreadableFileError (it gets a
 * fileId so the reports list it among the files that could not be processed)
 * and the rest of the batch goes on.
 */
import { BlobKeys, type SkippedInput, type UploadRecord } from "@curator/contracts"
import type { FileReadError } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { randomId } from "./ids.js"
import { blobExtension, type FolderInput, MIME_BY_EXT } from "./Inputs.js"

/** A file that could not be read: its fileId (for the reports), name and typed error. */
export interface UnreadableInput {
  readonly fileId: string
  readonly fileName: string
  readonly error: FileReadError
}

/** What ingest did: the upload records (in path order), the files it could not read, and the inputs it skipped. */
export interface IngestResult {
  readonly uploads: ReadonlyArray<UploadRecord>
  readonly unreadable: ReadonlyArray<UnreadableInput>
  readonly skipped: ReadonlyArray<SkippedInput>
}

/** Copies the photos and videos of a folder's `inputs` (from `readFolderInputs`) into the session and records their uploads. */
export const ingestInputs = Effect.fn("curator.ingest")(function* (inputs: ReadonlyArray<FolderInput>, sessionId: string, expiresAt: number) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const unreadable: Array<UnreadableInput> = inputs.flatMap((i) => (i.kind === "unreadable" ? [{ fileId: randomId(), fileName: i.fileName, error: i.error }] : []))
  const skipped = inputs.flatMap((i) => (i.kind === "skipped" ? [i.skipped] : []))
  const media = inputs.flatMap((i) => (i.kind === "media" ? [i] : []))
  const uploads = yield* Effect.forEach(
    media,
    (input) =>
      Effect.gen(function* () {
        const fileId = randomId()
        const ext = blobExtension(input.fileName)
        const key = BlobKeys.original(sessionId, fileId, ext)
        const mime = MIME_BY_EXT[ext] ?? "application/octet-stream"
        yield* blobs.putFile(key, input.fullPath, mime)
        const record: UploadRecord = { fileId, fileName: input.fileName, mime, bytes: input.bytes, key, status: "uploaded", expiresAt }
        yield* sessions.putUpload(sessionId, record)
        return record
      }),
    { concurrency: 4 }
  )
  return { uploads, unreadable, skipped } satisfies IngestResult
})
