/**
 * Which picked or dropped files are photos and videos, and under which
 * content type they are declared. Browsers leave `File.type` empty (or
 * `application/octet-stream`) for formats the OS does not map, which is
 * common for HEIC/HEIF and sometimes AVIF, so the extension decides then.
 * The server checks the real bytes after upload (magic-byte sniffing in the
 * thumbnail worker), so this is only the declaration, not trust.
 */

/** Content type by lower-case extension, for the formats Curator reads (libs/media). */
export const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  heic: "image/heic",
  heif: "image/heif",
  gif: "image/gif",
  tif: "image/tiff",
  tiff: "image/tiff",
  mov: "video/quicktime",
  mp4: "video/mp4",
  m4v: "video/x-m4v",
  "3gp": "video/3gpp",
  webm: "video/webm",
  mkv: "video/x-matroska"
}

/** The lower-case extension of a file name, without the dot; "" when there is none. */
export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf(".")
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ""
}

/**
 * The content type to declare for a file, or null when it is not a photo or
 * video (e.g. a README, a sidecar `.AAE`, macOS `._` resource forks and other
 * hidden files, which a folder pick brings along).
 */
export const mediaTypeOf = (name: string, browserType: string): string | null => {
  if (name.startsWith(".")) return null
  if (browserType.startsWith("image/") || browserType.startsWith("video/")) return browserType
  return MIME_BY_EXTENSION[extensionOf(name)] ?? null
}

/** A file the person chose: `path` is the folder-relative path when a folder was picked (display only). */
export interface PickedFile {
  readonly file: File
  readonly name: string
  readonly path: string
  readonly mime: string
}

/** Splits picked files into media (with their declared type) and the names of everything skipped. */
export const partitionMedia = (files: ReadonlyArray<File>): { media: Array<PickedFile>; skipped: Array<string> } => {
  const media: Array<PickedFile> = []
  const skipped: Array<string> = []
  for (const file of files) {
    const mime = mediaTypeOf(file.name, file.type)
    const path = file.webkitRelativePath || file.name
    if (mime === null) skipped.push(path)
    else media.push({ file, name: file.name, path, mime })
  }
  return { media, skipped }
}

/** Human-readable size: 1,536 -> "1.5 KB" (SI-free binary units as file managers show them). */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KB", "MB", "GB", "TB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`
}
