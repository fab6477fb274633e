/**
 * `UrlSigner.layerS3`: the API's upload and media URLs presigned for S3
 * (presigning is local computation, so no S3 stand-in is needed here; the
 * signature itself is checked against s3rver and @smithy/signature-v4 in
 * libs/store test/aws/S3Presign.test.ts).
 */
import { s3Client, S3Storage } from "@curator/store/aws"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { UrlSigner } from "../src/UrlSigner.js"

const client = s3Client({
  region: "eu-west-1",
  endpoint: "http://127.0.0.1:4568",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
})
afterAll(() => client.destroy())

const key = "abcdefghijklmnopqrstuvwxyz/original/bcdefghijklmnopqrstuvwxyz2.jpg"
const nowS = () => Math.floor(Date.now() / 1000)
const amzDateSeconds = (v: string) => Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(9, 11), +v.slice(11, 13), +v.slice(13, 15)) / 1000

describe("UrlSigner.layerS3", () => {
  it("presigns a PUT binding size and type, and a GET served with the grant's type, both expiring at expiresAt", async () => {
    const expiresAt = nowS() + 900
    const [put, get] = await runWith(
      UrlSigner.use((s) =>
        Effect.all([
          s.presignPut({ key, contentType: "image/jpeg", contentLength: 1234, expiresAt }),
          s.presignGet({ key, contentType: "image/jpeg", expiresAt })
        ])
      ),
      UrlSigner.layerS3({ bucket: "media", client })
    ).then((urls) => urls.map((u) => new URL(u)))
    expect(put?.pathname).toBe(`/media/${key}`)
    expect(put?.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host")
    expect(put?.searchParams.get("X-Amz-Credential")).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/)
    expect(amzDateSeconds(put?.searchParams.get("X-Amz-Date") ?? "") + Number(put?.searchParams.get("X-Amz-Expires"))).toBe(expiresAt)
    expect(get?.searchParams.get("X-Amz-SignedHeaders")).toBe("host")
    expect(get?.searchParams.get("response-content-type")).toBe("image/jpeg")
    expect(amzDateSeconds(get?.searchParams.get("X-Amz-Date") ?? "") + Number(get?.searchParams.get("X-Amz-Expires"))).toBe(expiresAt)
  })

  it("presigns a bundle GET with its Content-Disposition (response-content-disposition), none otherwise", async () => {
    const bundle = "abcdefghijklmnopqrstuvwxyz/bundle/bcdefghijklmnopqrstuvwxyz2/01-porto.zip"
    const [withDisposition, without] = await runWith(
      UrlSigner.use((s) =>
        Effect.all([
          s.presignGet({ key: bundle, contentType: "application/zip", contentDisposition: 'attachment; filename="01-porto.zip"', expiresAt: nowS() + 60 }),
          s.presignGet({ key: bundle, contentType: "application/zip", expiresAt: nowS() + 60 })
        ])
      ),
      UrlSigner.layerS3({ bucket: "media", client })
    ).then((urls) => urls.map((u) => new URL(u)))
    expect(withDisposition?.searchParams.get("response-content-disposition")).toBe('attachment; filename="01-porto.zip"')
    expect(without?.searchParams.has("response-content-disposition")).toBe(false)
  })

  it("takes bucket and client from S3Storage (what AwsStores.layerFromEnv provides)", async () => {
    const url = await runWith(
      UrlSigner.use((s) => s.presignGet({ key, contentType: "image/heic", expiresAt: nowS() + 60 })),
      UrlSigner.layerS3FromStorage.pipe(Layer.provide(Layer.succeed(S3Storage, { bucket: "from-storage", client })))
    )
    expect(new URL(url).pathname).toBe(`/from-storage/${key}`)
  })

  it("refuses (a defect) an upload URL without the exact size", async () => {
    const exit = await runExit(
      UrlSigner.use((s) => s.presignPut({ key, contentType: "image/jpeg", contentLength: null, expiresAt: nowS() + 60 })),
      UrlSigner.layerS3({ bucket: "media", client })
    )
    expect(String(failureOf(exit))).toContain("signs the exact Content-Length")
  })
})
