/**
 * A local stand-in for the Gemini Developer API for tests (entry point
 * `@curator/ai/gemini-testing`): an HTTP server on 127.0.0.1 that speaks the
 * REST protocol `@google/genai` uses when `httpOptions.baseUrl` points at it
 * (https://ai.google.dev/api):
 *
 * - `POST /v1beta/models/{model}:generateContent` — answers the next scripted
 *   {@link StandInReply} (a candidate with text parts, finishReason and
 *   usageMetadata; a prompt blocked with `promptFeedback.blockReason`; or an
 *   HTTP error with Google's body `{"error":{"code","message","status"}}`).
 *   With nothing scripted it asks the `respond` function given at start (for
 *   end-to-end runs whose calls arrive in no fixed order), else answers 500 so
 *   a missing script fails loudly.
 * - Files API, resumable upload as the SDK does it: `POST /upload/v1beta/files`
 *   with `X-Goog-Upload-Protocol: resumable` and `X-Goog-Upload-Command: start`
 *   answers the `X-Goog-Upload-URL` header; `POST` of the bytes to that URL with
 *   `X-Goog-Upload-Command: upload, finalize` and `X-Goog-Upload-Offset` answers
 *   `X-Goog-Upload-Status: final` and `{"file": {...}}` in state `PROCESSING`.
 * - `GET /v1beta/files/{id}` — the file; `PROCESSING` for the first
 *   `processingPolls` reads (default 1), `ACTIVE` after.
 *
 * Every request is recorded ({@link StandInRequest}) so tests can assert the
 * bodies. The `v1` prefix (the SDK's default version) is accepted as well as
 * `v1beta`; the path is recorded as sent. Not for production: the API key is recorded, never checked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import sharp from "sharp"
import { IMAGE_MODEL_SIZES } from "../internal/aspectRatio.js"

/** Token counts the stand-in reports as `usageMetadata`. */
export interface StandInUsage {
  readonly promptTokenCount: number
  readonly candidatesTokenCount: number
  readonly totalTokenCount: number
}

/**
 * One scripted answer to `generateContent`.
 * - `{ text }`: one candidate, one text part; `finishReason` default "STOP"; `usage` default 100/20/120.
 * - `{ blockReason }`: no candidates, `promptFeedback.blockReason` (e.g. "SAFETY", "PROHIBITED_CONTENT").
 * - `{ status }`: an HTTP error (429, 503, ...) with Google's error JSON; `message` optional.
 * - `{ delayMs, then }`: wait `delayMs` before answering `then` (for timeouts).
 * - `{ image }`: an image model's answer: a text part (`text`, default "Edited.") and an
 *   `inlineData` PNG part made deterministically from the LAST inline image of the request's
 *   `contents` (the photo of the first turn, or the previous answer in a later turn): scaled to the
 *   1K size of the requested `generationConfig.imageConfig.aspectRatio` (kept when absent), each
 *   channel multiplied by `image.gains` (R, G, B; default 1.1, 1.0, 0.9: "warmer") — a global colour
 *   edit, so a LUT fitted from it reproduces it.
 */
export type StandInReply =
  | { readonly text: string; readonly finishReason?: string; readonly usage?: StandInUsage }
  | { readonly blockReason: string }
  | { readonly status: number; readonly message?: string }
  | { readonly delayMs: number; readonly then: StandInReply }
  | { readonly image: StandInImageEdit; readonly text?: string; readonly usage?: StandInUsage }

/** The deterministic edit of an `{ image }` reply: per-channel gains (R, G, B multipliers). */
export interface StandInImageEdit {
  readonly gains?: readonly [number, number, number]
}

interface RequestPart {
  readonly inlineData?: { readonly mimeType?: string; readonly data?: string }
}
interface RequestBody {
  readonly contents?: ReadonlyArray<{ readonly parts?: ReadonlyArray<RequestPart> }>
  readonly generationConfig?: { readonly imageConfig?: { readonly aspectRatio?: string } }
}

/** The last inline image of a generateContent body, decoded from base64; null when there is none. */
const lastInlineImage = (body: RequestBody | null): Uint8Array | null => {
  const contents = body?.contents ?? []
  for (let c = contents.length - 1; c >= 0; c--) {
    const parts = contents[c]!.parts ?? []
    for (let p = parts.length - 1; p >= 0; p--) {
      const d = parts[p]!.inlineData
      if (d?.data !== undefined && (d.mimeType ?? "").startsWith("image/")) return new Uint8Array(Buffer.from(d.data, "base64"))
    }
  }
  return null
}

/** Applies an `{ image }` reply's edit to the request's last image (see {@link StandInReply}). */
const editImage = async (edit: StandInImageEdit, body: RequestBody | null): Promise<Uint8Array | null> => {
  const input = lastInlineImage(body)
  if (input === null) return null
  const ratio = body?.generationConfig?.imageConfig?.aspectRatio
  const size = ratio === undefined ? undefined : IMAGE_MODEL_SIZES[ratio]
  const [r, g, b] = edit.gains ?? [1.1, 1, 0.9]
  let image = sharp(input).removeAlpha().toColourspace("srgb")
  if (size !== undefined) image = image.resize(size.width, size.height, { fit: "fill" })
  return new Uint8Array(await image.linear([r, g, b], [0, 0, 0]).png().toBuffer())
}

/** One recorded request: method, path (with query), lower-cased headers, raw body and its JSON when it parses. */
export interface StandInRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly json: unknown
}

/** A file held by the stand-in's Files API (`name` is `files/<id>`). */
export interface StandInFile {
  readonly name: string
  readonly displayName: string
  readonly mimeType: string
  readonly sizeBytes: number
  readonly uri: string
  readonly bytes: Uint8Array
  /** GETs so far. */
  polls: number
}

/** A running stand-in. */
export interface GeminiStandIn {
  /** `http://127.0.0.1:<port>` — pass as `httpOptions.baseUrl` (or `CURATOR_GEMINI_BASE_URL`). */
  readonly baseUrl: string
  /** Every request received, in order. */
  readonly requests: Array<StandInRequest>
  /** The uploaded files by name. */
  readonly files: Map<string, StandInFile>
  /** Queue answers for the next `generateContent` calls (consumed in order). */
  readonly script: (...replies: ReadonlyArray<StandInReply>) => void
  /** The recorded `generateContent` requests only. */
  readonly generateRequests: () => ReadonlyArray<StandInRequest>
  /** Clears the script, the recorded requests and the files. */
  readonly reset: () => void
  /** Stops the server. */
  readonly close: () => Promise<void>
}

/** Google's canonical status names for the HTTP codes tests use (google.rpc.Code). */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED"
}

const DEFAULT_USAGE: StandInUsage = { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 }

const readBody = (req: IncomingMessage): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))))
    req.on("error", reject)
  })

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers })
  res.end(JSON.stringify(body))
}

const sendError = (res: ServerResponse, code: number, message: string) =>
  sendJson(res, code, { error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN" } })

const fileJson = (f: StandInFile) => ({
  name: f.name,
  displayName: f.displayName,
  mimeType: f.mimeType,
  sizeBytes: String(f.sizeBytes),
  uri: f.uri,
  state: "PROCESSING"
})

/**
 * Answers a `generateContent` request when the script is empty: gets the model name (from the
 * path) and the request body; returns the reply, or undefined for the 500 "no scripted reply".
 */
export type StandInResponder = (request: { readonly model: string; readonly body: unknown }) => StandInReply | undefined

/**
 * Starts a stand-in on a free port of 127.0.0.1. `processingPolls`: how many
 * `GET /v1beta/files/{id}` answer `PROCESSING` before `ACTIVE` (default 1).
 * `respond`: answers requests the script has no reply for (see {@link StandInResponder}).
 */
export const startGeminiStandIn = async (options: { readonly processingPolls?: number; readonly respond?: StandInResponder } = {}): Promise<GeminiStandIn> => {
  const processingPolls = options.processingPolls ?? 1
  const requests: Array<StandInRequest> = []
  const files = new Map<string, StandInFile>()
  const pendingUploads = new Map<string, { displayName: string; mimeType: string; size: number }>()
  let queue: Array<StandInReply> = []
  let nextId = 1
  let baseUrl = ""

  const answer = async (res: ServerResponse, reply: StandInReply, body: unknown): Promise<void> => {
    if ("delayMs" in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs))
      if (res.destroyed || res.writableEnded) return
      return answer(res, reply.then, body)
    }
    if ("image" in reply) {
      const png = await editImage(reply.image, body as RequestBody | null)
      if (png === null) return sendError(res, 400, "stand-in: an image reply needs an inline image in the request")
      return sendJson(res, 200, {
        candidates: [{
          content: { role: "model", parts: [{ text: reply.text ?? "Edited." }, { inlineData: { mimeType: "image/png", data: Buffer.from(png).toString("base64") } }] },
          finishReason: "STOP",
          index: 0
        }],
        usageMetadata: reply.usage ?? { promptTokenCount: 1290, candidatesTokenCount: 1290, totalTokenCount: 2580 },
        modelVersion: "stand-in"
      })
    }
    if ("status" in reply) return sendError(res, reply.status, reply.message ?? `scripted HTTP ${reply.status}`)
    if ("blockReason" in reply) {
      return sendJson(res, 200, { promptFeedback: { blockReason: reply.blockReason }, usageMetadata: { promptTokenCount: 50, totalTokenCount: 50 } })
    }
    return sendJson(res, 200, {
      candidates: [{ content: { role: "model", parts: [{ text: reply.text }] }, finishReason: reply.finishReason ?? "STOP", index: 0 }],
      usageMetadata: reply.usage ?? DEFAULT_USAGE,
      modelVersion: "stand-in"
    })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const text = Buffer.from(body).toString("utf8")
    let json: unknown = null
    try {
      json = text === "" ? null : JSON.parse(text)
    } catch {
      json = null
    }
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v
    const path = req.url ?? "/"
    requests.push({ method: req.method ?? "GET", path, headers, body, json })
    const url = new URL(path, "http://stand-in")

    const generate = /^\/v1(?:beta)?\/models\/([^/:]+):generateContent$/.exec(url.pathname)
    if (req.method === "POST" && generate) {
      const reply = queue.shift() ?? options.respond?.({ model: decodeURIComponent(generate[1]!), body: json })
      return reply === undefined ? sendError(res, 500, "stand-in: no scripted reply") : answer(res, reply, json)
    }
    if (req.method === "POST" && /^\/upload\/v1(?:beta)?\/files$/.test(url.pathname)) {
      const command = headers["x-goog-upload-command"] ?? ""
      if (command === "start") {
        const uploadId = String(nextId++)
        const meta = (json as { file?: { displayName?: string } } | null)?.file
        pendingUploads.set(uploadId, {
          displayName: meta?.displayName ?? "",
          mimeType: headers["x-goog-upload-header-content-type"] ?? "application/octet-stream",
          size: Number(headers["x-goog-upload-header-content-length"] ?? "0")
        })
        res.writeHead(200, { "x-goog-upload-url": `${baseUrl}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`, "x-goog-upload-status": "active" })
        return res.end()
      }
      const uploadId = url.searchParams.get("upload_id") ?? ""
      const pending = pendingUploads.get(uploadId)
      if (pending === undefined) return sendError(res, 404, `stand-in: unknown upload ${uploadId}`)
      if (command.includes("finalize")) {
        pendingUploads.delete(uploadId)
        const id = `standin${uploadId}`
        const file: StandInFile = {
          name: `files/${id}`,
          displayName: pending.displayName,
          mimeType: pending.mimeType,
          sizeBytes: body.length,
          uri: `${baseUrl}/v1beta/files/${id}`,
          bytes: body,
          polls: 0
        }
        files.set(file.name, file)
        return sendJson(res, 200, { file: fileJson(file) }, { "x-goog-upload-status": "final" })
      }
      return sendError(res, 400, "stand-in: only single-chunk uploads are supported")
    }
    const fileGet = /^\/v1(?:beta)?\/(files\/[^/]+)$/.exec(url.pathname)
    if (req.method === "GET" && fileGet) {
      const file = files.get(fileGet[1]!)
      if (file === undefined) return sendError(res, 404, `File ${fileGet[1]} not found`)
      file.polls += 1
      return sendJson(res, 200, { ...fileJson(file), state: file.polls > processingPolls ? "ACTIVE" : "PROCESSING" })
    }
    return sendError(res, 404, `stand-in: no route for ${req.method} ${url.pathname}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, `stand-in failure: ${String(e)}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    requests,
    files,
    script: (...replies) => {
      queue.push(...replies)
    },
    generateRequests: () => requests.filter((r) => r.path.includes(":generateContent")),
    reset: () => {
      queue = []
      requests.length = 0
      files.clear()
      pendingUploads.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      })
  }
}
