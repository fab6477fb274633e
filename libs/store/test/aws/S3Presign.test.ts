/**
 * Presigned S3 URLs. s3rver does not verify SigV4 signatures, so signing is
 * checked here on the URL itself: the signed headers and expiry, that the
 * signature covers the exact Content-Length and Content-Type (recomputed
 * independently with @smithy/signature-v4: the same inputs give the URL's
 * signature, another length or type a different one), and that the URL
 * works against the stand-in (PUT stores the object, GET serves it).
 */
import { createHash, createHmac, randomBytes } from "node:crypto"
import http from "node:http"
import { PutObjectCommand } from "@aws-sdk/client-s3"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import { runTest, runWith } from "@curator/contracts/testing"
import { HttpRequest } from "@smithy/core/protocols"
import { SignatureV4 } from "@smithy/signature-v4"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BlobStore } from "../../src/index.js"
import { presignS3Get, presignS3Put, S3BlobStore, s3Client } from "../../src/aws.js"
import { STAND_IN_CREDENTIALS, startS3rver, TEST_BUCKET, TEST_REGION, useStandInCredentials, type S3StandIn } from "./standIns.js"

useStandInCredentials()

/** SHA-256 / HMAC-SHA256 in the shape @smithy/signature-v4 wants (node:crypto underneath). */
type SourceData = string | ArrayBuffer | ArrayBufferView
const bytesOf = (data: SourceData): string | Uint8Array =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)

class Sha256 {
  private readonly secret: string | Uint8Array | undefined
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytesOf(secret)
    this.hash = this.fresh()
  }
  private fresh() {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret)
  }
  update(data: SourceData) {
    this.hash.update(bytesOf(data))
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
  reset() {
    this.hash = this.fresh()
  }
}

/** Parses `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`) to epoch seconds. */
const amzDateSeconds = (value: string) =>
  Date.UTC(+value.slice(0, 4), +value.slice(4, 6) - 1, +value.slice(6, 8), +value.slice(9, 11), +value.slice(11, 13), +value.slice(13, 15)) / 1000

/**
 * Recomputes the SigV4 query signature of a presigned PUT `url` for a
 * request with the given headers, from the URL's own date, expiry and query.
 */
const resign = async (url: URL, headers: { readonly contentType: string; readonly contentLength: number }) => {
  const query: Record<string, string> = {}
  for (const [name, value] of url.searchParams) if (name !== "X-Amz-Signature") query[name] = value
  const date = url.searchParams.get("X-Amz-Date") ?? ""
  const signer = new SignatureV4({ credentials: STAND_IN_CREDENTIALS, region: TEST_REGION, service: "s3", sha256: Sha256, uriEscapePath: false })
  const signed = await signer.presign(
    new HttpRequest({
      method: "PUT",
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: decodeURIComponent(url.pathname),
      query,
      headers: {
        host: url.host,
        "content-type": headers.contentType,
        "content-length": String(headers.contentLength),
        // The presigner's own header (s3-request-presigner), hoisted into the query under this exact name.
        "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"
      }
    }),
    {
      signingDate: new Date(amzDateSeconds(date) * 1000),
      expiresIn: Number(url.searchParams.get("X-Amz-Expires")),
      signableHeaders: new Set(["content-type", "content-length"]),
      unhoistableHeaders: new Set(["content-type", "content-length"])
    }
  )
  return signed.query?.["X-Amz-Signature"]
}

/** Sends `body` to `url` with the given method and headers (node:http: fetch may not set Content-Length itself). */
const send = (url: string, method: string, headers: Record<string, string>, body?: Uint8Array) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(body)
  })

describe("presigned S3 URLs", () => {
  let s3: S3StandIn
  let client: ReturnType<typeof s3Client>
  beforeAll(async () => {
    s3 = await startS3rver()
    client = s3Client({ region: TEST_REGION, endpoint: s3.endpoint })
  })
  afterAll(async () => {
    client.destroy()
    await s3.close()
  })

  const nowS = () => Math.floor(Date.now() / 1000)

  it("signs content-length, content-type and host of a PUT, keeps them headers, and expires at expiresAt", async () => {
    const expiresAt = nowS() + 600
    const url = new URL(
      await runTest(presignS3Put(client, { bucket: TEST_BUCKET, key: "s1/original/f1.jpg", contentType: "image/jpeg", contentLength: 1234, expiresAt }))
    )
    const q = url.searchParams
    expect(q.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host")
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256")
    expect(amzDateSeconds(q.get("X-Amz-Date") ?? "") + Number(q.get("X-Amz-Expires"))).toBe(expiresAt)
    expect(Number(q.get("X-Amz-Expires"))).toBeGreaterThanOrEqual(598)
    expect(Number(q.get("X-Amz-Expires"))).toBeLessThanOrEqual(600)
    expect(url.pathname).toBe(`/${TEST_BUCKET}/s1/original/f1.jpg`)
    // Size and type stay headers the browser must send; no checksum the browser cannot compute is required.
    const names = [...q.keys()].map((k) => k.toLowerCase())
    expect(names.filter((k) => k.includes("content-type") || k.includes("content-length") || k.includes("checksum"))).toEqual([])
  })

  it("binds the exact length and type: the same inputs recompute the URL's signature, another length or type does not", async () => {
    const url = new URL(
      await runTest(
        presignS3Put(client, { bucket: TEST_BUCKET, key: "s1/original/f2.heic", contentType: "image/heic", contentLength: 5000, expiresAt: nowS() + 300 })
      )
    )
    const signature = url.searchParams.get("X-Amz-Signature")
    expect(signature).toMatch(/^[0-9a-f]{64}$/)
    expect(await resign(url, { contentType: "image/heic", contentLength: 5000 })).toBe(signature)
    expect(await resign(url, { contentType: "image/heic", contentLength: 5001 })).not.toBe(signature)
    expect(await resign(url, { contentType: "text/html", contentLength: 5000 })).not.toBe(signature)
  })

  it("needs signableHeaders: the presigner's default leaves content-type unsigned", async () => {
    const url = new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: TEST_BUCKET, Key: "k", ContentType: "image/jpeg", ContentLength: 1 })))
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).not.toContain("content-type")
  })

  it("stores the object when PUT with the signed headers, and serves it back through a presigned GET", async () => {
    const body = randomBytes(2048)
    const key = "s1/original/f3.jpg"
    const putUrl = await runTest(presignS3Put(client, { bucket: TEST_BUCKET, key, contentType: "image/jpeg", contentLength: body.length, expiresAt: nowS() + 60 }))
    const put = await send(putUrl, "PUT", { "Content-Type": "image/jpeg", "Content-Length": String(body.length) }, body)
    expect(put.status).toBe(200)
    const info = await runWith(
      BlobStore.use((store) => store.head(key)),
      S3BlobStore.layer({ bucket: TEST_BUCKET, client })
    )
    expect(info).toEqual({ bytes: body.length, contentType: "image/jpeg" })

    const getUrl = await runTest(
      presignS3Get(client, { bucket: TEST_BUCKET, key, contentType: "image/jpeg", contentDisposition: 'attachment; filename="IMG_3.jpg"', expiresAt: nowS() + 60 })
    )
    const parsed = new URL(getUrl)
    expect(parsed.searchParams.get("X-Amz-SignedHeaders")).toBe("host")
    expect(parsed.searchParams.get("response-content-disposition")).toBe('attachment; filename="IMG_3.jpg"')
    const got = await send(getUrl, "GET", {})
    expect(got.status).toBe(200)
    expect(got.body.equals(body)).toBe(true)
    expect(got.headers["content-disposition"]).toBe('attachment; filename="IMG_3.jpg"')
    expect(got.headers["content-type"]).toBe("image/jpeg")
  })

  it("clamps the lifetime to SigV4's 7 days", async () => {
    const url = new URL(
      await runTest(presignS3Get(client, { bucket: TEST_BUCKET, key: "s1/thumb/a.jpg", expiresAt: nowS() + 30 * 24 * 3600 }))
    )
    expect(url.searchParams.get("X-Amz-Expires")).toBe(String(7 * 24 * 3600))
    expect(url.searchParams.has("response-content-type")).toBe(false)
  })
})
