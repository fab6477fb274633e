/** Local signed blob URLs: a round trip, and every tampering or expiry refused with BlobSignatureError. */
import { randomBytes } from "node:crypto"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type BlobGrant, signBlobUrl, UrlSigner, verifyBlobUrl } from "../src/UrlSigner.js"

const secret = randomBytes(32)
const now = 1_750_000_000
const grant: BlobGrant = {
  method: "PUT",
  key: "abcdefghijklmnopqrstuvwxyz/original/bcdefghijklmnopqrstuvwxyz2.jpg",
  contentType: "image/jpeg",
  contentLength: 1234,
  expiresAt: now + 60
}
const signed = new URL(signBlobUrl(secret, grant), "http://127.0.0.1:4173")

const verify = (url: URL, method = "PUT", at = now, key: Uint8Array = secret) =>
  Effect.runPromise(
    verifyBlobUrl(key, method, url, at).pipe(
      Effect.map((g) => ({ ok: g as BlobGrant | null, error: null as string | null })),
      Effect.catchTag("BlobSignatureError", (e) => Effect.succeed({ ok: null, error: e.message }))
    )
  )

const withParam = (name: string, value: string) => {
  const url = new URL(signed)
  url.searchParams.set(name, value)
  return url
}

describe("local signed blob URLs", () => {
  it("verifies what it signed and returns the grant", async () => {
    expect(await verify(signed)).toEqual({ ok: grant, error: null })
    const get = new URL(signBlobUrl(secret, { ...grant, method: "GET", contentLength: null }), "http://x")
    expect((await verify(get, "GET")).ok?.method).toBe("GET")
    expect((await verify(get, "HEAD")).ok?.method).toBe("GET")
  })

  it("refuses a tampered size, content type, key, expiry or signature", async () => {
    expect((await verify(withParam("len", "999999"))).error).toMatch(/signature does not match/)
    expect((await verify(withParam("ct", "text/html"))).error).toMatch(/signature does not match/)
    expect((await verify(withParam("exp", String(now + 999_999)))).error).toMatch(/signature does not match/)
    expect((await verify(withParam("sig", "AAAA"))).error).toMatch(/signature does not match/)
    const otherKey = new URL(signed)
    otherKey.pathname = otherKey.pathname.replace("abcdefghijklmnopqrstuvwxyz/", "zzzzzzzzzzzzzzzzzzzzzzzzzz/")
    expect((await verify(otherKey)).error).toMatch(/signature does not match/)
    expect((await verify(signed, "PUT", now, randomBytes(32))).error).toMatch(/signature does not match/)
  })

  it("refuses an expired URL, another method and missing parameters", async () => {
    expect((await verify(signed, "PUT", now + 60)).error).toMatch(/expired/)
    expect((await verify(signed, "GET")).error).toMatch(/signed for PUT, not GET/)
    const bare = new URL(signed)
    bare.search = ""
    expect((await verify(bare)).error).toMatch(/method/)
    const noSig = new URL(signed)
    noSig.searchParams.delete("sig")
    expect((await verify(noSig)).error).toMatch(/not signed/)
    expect((await verify(withParam("len", "-1"))).error).toMatch(/size/)
  })

  it("signs a GET's Content-Disposition: returned with the grant, refused when changed, removed or put on a PUT", async () => {
    const download: BlobGrant = {
      method: "GET",
      key: "abcdefghijklmnopqrstuvwxyz/bundle/bcdefghijklmnopqrstuvwxyz2/01-porto.zip",
      contentType: "application/zip",
      contentLength: null,
      expiresAt: now + 60,
      contentDisposition: 'attachment; filename="01-porto.zip"'
    }
    const url = new URL(signBlobUrl(secret, download), "http://127.0.0.1:4173")
    expect(url.searchParams.get("cd")).toBe('attachment; filename="01-porto.zip"')
    expect(await verify(url, "GET")).toEqual({ ok: download, error: null })
    const changed = new URL(url)
    changed.searchParams.set("cd", 'inline; filename="01-porto.zip"')
    expect((await verify(changed, "GET")).error).toMatch(/signature does not match/)
    const removed = new URL(url)
    removed.searchParams.delete("cd")
    expect((await verify(removed, "GET")).error).toMatch(/signature does not match/)
    // A URL without a disposition signs exactly as before (no `cd`): adding one breaks it.
    expect((await verify(withParam("cd", "attachment"), "PUT")).error).toMatch(/only a GET blob URL carries a content disposition/)
    const plainGet = new URL(signBlobUrl(secret, { ...download, contentDisposition: undefined }), "http://x")
    expect(plainGet.searchParams.has("cd")).toBe(false)
    expect((await verify(plainGet, "GET")).ok?.contentDisposition).toBeUndefined()
  })

  it("the layer signs PUT and GET URLs that verify, and refuses a short secret", async () => {
    const urls = await Effect.runPromise(
      Effect.provide(
        UrlSigner.use((s) => Effect.all([s.presignPut({ key: grant.key, contentType: "image/jpeg", contentLength: 5, expiresAt: now + 5 }), s.presignGet({ key: grant.key, contentType: "image/jpeg", expiresAt: now + 5 })])),
        UrlSigner.layerLocal({ secret })
      )
    )
    expect((await verify(new URL(urls[0], "http://x"))).ok?.contentLength).toBe(5)
    expect((await verify(new URL(urls[1], "http://x"), "GET")).ok?.contentLength).toBeNull()
    const exit = await Effect.runPromiseExit(Effect.provide(UrlSigner.use(() => Effect.void), UrlSigner.layerLocal({ secret: randomBytes(16) })))
    expect(exit._tag).toBe("Failure")
  })
})
