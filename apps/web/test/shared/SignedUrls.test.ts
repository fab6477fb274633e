import type { MediaUrl } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { isFresh, SignedUrlCache, URL_RENEW_MARGIN_SECONDS } from "../../src/shared/SignedUrls.js"

const NOW = 1_700_000_000

/** A fetcher that counts its calls and answers URLs expiring `ttl` seconds after NOW. */
const counter = (ttl = 900) => {
  let calls = 0
  const fetch = (): Promise<MediaUrl> => {
    calls++
    return Promise.resolve({ url: `/blob/x?sig=${calls}`, contentType: "image/jpeg", variant: "before", expiresAt: NOW + ttl })
  }
  return { fetch, calls: () => calls }
}

describe("SignedUrlCache", () => {
  it("shares one request between concurrent asks and reuses the URL while it is fresh", async () => {
    const cache = new SignedUrlCache()
    const f = counter()
    const [a, b] = await Promise.all([cache.get("k", f.fetch, NOW), cache.get("k", f.fetch, NOW)])
    expect(a.url).toBe("/blob/x?sig=1")
    expect(b).toBe(a)
    expect((await cache.get("k", f.fetch, NOW + 500)).url).toBe("/blob/x?sig=1")
    expect(f.calls()).toBe(1)
  })

  it("fetches again once the URL is within the renewal margin of its expiry", async () => {
    const cache = new SignedUrlCache()
    const f = counter()
    await cache.get("k", f.fetch, NOW)
    expect((await cache.get("k", f.fetch, NOW + 850)).url).toBe("/blob/x?sig=2")
    expect(f.calls()).toBe(2)
  })

  it("forgets a URL that failed to load, but not a newer one another component already renewed", async () => {
    const cache = new SignedUrlCache()
    const f = counter()
    await cache.get("k", f.fetch, NOW)
    cache.forget("k", "/blob/x?sig=1")
    expect((await cache.get("k", f.fetch, NOW)).url).toBe("/blob/x?sig=2")
    cache.forget("k", "/blob/x?sig=1")
    expect((await cache.get("k", f.fetch, NOW)).url).toBe("/blob/x?sig=2")
    expect(f.calls()).toBe(2)
  })

  it("does not keep a failed request: the next ask tries again", async () => {
    const cache = new SignedUrlCache()
    let fail = true
    const fetch = (): Promise<MediaUrl> =>
      fail ? Promise.reject(new Error("409")) : Promise.resolve({ url: "/blob/ok", contentType: "image/jpeg", variant: "enhanced-preview", expiresAt: NOW + 900 })
    await expect(cache.get("k", fetch, NOW)).rejects.toThrow("409")
    fail = false
    expect((await cache.get("k", fetch, NOW)).url).toBe("/blob/ok")
  })
})

describe("signed URL freshness", () => {
  it("hands out a URL only while more than the margin is left before it expires", () => {
    const now = 1_700_000_000
    expect(isFresh({ expiresAt: now + 900 }, now)).toBe(true)
    expect(isFresh({ expiresAt: now + URL_RENEW_MARGIN_SECONDS + 1 }, now)).toBe(true)
    expect(isFresh({ expiresAt: now + URL_RENEW_MARGIN_SECONDS }, now)).toBe(false)
    expect(isFresh({ expiresAt: now - 1 }, now)).toBe(false)
    expect(isFresh({ expiresAt: now + 10 }, now, 0)).toBe(true)
  })
})
