/**
 * The inputs of a folder, shared by `curator run` (Ingest) and `curator inspect`,
 * so both account for every file the same way:
 *
 * - the folder is walked recursively in path order; hidden entries (`.DS_Store`,
 *   `._IMG_1.JPG`, `.git/`) are left out, as a photo app's import does;
 * - a symbolic link is `skipped: symlink` (Curator reads regular files only: a link
 *   could lead outside the folder or bring one file twice);
 * - a regular file is opened and its first bytes read: a file the process may not
 *   read is `unreadable` (UnreadableFileError, e.g. mode 000 or an ACL), a sub-folder
 *   it may not list is too; a file with neither a photo/video extension nor a
 *   photo/video signature (an SVG, a README, a sidecar `.xmp`) is
 *   `skipped: unsupported type`; anything else is media and goes on (the worker
 *   checks its bytes: size, signature, header limits);
 * - sockets, FIFOs and devices are `skipped: unsupported type`.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { InvalidInputError, type SkippedInput } from "@curator/contracts"
import { fileReadError, type FileReadError, sniffSync } from "@curator/media"
import { Effect } from "effect"

/** Extension -> content type declared for an upload record (the worker sniffs the real type). */
export const MIME_BY_EXT: Readonly<Record<string, string>> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", heic: "image/heic", heif: "image/heif",
  avif: "image/avif", gif: "image/gif", mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", "3gp": "video/3gpp"
}

/** The blob-key extension for a file name: its lower-cased extension if short and alphanumeric, else "bin". */
export const blobExtension = (fileName: string): string => {
  const ext = path.extname(fileName).slice(1).toLowerCase()
  return /^[a-z0-9]{1,5}$/.test(ext) ? ext : "bin"
}

/** Bytes read from each file to recognise a photo/video signature (MediaSniffer needs 64). */
const SIGNATURE_BYTES = 64

/**
 * One input of a folder. `fileName`: the path relative to the folder, `/`-separated; `fullPath`:
 * where to read it. `media`: a photo or video to process (`bytes`: its size); `skipped`: not taken
 * in, with why; `unreadable`: the process may not read it (UnreadableFileError) or it vanished.
 */
export type FolderInput =
  | { readonly kind: "media"; readonly fileName: string; readonly fullPath: string; readonly bytes: number }
  | { readonly kind: "skipped"; readonly fileName: string; readonly skipped: SkippedInput }
  | { readonly kind: "unreadable"; readonly fileName: string; readonly fullPath: string; readonly error: FileReadError }

const skipped = (fileName: string, status: SkippedInput["status"], reason: string): FolderInput => ({
  kind: "skipped",
  fileName,
  skipped: { fileName, status, reason }
})

/** Opens a regular file and classifies it by its extension and first bytes (never rejects: failures are data). */
export const classifyFile = async (fullPath: string, fileName: string): Promise<FolderInput> => {
  let header: Uint8Array
  let bytes: number
  try {
    const handle = await fs.open(fullPath, "r")
    try {
      bytes = (await handle.stat()).size
      const buffer = new Uint8Array(SIGNATURE_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, SIGNATURE_BYTES, 0)
      header = buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (cause) {
    return { kind: "unreadable", fileName, fullPath, error: fileReadError(fileName, cause) }
  }
  if (MIME_BY_EXT[blobExtension(fileName)] !== undefined || sniffSync(header) !== undefined) return { kind: "media", fileName, fullPath, bytes }
  const ext = path.extname(fileName).toLowerCase()
  return skipped(fileName, "skipped: unsupported type", `not a photo or video${ext === "" ? "" : ` (${ext})`}: no photo or video signature in its first bytes`)
}

const toSlashes = (rel: string) => rel.split(path.sep).join("/")

/** Walks `dir` (recursive, hidden entries left out) and classifies every entry, sorted by path. */
const walk = async (root: string, dir: string, out: Array<FolderInput>): Promise<void> => {
  let entries: Array<import("node:fs").Dirent>
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch (cause) {
    const fileName = `${toSlashes(path.relative(root, dir))}/`
    out.push({ kind: "unreadable", fileName, fullPath: dir, error: fileReadError(`the folder ${fileName}`, cause) })
    return
  }
  const sorted = entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of sorted) {
    const full = path.join(dir, e.name)
    const fileName = toSlashes(path.relative(root, full))
    if (e.isSymbolicLink()) out.push(skipped(fileName, "skipped: symlink", "a symbolic link: Curator reads regular files only"))
    else if (e.isDirectory()) await walk(root, full, out)
    else if (e.isFile()) out.push(await classifyFile(full, fileName))
    else out.push(skipped(fileName, "skipped: unsupported type", "not a regular file (a socket, pipe or device)"))
  }
}

/**
 * Every input of the folder `dir` in path order (see the module doc).
 * Fails with InvalidInputError when `dir` itself is missing, not a folder or cannot be listed.
 */
export const readFolderInputs = (dir: string): Effect.Effect<ReadonlyArray<FolderInput>, InvalidInputError> =>
  Effect.gen(function* () {
    yield* requireFolder(dir)
    return yield* Effect.tryPromise({
      try: async () => {
        const out: Array<FolderInput> = []
        await walk(dir, dir, out)
        return out
      },
      catch: (cause) => new InvalidInputError({ message: `Cannot read the folder ${dir}: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
  })

/** Succeeds when `dir` is a folder that can be listed; else InvalidInputError with a one-line reason. */
export const requireFolder = (dir: string): Effect.Effect<void, InvalidInputError> =>
  Effect.tryPromise({
    try: async () => {
      const stat = await fs.stat(dir)
      if (!stat.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" })
      await fs.access(dir, fs.constants.R_OK | fs.constants.X_OK)
    },
    catch: (cause) => {
      const code = cause !== null && typeof cause === "object" && "code" in cause ? String(cause.code) : ""
      return new InvalidInputError({
        message: code === "ENOENT" ? `No such folder: ${dir}` : code === "ENOTDIR" ? `Not a folder: ${dir}` : `Cannot read the folder ${dir} (${code || String(cause)})`
      })
    }
  })
