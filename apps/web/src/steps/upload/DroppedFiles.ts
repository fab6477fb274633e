/**
 * Files from a drag-and-drop, folders included. `DataTransfer.files` lists a
 * dropped folder as one useless entry, so folders are walked through the
 * File and Directory Entries API (`webkitGetAsEntry`, supported by every
 * current browser); `readEntries` returns at most 100 entries per call, so it
 * is called until it returns none.
 */

const fileOf = (entry: FileSystemFileEntry): Promise<File> => new Promise((resolve, reject) => entry.file(resolve, reject))

const readAll = async (dir: FileSystemDirectoryEntry): Promise<Array<FileSystemEntry>> => {
  const reader = dir.createReader()
  const all: Array<FileSystemEntry> = []
  for (;;) {
    const batch = await new Promise<Array<FileSystemEntry>>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

const walk = async (entry: FileSystemEntry, out: Array<File>): Promise<void> => {
  if (entry.isFile) out.push(await fileOf(entry as FileSystemFileEntry))
  else if (entry.isDirectory) for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, out)
}

/** Every file of a drop, walking dropped folders (depth first); falls back to `files` where entries are unavailable. */
export const filesOfDrop = async (data: DataTransfer): Promise<Array<File>> => {
  // Entries must be taken synchronously, before the first await: the DataTransfer is emptied after the event.
  const entries = Array.from(data.items, (item) => (item.kind === "file" ? item.webkitGetAsEntry() : null))
  if (entries.length === 0 || entries.some((e) => e === null)) return Array.from(data.files)
  const out: Array<File> = []
  for (const entry of entries) if (entry !== null) await walk(entry, out)
  return out
}
