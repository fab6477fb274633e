/**
 * The bundle task program (DownloadPipeline's Map iteration, issue 7), run by
 * apps/video-worker's `bundleHandler` on Lambda and by the local executor
 * in-process: one post of a download job -> its ZIP bundles in the blob store.
 *
 * 1. Reads `DOWNLOAD#<job>#POST#<postId>`; a `done` post returns its bundles
 *    (idempotent retry). Otherwise marks it `processing`.
 * 2. Plans the bundles ({@link planBundles}): entries in carousel order,
 *    greedily into bundles of at most `bundleBytes` (an entry larger than
 *    that gets a bundle of its own), named by {@link bundleName}.
 * 3. Streams each bundle from blob store to blob store with yazl (STORE: the
 *    media is already compressed; ZIP64 where needed, automatically): the
 *    ZIP's output stream is the body of `BlobStore.putStream`, and entries
 *    are added one at a time, each only when the previous one has been read,
 *    so memory stays flat whatever the size (docs/performance.md §10). With
 *    `keepGps` a video entry is the blob's `getStream` as is; otherwise an
 *    entry is downloaded to a per-entry temp dir, a photo turned upright by
 *    {@link OrientationNormalizer} (an original exported untouched may carry
 *    an EXIF Orientation: decision 0012), stripped by {@link GpsStripper}
 *    unless `keepGps`, and read from disk (at most one entry on disk at a time).
 * 4. Writes the post `done` with its bundles (name, bytes, entry names).
 *
 * Errors: NotFoundError (a blob or the post record is missing: terminal),
 * CorruptMediaError / UnsupportedMediaError / MediaToolTimeoutError from the
 * GPS stripper and the OrientationNormalizer (which adds MediaTooLargeError
 * for a rotated original over the pixel limit and InternalDefectError for
 * temp-dir I/O), StoreConflictError and the store errors; the state machine's
 * Catch records a terminal failure on the post.
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import path from "node:path"
import { Readable } from "node:stream"
import anyAscii from "any-ascii"
import {
  BlobKeys,
  type BundleInfo,
  BundleTaskEvent,
  BundleTaskResult,
  type DownloadPostRecord,
  type ExportEntry,
  StoreUnavailableError
} from "@curator/contracts"
import { BlobStore, PostStore } from "@curator/store"
import { Effect, Stream } from "effect"
import yazl from "yazl"
import { GpsStripper } from "./GpsStripper.js"
import { OrientationNormalizer } from "./OrientationNormalizer.js"
import { ProcessRunner } from "./ProcessRunner.js"

/** The services the bundle task needs. */
export type BundleTaskServices = BlobStore | PostStore | ProcessRunner | GpsStripper | OrientationNormalizer

/** Longest bundle name, characters (issue 7 design). */
export const BUNDLE_NAME_LENGTH = 100

/**
 * Upper bound of the ZIP bytes one entry adds besides its data, for an entry
 * name of `nameBytes` UTF-8 bytes: local header (30) + central directory
 * header (46) + the name twice + yazl's extended-timestamp extra fields (2 x 9)
 * + a ZIP64 data descriptor (24) + a ZIP64 extended-information extra field
 * (at most 28), rounded up to 160 (APPNOTE.TXT 6.3.10 §4.3.7, §4.3.9, §4.3.12, §4.5.3).
 */
export const zipEntryOverhead = (nameBytes: number): number => 160 + 2 * nameBytes

/** Upper bound of the end-of-archive records: end of central directory (22) + ZIP64 record (56) + ZIP64 locator (20). */
export const ZIP_ARCHIVE_OVERHEAD = 98

/** One planned bundle: its safe name and its entries, in carousel order. */
export interface PlannedBundle {
  readonly name: string
  readonly entries: ReadonlyArray<ExportEntry>
}

/**
 * The slug of a post label: emoji dropped (decoration, not words), every
 * other character transliterated to ASCII by `any-ascii` (Rødberg -> Rodberg,
 * Straße -> Strasse, Москва -> Moskva, 東京 -> DongJing), lower case, every
 * run of characters outside `[a-z0-9]` -> one `-`, no `-` at either end;
 * "post" when nothing is left.
 */
export const labelSlug = (label: string): string => {
  const slug = anyAscii(label.replace(/\p{Extended_Pictographic}|\p{Regional_Indicator}/gu, " "))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
  return slug === "" ? "post" : slug
}

/**
 * A bundle's name: `<NN>-<slug>` with NN = post index + 1 (two digits at
 * least), plus `-part<k>` (k from 1) when the post needs more than one
 * bundle. Only `[a-z0-9-]`, at most {@link BUNDLE_NAME_LENGTH} characters
 * (the slug is cut to fit, never the suffix).
 */
export const bundleName = (postIndex: number, label: string, part: number | null): string => {
  const prefix = `${String(postIndex + 1).padStart(2, "0")}-`
  const suffix = part === null ? "" : `-part${part}`
  const room = BUNDLE_NAME_LENGTH - prefix.length - suffix.length
  const slug = labelSlug(label).slice(0, room).replace(/-+$/, "")
  return `${prefix}${slug === "" ? "post" : slug}${suffix}`
}

/**
 * Packs a post's entries into bundles: carousel order kept, greedy, each
 * bundle's estimated ZIP size (entry bytes + {@link zipEntryOverhead} +
 * {@link ZIP_ARCHIVE_OVERHEAD}) at most `bundleBytes`; an entry that does not
 * fit alone gets a bundle of its own. No entries -> no bundles. Sizes are the
 * `bytes` snapshotted at download start (stripping GPS only removes bytes).
 */
export const planBundles = (
  post: Pick<DownloadPostRecord, "index" | "label" | "entries">,
  bundleBytes: number
): ReadonlyArray<PlannedBundle> => {
  const groups: Array<Array<ExportEntry>> = []
  let current: Array<ExportEntry> = []
  let size = ZIP_ARCHIVE_OVERHEAD
  for (const entry of post.entries) {
    const entrySize = entry.bytes + zipEntryOverhead(Buffer.byteLength(entry.entryName, "utf8"))
    if (current.length > 0 && size + entrySize > bundleBytes) {
      groups.push(current)
      current = []
      size = ZIP_ARCHIVE_OVERHEAD
    }
    current.push(entry)
    size += entrySize
  }
  if (current.length > 0) groups.push(current)
  return groups.map((entries, i) => ({ name: bundleName(post.index, post.label, groups.length > 1 ? i + 1 : null), entries }))
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A failure of the ZIP stream itself (yazl, a source stream) -> StoreUnavailableError (retryable); typed errors pass through. */
const asStreamError = (error: unknown): StoreUnavailableError =>
  error instanceof StoreUnavailableError ? error : new StoreUnavailableError({ message: `bundle stream failed: ${message(error)}` })

/**
 * Adds one entry to `zip` and waits until yazl has read all of it (the
 * entry's source is then closed and its temp dir, if any, removed by the
 * caller's scope). Interrupting destroys the source.
 */
const addEntry = Effect.fnUntraced(function* (zip: yazl.ZipFile, entry: ExportEntry, keepGps: boolean) {
  const blobs = yield* BlobStore
  let source: Readable
  let size: number
  if (keepGps && entry.kind === "video") {
    size = (yield* blobs.head(entry.key)).bytes
    source = Readable.from(Stream.toAsyncIterable(yield* blobs.getStream(entry.key)), { objectMode: false })
  } else {
    const runner = yield* ProcessRunner
    const file = path.join(yield* runner.tempDir, entry.entryName)
    yield* blobs.download(entry.key, file)
    // An original exported untouched may still need turning (EXIF Orientation, decision 0012);
    // enhanced photos are upright already and pass unchanged.
    if (entry.kind === "photo") yield* (yield* OrientationNormalizer).upright(file)
    if (!keepGps) yield* (yield* GpsStripper).strip(file, entry.kind)
    size = (yield* Effect.tryPromise({ try: () => stat(file), catch: asStreamError })).size
    source = createReadStream(file)
  }
  yield* Effect.callback<void, StoreUnavailableError>((resume) => {
    source.once("error", (error) => resume(Effect.fail(asStreamError(error))))
    source.once("close", () => {
      if (!source.errored) resume(Effect.void)
    })
    zip.addReadStream(source, entry.entryName, { compress: false, size })
    return Effect.sync(() => source.destroy())
  })
}, Effect.scoped)

/** Streams one planned bundle into the blob store; returns what was written. */
const writeBundle = Effect.fnUntraced(function* (event: BundleTaskEvent, bundle: PlannedBundle) {
  const blobs = yield* BlobStore
  const key = BlobKeys.bundle(event.sessionId, event.jobId, bundle.name)
  const zip = new yazl.ZipFile()
  const output = zip.outputStream as Readable
  // yazl reports a broken entry (size mismatch) on the ZipFile: fail the upload with it.
  zip.on("error", (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))))
  const body = Stream.fromAsyncIterable(output as AsyncIterable<Uint8Array>, asStreamError)
  const fill = Effect.forEach(bundle.entries, (entry) => addEntry(zip, entry, event.keepGps), { discard: true }).pipe(
    Effect.andThen(Effect.sync(() => zip.end()))
  )
  const [bytes] = yield* Effect.all([blobs.putStream(key, body, "application/zip"), fill], { concurrency: 2 }).pipe(
    Effect.onExit(() => Effect.sync(() => output.destroy()))
  )
  return { name: bundle.name, bytes, entries: bundle.entries.map((e) => e.entryName) } satisfies BundleInfo
})

/** Runs one bundle task; returns the post's bundles. */
export const runBundleTask = Effect.fn("BundleTask.run")(function* (event: BundleTaskEvent) {
  const posts = yield* PostStore
  const { sessionId, jobId, postId } = event
  const stored = yield* posts.getDownloadPost(sessionId, jobId, postId)
  if (stored.status === "done") return { postId, bundles: stored.bundles } satisfies BundleTaskResult
  const record = yield* posts.markDownloadPostProcessing(sessionId, jobId, postId)
  if (record.status === "done") return { postId, bundles: record.bundles } satisfies BundleTaskResult
  const bundles: ReadonlyArray<BundleInfo> = yield* Effect.forEach(planBundles(record, event.bundleBytes), (bundle) => writeBundle(event, bundle))
  yield* posts.putDownloadPostDone(sessionId, jobId, postId, bundles)
  return { postId, bundles } satisfies BundleTaskResult
})

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/video-worker `bundleHandler`) and the local stack both wrap exactly
 * this with `makeTaskHandler`.
 */
export const bundleTask = { event: BundleTaskEvent, result: BundleTaskResult, program: runBundleTask } as const
