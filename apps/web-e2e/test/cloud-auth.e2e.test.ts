/**
 * Cloud mode's sign-in end to end, in Debian Chromium (playwright-core), with
 * the real oidc-client-ts of the built app (dist/apps/web) against local
 * stand-ins for Cognito and the API (no AWS account here):
 *
 * - an OIDC provider (node:http) speaking the parts of Cognito the app uses:
 *   the discovery document, `/jwks`, `/oauth2/authorize` (signs "Ada" in at
 *   once and redirects back with a code, after recording the PKCE challenge),
 *   `/oauth2/token` (authorization_code with the PKCE verifier checked, and
 *   refresh_token) returning RS256-signed id and access tokens shaped like
 *   Cognito's (`token_use`, `client_id`), and `/logout` (Cognito's
 *   `client_id` + `logout_uri`);
 * - the site (node:http): the built app with `/config.json` pointing at the
 *   provider, the SPA fallback, and an `/api/*` that verifies the bearer
 *   token's signature and claims as the Lambda adapter's CognitoJwtVerifier
 *   does (401 otherwise) and answers `GET /api/sessions/:id`.
 *
 * Shows: a deep link signs in and comes back to the same URL; every API call
 * carries the access token; a 401 signs in again and keeps the URL; the
 * refresh token renews the access token before it expires; sign-out goes to
 * Cognito's logout with `client_id` and `logout_uri`; an invalid
 * config.json is an error screen, not local mode.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from "node:crypto"
import fs from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "../../..")
const webDist = path.join(root, "dist/apps/web")
const shots = path.join(root, "test-output/e2e-cloud")

const CLIENT_ID = "curator-e2e-client"
const SESSION = "abcdefghijklmnopqrstuvwxyz"
const EMAIL = "ada@example.com"
/** Lifetime of the access tokens the provider issues; oidc-client-ts renews 60 s before expiry, so about 4 s after issue. */
const ACCESS_TOKEN_SECONDS = 64

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const KID = "e2e-key"

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url")

/** An RS256 JWT of `claims`. */
const jwt = (claims: Record<string, unknown>, key: KeyObject = privateKey) => {
  const head = `${b64url(JSON.stringify({ alg: "RS256", kid: KID, typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`
  return `${head}.${b64url(sign("RSA-SHA256", Buffer.from(head), key))}`
}

/** The claims of `token` when its RS256 signature verifies against the provider's key and it has not expired; else null. */
const verifiedClaims = (token: string): Record<string, unknown> | null => {
  const [head, body, sig] = token.split(".")
  if (head === undefined || body === undefined || sig === undefined) return null
  if (!verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKey, Buffer.from(sig, "base64url"))) return null
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>
  return typeof claims["exp"] === "number" && claims["exp"] > Date.now() / 1000 ? claims : null
}

// ---- the OIDC provider (Cognito stand-in) ----

let idp: http.Server
let issuer = ""
/** What the provider saw. */
const provider = {
  authorizeCount: 0,
  grants: [] as Array<string>,
  logouts: [] as Array<Record<string, string>>,
  /** code -> PKCE challenge and redirect_uri */
  codes: new Map<string, { challenge: string; redirectUri: string }>(),
  refreshTokens: new Set<string>()
}

const tokensFor = () => {
  const now = Math.floor(Date.now() / 1000)
  const sub = "0b5e6f4a-1111-2222-3333-444455556666"
  const accessToken = jwt({ sub, iss: issuer, client_id: CLIENT_ID, token_use: "access", scope: "openid email", iat: now, exp: now + ACCESS_TOKEN_SECONDS, jti: randomUUID() })
  const idToken = jwt({ sub, iss: issuer, aud: CLIENT_ID, token_use: "id", email: EMAIL, email_verified: true, iat: now, exp: now + 3600 })
  return { accessToken, idToken }
}

const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type, accept", "access-control-allow-methods": "GET, POST" }

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = ""
    req.on("data", (c: Buffer) => (s += c.toString()))
    req.on("end", () => resolve(s))
  })

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers })
  res.end(JSON.stringify(body))
}

const handleIdp = async (req: http.IncomingMessage, res: http.ServerResponse) => {
  const url = new URL(req.url ?? "/", issuer)
  if (req.method === "OPTIONS") return void res.writeHead(204, cors).end()
  if (url.pathname === "/.well-known/openid-configuration") {
    return sendJson(
      res,
      200,
      {
        issuer,
        authorization_endpoint: `${issuer}/oauth2/authorize`,
        token_endpoint: `${issuer}/oauth2/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/oauth2/userInfo`,
        response_types_supported: ["code", "token"],
        scopes_supported: ["openid", "email", "phone", "profile"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"]
        // no end_session_endpoint, as Cognito's document
      },
      cors
    )
  }
  if (url.pathname === "/jwks") return sendJson(res, 200, { keys: [{ ...publicKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" }] }, cors)
  if (url.pathname === "/oauth2/authorize") {
    const q = url.searchParams
    if (q.get("client_id") !== CLIENT_ID || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
      return sendJson(res, 400, { error: "invalid_request", query: Object.fromEntries(q) })
    }
    provider.authorizeCount += 1
    const code = randomUUID()
    const redirectUri = q.get("redirect_uri") ?? ""
    provider.codes.set(code, { challenge: q.get("code_challenge") ?? "", redirectUri })
    const back = new URL(redirectUri)
    back.searchParams.set("code", code)
    back.searchParams.set("state", q.get("state") ?? "")
    res.writeHead(302, { location: back.href })
    return void res.end()
  }
  if (url.pathname === "/oauth2/token" && req.method === "POST") {
    const form = new URLSearchParams(await readBody(req))
    const grant = form.get("grant_type") ?? ""
    provider.grants.push(grant)
    if (form.get("client_id") !== CLIENT_ID) return sendJson(res, 400, { error: "invalid_client" }, cors)
    if (grant === "authorization_code") {
      const entry = provider.codes.get(form.get("code") ?? "")
      provider.codes.delete(form.get("code") ?? "")
      const verifier = form.get("code_verifier") ?? ""
      if (entry === undefined || entry.redirectUri !== form.get("redirect_uri") || b64url(createHash("sha256").update(verifier).digest()) !== entry.challenge) {
        return sendJson(res, 400, { error: "invalid_grant" }, cors)
      }
      const refreshToken = randomUUID()
      provider.refreshTokens.add(refreshToken)
      const { accessToken, idToken } = tokensFor()
      return sendJson(res, 200, { access_token: accessToken, id_token: idToken, refresh_token: refreshToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS }, cors)
    }
    if (grant === "refresh_token") {
      if (!provider.refreshTokens.has(form.get("refresh_token") ?? "")) return sendJson(res, 400, { error: "invalid_grant" }, cors)
      // Cognito answers a refresh with new id and access tokens and no new refresh token.
      const { accessToken, idToken } = tokensFor()
      return sendJson(res, 200, { access_token: accessToken, id_token: idToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS }, cors)
    }
    return sendJson(res, 400, { error: "unsupported_grant_type" }, cors)
  }
  if (url.pathname === "/logout") {
    provider.logouts.push(Object.fromEntries(url.searchParams))
    res.writeHead(302, { location: url.searchParams.get("logout_uri") ?? "/" })
    return void res.end()
  }
  sendJson(res, 404, { error: "not_found" }, cors)
}

// ---- the site: built app + config.json + API stand-in ----

let site: http.Server
let siteUrl = ""
/** The config.json the site serves; null -> 404 (local mode). */
let configJson: string | null = null
/** Access tokens the API refuses from now on (a revoked session, as Cognito's global sign-out does). */
const revoked = new Set<string>()
/** Every API request: method, path, the bearer token (or null) and the status answered. */
const apiLog: Array<{ method: string; path: string; token: string | null; status: number }> = []

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".map": "application/json" }

const handleApi = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
  const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null
  const answer = (status: number, body: unknown) => {
    apiLog.push({ method: req.method ?? "", path: url.pathname, token, status })
    sendJson(res, status, body)
  }
  if (req.method === "GET" && url.pathname === "/api/health") return answer(200, { status: "ok" })
  const claims = token === null || revoked.has(token) ? null : verifiedClaims(token)
  if (claims === null || claims["token_use"] !== "access" || claims["client_id"] !== CLIENT_ID || claims["iss"] !== issuer) {
    return answer(401, { error: { tag: "Unauthorized", message: "sign in again: the token is invalid or expired" } })
  }
  if (req.method === "GET" && url.pathname === `/api/sessions/${SESSION}`) {
    return answer(200, {
      session: { sessionId: SESSION, createdAt: "2026-11-30T12:00:00.000Z", expiresAt: 1_900_000_000, tripContext: "A trip behind Cognito" },
      uploads: [],
      selection: null,
      review: null,
      enhancement: null,
      generation: 0,
      postCount: 0,
      tokensUsed: 0,
      download: null
    })
  }
  answer(404, { error: { tag: "NotFound", message: "no such route in the stand-in" } })
}

const handleSite = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const url = new URL(req.url ?? "/", siteUrl)
  if (url.pathname.startsWith("/api/")) return handleApi(req, res, url)
  if (url.pathname === "/config.json") {
    if (configJson === null) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found")
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" })
    return void res.end(configJson)
  }
  const file = path.join(webDist, path.posix.normalize(url.pathname))
  const isFile = file.startsWith(webDist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()
  const chosen = isFile ? file : path.join(webDist, "index.html")
  // As CloudFront's rewrite: only extension-less paths fall back to the app.
  if (!isFile && path.extname(url.pathname) !== "") return void res.writeHead(404).end()
  res.writeHead(200, { "content-type": TYPES[path.extname(chosen)] ?? "application/octet-stream" })
  fs.createReadStream(chosen).pipe(res)
}

const cloudConfig = () => ({
  mode: "cloud",
  auth: { authority: issuer, clientId: CLIENT_ID, redirectPath: "/auth/callback", scope: "openid email", domain: issuer }
})

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

let browser: Browser | undefined
const pageErrors: Array<string> = []

const newPage = async (): Promise<Page> => {
  if (!browser) throw new Error("no browser")
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on("pageerror", (e) => pageErrors.push(e.message))
  return page
}

const bearersOf = (p: string) => apiLog.filter((e) => e.path === p).map((e) => e.token)

beforeAll(async () => {
  if (!fs.existsSync(path.join(webDist, "index.html"))) throw new Error(`build the web app first (nx run web:build): ${webDist} is missing`)
  fs.mkdirSync(shots, { recursive: true })
  idp = http.createServer((req, res) => void handleIdp(req, res))
  issuer = await listen(idp)
  site = http.createServer(handleSite)
  siteUrl = await listen(site)
  configJson = JSON.stringify(cloudConfig())
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([idp, site].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)))))
})

describe("cloud mode: Cognito sign-in (oidc-client-ts against a local OIDC stand-in)", () => {
  const deepLink = `/s/${SESSION}/upload`

  it("a deep link signs in (code + PKCE), comes back to the same URL, shows the email and calls the API with the access token", async () => {
    const page = await newPage()
    await page.goto(`${siteUrl}${deepLink}`)
    await page.waitForSelector("[data-testid=account]", { timeout: 30_000 })
    expect(new URL(page.url()).pathname).toBe(deepLink)
    expect(await page.textContent("[data-testid=account]")).toContain(EMAIL)
    // The API's answer reached the page: the trip context of the stand-in's session.
    await expect.poll(() => page.inputValue("textarea")).toBe("A trip behind Cognito")
    expect(provider.authorizeCount).toBe(1)
    expect(provider.grants).toEqual(["authorization_code"])
    const calls = apiLog.filter((e) => e.path === `/api/sessions/${SESSION}`)
    expect(calls.length).toBeGreaterThanOrEqual(1)
    for (const c of calls) {
      expect(c.status).toBe(200)
      expect(verifiedClaims(c.token ?? "")).toMatchObject({ token_use: "access", client_id: CLIENT_ID })
    }
    // The tokens live in sessionStorage (this tab), not localStorage.
    const stores = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }))
    expect(stores.session.some((k) => k.startsWith("oidc.user:"))).toBe(true)
    expect(stores.local).toEqual([])
    await page.screenshot({ path: path.join(shots, "cloud-1-signed-in.png") })

    // The refresh token renews the access token ~60 s before it expires (here ~4 s after issue), through the token endpoint.
    const first = calls[0]?.token
    await expect.poll(() => provider.grants.includes("refresh_token"), { timeout: 30_000 }).toBe(true)
    await page.reload()
    await expect.poll(() => page.inputValue("textarea")).toBe("A trip behind Cognito")
    const latest = bearersOf(`/api/sessions/${SESSION}`).at(-1)
    expect(latest).not.toBe(first)
    expect(verifiedClaims(latest ?? "")).not.toBeNull()
    expect(provider.authorizeCount).toBe(1) // renewed without a new sign-in
    await page.context().close()
  })

  it("a 401 from the API signs in again and returns to the URL the person was on", async () => {
    const page = await newPage()
    await page.goto(`${siteUrl}${deepLink}`)
    await page.waitForSelector("[data-testid=account]", { timeout: 30_000 })
    await expect.poll(() => page.inputValue("textarea")).toBe("A trip behind Cognito")
    const before = provider.authorizeCount
    const token = bearersOf(`/api/sessions/${SESSION}`).at(-1) ?? ""
    revoked.add(token)
    const from = apiLog.length
    await page.reload()
    // The stored token is refused (401), the app signs in again (a new authorize), and the page comes back to the deep link with a new token.
    await expect.poll(() => provider.authorizeCount, { timeout: 30_000 }).toBe(before + 1)
    await expect.poll(() => apiLog.slice(from).some((e) => e.status === 200 && e.path === `/api/sessions/${SESSION}`), { timeout: 30_000 }).toBe(true)
    const after = apiLog.slice(from)
    expect(after[0]).toMatchObject({ token, status: 401 })
    expect(after.find((e) => e.status === 200)?.token).not.toBe(token)
    await page.waitForSelector("[data-testid=account]")
    expect(new URL(page.url()).pathname).toBe(deepLink)
    await page.context().close()
  })

  it("sign-out goes to Cognito's logout endpoint with client_id and logout_uri and drops the stored user", async () => {
    const page = await newPage()
    await page.goto(`${siteUrl}/`)
    await page.waitForSelector("[data-testid=account]", { timeout: 30_000 })
    const before = provider.authorizeCount
    await page.click("[data-testid=account] button")
    await expect.poll(() => provider.logouts.length, { timeout: 30_000 }).toBe(1)
    expect(provider.logouts[0]).toMatchObject({ client_id: CLIENT_ID, logout_uri: `${siteUrl}/` })
    // Back on the site without a user: the app starts a new sign-in (the stand-in signs in at once).
    await expect.poll(() => provider.authorizeCount, { timeout: 30_000 }).toBe(before + 1)
    await page.context().close()
  })

  it("an invalid config.json shows an error screen and calls no API; a missing one is local mode (no bearer)", async () => {
    configJson = JSON.stringify({ mode: "cloud", auth: { authority: issuer } })
    try {
      const page = await newPage()
      const from = apiLog.length
      await page.goto(`${siteUrl}${deepLink}`)
      await page.waitForSelector("[data-testid=start-error]", { timeout: 30_000 })
      expect(await page.textContent("[data-testid=start-error]")).toContain("/config.json is not a valid cloud configuration")
      expect(apiLog.length).toBe(from)
      await page.screenshot({ path: path.join(shots, "cloud-2-invalid-config.png") })
      await page.context().close()

      configJson = null
      const local = await newPage()
      const authorizeBefore = provider.authorizeCount
      await local.goto(`${siteUrl}${deepLink}`)
      await expect.poll(() => apiLog.length > from, { timeout: 30_000 }).toBe(true)
      expect(apiLog.slice(from).every((e) => e.token === null)).toBe(true)
      expect(provider.authorizeCount).toBe(authorizeBefore)
      expect(await local.locator("[data-testid=account]").count()).toBe(0)
      await local.context().close()
    } finally {
      configJson = JSON.stringify(cloudConfig())
    }
    expect(pageErrors).toEqual([])
  })
})
