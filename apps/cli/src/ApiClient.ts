/**
 * The in-process API client of `curator run`: calls the SAME API handler the
 * browser talks to (`makeApiHandler` of @curator/api over the local stack's
 * services), as WHATWG `Request -> Response`, with JSON bodies encoded and
 * decoded by the contract Schemas (@curator/contracts Api.ts). No socket, no
 * cookie: the handler is called directly, so the steps after the selection
 * (confirm, enhance, accept, group, caption, download) run the browser's
 * logic (kept items, export sources, entry names, staleness) unchanged.
 */
import { ApiErrorBody, ApiRoutes } from "@curator/contracts"
import type { ApiHandler } from "@curator/api"
import { Effect, Schema } from "effect"

/** Origin of the in-process requests (never resolved: the handler is called directly). */
const ORIGIN = "http://curator.local"

/** A non-2xx answer of the API: its status and `{ error: { tag, message } }`. */
export class ApiCallError extends Schema.TaggedError<ApiCallError>()("ApiCallError", {
  status: Schema.Number,
  tag: Schema.String,
  message: Schema.String,
  route: Schema.String
}) {}

type RouteName = keyof typeof ApiRoutes

/** `ApiRoutes[name].path` with its `:param`s replaced (each URI-encoded). */
export const routePath = (name: RouteName, params: Readonly<Record<string, string | number>>): string =>
  ApiRoutes[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params[key]
    if (value === undefined) throw new Error(`route ${name}: missing parameter ${key}`)
    return encodeURIComponent(String(value))
  })

const decodeError = Schema.decodeUnknownOption(Schema.fromJsonString(ApiErrorBody))

/** The client over one handler. */
export interface ApiClient {
  /**
   * Calls route `name` with `params`; `request` is the body Schema and value
   * (omitted for routes without a body; POSTs without a body send none).
   * Decodes a 2xx body with `response`; fails with ApiCallError otherwise.
   */
  readonly call: <A, I, B = never, J = never>(
    name: RouteName,
    params: Readonly<Record<string, string | number>>,
    response: Schema.Codec<A, I>,
    request?: { readonly schema: Schema.Codec<B, J>; readonly body: B }
  ) => Effect.Effect<A, ApiCallError>
}

/** An ApiClient over `api` (the caller owns and disposes the handler). */
export const makeApiClient = (api: ApiHandler): ApiClient => ({
  call: (name, params, response, request) =>
    Effect.gen(function* () {
      const route = ApiRoutes[name]
      const url = `${ORIGIN}${routePath(name, params)}`
      const label = `${route.method} ${url.slice(ORIGIN.length)}`
      const body = request === undefined ? undefined : yield* Schema.encodeEffect(Schema.fromJsonString(request.schema))(request.body).pipe(Effect.orDie)
      const res = yield* Effect.promise(() =>
        api.handler(
          new Request(url, {
            method: route.method,
            headers: body === undefined ? {} : { "content-type": "application/json" },
            ...(body === undefined ? {} : { body })
          })
        )
      )
      const text = yield* Effect.promise(() => res.text())
      if (res.status >= 400) {
        const parsed = decodeError(text)
        const detail = parsed._tag === "Some" ? parsed.value.error : { tag: `HTTP${res.status}`, message: text.slice(0, 200) }
        return yield* new ApiCallError({ status: res.status, tag: detail.tag, message: detail.message, route: label })
      }
      return yield* Schema.decodeUnknownEffect(Schema.fromJsonString(response))(text).pipe(
        // The handler encodes with the same Schemas: a mismatch is a bug, not an input error.
        Effect.orDie
      )
    })
})
