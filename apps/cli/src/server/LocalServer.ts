/**
 * The local server behind `curator serve`: one node:http server bound to
 * 127.0.0.1 that serves
 * - `/api/*`: the API handler of @curator/api (Request -> Response);
 * - `/blob/*`: signed blob URLs — PUT streams an upload into the BlobStore
 *   after checking the HMAC signature, expiry, Content-Type and the EXACT
 *   Content-Length (and counts the streamed bytes); GET/HEAD stream a blob
 *   with its content type (and the signed Content-Disposition, if any) and
 *   single-range support (videos seek);
 * - everything else: the built web app, `index.html` for SPA routes.
 *
 * Access (see access.ts): the server is reached as `http://<port>.localhost:<port>`
 * (or, as a fallback, `http://127.0.0.1:<port>`); `/?token=<t>` with the
 * printed token sets this instance's host-only HttpOnly cookie and redirects
 * to the URL without the token; every other request needs the cookie (401:
 * an HTML page that says to open the printed link again for a browser page
 * load, JSON for everything else), a Host of this server and a matching
 * Origin when one is sent (403). Every JSON error is `{ error: { tag, message } }`.
 *
 * Every response carries the security headers CloudFront sends on AWS, from
 * the same values (libs/contracts SecurityHeaders.ts): the same
 * Content-Security-Policy (without the AWS origins), nosniff, DENY framing.
 *
 * Upload URLs are single-use: a PUT to a key that already holds a stored
 * upload (its first PUT succeeded, and so every completed upload) is refused
 * with 409, and so is a second PUT while one to the same key is in flight.
 */
import { createReadStream } from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { type ApiServices, BLOB_PATH_PREFIX, type BlobGrant, makeApiHandler, verifyBlobUrl } from "@curator/api"
import { BlobStore } from "@curator/store"
import { LOCAL_CONTENT_SECURITY_POLICY, LOCAL_SIGNED_OUT, SecurityHeaderValues } from "@curator/contracts"
import { type Context, Effect, type Exit, Schema, Stream } from "effect"
import { accessCookie, accessCookieName, allowedHosts, allowedOrigins, cookieValues, instanceOrigins, LOOPBACK_HOST, sameSecret, signedOutPage, wantsHtml } from "./access.js"
import { resolveStatic } from "./staticFiles.js"

/** Options of the local server. */
export interface LocalServerOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number
  /** The built web app (index.html and assets), or null to serve only the API and blobs. */
  readonly webRoot: string | null
  /** The services the API and blob routes run on (the local stack plus UrlSigner). */
  readonly services: Context.Context<ApiServices>
  /** The UrlSigner's secret (to verify blob URLs). */
  readonly secret: Uint8Array
  /** The access token printed with the URL (>= 32 random bytes, base64url). */
  readonly token: string
}

/** A running server. */
export interface LocalServer {
  /** The port it listens on (on 127.0.0.1). */
  readonly port: number
  /** `http://<port>.localhost:<port>`: this instance's own host name (its cookie is sent to it alone). */
  readonly origin: string
  /** The URL to open: origin + `/?token=...`. */
  readonly url: string
  /** `http://127.0.0.1:<port>`, for a browser that does not resolve `*.localhost` (there every local server receives the cookie). */
  readonly fallbackOrigin: string
  /** fallbackOrigin + `/?token=...`. */
  readonly fallbackUrl: string
}

/** Largest API request body (bytes): API bodies are small JSON; bytes go to /blob. */
export const MAX_API_BODY_BYTES = 1024 * 1024

/** The request body streamed more bytes than the signed size (413). */
class BodyTooLargeError extends Schema.TaggedError<BodyTooLargeError>()("BodyTooLargeError", { message: Schema.String }) {}
/** The client closed or broke the upload stream. */
class BodyAbortedError extends Schema.TaggedError<BodyAbortedError>()("BodyAbortedError", { message: Schema.String }) {}

/**
 * Sent with every response: CloudFront's values (libs/contracts), except
 * Referrer-Policy, stricter here (`no-referrer`: the first URL carries the
 * token, and nothing local needs a Referer), and no HSTS (plain HTTP on
 * loopback; browsers ignore it there, RFC 6797 §8.1).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": LOCAL_CONTENT_SECURITY_POLICY,
  "x-content-type-options": SecurityHeaderValues.contentTypeOptions,
  "x-frame-options": SecurityHeaderValues.frameOptions,
  "referrer-policy": "no-referrer"
}

const sendError = (res: http.ServerResponse, status: number, tag: string, message: string, extra: Record<string, string> = {}) => {
  if (res.headersSent) return void res.destroy()
  const body = JSON.stringify({ error: { tag, message } })
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store", ...extra })
  res.end(body)
}

/** Reads a whole request body up to `limit` bytes; null when it is larger. */
const readBody = async (req: http.IncomingMessage, limit: number): Promise<Buffer | null> => {
  const chunks: Array<Buffer> = []
  let total = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > limit) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Writes a WHATWG Response to a node response. */
const sendResponse = async (res: http.ServerResponse, response: Response) => {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, "cache-control": "no-store" }
  response.headers.forEach((value, name) => void (headers[name] = value))
  const body = Buffer.from(await response.arrayBuffer())
  headers["content-length"] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

/** The first typed failure of a failed Exit (its `_tag` and `message`), or undefined (a defect or an interruption). */
const failureOf = (exit: Exit.Exit<unknown, unknown>): { _tag?: string; message?: string } | undefined =>
  exit._tag === "Failure" ? exit.cause.reasons.map((r) => ("error" in r ? (r.error as { _tag?: string; message?: string }) : null)).find((e) => e !== null) ?? undefined : undefined

/** Parses a single `bytes=a-b` / `bytes=a-` / `bytes=-n` range (RFC 9110 §14.1.2) against `size`; "unsatisfiable" or null (whole). */
const parseRange = (header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | null => {
  if (header === undefined) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null || (m[1] === "" && m[2] === "")) return null // multi-range or malformed: serve the whole blob (allowed by RFC 9110)
  if (m[1] === "") {
    const n = Number(m[2])
    return n === 0 ? "unsatisfiable" : { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)
  return start >= size || start > end ? "unsatisfiable" : { start, end }
}

/**
 * Starts the server for the current scope (closed when the scope closes).
 * Fails with the listen error (e.g. EADDRINUSE) as a plain Error.
 */
export const startLocalServer = (options: LocalServerOptions) =>
  Effect.acquireRelease(
    Effect.callback<{ server: http.Server; dispose: () => Promise<void> }, Error>((resume) => {
      const api = makeApiHandler(options.services)
      const runBlob = <A, E>(effect: Effect.Effect<A, E, BlobStore>) => Effect.runPromiseExit(Effect.provide(effect, options.services))
      let port = options.port
      /** Keys with an upload PUT streaming now (one process owns the data folder, so this set sees every writer). */
      const uploading = new Set<string>()

      const handleBlob = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
        const method = req.method ?? "GET"
        if (method !== "PUT" && method !== "GET" && method !== "HEAD") return sendError(res, 405, "MethodNotAllowed", `blob URLs accept PUT, GET and HEAD, not ${method}`, { allow: "PUT, GET, HEAD" })
        const verified = await Effect.runPromiseExit(verifyBlobUrl(options.secret, method, url, Math.floor(Date.now() / 1000)))
        if (verified._tag === "Failure") {
          const message = verified.cause.reasons.map((r) => ("error" in r ? String((r.error as { message?: string }).message) : "invalid blob URL")).join("; ")
          return sendError(res, 403, "BlobSignatureError", message)
        }
        const grant = verified.value
        return method === "PUT" ? putBlob(req, res, grant) : getBlob(req, res, grant, method === "HEAD")
      }

      const putBlob = async (req: http.IncomingMessage, res: http.ServerResponse, grant: BlobGrant) => {
        const declared = grant.contentLength ?? 0
        const contentType = req.headers["content-type"]
        if (contentType !== grant.contentType) {
          return sendError(res, 403, "BlobSignatureError", `this upload URL is signed for Content-Type ${grant.contentType}, not ${contentType ?? "(none)"}`, { connection: "close" })
        }
        const lengthHeader = req.headers["content-length"]
        if (lengthHeader === undefined) return sendError(res, 411, "InvalidInputError", `send Content-Length: ${declared} (chunked uploads are not accepted)`, { connection: "close" })
        const length = Number(lengthHeader)
        if (length > declared) {
          return sendError(res, 413, "MediaTooLargeError", `the upload is ${length} bytes but ${declared} were declared`, { connection: "close" })
        }
        if (length !== declared) return sendError(res, 400, "InvalidInputError", `the upload must be exactly ${declared} bytes (Content-Length ${length})`, { connection: "close" })
        // Single use: claim the key synchronously (no await between the check and the add), then refuse if a blob is stored there.
        if (uploading.has(grant.key)) return sendError(res, 409, "UploadUrlUsed", "another upload to this URL is in progress (upload URLs are single-use)", { connection: "close" })
        uploading.add(grant.key)
        try {
          const stored = await runBlob(BlobStore.use((blobs) => blobs.head(grant.key)))
          if (stored._tag === "Success") {
            return sendError(res, 409, "UploadUrlUsed", "this upload URL was already used: its file is stored (upload URLs are single-use; declare the file again to send it anew)", {
              connection: "close"
            })
          }
          // NotFoundError: the URL's first use. An invalid key fails again in putStream (400).
          if (failureOf(stored)?._tag === "StoreUnavailableError") return sendError(res, 503, "StoreUnavailableError", "the blob store could not be read; try again", { connection: "close" })
          return await storeUpload(req, res, grant, declared)
        } finally {
          uploading.delete(grant.key)
        }
      }

      /** Streams the body into the BlobStore under the grant's key, counting bytes (nothing is stored on any failure). */
      const storeUpload = async (req: http.IncomingMessage, res: http.ServerResponse, grant: BlobGrant, declared: number) => {
        let received = 0
        const body = Stream.fromAsyncIterable(req as AsyncIterable<Uint8Array>, (e) => new BodyAbortedError({ message: String(e) })).pipe(
          Stream.mapEffect((chunk) => {
            received += chunk.byteLength
            return received > declared
              ? Effect.fail(new BodyTooLargeError({ message: `more than the ${declared} declared bytes were sent` }))
              : Effect.succeed(chunk)
          }),
          // The stream ended early (client aborted mid-body): store nothing.
          Stream.concat(Stream.fromEffectDrain(Effect.suspend(() => (received < declared ? Effect.fail(new BodyAbortedError({ message: `only ${received} of ${declared} bytes arrived` })) : Effect.void))))
        )
        const exit = await runBlob(BlobStore.use((blobs) => blobs.putStream(grant.key, body, grant.contentType)))
        if (exit._tag === "Success") {
          res.writeHead(200, { ...SECURITY_HEADERS, "content-length": "0", "cache-control": "no-store" })
          return void res.end()
        }
        const error = failureOf(exit)
        if (error?._tag === "BodyTooLargeError") return sendError(res, 413, "MediaTooLargeError", error.message ?? "too large", { connection: "close" })
        if (error?._tag === "BodyAbortedError") return sendError(res, 400, "InvalidInputError", `upload incomplete: ${error.message}`, { connection: "close" })
        if (error?._tag === "InvalidInputError") return sendError(res, 400, "InvalidInputError", error.message ?? "invalid key")
        if (error?._tag === "StoreUnavailableError") return sendError(res, 503, "StoreUnavailableError", error.message ?? "store unavailable")
        console.error("blob PUT failed", exit.cause)
        return sendError(res, 500, "InternalDefectError", "internal error (see the server log)")
      }

      const getBlob = async (req: http.IncomingMessage, res: http.ServerResponse, grant: BlobGrant, headOnly: boolean) => {
        const info = await runBlob(BlobStore.use((blobs) => blobs.head(grant.key)))
        if (info._tag === "Failure") return sendError(res, 404, "NotFoundError", "blob not found")
        const size = info.value.bytes
        const range = parseRange(req.headers.range, size)
        if (range === "unsatisfiable") return sendError(res, 416, "InvalidInputError", `range not satisfiable (size ${size} bytes)`, { "content-range": `bytes */${size}` })
        const headers: Record<string, string> = {
          ...SECURITY_HEADERS,
          "content-type": grant.contentType,
          "accept-ranges": "bytes",
          "cache-control": "private, max-age=300",
          // A signed download (a bundle) names its file: `attachment; filename="..."`.
          ...(grant.contentDisposition === undefined ? {} : { "content-disposition": grant.contentDisposition })
        }
        const start = range?.start ?? 0
        const end = range?.end ?? size - 1
        headers["content-length"] = String(size === 0 ? 0 : end - start + 1)
        if (range !== null) headers["content-range"] = `bytes ${start}-${end}/${size}`
        res.writeHead(range === null ? 200 : 206, headers)
        if (headOnly || size === 0) return void res.end()
        const stream = await runBlob(BlobStore.use((blobs) => blobs.getStream(grant.key, { start, end })))
        if (stream._tag === "Failure") return void res.destroy()
        Readable.fromWeb(Stream.toReadableStream(stream.value) as import("node:stream/web").ReadableStream<Uint8Array>)
          .on("error", () => res.destroy())
          .pipe(res)
      }

      const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
        const method = req.method ?? "GET"
        const hasBody = method !== "GET" && method !== "HEAD"
        const body = hasBody ? await readBody(req, MAX_API_BODY_BYTES) : undefined
        if (body === null) return sendError(res, 413, "InvalidInputError", `API request bodies are limited to ${MAX_API_BODY_BYTES} bytes`, { connection: "close" })
        const headers = new Headers()
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value)
        }
        const request = new Request(url, { method, headers, ...(body === undefined ? {} : { body: new Uint8Array(body) }) })
        await sendResponse(res, await api.handler(request))
      }

      const handleStatic = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
        if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "MethodNotAllowed", `${req.method} is not allowed here`)
        const file = options.webRoot === null ? null : await resolveStatic(options.webRoot, url.pathname)
        if (file === null) {
          return sendError(res, 503, "WebAppMissing", "the web app is not built: run `npx nx run web:build` (npm start does it for you)")
        }
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          "content-type": file.contentType,
          "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache"
        })
        if (req.method === "HEAD") return void res.end()
        createReadStream(file.path).on("error", () => res.destroy()).pipe(res)
      }

      /** 401 without a valid cookie: the "open the printed link again" page for a browser page load, JSON for the rest. */
      const refuseAccess = (req: http.IncomingMessage, res: http.ServerResponse, tag: string) => {
        if (!wantsHtml(req.headers.accept)) return sendError(res, 401, tag, LOCAL_SIGNED_OUT.message)
        const page = signedOutPage(port)
        res.writeHead(401, { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(page), "cache-control": "no-store" })
        res.end(req.method === "HEAD" ? undefined : page)
      }

      const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const host = (req.headers.host ?? "").toLowerCase()
        if (!allowedHosts(port).has(host)) {
          return sendError(res, 403, "ForbiddenHost", `Host "${host}" is not this server; use ${instanceOrigins(port).primary}/ (or ${instanceOrigins(port).fallback}/)`)
        }
        const origin = req.headers.origin
        if (origin !== undefined && !allowedOrigins(port).has(origin)) {
          return sendError(res, 403, "ForbiddenOrigin", `requests from origin ${origin} are not accepted`)
        }
        const url = new URL(req.url ?? "/", `http://${host}`)
        const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/")
        const isBlob = url.pathname.startsWith(BLOB_PATH_PREFIX)
        const token = url.searchParams.get("token")
        if (token !== null && !isApi && !isBlob) {
          if (!sameSecret(token, options.token)) return refuseAccess(req, res, "InvalidToken")
          url.searchParams.delete("token")
          res.writeHead(303, { ...SECURITY_HEADERS, "set-cookie": accessCookie(port, options.token), location: url.pathname + url.search, "cache-control": "no-store", "content-length": "0" })
          return void res.end()
        }
        // Any value of this instance's cookie name may be the one it set (a foreign same-named cookie cannot lock it out).
        if (!cookieValues(req.headers.cookie, accessCookieName(port)).some((value) => sameSecret(value, options.token))) return refuseAccess(req, res, "Unauthorized")
        if (isApi) return handleApi(req, res, url)
        if (isBlob) return handleBlob(req, res, url)
        return handleStatic(req, res, url)
      }

      const server = http.createServer((req, res) => {
        route(req, res).catch((error: unknown) => {
          console.error("request failed", error)
          sendError(res, 500, "InternalDefectError", "internal error (see the server log)")
        })
      })
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(options.port, LOOPBACK_HOST, () => {
        port = (server.address() as AddressInfo).port
        resume(Effect.succeed({ server, dispose: api.dispose }))
      })
    }),
    ({ server, dispose }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      ).pipe(Effect.andThen(Effect.promise(dispose)))
  ).pipe(
    Effect.map(({ server }): LocalServer => {
      const port = (server.address() as AddressInfo).port
      const { primary, fallback } = instanceOrigins(port)
      return { port, origin: primary, url: `${primary}/?token=${options.token}`, fallbackOrigin: fallback, fallbackUrl: `${fallback}/?token=${options.token}` }
    })
  )
