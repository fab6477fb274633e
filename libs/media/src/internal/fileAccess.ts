/**
 * Node file-system errors on a file Curator was asked to read -> the typed errors of the
 * error table. `EACCES`/`EPERM` (permissions, an ACL, a mandatory lock) and any other I/O
 * failure -> UnreadableFileError; `ENOENT` -> NotFoundError; `EISDIR` -> UnsupportedMediaError.
 * Codes: Node.js "Common system errors" (https://nodejs.org/api/errors.html#common-system-errors).
 */
import { NotFoundError, UnreadableFileError, UnsupportedMediaError } from "@curator/contracts"

/** Failures of reading a local file. */
export type FileReadError = UnreadableFileError | NotFoundError | UnsupportedMediaError

const codeOf = (cause: unknown): string | undefined =>
  cause !== null && typeof cause === "object" && "code" in cause && typeof cause.code === "string" ? cause.code : undefined

/** The typed error for `cause`, thrown while reading the file the person calls `fileName`. */
export const fileReadError = (fileName: string, cause: unknown): FileReadError => {
  const code = codeOf(cause)
  if (code === "ENOENT") return new NotFoundError({ message: `${fileName} does not exist (it was moved or deleted)` })
  if (code === "EISDIR") return new UnsupportedMediaError({ message: `${fileName} is a folder, not a file` })
  if (code === "EACCES" || code === "EPERM") {
    return new UnreadableFileError({ message: `${fileName} cannot be read: permission denied (${code}); check the file's permissions` })
  }
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new UnreadableFileError({ message: `${fileName} cannot be read (${code ?? reason})` })
}
