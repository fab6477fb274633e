/**
 * The local server over the REAL local stack (blob folder, dynalite,
 * in-process ASL executor bound to the real workers, real media): token ->
 * cookie, the access and DNS-rebinding refusals, signed blob PUT/GET with
 * every refusal, the SPA fallback that never masks /api or /blob errors,
 * the whole upload -> selection flow on fixture files, and the data-folder
 * lock refusing a second process.
 */
import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import fs from "node:fs"
import http from "node:http"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { type ApiServices, signBlobUrl, UrlSigner } from "@curator/api"
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

beforeAll(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-serve-"))
  const dataDir = path.join(work, "data")
  const webRoot = path.join(work, "web")
  fs.mkdirSync(path.join(webRoot, "assets"), { recursive: true })
  fs.writeFileSync(path.join(webRoot, "index.html"), "<!doctype html><title>Curator</title><div id=app></div>")
  fs.writeFileSync(path.join(webRoot, "assets", "app-1234.js"), "console.log('app')")
  const secret = randomBytes(32)
  const token = randomBytes(32).toString("base64url")
  scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(
    Effect.gen(function* () {
      yield* DataDirLock.acquire(dataDir)
      const layer = Layer.merge(LocalStack.layer({ dataDir, retryIntervalOverrides: {} }), UrlSigner.layerLocal({ secret }))
      const services = (yield* Layer.build(layer)) as Context.Context<ApiServices>
      return yield* startLocalServer({ port: 0, webRoot, services, secret, token })
    }).pipe(Scope.provide(scope))
  )
  s = { server, token, secret, dataDir, webRoot, cookie: "" }
}, 60_000)

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

/** A raw HTTP request (fetch cannot set Host or send a body larger than Content-Length). */
const raw = (options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: s.server.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: {
          host: `127.0.0.1:${s.server.port}`,
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

describe("curator serve: access", () => {
  it("listens on 127.0.0.1 only and prints a URL with the token", () => {
    expect(s.server.origin).toBe(`http://127.0.0.1:${s.server.port}`)
    expect(s.server.url).toBe(`${s.server.origin}/?token=${s.token}`)
  })

  it("turns the token into an HttpOnly SameSite=Strict cookie and redirects to the URL without it", async () => {
    const r = await raw({ path: `/review?x=1&token=${s.token}` })
    expect(r.status).toBe(303)
    expect(r.headers.location).toBe("/review?x=1")
    const setCookie = r.headers["set-cookie"]?.[0] ?? ""
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    s.cookie = setCookie.split(";")[0]!
    const page = await raw({ path: "/review", headers: authed() })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toMatch(/<title>Curator/)
  })

  it("refuses a wrong token (401) and requests without the cookie (401)", async () => {
    expect((await raw({ path: "/?token=wrong" })).status).toBe(401)
    for (const p of ["/", "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", "/blob/x/original/y.jpg"]) {
      const r = await raw({ path: p })
      expect(r.status).toBe(401)
      expect(json(r).error.tag).toBe("Unauthorized")
    }
    const badCookie = await raw({ path: "/api/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers: { cookie: "curator_access=guess" } })
    expect(badCookie.status).toBe(401)
  })

  it("refuses a wrong Host (403) and a foreign Origin (403), even with the cookie (DNS rebinding)", async () => {
    const host = await raw({ path: "/api/sessions", method: "POST", headers: authed({ host: `evil.example:${s.server.port}` }) })
    expect(host.status).toBe(403)
    expect(json(host).error).toMatchObject({ tag: "ForbiddenHost" })
    const otherPort = await raw({ path: "/", headers: authed({ host: "127.0.0.1:1" }) })
    expect(otherPort.status).toBe(403)
    const origin = await raw({ path: "/api/sessions", method: "POST", headers: authed({ origin: "http://evil.example", "content-type": "application/json" }), body: "{}" })
    expect(origin.status).toBe(403)
    expect(json(origin).error.tag).toBe("ForbiddenOrigin")
    const localhost = await raw({ path: "/", headers: authed({ host: `localhost:${s.server.port}`, origin: `http://localhost:${s.server.port}` }) })
    expect(localhost.status).toBe(200)
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
