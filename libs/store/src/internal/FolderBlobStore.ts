/**
 * The folder implementation of BlobStore (see BlobStore.layerLocal).
 *
 * Layout under the root: `data/<key>` (bytes), `meta/<key>.meta.json`
 * (`{ "contentType": ... }`), `tmp/` (staging for atomic renames). A blob
 * exists when its data file exists; the sidecar is written first, so a
 * reader never sees bytes without their content type.
 */
import { randomUUID } from "node:crypto"
import fs from "node:fs/promises"
import path from "node:path"
import { InvalidInputError, NotFoundError, StoreUnavailableError } from "@curator/contracts"
import { createReadStream } from "node:fs"
import { Effect, Schema, Stream } from "effect"
import type { BlobInfo, BlobStoreService } from "../BlobStore.js"
import { validateKey } from "./blobKey.js"

const BlobMeta = Schema.Struct({ contentType: Schema.String })
const decodeMeta = Schema.decodeUnknownOption(Schema.fromJsonString(BlobMeta))

/** Content type reported when a sidecar is missing (a blob written by hand into the folder). */
const DEFAULT_CONTENT_TYPE = "application/octet-stream"

/** fs error codes that mean "the disk or the process is in trouble" (retryable), not a bug. */
const UNAVAILABLE_CODES = new Set(["ENOSPC", "EIO", "EMFILE", "ENFILE", "EBUSY", "EAGAIN", "EDQUOT", "EROFS", "EACCES", "EPERM"])
/** fs error codes that mean a key collides with a prefix (a file where a folder is needed or the reverse). */
const COLLISION_CODES = new Set(["ENOTDIR", "EISDIR", "EEXIST"])

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined

/**
 * Translates a node:fs failure by a whitelist of error codes; anything else
 * is a defect. ENOENT becomes NotFoundError only where the caller says so.
 */
const fsCall = <A>(
  what: string,
  thunk: () => Promise<A>,
  onMissing?: () => NotFoundError
): Effect.Effect<A, NotFoundError | StoreUnavailableError | InvalidInputError> =>
  Effect.tryPromise({ try: thunk, catch: (error) => error }).pipe(
    Effect.catch((error): Effect.Effect<never, NotFoundError | StoreUnavailableError | InvalidInputError> => {
      const code = codeOf(error)
      const detail = error instanceof Error ? error.message : String(error)
      if (code === "ENOENT" && onMissing) return Effect.fail(onMissing())
      if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
        return Effect.fail(new StoreUnavailableError({ message: `blob store: ${what}: ${detail}` }))
      }
      if (code !== undefined && COLLISION_CODES.has(code)) {
        return Effect.fail(new InvalidInputError({ message: `blob store: ${what}: the key collides with an existing key or prefix (${detail})` }))
      }
      return Effect.die(error)
    })
  )

/** For writes, where a missing path is a bug (folders are created as needed), not a NotFoundError. */
const noMissing = <A, E>(effect: Effect.Effect<A, E | NotFoundError>): Effect.Effect<A, Exclude<E, NotFoundError>> =>
  Effect.catchIf(effect, (e): e is NotFoundError => e instanceof NotFoundError, (e) => Effect.die(e)) as Effect.Effect<A, Exclude<E, NotFoundError>>

/** Builds the service over `root`, creating its folders. */
export const makeFolderBlobStore = (root: string): Effect.Effect<BlobStoreService, StoreUnavailableError> =>
  Effect.gen(function* () {
    const absRoot = path.resolve(root)
    const dataDir = path.join(absRoot, "data")
    const metaDir = path.join(absRoot, "meta")
    const tmpDir = path.join(absRoot, "tmp")
    yield* fsCall("create the root folders", () =>
      Promise.all([dataDir, metaDir, tmpDir].map((d) => fs.mkdir(d, { recursive: true })))
    ).pipe(Effect.catchTag(["NotFoundError", "InvalidInputError"], (e) => Effect.fail(new StoreUnavailableError({ message: e.message }))))

    const dataPath = (key: string) => path.join(dataDir, ...key.split("/"))
    const metaPath = (key: string) => `${path.join(metaDir, ...key.split("/"))}.meta.json`
    const tmpPath = () => path.join(tmpDir, randomUUID())
    const notFound = (key: string) => () => new NotFoundError({ message: `blob not found: ${key}` })

    /** Renames a staged file into place, creating parent folders (a concurrent prune may remove them: retried once). */
    const moveIntoPlace = async (staged: string, dest: string) => {
      await fs.mkdir(path.dirname(dest), { recursive: true })
      try {
        await fs.rename(staged, dest)
      } catch (error) {
        if (codeOf(error) !== "ENOENT") throw error
        await fs.mkdir(path.dirname(dest), { recursive: true })
        await fs.rename(staged, dest)
      }
    }

    /** Stages `fill` into a temp file and renames it to `dest`; the temp file never outlives a failure. */
    const writeAtomic = async (dest: string, fill: (tmp: string) => Promise<void>) => {
      const staged = tmpPath()
      try {
        await fill(staged)
        await moveIntoPlace(staged, dest)
      } finally {
        await fs.rm(staged, { force: true })
      }
    }

    const writeMeta = (key: string, contentType: string) =>
      writeAtomic(metaPath(key), (tmp) => fs.writeFile(tmp, JSON.stringify({ contentType })))

    /** Removes now-empty folders from `dir` up to (not including) `stop`. */
    const prune = async (dir: string, stop: string) => {
      let current = dir
      while (current.startsWith(stop + path.sep)) {
        try {
          await fs.rmdir(current)
        } catch {
          return // not empty (or already gone): stop climbing
        }
        current = path.dirname(current)
      }
    }

    const put: BlobStoreService["put"] = (key, body, contentType) =>
      validateKey(key).pipe(
        Effect.flatMap(() =>
          fsCall(`put ${key}`, async () => {
            await writeMeta(key, contentType)
            await writeAtomic(dataPath(key), (tmp) => fs.writeFile(tmp, body))
          })
        ),
        // put has no NotFound case: a missing folder is recreated by moveIntoPlace.
        Effect.catchTag("NotFoundError", (e) => Effect.die(e))
      )

    const putFile: BlobStoreService["putFile"] = (key, source, contentType) =>
      validateKey(key).pipe(
        Effect.flatMap(() =>
          fsCall(
            `put ${key} from ${source}`,
            async () => {
              await fs.access(source)
              await writeMeta(key, contentType)
              // copyFile streams in the kernel (or clones with copy-on-write where the fs supports it).
              await writeAtomic(dataPath(key), (tmp) => fs.copyFile(source, tmp))
            },
            () => new NotFoundError({ message: `source file not found: ${source}` })
          )
        )
      )

    const putStream: BlobStoreService["putStream"] = (key, body, contentType) =>
      validateKey(key).pipe(
        Effect.flatMap(() => {
          const staged = tmpPath()
          return Effect.acquireUseRelease(
            noMissing(fsCall(`stage ${key}`, () => fs.open(staged, "w"))),
            (handle) =>
              Effect.gen(function* () {
                let bytes = 0
                yield* Stream.runForEach(body, (chunk) =>
                  noMissing(fsCall(`write ${key}`, async () => {
                    // FileHandle.write may write fewer bytes than asked: loop until the chunk is on disk.
                    let offset = 0
                    while (offset < chunk.byteLength) {
                      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset)
                      offset += bytesWritten
                    }
                    bytes += chunk.byteLength
                  }))
                )
                yield* noMissing(fsCall(`flush ${key}`, () => handle.sync()))
                return bytes
              }),
            (handle) => Effect.promise(() => handle.close()).pipe(Effect.ignore)
          ).pipe(
            Effect.tap(() =>
              noMissing(
                fsCall(`put ${key}`, async () => {
                  await writeMeta(key, contentType)
                  await moveIntoPlace(staged, dataPath(key))
                })
              )
            ),
            // A failed or aborted stream leaves nothing behind.
            Effect.ensuring(Effect.promise(() => fs.rm(staged, { force: true })))
          )
        })
      )

    const getStream: BlobStoreService["getStream"] = (key, range) =>
      head(key).pipe(
        Effect.map(() =>
          Stream.fromAsyncIterable(
            createReadStream(dataPath(key), range === undefined ? {} : { start: range.start, end: range.end }) as AsyncIterable<Uint8Array>,
            (error) => new StoreUnavailableError({ message: `blob store: read ${key}: ${error instanceof Error ? error.message : String(error)}` })
          )
        )
      )

    const get: BlobStoreService["get"] = (key) =>
      validateKey(key).pipe(
        Effect.flatMap(() => fsCall(`get ${key}`, () => fs.readFile(dataPath(key)), notFound(key))),
        Effect.map((buf) => new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
      )

    const download: BlobStoreService["download"] = (key, destPath) =>
      validateKey(key).pipe(
        Effect.flatMap(() =>
          fsCall(
            `download ${key}`,
            async () => {
              const dest = path.resolve(destPath)
              const staged = `${dest}.part-${randomUUID()}`
              try {
                await fs.copyFile(dataPath(key), staged)
                await fs.rename(staged, dest)
              } finally {
                await fs.rm(staged, { force: true })
              }
            },
            notFound(key)
          )
        )
      )

    const head: BlobStoreService["head"] = (key) =>
      validateKey(key).pipe(
        Effect.flatMap(() =>
          fsCall(
            `head ${key}`,
            async (): Promise<BlobInfo> => {
              const stat = await fs.stat(dataPath(key))
              if (!stat.isFile()) throw Object.assign(new Error(`not a blob: ${key}`), { code: "ENOENT" })
              const meta = await fs.readFile(metaPath(key), "utf8").catch((error: unknown) => {
                if (codeOf(error) === "ENOENT") return null
                throw error
              })
              const decoded = meta === null ? undefined : decodeMeta(meta)
              const contentType = decoded?._tag === "Some" ? decoded.value.contentType : DEFAULT_CONTENT_TYPE
              return { bytes: stat.size, contentType }
            },
            notFound(key)
          )
        )
      )

    /** Keys under `prefix`: walks only the deepest folder the prefix fully names. */
    const listKeys = async (prefix: string): Promise<Array<string>> => {
      const cut = prefix.lastIndexOf("/")
      const baseKey = cut < 0 ? "" : prefix.slice(0, cut)
      const base = baseKey === "" ? dataDir : dataPath(baseKey)
      let entries
      try {
        entries = await fs.readdir(base, { recursive: true, withFileTypes: true })
      } catch (error) {
        if (codeOf(error) === "ENOENT" || codeOf(error) === "ENOTDIR") return []
        throw error
      }
      const keys: Array<string> = []
      for (const entry of entries) {
        if (!entry.isFile()) continue
        const key = path.relative(dataDir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/")
        if (key.startsWith(prefix)) keys.push(key)
      }
      // S3 lists in ascending UTF-8 byte order; keys are ASCII, so code-unit order is the same.
      return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    }

    const list: BlobStoreService["list"] = (prefix) =>
      validateKey(prefix, "prefix").pipe(
        Effect.flatMap(() => fsCall(`list ${prefix}`, () => listKeys(prefix))),
        Effect.catchTag("NotFoundError", (e) => Effect.die(e))
      )

    const deleteKey = async (key: string) => {
      await fs.rm(dataPath(key), { force: true })
      await fs.rm(metaPath(key), { force: true })
      await prune(path.dirname(dataPath(key)), dataDir)
      await prune(path.dirname(metaPath(key)), metaDir)
    }

    const del: BlobStoreService["delete"] = (key) =>
      validateKey(key).pipe(
        Effect.flatMap(() => fsCall(`delete ${key}`, () => deleteKey(key))),
        Effect.catchTag("NotFoundError", (e) => Effect.die(e))
      )

    const deletePrefix: BlobStoreService["deletePrefix"] = (prefix) =>
      (prefix === ""
        ? Effect.fail(new InvalidInputError({ message: "deletePrefix needs a non-empty prefix (refusing to delete every blob)" }))
        : validateKey(prefix, "prefix")
      ).pipe(
        Effect.flatMap(() =>
          fsCall(`delete prefix ${prefix}`, async () => {
            const keys = await listKeys(prefix)
            for (const key of keys) await deleteKey(key)
            return keys.length
          })
        ),
        Effect.catchTag("NotFoundError", (e) => Effect.die(e))
      )

    return { put, putFile, putStream, getStream, get, download, head, list, delete: del, deletePrefix } satisfies BlobStoreService
  })
