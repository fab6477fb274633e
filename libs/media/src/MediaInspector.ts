/**
 * MediaInspector: the whole per-file program of the thumbnail task. Checks the byte
 * limit of the sniffed kind, sniffs the type from magic bytes, probes the file (header
 * or ffprobe: every limit), then at once reads its tags (ExifTool), renders the
 * thumbnail and hashes the content (SHA-256, streamed from disk).
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { open } from "node:fs/promises"
import { pipeline } from "node:stream/promises"
import { Context, Effect, Layer } from "effect"
import { MediaTooLargeError } from "@curator/contracts"
import { fileReadError, type FileReadError } from "./internal/fileAccess.js"
import { MediaConfig } from "./MediaConfig.js"
import { sniff, SNIFF_HEADER_BYTES, type SniffedType } from "./MediaSniffer.js"
import { MetadataReader, type MediaMetadata, type MetadataError } from "./MetadataReader.js"
import { ThumbnailRenderer, type Thumbnail, type ThumbnailError } from "./ThumbnailRenderer.js"

/**
 * The outcome of inspecting one file: `bytes` its size, `contentHash` the lowercase hex SHA-256 of its
 * bytes, `orientationTag` the EXIF orientation (1..8) as the file stores it, null when it has none.
 */
export interface InspectedMedia {
  readonly metadata: MediaMetadata
  readonly orientationTag: number | null
  readonly bytes: number
  readonly contentHash: string
  readonly sniffed: SniffedType
  readonly thumbnail: Thumbnail
}

/** Failures of {@link MediaInspector.inspect}. */
export type InspectError = MetadataError | ThumbnailError | FileReadError

/**
 * Streams a file through SHA-256 (FIPS 180-4) and returns the lowercase hex digest.
 * Fails with UnreadableFileError / NotFoundError when the file cannot be read.
 */
export const sha256File = (path: string, fileName = path): Effect.Effect<string, FileReadError> =>
  Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      await pipeline(createReadStream(path), hash)
      return hash.digest("hex")
    },
    catch: (cause) => fileReadError(fileName, cause)
  })

const readHeader = (path: string, fileName: string) =>
  Effect.tryPromise({
    try: async () => {
      const handle = await open(path, "r")
      try {
        const size = (await handle.stat()).size
        const buffer = Buffer.alloc(Math.max(SNIFF_HEADER_BYTES, 256))
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
        return { size, header: new Uint8Array(buffer.subarray(0, bytesRead)) }
      } finally {
        await handle.close()
      }
    },
    catch: (cause) => fileReadError(fileName, cause)
  })

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/** The service. */
export class MediaInspector extends Context.Service<MediaInspector, {
  /**
   * Inspects the local file at `path`; `fileName` is the name the person gave it (messages and
   * logs only: the type comes from the bytes). Fails with `UnsupportedMediaError` (unknown
   * signature, a folder), `MediaTooLargeError` (photos over 50 MB, videos over 5 GB by default,
   * pixel or duration x resolution budget), `CorruptMediaError`, `MediaToolTimeoutError`,
   * `UnreadableFileError` (the process may not read it) or `NotFoundError` (it is gone).
   */
  readonly inspect: (input: { readonly path: string; readonly fileName: string }) => Effect.Effect<InspectedMedia, InspectError>
}>()("curator/media/MediaInspector") {
  static readonly layer = Layer.effect(
    MediaInspector,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const reader = yield* MetadataReader
      const renderer = yield* ThumbnailRenderer

      const inspect = Effect.fn("MediaInspector.inspect")(function* (input: { readonly path: string; readonly fileName: string }) {
        const { size, header } = yield* readHeader(input.path, input.fileName)
        const sniffed = yield* sniff(header)
        const limit = sniffed.kind === "photo" ? config.maxPhotoBytes : config.maxVideoBytes
        if (size > limit) {
          return yield* new MediaTooLargeError({ message: `${input.fileName} is ${megabytes(size)}, over the ${megabytes(limit)} limit for a ${sniffed.kind}` })
        }
        // Every limit is checked by the probe; the thumbnail needs only its decoder facts, so it renders while ExifTool reads the tags.
        const probed = yield* reader.probe(input.path, sniffed)
        const [{ metadata, orientationTag }, thumbnail, contentHash] = yield* Effect.all(
          [probed.withTags, renderer.render(input.path, sniffed, probed.preliminary), sha256File(input.path, input.fileName)],
          { concurrency: 3 }
        )
        return { metadata, orientationTag, bytes: size, contentHash, sniffed, thumbnail } satisfies InspectedMedia
      }, (effect, input) => Effect.annotateLogs(effect, { fileName: input.fileName }))

      return MediaInspector.of({ inspect })
    })
  )
}
