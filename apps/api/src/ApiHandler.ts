/**
 * `makeApiHandler`: the whole API as a runtime-agnostic
 * `(request: Request) => Promise<Response>` (WHATWG Fetch types), so the
 * local server mounts it and the Lambda adapter (`LambdaAdapter.ts`, API
 * Gateway v2 event -> Request) wraps it. Built with `HttpApiBuilder.layer(CuratorApi)` and
 * `HttpRouter.toWebHandler`.
 *
 * Every non-2xx answer carries `{ error: { tag, message } }`: the routes'
 * own errors are encoded by their Schemas; a request that fails its Schema
 * (bad JSON, wrong field types, an id that is not a RandomId) is answered
 * 400 `InvalidInputError` with the Schema's message; an unknown route 404
 * `RouteNotFound`; a defect 500 `InternalDefectError` (details only in the log).
 */
import type { Orchestrator } from "@curator/orchestration"
import type { BlobStore, PostStore, SessionStore } from "@curator/store"
import { ApiErrorBody, CuratorApi } from "@curator/contracts"
import { Cause, type Context, Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import { CuratorApiHandlers } from "./ApiHandlers.js"
import type { UrlSigner } from "./UrlSigner.js"

/** The services the API runs on. */
export type ApiServices = SessionStore | PostStore | BlobStore | UrlSigner | Orchestrator

/** A built API handler. `dispose` releases the handler's runtime (not the services, which the caller owns). */
export interface ApiHandler {
  readonly handler: (request: Request) => Promise<Response>
  readonly dispose: () => Promise<void>
}

const encodeErrorBody = Schema.encodeSync(Schema.fromJsonString(ApiErrorBody))

/** A JSON error response with the `{ error: { tag, message } }` body. */
export const errorResponse = (status: number, tag: string, message: string): Response =>
  new Response(encodeErrorBody({ error: { tag, message } }), { status, headers: { "content-type": "application/json; charset=utf-8" } })

/** Request Schema failures (which HttpApi turns into defects answered by an empty 400) become a JSON 400 with the Schema's message. */
const SchemaErrorsAsJson = HttpRouter.middleware(
  (effect) =>
    Effect.catchCause(effect, (cause) => {
      const schemaError = cause.reasons.map((r) => (Cause.isDieReason(r) ? r.defect : Cause.isFailReason(r) ? r.error : undefined)).find(HttpApiError.HttpApiSchemaError.is)
      return schemaError === undefined
        ? Effect.failCause(cause)
        : Effect.succeed(
            HttpServerResponse.jsonUnsafe(
              { error: { tag: "InvalidInputError", message: `invalid request ${schemaError.kind.toLowerCase()}: ${schemaError.cause.message}` } },
              { status: 400 }
            )
          )
    }),
  { global: true }
)

/**
 * Path of the health route: `GET` answers 200 `{ "status": "ok" }` without
 * touching any store or the orchestrator (a liveness probe; on Lambda the one
 * route that needs no token). Not part of `CuratorApi`: it carries no data.
 */
export const HEALTH_PATH = "/api/health"

/** Statuses an empty error response is given a body for. */
const EMPTY_ERROR_TAGS: Readonly<Record<number, readonly [string, string]>> = {
  400: ["InvalidInputError", "the request is malformed"],
  404: ["RouteNotFound", "no such API route"],
  405: ["MethodNotAllowed", "this API route does not accept that method"],
  413: ["MediaTooLargeError", "the request body is too large"],
  500: ["InternalDefectError", "internal error (see the server log)"]
}

/**
 * Builds the handler over `services`: a Context holding every
 * {@link ApiServices} service, built once by the caller (the local server
 * from the local stack; a Lambda once per cold start) and handed to every
 * request.
 */
export const makeApiHandler = (services: Context.Context<ApiServices>): ApiHandler => {
  const app = HttpApiBuilder.layer(CuratorApi).pipe(
    Layer.provide(CuratorApiHandlers),
    Layer.merge(SchemaErrorsAsJson),
    Layer.provide(HttpServer.layerServices)
  )
  const web = HttpRouter.toWebHandler(app, { disableLogger: true })
  return {
    handler: async (request) => {
      if (request.method === "GET" && new URL(request.url).pathname === HEALTH_PATH) {
        return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers: { "content-type": "application/json; charset=utf-8" } })
      }
      const response = await web.handler(request, services)
      if (response.status < 400) return response
      const body = await response.text()
      if (body !== "") return new Response(body, { status: response.status, headers: response.headers })
      const url = new URL(request.url)
      const [tag, message] = EMPTY_ERROR_TAGS[response.status] ?? ["HttpError", `HTTP ${response.status}`]
      return errorResponse(response.status, tag, tag === "RouteNotFound" ? `no such API route: ${request.method} ${url.pathname}` : message)
    },
    dispose: web.dispose
  }
}
