/**
 * The local server over the REAL local stack (blob folder, dynalite,
 * in-process ASL executor bound to the real workers, real media): token ->
 * host-only cookie named per instance, two instances side by side, the
 * access and DNS-rebinding refusals, the "open the link again" page, the
 * security headers (CloudFront's CSP), signed blob PUT/GET with every
 * refusal and single-use upload URLs, the SPA fallback that never masks /api
 * or /blob errors, the whole upload -> selection flow on fixture files, and
 * the data-folder lock refusing a second process.
 */
import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import fs from "node:fs"
import http from "node:http"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { type ApiServices, signBlobUrl, UrlSigner } from "@curator/api"
import { LOCAL_CONTENT_SECURITY_POLICY, LOCAL_SIGNED_OUT } from "@curator/contracts"
import { DataDirLock, LocalStack } from "@curator/local"
import { type Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalServer, startLocalServer } from "../../src/server/LocalServer.js"

const root = path.resolve(import.meta.dirname, "../../../..")
const fixtures = path.resolve(root, "../shared/fixtures/media")

interface Running {
  readonly server: LocalServer
  readonly token: string
  readonly secret: Uint8Array
  readonly dataDir: string
  readonly webRoot: string
  cookie: string
}

let scope: Scope.Closeable
let s: Running
/** A second instance on the same stack with its own token (two Curators side by side). */
let other: { readonly server: LocalServer; readonly token: string }

beforeAll(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-serve-"))
  const dataDir = path.join(work, "data")
  const webRoot = path.join(work, "web")
  fs.mkdirSync(path.join(webRoot, "assets"), { recursive: true })
  fs.writeFileSync(path.join(webRoot, "index.html"), "<!doctype html><title>Curator</title><div id=app></div>")
  fs.writeFileSync(path.join(webRoot, "assets", "app-1234.js"), "console.log('app')")
  const secret = randomBytes(32)
  const token = randomBytes(32).toString("base64url")
  const otherToken = randomBytes(32).toString("base64url")
  scope = Effect.runSync(Scope.make())
  const [server, otherServer] = await Effect.runPromise(
    Effect.gen(function* () {
      yield* DataDirLock.acquire(dataDir)
      const layer = Layer.merge(LocalStack.layer({ dataDir, retryIntervalOverrides: {} }), UrlSigner.layerLocal({ secret }))
      const services = (yield* Layer.build(layer)) as Context.Context<ApiServices>
      const first = yield* startLocalServer({ port: 0, webRoot, services, secret, token })
      const second = yield* startLocalServer({ port: 0, webRoot, services, secret, token: otherToken })
      return [first, second] as const
    }).pipe(Scope.provide(scope))
  )
  s = { server, token, secret, dataDir, webRoot, cookie: "" }
  other = { server: otherServer, token: otherToken }
}, 60_000)

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

/**
 * A raw HTTP request to 127.0.0.1 (fetch cannot set Host or send a body larger than Content-Length), by default to the
 * first instance under its own host name `<port>.localhost` (Node's resolver, like this machine's, does not resolve
 * `*.localhost`; browsers do, and send it as Host).
 */
const raw = (options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; port?: number }) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const port = options.port ?? s.server.port
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers: {
          host: `${port}.localhost:${port}`,
          ...(options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) }),
          ...options.headers
        }
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
        res.on("error", reject)
      }
    )
    req.on("error", reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })

const json = (r: { body: Buffer }) => JSON.parse(r.body.toString("utf8"))
const authed = (headers: Record<string, string> = {}) => ({ cookie: s.cookie, ...headers })

const api = async (method: string, p: string, body?: unknown) => {
  const r = await raw({
    method,
    path: p,
    headers: authed(body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: r.status, body: r.body.length === 0 ? null : json(r) }
}

/** The `name=value` part of a Set-Cookie header, and the header itself. */
const signIn = async (port: number, token: string, p = "/") => {
  const r = await raw({ port, path: `${p}${p.includes("?") ? "&" : "?"}token=${token}`, headers: { accept: "text/html" } })
  const setCookie = r.headers["set-cookie"]?.[0] ?? ""
  return { response: r, setCookie, cookie: setCookie.split(";")[0]! }
}

describe("curator serve: access", () => {
  it("listens on 127.0.0.1 only and prints its own host name, <port>.localhost, with the 127.0.0.1 fallback", () => {
    const port = s.server.port
    expect(s.server.origin).toBe(`http://${port}.localhost:${port}`)
    expect(s.server.url).toBe(`${s.server.origin}/?token=${s.token}`)
    expect(s.server.fallbackOrigin).toBe(`http://127.0.0.1:${port}`)
    expect(s.server.fallbackUrl).toBe(`${s.server.fallbackOrigin}/?token=${s.token}`)
  })

  it("turns the token into a host-only HttpOnly SameSite=Strict cookie named for this instance, and redirects to the URL without it", async () => {
    const { response: r, setCookie, cookie } = await signIn(s.server.port, s.token, "/review?x=1")
    expect(r.status).toBe(303)
    expect(r.headers.location).toBe("/review?x=1")
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    // Host-only: no Domain attribute, so the browser returns it to the host name it set it on and to no other.
    expect(setCookie).not.toMatch(/domain=/i)
    expect(cookie).toBe(`curator_access_${s.server.port}=${s.token}`)
    s.cookie = cookie
    const page = await raw({ path: "/review", headers: authed() })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toMatch(/<title>Curator/)
  })

  it("two instances on one host name (the 127.0.0.1 fallback, where cookies ignore ports) each keep their own cookie", async () => {
    const mine = await signIn(s.server.port, s.token)
    const theirs = await signIn(other.server.port, other.token)
    expect(mine.cookie.split("=")[0]).not.toBe(theirs.cookie.split("=")[0])
    // A browser on 127.0.0.1 sends both cookies to both servers, the later one first.
    const both = `${theirs.cookie}; ${mine.cookie}`
    for (const [port, fallback] of [
      [s.server.port, true],
      [other.server.port, true],
      [s.server.port, false],
      [other.server.port, false]
    ] as const) {
      const host = fallback ? `127.0.0.1:${port}` : `${port}.localhost:${port}`
      const r = await raw({ port, path: "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers: { host, cookie: both } })
      expect(r.status).toBe(404) // past the cookie check: the session is unknown
      expect(json(r).error.tag).toBe("NotFoundError")
    }
    // A same-named cookie set elsewhere (Domain=localhost from another *.localhost page) neither opens nor locks out.
    const tossed = `curator_access_${s.server.port}=${other.token}`
    expect((await raw({ path: "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers: { cookie: `${tossed}; ${mine.cookie}` } })).status).toBe(404)
    expect((await raw({ path: "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers: { cookie: tossed } })).status).toBe(401)
    // Neither instance's token opens the other.
    expect((await raw({ port: other.server.port, path: "/", headers: { cookie: `curator_access_${other.server.port}=${s.token}` } })).status).toBe(401)
  })

  it("answers a browser page load without a valid cookie with the 'open the link again' page (401 HTML), API calls with JSON", async () => {
    for (const headers of [{}, { cookie: `curator_access_${s.server.port}=guess` }, { cookie: `curator_access=${s.token}` }] as Array<Record<string, string>>) {
      const page = await raw({ path: "/s/abc/review", headers: { ...headers, accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } })
      expect(page.status).toBe(401)
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8")
      const html = page.body.toString()
      expect(html).toContain(LOCAL_SIGNED_OUT.title.replace("'", "&#39;"))
      expect(html).toContain("<code>curator serve</code>")
      expect(html).toContain(`http://${s.server.port}.localhost:${s.server.port}/?token=`)
      expect(html).not.toMatch(/<script|<style|style=/)
    }
    const wrongToken = await raw({ path: "/?token=wrong", headers: { accept: "text/html" } })
    expect(wrongToken.status).toBe(401)
    expect(wrongToken.headers["content-type"]).toMatch(/text\/html/)
    expect((await raw({ path: "/?token=wrong" })).headers["content-type"]).toMatch(/application\/json/)
    for (const p of ["/", "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", "/blob/x/original/y.jpg"]) {
      for (const accept of [undefined, "application/json", "*/*", "text/html;q=0, */*"]) {
        const r = await raw({ path: p, headers: accept === undefined ? {} : { accept } })
        expect(r.status).toBe(401)
        expect(json(r).error).toEqual({ tag: "Unauthorized", message: LOCAL_SIGNED_OUT.message })
      }
    }
  })

  it("sends CloudFront's Content-Security-Policy (without the AWS origins) and its other headers on every response", async () => {
    const responses = [
      await raw({ path: "/", headers: authed() }),
      await raw({ path: "/assets/app-1234.js", headers: authed() }),
      await raw({ path: "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers: authed() }),
      await raw({ path: "/api/nope", headers: authed() }),
      await raw({ path: "/", headers: { accept: "text/html" } }),
      await raw({ path: "/api/health" }),
      await raw({ path: `/?token=${s.token}` }),
      await raw({ path: "/blob/nope", headers: authed() })
    ]
    for (const r of responses) {
      expect(r.headers["content-security-policy"]).toBe(LOCAL_CONTENT_SECURITY_POLICY)
      expect(r.headers["x-content-type-options"]).toBe("nosniff")
      expect(r.headers["x-frame-options"]).toBe("DENY")
      expect(r.headers["referrer-policy"]).toBe("no-referrer")
    }
    expect(LOCAL_CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
  })

  it("refuses a Host that is not this instance's (403) and a foreign Origin (403), even with the cookie (DNS rebinding)", async () => {
    const port = s.server.port
    const host = await raw({ path: "/api/sessions", method: "POST", headers: authed({ host: `evil.example:${port}` }) })
    expect(host.status).toBe(403)
    expect(json(host).error).toMatchObject({ tag: "ForbiddenHost" })
    expect(json(host).error.message).toContain(`http://${port}.localhost:${port}/`)
    // Another instance's name, this name on another port, and plain localhost (shared by every local server) are not this server.
    for (const h of ["127.0.0.1:1", `${other.server.port}.localhost:${port}`, `${port}.localhost:1`, `localhost:${port}`, `${port}.localhost.evil.example:${port}`]) {
      expect((await raw({ path: "/", headers: authed({ host: h }) })).status).toBe(403)
    }
    for (const o of ["http://evil.example", `http://localhost:${port}`, `http://${other.server.port}.localhost:${other.server.port}`, `https://${port}.localhost:${port}`]) {
      const origin = await raw({ path: "/api/sessions", method: "POST", headers: authed({ origin: o, "content-type": "application/json" }), body: "{}" })
      expect(origin.status).toBe(403)
      expect(json(origin).error.tag).toBe("ForbiddenOrigin")
    }
    // Both of this instance's names are accepted (the Host header is case-insensitive).
    const own = await raw({ path: "/", headers: authed({ host: `${port}.LocalHost:${port}`, origin: `http://${port}.localhost:${port}` }) })
    expect(own.status).toBe(200)
    const fallback = await raw({ path: "/", headers: authed({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }) })
    expect(fallback.status).toBe(200)
  })

  it("serves assets and the SPA fallback, but never masks /api or /blob 404s", async () => {
    const asset = await raw({ path: "/assets/app-1234.js", headers: authed() })
    expect(asset.headers["content-type"]).toMatch(/javascript/)
    expect(asset.headers["cache-control"]).toMatch(/immutable/)
    expect((await raw({ path: "/session/abc/review", headers: authed() })).body.toString()).toMatch(/<div id=app>/)
    expect((await raw({ path: "/../../etc/passwd", headers: authed() })).body.toString()).toMatch(/<div id=app>/)
    const apiMiss = await raw({ path: "/api/nope", headers: authed() })
    expect(apiMiss.status).toBe(404)
    expect(json(apiMiss).error.tag).toBe("RouteNotFound")
    const blobMiss = await raw({ path: "/blob/nope", headers: authed() })
    expect(blobMiss.status).toBe(403)
    expect(json(blobMiss).error.tag).toBe("BlobSignatureError")
  })
})

describe("curator serve: signed blob URLs", () => {
  const declare = async (files: Array<{ name: string; type: string; size: number }>) => {
    const session = (await api("POST", "/api/sessions", { tripContext: "Test trip" })).body
    const targets = (await api("POST", `/api/sessions/${session.sessionId}/uploads`, { files })).body.uploads
    return { sessionId: session.sessionId as string, targets: targets as Array<{ fileId: string; uploadUrl: string; headers: Record<string, string> }> }
  }
  const put = (url: string, body: Buffer, headers: Record<string, string>) => raw({ method: "PUT", path: url, headers: authed(headers), body })

  it("PUT stores exactly the declared bytes; GET streams them back with Range support", async () => {
    const bytes = randomBytes(5000)
    const { sessionId, targets } = await declare([{ name: "clip.mp4", type: "video/mp4", size: 5000 }])
    const t = targets[0]!
    const r = await put(t.uploadUrl, bytes, { "content-type": "video/mp4" })
    expect(r.status).toBe(200)
    expect((await api("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)).body.status).toBe("uploaded")
    const media = (await api("GET", `/api/sessions/${sessionId}/media/${t.fileId}/original-url`)).body
    const whole = await raw({ path: media.url, headers: authed() })
    expect(whole.status).toBe(200)
    expect(whole.headers["content-type"]).toBe("video/mp4")
    expect(whole.body.equals(bytes)).toBe(true)
    const part = await raw({ path: media.url, headers: authed({ range: "bytes=100-199" }) })
    expect(part.status).toBe(206)
    expect(part.headers["content-range"]).toBe("bytes 100-199/5000")
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true)
    expect((await raw({ path: media.url, headers: authed({ range: "bytes=9000-" }) })).status).toBe(416)
    // A GET URL cannot be used to PUT.
    expect((await put(media.url, bytes, { "content-type": "video/mp4" })).status).toBe(403)
    // A signed download (a bundle) is served with its Content-Disposition; the media URL above had none.
    expect(whole.headers["content-disposition"]).toBeUndefined()
    const key = new URL(media.url, s.server.origin).pathname.slice("/blob/".length)
    const disposition = 'attachment; filename="01-porto.zip"'
    const download = signBlobUrl(s.secret, { method: "GET", key, contentType: "application/zip", contentLength: null, expiresAt: Math.floor(Date.now() / 1000) + 60, contentDisposition: disposition })
    const attached = await raw({ path: download, headers: authed() })
    expect(attached.status).toBe(200)
    expect(attached.headers["content-disposition"]).toBe(disposition)
    expect(attached.headers["content-type"]).toBe("application/zip")
  })

  it("refuses a PUT larger than declared (413), a different type or size, a tampered or expired URL (403); nothing is stored", async () => {
    const { sessionId, targets } = await declare([{ name: "a.jpg", type: "image/jpeg", size: 100 }])
    const t = targets[0]!
    const tooBig = await put(t.uploadUrl, randomBytes(101), { "content-type": "image/jpeg" })
    expect(tooBig.status).toBe(413)
    expect(json(tooBig).error.message).toMatch(/101 bytes but 100 were declared/)
    expect((await put(t.uploadUrl, randomBytes(99), { "content-type": "image/jpeg" })).status).toBe(400)
    const wrongType = await put(t.uploadUrl, randomBytes(100), { "content-type": "text/html" })
    expect(wrongType.status).toBe(403)
    expect(json(wrongType).error.message).toMatch(/signed for Content-Type image\/jpeg/)
    const tampered = t.uploadUrl.replace("len=100", "len=101")
    const t2 = await put(tampered, randomBytes(101), { "content-type": "image/jpeg" })
    expect(t2.status).toBe(403)
    expect(json(t2).error.message).toMatch(/signature does not match/)
    const key = new URL(t.uploadUrl, s.server.origin).pathname.slice("/blob/".length)
    const expired = signBlobUrl(s.secret, { method: "PUT", key, contentType: "image/jpeg", contentLength: 100, expiresAt: Math.floor(Date.now() / 1000) - 1 })
    const t3 = await put(expired, randomBytes(100), { "content-type": "image/jpeg" })
    expect(t3.status).toBe(403)
    expect(json(t3).error.message).toMatch(/expired/)
    const complete = await api("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)
    expect(complete.status).toBe(409)
    expect(complete.body.error.message).toMatch(/nothing was stored/)
    expect(fs.existsSync(path.join(s.dataDir, "blobs", "data", sessionId))).toBe(false)
  })
  it("upload URLs are single-use: a replay after the upload completed is refused (409) and the stored file is unchanged", async () => {
    const first = randomBytes(300)
    const { sessionId, targets } = await declare([{ name: "b.jpg", type: "image/jpeg", size: 300 }])
    const t = targets[0]!
    expect((await put(t.uploadUrl, first, { "content-type": "image/jpeg" })).status).toBe(200)
    // Before completion too: the first PUT stored the file, so the URL is spent.
    const early = await put(t.uploadUrl, randomBytes(300), { "content-type": "image/jpeg" })
    expect(early.status).toBe(409)
    expect((await api("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)).body.status).toBe("uploaded")
    const replay = await put(t.uploadUrl, randomBytes(300), { "content-type": "image/jpeg" })
    expect(replay.status).toBe(409)
    expect(json(replay).error).toMatchObject({ tag: "UploadUrlUsed" })
    expect(json(replay).error.message).toMatch(/already used.*single-use/)
    const media = (await api("GET", `/api/sessions/${sessionId}/media/${t.fileId}/original-url`)).body
    expect((await raw({ path: media.url, headers: authed() })).body.equals(first)).toBe(true)
  })

  it("two PUTs to one upload URL at once: exactly one is stored, the other is refused (409)", async () => {
    const bodies = [randomBytes(64 * 1024), randomBytes(64 * 1024)]
    const { sessionId, targets } = await declare([{ name: "c.jpg", type: "image/jpeg", size: 64 * 1024 }])
    const t = targets[0]!
    const results = await Promise.all(bodies.map((b) => put(t.uploadUrl, b, { "content-type": "image/jpeg" })))
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const winner = bodies[results.findIndex((r) => r.status === 200)]!
    expect((await api("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)).body.status).toBe("uploaded")
    const media = (await api("GET", `/api/sessions/${sessionId}/media/${t.fileId}/original-url`)).body
    expect((await raw({ path: media.url, headers: authed() })).body.equals(winner)).toBe(true)
  })

  it("a refused or broken first PUT does not spend the URL: the right bytes can follow", async () => {
    const { sessionId, targets } = await declare([{ name: "d.jpg", type: "image/jpeg", size: 200 }])
    const t = targets[0]!
    expect((await put(t.uploadUrl, randomBytes(201), { "content-type": "image/jpeg" })).status).toBe(413)
    const bytes = randomBytes(200)
    expect((await put(t.uploadUrl, bytes, { "content-type": "image/jpeg" })).status).toBe(200)
    expect((await api("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)).body.status).toBe("uploaded")
  })
})

describe("curator serve: the browser workflow's requests on real media", () => {
  it("uploads fixture files in parallel, runs the selection, reports per-file progress with the corrupt file failed", async () => {
    const names = ["jpeg-canon-eos-5d-12mp.jpg", "heic-apple-iphone7-gps.heic", "webp-htc-desire-gps.webp", "truncated-nikon-p6000-half.jpg"]
    const types: Record<string, string> = { jpg: "image/jpeg", heic: "image/heic", webp: "image/webp" }
    const files = names.map((name) => ({ name, type: types[name.split(".").pop()!]!, size: fs.statSync(path.join(fixtures, name)).size }))
    const session = (await api("POST", "/api/sessions", { tripContext: "Fixtures" })).body
    const targets = (await api("POST", `/api/sessions/${session.sessionId}/uploads`, { files })).body.uploads as Array<{ fileId: string; name: string; uploadUrl: string; headers: Record<string, string> }>
    const puts = await Promise.all(targets.map((t) => raw({ method: "PUT", path: t.uploadUrl, headers: authed(t.headers), body: fs.readFileSync(path.join(fixtures, t.name)) })))
    expect(puts.map((p) => p.status)).toEqual([200, 200, 200, 200])
    for (const t of targets) expect((await api("POST", `/api/sessions/${session.sessionId}/uploads/${t.fileId}/complete`)).status).toBe(200)
    const { jobId } = (await api("POST", `/api/sessions/${session.sessionId}/selection`, { targetCount: 2 })).body
    let status = (await api("GET", `/api/sessions/${session.sessionId}/selection/${jobId}`)).body
    for (let i = 0; i < 600 && status.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await api("GET", `/api/sessions/${session.sessionId}/selection/${jobId}`)).body
    }
    expect(status.status).toBe("complete")
    expect(status.counts).toMatchObject({ total: 4, done: 3, failed: 1, pending: 0, processing: 0 })
    const failed = status.files.find((f: any) => f.status === "failed")
    expect(failed).toMatchObject({ name: "truncated-nikon-p6000-half.jpg", reason: { tag: "CorruptMediaError" } })
    expect(status.result.selected.length + status.result.excluded.length).toBe(4)
    const heic = targets.find((t) => t.name.endsWith(".heic"))!
    const preview = (await api("GET", `/api/sessions/${session.sessionId}/media/${heic.fileId}/preview-url`)).body
    expect(preview).toMatchObject({ variant: "thumbnail", contentType: "image/jpeg" })
    const thumb = await raw({ path: preview.url, headers: authed() })
    expect(thumb.status).toBe(200)
    expect(thumb.body.subarray(0, 2).toString("hex")).toBe("ffd8")
  }, 120_000)

  it("duplicate copies make a photo vanish: over the API (random fileIds, so any arrival order), one copy is kept and picked, the others are its duplicates", async () => {
    const copy = fs.readFileSync(path.join(fixtures, "jpeg-nikon-coolpix-p6000-gps.jpg"))
    const other = fs.readFileSync(path.join(fixtures, "jpeg-sony-dsc-hx5v-gps.jpg"))
    const bytes: Record<string, Buffer> = { "IMG_1234.jpg": copy, "IMG_1234 (1).jpg": copy, "IMG_1234 copy.jpg": copy, "DSC00010.jpg": other }
    // Three sessions: three draws of random fileIds, i.e. of the order the selection task lists the items in.
    for (let run = 0; run < 3; run++) {
      const files = Object.entries(bytes).map(([name, b]) => ({ name, type: "image/jpeg", size: b.length }))
      const session = (await api("POST", "/api/sessions", { tripContext: "copies" })).body
      const targets = (await api("POST", `/api/sessions/${session.sessionId}/uploads`, { files })).body.uploads as Array<{ fileId: string; name: string; uploadUrl: string; headers: Record<string, string> }>
      for (const t of targets) expect((await raw({ method: "PUT", path: t.uploadUrl, headers: authed(t.headers), body: bytes[t.name]! })).status).toBe(200)
      for (const t of targets) expect((await api("POST", `/api/sessions/${session.sessionId}/uploads/${t.fileId}/complete`)).status).toBe(200)
      const { jobId } = (await api("POST", `/api/sessions/${session.sessionId}/selection`, { targetCount: 5 })).body
      let status = (await api("GET", `/api/sessions/${session.sessionId}/selection/${jobId}`)).body
      for (let i = 0; i < 600 && status.status === "running"; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = (await api("GET", `/api/sessions/${session.sessionId}/selection/${jobId}`)).body
      }
      expect(status.status).toBe("complete")
      const id = (name: string) => targets.find((t) => t.name === name)!.fileId
      expect(status.result.selected.map((x: { fileId: string }) => x.fileId).sort()).toEqual([id("IMG_1234.jpg"), id("DSC00010.jpg")].sort())
      for (const name of ["IMG_1234 (1).jpg", "IMG_1234 copy.jpg"]) {
        expect(status.result.excluded.find((e: { fileId: string }) => e.fileId === id(name))).toEqual({
          fileId: id(name),
          category: "near-duplicate",
          duplicateOf: id("IMG_1234.jpg"),
          reason: "Exact duplicate of IMG_1234.jpg: same content hash"
        })
      }
    }
  }, 300_000)

  it("a second process on the same data folder refuses clearly", async () => {
    const cli = path.join(root, "dist/test/cli-serve/main.mjs")
    const { bundle } = (await import(pathToFileURL(path.join(root, "tools/scripts/bundle.mjs")).href)) as {
      bundle: (entry: string, out: string) => Promise<unknown>
    }
    await bundle(path.join(root, "apps/cli/src/main.ts"), cli)
    const r = spawnSync(process.execPath, [cli, "serve", "--port", "0", "--data", s.dataDir], { encoding: "utf8", timeout: 30_000 })
    expect(r.status).not.toBe(0)
    expect(r.stdout + r.stderr).toMatch(/Another Curator process \(serve or run\) is using/)
  }, 60_000)
})
