/**
 * THE BlobStore suite against the S3 layer on s3rver 3.7.1 (in-process, a
 * fresh temp folder and port per test), plus what only S3 shows: bodies
 * above one part go through a multipart upload and round-trip, a failed
 * multipart stream leaves no object, the client's checksum settings, and
 * the error table mapping of S3 errors.
 */
import { randomBytes } from "node:crypto"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { type S3Client } from "@aws-sdk/client-s3"
import { runWith } from "@curator/contracts/testing"
import { Effect, Layer, Schema, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { BlobStore } from "../../src/index.js"
import { classifyS3, S3BlobStore, s3Client, S3Storage } from "../../src/aws.js"
import { blobStoreSuite } from "../BlobStore.suite.js"
import { startS3rver, TEST_BUCKET, TEST_REGION, useStandInCredentials, type S3StandIn } from "./standIns.js"

useStandInCredentials()

/** `S3Storage` with a client from `s3Client` against the stand-in, destroyed with the scope. */
const storageLayer = (s3: S3StandIn, onClient?: (client: S3Client) => void) =>
  Layer.effect(
    S3Storage,
    Effect.acquireRelease(
      Effect.sync(() => {
        const client = s3Client({ region: TEST_REGION, endpoint: s3.endpoint })
        onClient?.(client)
        return { bucket: TEST_BUCKET, client }
      }),
      ({ client }) => Effect.sync(() => client.destroy())
    )
  )

blobStoreSuite("S3 on s3rver", async () => {
  const s3 = await startS3rver()
  return { layer: () => S3BlobStore.layerFromStorage.pipe(Layer.provide(storageLayer(s3))), dispose: s3.close }
})

/** Records the name of every command the client sends (a middleware: the real requests still go out). */
const recordCommands = (seen: Array<string>) => (client: S3Client) =>
  client.middlewareStack.add(
    (next, context) => (args) => {
      seen.push(String(context.commandName))
      return next(args)
    },
    { step: "initialize", name: "recordCommands" }
  )

/** 5 MiB, S3's smallest part (lib-storage refuses less): bodies above it are multipart. */
const PART = 5 * 1024 * 1024

/** The S3 blob store with {@link PART}-sized parts, recording the commands its client sends into `seen`. */
const smallPartsLayer = (s3: S3StandIn, seen: Array<string>) =>
  Layer.unwrap(
    Effect.gen(function* () {
      const storage = yield* S3Storage
      return S3BlobStore.layer({ ...storage, partSizeBytes: PART })
    })
  ).pipe(Layer.provide(storageLayer(s3, recordCommands(seen))))

describe("S3BlobStore multipart", () => {
  it("uploads a body above one part through a multipart upload (put, putFile, putStream) and reads it back byte for byte", async () => {
    const s3 = await startS3rver()
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "s3-multipart-"))
    const seen: Array<string> = []
    try {
      const body = randomBytes(2 * PART + 12_345) // three parts: 5 MiB, 5 MiB, 12,345 bytes
      const source = path.join(dir, "in.mov")
      await fs.writeFile(source, body)
      const layer = smallPartsLayer(s3, seen)
      const out = await runWith(
        BlobStore.use((store) =>
          Effect.gen(function* () {
            yield* store.put("s1/original/a.mov", body, "video/quicktime")
            yield* store.putFile("s1/original/b.mov", source, "video/quicktime")
            const chunks = Array.from({ length: Math.ceil(body.length / 1_000_000) }, (_, i) => body.subarray(i * 1_000_000, (i + 1) * 1_000_000))
            const written = yield* store.putStream("s1/original/c.mov", Stream.fromIterable(chunks), "video/quicktime")
            for (const key of ["a", "b", "c"]) yield* store.download(`s1/original/${key}.mov`, path.join(dir, `${key}.out`))
            return { written, info: yield* store.head("s1/original/c.mov") }
          })
        ),
        layer
      )
      expect(out.written).toBe(body.length)
      expect(out.info).toEqual({ bytes: body.length, contentType: "video/quicktime" })
      for (const key of ["a", "b", "c"]) expect((await fs.readFile(path.join(dir, `${key}.out`))).equals(body)).toBe(true)
      const count = (name: string) => seen.filter((c) => c === name).length
      expect(count("CreateMultipartUploadCommand")).toBe(3)
      expect(count("UploadPartCommand")).toBe(9)
      expect(count("CompleteMultipartUploadCommand")).toBe(3)
      expect(count("PutObjectCommand")).toBe(0)
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
      await s3.close()
    }
  })

  it("returns the stream's own error and stores nothing when a multipart stream fails after a part went up", async () => {
    class Aborted extends Schema.TaggedError<Aborted>()("Aborted", { message: Schema.String }) {}
    const s3 = await startS3rver()
    const seen: Array<string> = []
    try {
      const failing = Stream.concat(Stream.make(new Uint8Array(randomBytes(PART + 1))), Stream.fail(new Aborted({ message: "client went away" })))
      const out = await runWith(
        BlobStore.use((store) =>
          Effect.gen(function* () {
            const error = yield* Effect.flip(store.putStream("s1/original/big.mov", failing, "video/quicktime"))
            return { tag: error._tag, keys: yield* store.list("s1/") }
          })
        ),
        smallPartsLayer(s3, seen)
      )
      expect(out).toEqual({ tag: "Aborted", keys: [] })
      // A part was sent before the failure: the multipart path really ran (and was aborted).
      expect(seen).toContain("UploadPartCommand")
      expect(seen).toContain("AbortMultipartUploadCommand")
      expect(seen).not.toContain("CompleteMultipartUploadCommand")
    } finally {
      await s3.close()
    }
  })
})

describe("s3Client", () => {
  it("computes and validates checksums only when an operation requires them, path-style against a stand-in", async () => {
    const client = s3Client({ region: TEST_REGION, endpoint: "http://127.0.0.1:1" })
    try {
      expect(await client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED")
      expect(await client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED")
      expect(client.config.forcePathStyle).toBe(true)
      expect(await client.config.maxAttempts()).toBe(3)
      expect(typeof client.config.retryMode === "string" ? client.config.retryMode : await client.config.retryMode()).toBe("standard")
    } finally {
      client.destroy()
    }
  })

  it("reports an unreachable endpoint as StoreUnavailableError", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const client = s3Client({ region: TEST_REGION, endpoint: "http://127.0.0.1:1", maxAttempts: 1 })
    try {
      const tag = await runWith(
        BlobStore.use((store) => Effect.flip(store.head("s1/thumb/a.jpg"))).pipe(Effect.map((e) => e._tag)),
        S3BlobStore.layer({ bucket: TEST_BUCKET, client })
      )
      expect(tag).toBe("StoreUnavailableError")
    } finally {
      client.destroy()
    }
  })
})

describe("S3 error mapping", () => {
  const sdkError = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } })
  const notFound = () => ({ _tag: "NotFoundError" }) as never

  it.each([
    ["NoSuchKey", 404, true, "NotFoundError"],
    ["NotFound", 404, true, "NotFoundError"],
    ["NoSuchKey", 404, false, undefined],
    ["SlowDown", 503, false, "StoreUnavailableError"],
    ["ThrottlingException", 400, false, "StoreUnavailableError"],
    ["TooManyRequests", 429, false, "StoreUnavailableError"],
    ["InternalError", 500, false, "StoreUnavailableError"],
    ["ServiceUnavailable", 503, false, "StoreUnavailableError"],
    ["RequestTimeout", 400, false, "StoreUnavailableError"],
    ["AccessDenied", 403, true, "StoreUnavailableError"],
    ["NoSuchBucket", 404, true, "StoreUnavailableError"],
    ["InvalidArgument", 400, false, undefined],
    ["EntityTooSmall", 400, false, undefined]
  ] as const)("%s (HTTP %i, read=%s) -> %s", (name, status, read, expected) => {
    const typed = classifyS3("op", sdkError(name, status), read ? notFound : undefined) as { _tag: string } | undefined
    expect(typed?._tag).toBe(expected)
  })

  it("maps network failures by Node error code", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
    expect(classifyS3("op", refused)?._tag).toBe("StoreUnavailableError")
    expect(classifyS3("op", new TypeError("boom"))).toBeUndefined()
  })
})
