/**
 * The Lambda adapter (API Gateway HTTP API payload 2.0): origin verify (403),
 * Cognito JWTs verified by the real aws-jwt-verify `CognitoJwtVerifier`
 * against a locally generated RSA key pair whose JWKS is injected with
 * `cacheJwks` (no network), the health route, and the event/response
 * conversions (query, cookies, base64 bodies, Set-Cookie -> `cookies`).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import { CognitoJwtVerifier } from "aws-jwt-verify"
import { Context } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { type ApiServices, makeApiHandler } from "../src/ApiHandler.js"
import { eventToRequest, isTextual, makeLambdaHandler, originVerified, responseToResult, type TokenVerifier } from "../src/LambdaAdapter.js"
import { withApi } from "./harness.js"

const REGION = "eu-west-1"
const USER_POOL_ID = `${REGION}_CuratorT1`
const CLIENT_ID = "curatorwebclient0000000001"
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`
const SECRET = randomBytes(32).toString("base64url")
const KID = "test-key-1"

let privateKey: KeyObject
let otherPrivateKey: KeyObject
let verifier: TokenVerifier

beforeAll(() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 })
  privateKey = pair.privateKey
  otherPrivateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
  const jwk = pair.publicKey.export({ format: "jwk" })
  const cognito = CognitoJwtVerifier.create({ userPoolId: USER_POOL_ID, tokenUse: "access", clientId: CLIENT_ID })
  cognito.cacheJwks({ keys: [{ ...jwk, kid: KID, alg: "RS256", use: "sig", kty: "RSA", n: jwk.n!, e: jwk.e! }] })
  verifier = cognito
})

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** A Cognito-shaped access token (RS256), with `overrides` applied to the claims. */
const accessToken = (overrides: Record<string, unknown> = {}, key: KeyObject = privateKey) => {
  const now = Math.floor(Date.now() / 1000)
  const header = b64url({ alg: "RS256", kid: KID, typ: "JWT" })
  const payload = b64url({
    sub: "0b8f1a2c-user",
    iss: ISSUER,
    client_id: CLIENT_ID,
    token_use: "access",
    scope: "openid",
    auth_time: now - 10,
    iat: now - 10,
    exp: now + 3600,
    jti: "jti-1",
    username: "traveller",
    ...overrides
  })
  const signature = sign("RSA-SHA256", Buffer.from(`${header}.${payload}`), key).toString("base64url")
  return `${header}.${payload}.${signature}`
}

/** A payload 2.0 event as API Gateway delivers it (lower-case header names). */
const event = (
  method: string,
  rawPath: string,
  options: { headers?: Record<string, string>; token?: string | null; origin?: string | null; body?: string; isBase64Encoded?: boolean; rawQueryString?: string; cookies?: Array<string> } = {}
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = { host: "d111111abcdef8.cloudfront.net", ...options.headers }
  if (options.origin !== null) headers["x-origin-verify"] = options.origin ?? SECRET
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? accessToken()}`
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: options.rawQueryString ?? "",
    headers,
    ...(options.cookies === undefined ? {} : { cookies: options.cookies }),
    requestContext: {
      accountId: "123456789012",
      apiId: "api1",
      domainName: "api1.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "api1",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "vitest" },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "30/Nov/2026:12:00:00 +0000",
      timeEpoch: 1_800_000_000_000
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false
  }
}

/** A handler that records the Request it got and answers with `answer`. */
const recording = (answer: (request: Request) => Promise<Response> | Response = () => Response.json({ ok: true })) => {
  const seen: Array<Request> = []
  return {
    seen,
    handler: async (request: Request) => {
      seen.push(request)
      return answer(request)
    }
  }
}

const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? "null")

describe("origin verify", () => {
  it("compares in constant time over equal-length digests", () => {
    expect(originVerified(SECRET, SECRET)).toBe(true)
    expect(originVerified(`${SECRET}x`, SECRET)).toBe(false)
    expect(originVerified("", SECRET)).toBe(false)
    expect(originVerified(undefined, SECRET)).toBe(false)
    // The digests compared are always 32 bytes, whatever the inputs' lengths.
    expect(createHash("sha256").update("a").digest()).toHaveLength(32)
  })

  it.each([
    ["missing", null],
    ["wrong", "not-the-secret"],
    ["a prefix of the secret", SECRET.slice(0, 10)]
  ])("answers 403 when the header is %s, before looking at the token or the API", async (_, origin) => {
    const api = recording()
    const lambda = makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })
    for (const e of [event("GET", "/api/sessions/x", { origin }), event("GET", "/api/health", { origin, token: null })]) {
      const result = await lambda(e)
      expect(result.statusCode).toBe(403)
      expect(bodyOf(result)).toEqual({ error: { tag: "Forbidden", message: expect.stringMatching(/CloudFront/) } })
    }
    expect(api.seen).toHaveLength(0)
  })

  it("refuses an empty secret at construction", () => {
    expect(() => makeLambdaHandler({ handler: recording().handler, originSecret: "", verifier })).toThrow(/empty/)
  })

  it("does not pass the secret on to the handler", async () => {
    const api = recording()
    await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(event("GET", "/api/sessions/x"))
    expect(api.seen[0]?.headers.get("x-origin-verify")).toBeNull()
    expect(api.seen[0]?.headers.get("authorization")).toMatch(/^Bearer /)
  })
})

describe("Cognito JWT (aws-jwt-verify, access tokens)", () => {
  it("a valid access token reaches the API", async () => {
    const api = recording()
    const result = await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(event("GET", "/api/sessions/x"))
    expect(result.statusCode).toBe(200)
    expect(bodyOf(result)).toEqual({ ok: true })
    expect(api.seen).toHaveLength(1)
  })

  it.each([
    ["expired", () => accessToken({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ["for another app client (audience)", () => accessToken({ client_id: "someotherclient" })],
    ["from another issuer", () => accessToken({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_Other` })],
    ["an id token", () => accessToken({ token_use: "id", aud: CLIENT_ID })],
    ["signed by another key", () => accessToken({}, otherPrivateKey)],
    [
      "tampered (payload changed after signing)",
      () => {
        const [h, , s] = accessToken().split(".")
        return `${h}.${b64url({ sub: "admin", iss: ISSUER, client_id: CLIENT_ID, token_use: "access", exp: Math.floor(Date.now() / 1000) + 3600, iat: 0 })}.${s}`
      }
    ],
    ["not a JWT", () => "garbage"]
  ])("401 for a token %s", async (_, token) => {
    const api = recording()
    const result = await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(event("POST", "/api/sessions", { token: token() }))
    expect(result.statusCode).toBe(401)
    expect(result.headers?.["www-authenticate"]).toBe('Bearer error="invalid_token"')
    expect(bodyOf(result)).toEqual({ error: { tag: "Unauthorized", message: expect.stringMatching(/invalid or expired/) } })
    expect(api.seen).toHaveLength(0)
  })

  it.each([
    ["no Authorization header", {}],
    ["a Basic Authorization header", { authorization: "Basic dXNlcjpwYXNz" }]
  ])("401 with %s", async (_, headers) => {
    const api = recording()
    const result = await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(event("GET", "/api/sessions/x", { token: null, headers }))
    expect(result.statusCode).toBe(401)
    expect(result.headers?.["www-authenticate"]).toBe("Bearer")
    expect(api.seen).toHaveLength(0)
  })

  it("the health route needs no token (GET only)", async () => {
    const api = recording()
    const lambda = makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })
    expect((await lambda(event("GET", "/api/health", { token: null }))).statusCode).toBe(200)
    expect((await lambda(event("POST", "/api/health", { token: null }))).statusCode).toBe(401)
    expect((await lambda(event("GET", "/api/healthz", { token: null }))).statusCode).toBe(401)
  })
})

describe("event and response conversion", () => {
  it("rebuilds method, path, raw query, joined headers and the cookies array", () => {
    const request = eventToRequest(
      event("PUT", "/api/sessions/abc/selection/def/overrides", {
        rawQueryString: "a=1&b=%20x&a=2",
        headers: { "x-multi": "one,two", "content-type": "application/json" },
        cookies: ["c1=v1", "c2=v2"],
        body: "{\"fileId\":\"f\"}"
      })
    )
    const url = new URL(request.url)
    expect(request.method).toBe("PUT")
    expect(url.pathname).toBe("/api/sessions/abc/selection/def/overrides")
    expect(url.search).toBe("?a=1&b=%20x&a=2")
    expect(url.searchParams.getAll("a")).toEqual(["1", "2"])
    expect(request.headers.get("x-multi")).toBe("one,two")
    expect(request.headers.get("cookie")).toBe("c1=v1; c2=v2")
  })

  it("a base64 request body round-trips byte for byte, and a binary response comes back base64", async () => {
    const bytes = randomBytes(4096)
    bytes[0] = 0xff
    bytes[1] = 0x00
    const api = recording(async (request) => new Response(new Uint8Array(await request.arrayBuffer()), { headers: { "content-type": "application/octet-stream" } }))
    const result = await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(
      event("POST", "/api/echo", { body: bytes.toString("base64"), isBase64Encoded: true, headers: { "content-type": "application/octet-stream" } })
    )
    expect(result.isBase64Encoded).toBe(true)
    expect(Buffer.from(result.body ?? "", "base64").equals(bytes)).toBe(true)
  })

  it("a text body is passed as is and a JSON response stays text", async () => {
    const api = recording(async (request) => Response.json({ echoed: await request.text() }))
    const result = await makeLambdaHandler({ handler: api.handler, originSecret: SECRET, verifier })(event("POST", "/api/echo", { body: "héllo ✓" }))
    expect(result.isBase64Encoded).toBe(false)
    expect(bodyOf(result)).toEqual({ echoed: "héllo ✓" })
  })

  it("Set-Cookie headers become `cookies` (never comma-joined); other repeated headers are joined", async () => {
    const headers = new Headers({ "content-type": "text/plain; charset=utf-8" })
    headers.append("set-cookie", "a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly")
    headers.append("set-cookie", "b=2; Secure")
    headers.append("vary", "accept")
    headers.append("vary", "origin")
    const result = await responseToResult(new Response("ok", { status: 201, headers }))
    expect(result.statusCode).toBe(201)
    expect(result.cookies).toEqual(["a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly", "b=2; Secure"])
    expect(result.headers?.["set-cookie"]).toBeUndefined()
    expect(result.headers?.vary).toBe("accept, origin")
    expect(result.body).toBe("ok")
    expect(result.isBase64Encoded).toBe(false)
  })

  it("classifies content types", () => {
    for (const t of ["application/json; charset=utf-8", "text/html", "application/problem+json", "application/vnd.api+json", "image/svg+xml", "application/xml"]) expect(isTextual(t)).toBe(true)
    for (const t of ["image/jpeg", "application/octet-stream", "video/mp4", "application/jsonx"]) expect(isTextual(t)).toBe(false)
    expect(isTextual(null)).toBe(false)
  })
})

describe("the real API behind the adapter", () => {
  it("health needs no service at all (an empty Context)", async () => {
    const built = makeApiHandler(Context.empty() as Context.Context<ApiServices>)
    try {
      const res = await built.handler(new Request("https://x/api/health"))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: "ok" })
    } finally {
      await built.dispose()
    }
  })

  it("health answers without a token and without touching stores; a session is created with a token", () =>
    withApi(async (api) => {
      const built = makeApiHandler(api.services)
      try {
        const lambda = makeLambdaHandler({ handler: built.handler, originSecret: SECRET, verifier })
        const health = await lambda(event("GET", "/api/health", { token: null }))
        expect(health.statusCode).toBe(200)
        expect(bodyOf(health)).toEqual({ status: "ok" })
        expect(health.headers?.["content-type"]).toMatch(/^application\/json/)

        const created = await lambda(event("POST", "/api/sessions", { body: JSON.stringify({ tripContext: "Porto" }), headers: { "content-type": "application/json" } }))
        expect(created.statusCode).toBe(200)
        expect(bodyOf(created).sessionId).toMatch(/^[a-z2-7]{26}$/)

        const missing = await lambda(event("GET", "/api/nope"))
        expect(missing.statusCode).toBe(404)
        expect(bodyOf(missing).error.tag).toBe("RouteNotFound")

        const unauthorised = await lambda(event("POST", "/api/sessions", { token: null, body: "{}" }))
        expect(unauthorised.statusCode).toBe(401)
      } finally {
        await built.dispose()
      }
    }))
})
