/**
 * The ApiClient's authorisation against a real HTTP server (node:http): the
 * Authorization header per mode, and the 401 -> sign-in rule.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { ApiFailure, call } from "../../src/api/ApiClient.js"
import { type Auth, authHeaders, currentLocation, isUnauthorized, localAuth, localAuthWith, safeReturnPath, setAuth } from "../../src/api/Auth.js"

const SESSION = "abcdefghijklmnopqrstuvwxyz"
const GOOD_TOKEN = "header.payload.signature"

/** Authorization headers the server saw, in order (null: none). */
let seen: Array<string | null> = []
let server: http.Server

/** Local mode: whether the stand-in still "knows the browser's cookie" (false: a restarted `curator serve`). */
let cookieValid = true

/** The stand-in API: 200 for the good token or no token at all (local mode: the cookie, while valid), 401 for any other bearer or a gone cookie. */
const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const authorization = req.headers.authorization ?? null
  seen.push(authorization)
  if (authorization === null ? !cookieValid : authorization !== `Bearer ${GOOD_TOKEN}`) {
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"' })
    return res.end(JSON.stringify({ error: { tag: "Unauthorized", message: "sign in again: the token is invalid or expired" } }))
  }
  res.writeHead(200, { "content-type": "application/json" })
  res.end(JSON.stringify({
      session: { sessionId: SESSION, createdAt: "2026-01-01T00:00:00.000Z", expiresAt: 1900000000, tripContext: "t" },
      uploads: [],
      selection: null,
      review: null,
      enhancement: null,
      generation: 0,
      postCount: 0,
      tokensUsed: 0,
      download: null
    }))
}

const cloudAuth = (token: () => string | undefined) => {
  const redirects: Array<string> = []
  const auth: Auth = { mode: "cloud", accessToken: token, onUnauthorized: () => redirects.push("sign-in") }
  return { auth, redirects }
}

beforeAll(async () => {
  server = http.createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  // The app's requests are relative ("/api/..."): give them this server as the page's origin, as a browser would.
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  Object.defineProperty(globalThis, "location", { value: new URL(`${origin}/s/${SESSION}/upload`), configurable: true })
})

afterAll(async () => {
  setAuth(localAuth)
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  seen = []
  cookieValid = true
})

const getSession = () => call((api) => api.sessions.get({ params: { sessionId: SESSION } }))

describe("the Authorization header", () => {
  it("is absent in local mode (the cookie authorises)", async () => {
    setAuth(localAuth)
    expect((await getSession()).session.sessionId).toBe(SESSION)
    expect(seen).toEqual([null])
    expect(authHeaders(localAuth)).toEqual({})
  })

  it("carries the current access token in cloud mode, read per request (a renewed token is used at once)", async () => {
    let token = GOOD_TOKEN
    setAuth(cloudAuth(() => token).auth)
    await getSession()
    token = "renewed.token.value"
    const failure = await getSession().then(
      () => null,
      (e: unknown) => e
    )
    expect(seen).toEqual([`Bearer ${GOOD_TOKEN}`, "Bearer renewed.token.value"])
    expect((failure as ApiFailure).status).toBe(401) // the stand-in knows only GOOD_TOKEN
  })

  it("is absent in cloud mode while there is no token", () => {
    expect(authHeaders(cloudAuth(() => undefined).auth)).toEqual({})
    expect(authHeaders(cloudAuth(() => "").auth)).toEqual({})
    expect(authHeaders(cloudAuth(() => "t").auth)).toEqual({ authorization: "Bearer t" })
  })
})

describe("401 -> sign in again", () => {
  it("in cloud mode a 401 rejects with the ApiFailure and starts a sign-in", async () => {
    const { auth, redirects } = cloudAuth(() => "expired.token.value")
    setAuth(auth)
    const failure = await getSession().then(
      () => null,
      (e: unknown) => e
    )
    expect(failure).toBeInstanceOf(ApiFailure)
    expect((failure as ApiFailure).status).toBe(401)
    expect(redirects).toEqual(["sign-in"])
  })

  it("a success does not start a sign-in", async () => {
    const { auth, redirects } = cloudAuth(() => GOOD_TOKEN)
    setAuth(auth)
    await getSession()
    expect(redirects).toEqual([])
  })

  it("in local mode a 401 (the server no longer knows this browser's cookie) shows the 'open the link again' screen, once per 401", async () => {
    const screens: Array<string> = []
    setAuth(localAuthWith(() => screens.push("signed-out")))
    await getSession()
    expect(screens).toEqual([])
    cookieValid = false
    const failure = await getSession().then(
      () => null,
      (e: unknown) => e
    )
    expect((failure as ApiFailure).status).toBe(401)
    expect(screens).toEqual(["signed-out"])
    expect(seen).toEqual([null, null])
  })

  it("the rule: only a 401", () => {
    expect(isUnauthorized(401)).toBe(true)
    for (const status of [0, 400, 403, 404, 409, 500, 503]) expect(isUnauthorized(status)).toBe(false)
  })

  it("keeps the current URL (path, query, fragment) and returns only to same-origin paths", () => {
    expect(currentLocation({ pathname: `/s/${SESSION}/review/j`, search: "?x=1", hash: "#top" })).toBe(`/s/${SESSION}/review/j?x=1#top`)
    expect(safeReturnPath(`/s/${SESSION}/upload`)).toBe(`/s/${SESSION}/upload`)
    for (const bad of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "", undefined, 42]) expect(safeReturnPath(bad)).toBe("/")
  })
})
