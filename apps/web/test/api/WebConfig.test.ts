import { LOCAL_SIGNED_OUT } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { loadWebMode, parseCloudConfig, SignedOutError, WebConfigError } from "../../src/api/WebConfig.js"

const VALID = {
  mode: "cloud",
  auth: {
    authority: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    clientId: "4abc123def456ghi789jkl0mno",
    redirectPath: "/auth/callback",
    scope: "openid email",
    domain: "https://curator-demo.auth.eu-west-1.amazoncognito.com"
  }
}

/** A fetch that answers every request with `response` and records the URLs asked for. */
const answering = (response: () => Response) => {
  const asked: Array<string> = []
  const fetchFn = ((input: RequestInfo | URL) => {
    asked.push(String(input))
    return Promise.resolve(response())
  }) as typeof fetch
  return { asked, fetchFn }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

describe("parseCloudConfig", () => {
  it("accepts the documented cloud config, with and without logoutUri", () => {
    expect(parseCloudConfig(VALID)).toEqual(VALID)
    const withLogout = { ...VALID, auth: { ...VALID.auth, logoutUri: "https://d111.cloudfront.net" } }
    expect(parseCloudConfig(withLogout).auth.logoutUri).toBe("https://d111.cloudfront.net")
  })

  it("accepts http authorities on loopback only (local OIDC stand-ins)", () => {
    expect(parseCloudConfig({ ...VALID, auth: { ...VALID.auth, authority: "http://127.0.0.1:4000" } }).auth.authority).toBe("http://127.0.0.1:4000")
    expect(() => parseCloudConfig({ ...VALID, auth: { ...VALID.auth, authority: "http://cognito-idp.eu-west-1.amazonaws.com/pool" } })).toThrow(WebConfigError)
  })

  it("refuses every field that is missing or wrong, naming the problem", () => {
    const bad: Array<[string, unknown]> = [
      ["not an object", "cloud"],
      ["wrong mode", { ...VALID, mode: "local" }],
      ["no auth", { mode: "cloud" }],
      ["missing clientId", { ...VALID, auth: { ...VALID.auth, clientId: undefined } }],
      ["clientId with spaces", { ...VALID, auth: { ...VALID.auth, clientId: "a b" } }],
      ["authority not a URL", { ...VALID, auth: { ...VALID.auth, authority: "cognito-idp.eu-west-1.amazonaws.com/pool" } }],
      ["authority with trailing slash", { ...VALID, auth: { ...VALID.auth, authority: `${VALID.auth.authority}/` } }],
      ["other redirect path", { ...VALID, auth: { ...VALID.auth, redirectPath: "/callback" } }],
      ["other scope", { ...VALID, auth: { ...VALID.auth, scope: "openid" } }],
      ["domain a bare host", { ...VALID, auth: { ...VALID.auth, domain: "curator-demo.auth.eu-west-1.amazoncognito.com" } }],
      ["logoutUri not https", { ...VALID, auth: { ...VALID.auth, logoutUri: "ftp://x" } }]
    ]
    for (const [why, body] of bad) {
      let thrown: unknown
      try {
        parseCloudConfig(body)
      } catch (e) {
        thrown = e
      }
      expect(thrown, why).toBeInstanceOf(WebConfigError)
      expect((thrown as Error).message, why).toMatch(/^\/config\.json is not a valid cloud configuration: .+/)
    }
  })
})

describe("loadWebMode", () => {
  it("reads a valid /config.json as cloud mode", async () => {
    const { asked, fetchFn } = answering(() => json(VALID))
    expect(await loadWebMode(fetchFn)).toEqual(VALID)
    expect(asked).toEqual(["/config.json"])
  })

  it("treats a 404 as local mode", async () => {
    const { fetchFn } = answering(() => new Response("not found", { status: 404 }))
    expect(await loadWebMode(fetchFn)).toEqual({ mode: "local" })
  })

  it("treats a local SPA fallback (200 text/html for any path) as local mode", async () => {
    const { fetchFn } = answering(() => new Response("<!doctype html><div id=app></div>", { status: 200, headers: { "content-type": "text/html; charset=utf-8" } }))
    expect(await loadWebMode(fetchFn)).toEqual({ mode: "local" })
  })

  it("a 401 (the local server without a valid access cookie) says to open the printed link again", async () => {
    const { fetchFn } = answering(() => json({ error: { tag: "Unauthorized", message: LOCAL_SIGNED_OUT.message } }, 401))
    const result = await loadWebMode(fetchFn).then(
      (mode) => mode,
      (e: unknown) => e
    )
    expect(result).toBeInstanceOf(SignedOutError)
    expect((result as Error).message).toBe(LOCAL_SIGNED_OUT.message)
  })

  it("fails with a WebConfigError on an invalid config, a non-JSON body, another status or a network failure: never local mode", async () => {
    const cases: Array<[string, typeof fetch, RegExp]> = [
      ["invalid", answering(() => json({ mode: "cloud", auth: { clientId: "x" } })).fetchFn, /not a valid cloud configuration/],
      ["not JSON", answering(() => new Response("{", { status: 200, headers: { "content-type": "application/json" } })).fetchFn, /is not JSON/],
      ["403 (S3 for a missing object)", answering(() => new Response("AccessDenied", { status: 403 })).fetchFn, /answered HTTP 403/],
      ["500", answering(() => json({}, 500)).fetchFn, /answered HTTP 500/],
      ["network", (() => Promise.reject(new TypeError("Failed to fetch"))) as typeof fetch, /could not be fetched: Failed to fetch/]
    ]
    for (const [why, fetchFn, message] of cases) {
      const result = await loadWebMode(fetchFn).then(
        (mode) => mode,
        (e: unknown) => e
      )
      expect(result, why).toBeInstanceOf(WebConfigError)
      expect((result as Error).message, why).toMatch(message)
    }
  })
})
