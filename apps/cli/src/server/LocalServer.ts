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
 * Access (see access.ts): `/?token=<t>` with the printed token sets the
 * HttpOnly cookie and redirects to the URL without the token; every other
 * request needs the cookie (401), a Host of this server and a matching
 * Origin when one is sent (403). Every error is `{ error: { tag, message } }`.
 */
import { createReadStream } from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { type ApiServices, BLOB_PATH_PREFIX, type BlobGrant, makeApiHandler, verifyBlobUrl } from "@curator/api"
import { BlobStore } from "@curator/store"
import { type Context, Effect, Schema, Stream } from "effect"
import { ACCESS_COOKIE, accessCookie, allowedHosts, allowedOrigins, cookieValue, sameSecret } from "./access.js"
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
  /** The port it listens on. */
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** The URL to open: origin + `/?token=...`. */
  readonly url: string
}

/** Largest API request body (bytes): API bodies are small JSON; bytes go to /blob. */
export const MAX_API_BODY_BYTES = 1024 * 1024

/** The request body streamed more bytes than the signed size (413). */
class BodyTooLargeError extends Schema.TaggedError<BodyTooLargeError>()("BodyTooLargeError", { message: Schema.String }) {}
/** The client closed or broke the upload stream. */
class BodyAbortedError extends Schema.TaggedError<BodyAbortedError>()("BodyAbortedError", { message: Schema.String }) {}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // The first URL carries the token: never send it on as a Referer.
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
        const error = exit.cause.reasons.map((r) => ("error" in r ? (r.error as { _tag?: string; message?: string }) : null)).find((e) => e !== null)
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

      const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const host = req.headers.host ?? ""
        if (!allowedHosts(port).has(host)) {
          return sendError(res, 403, "ForbiddenHost", `Host "${host}" is not this server; use http://127.0.0.1:${port}/`)
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
          if (!sameSecret(token, options.token)) return sendError(res, 401, "InvalidToken", "this access token is not valid; use the URL `curator serve` printed")
          url.searchParams.delete("token")
          res.writeHead(303, { ...SECURITY_HEADERS, "set-cookie": accessCookie(options.token), location: url.pathname + url.search, "cache-control": "no-store", "content-length": "0" })
          return void res.end()
        }
        const cookie = cookieValue(req.headers.cookie, ACCESS_COOKIE)
        if (cookie === null || !sameSecret(cookie, options.token)) {
          return sendError(res, 401, "Unauthorized", "no access cookie: open the URL with ?token=... that `curator serve` printed")
        }
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
      server.listen(options.port, "127.0.0.1", () => {
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
      const origin = `http://127.0.0.1:${port}`
      return { port, origin, url: `${origin}/?token=${options.token}` }
    })
  )
