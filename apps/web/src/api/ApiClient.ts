/**
 * The typed client of the Curator API: `HttpApiClient.make(CuratorApi)` over
 * the browser's fetch, so every request is encoded and every response decoded
 * with the Schemas of libs/contracts (Api.ts). Calls return Promises for the
 * Preact components and fail with one error class, {@link ApiFailure}, that
 * carries the server's `{ error: { tag, message } }` whatever the route.
 *
 * Authorisation (Auth.ts): locally the access cookie set by `curator serve`
 * (HttpOnly, same origin) travels with every fetch by default and the page
 * never sees a token; in cloud mode every request gets
 * `Authorization: Bearer <Cognito access token>` ({@link authHeaders}, read
 * per request so a renewed token is used at once), and a 401 starts a new
 * sign-in; locally a 401 shows the "open the link again" screen
 * ({@link isUnauthorized}, `Auth.onUnauthorized`).
 */
import {
  ApiBadRequest,
  ApiConflict,
  ApiErrorBody,
  ApiForbidden,
  ApiInternal,
  ApiNotFound,
  ApiTooLarge,
  ApiUnauthorized,
  ApiUnavailable,
  CuratorApi
} from "@curator/contracts"
import { Effect, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientError, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { authHeaders, getAuth, isUnauthorized } from "./Auth.js"

/** The generated client: `client.sessions.get({ params: { sessionId } })` etc. */
export type CuratorClient = HttpApiClient.ForApi<typeof CuratorApi>

/**
 * Any failed call. `status` is the HTTP status (0 when the request never got
 * an answer), `tag` the server's error tag (`NotFoundError`, ...) or a client
 * tag (`NetworkError`, `UnexpectedResponse`), `message` a sentence for people.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly tag: string,
    message: string
  ) {
    super(message)
    this.name = "ApiFailure"
  }
}

const decodeErrorBody = Schema.decodeUnknownOption(ApiErrorBody)

/** Maps every failure of a generated call to an ApiFailure (typed API errors carry `{ error }` and their status). */
const toFailure = (error: unknown): Effect.Effect<ApiFailure> => {
  if (error instanceof ApiFailure) return Effect.succeed(error)
  if (typeof error === "object" && error !== null && "error" in error) {
    const body = decodeErrorBody({ error: (error as { error: unknown }).error })
    if (body._tag === "Some") {
      const status = statusOf(error)
      return Effect.succeed(new ApiFailure(status, body.value.error.tag, body.value.error.message))
    }
  }
  if (HttpClientError.isHttpClientError(error)) {
    const response = error.response
    if (response === undefined) return Effect.succeed(new ApiFailure(0, "NetworkError", "Curator is not reachable. Is `curator serve` still running?"))
    // A status the route does not declare (401 from the local server's cookie check, a proxy's 502, ...): read the body if it is ours.
    return response.json.pipe(
      Effect.map((json) => {
        const body = decodeErrorBody(json)
        return body._tag === "Some"
          ? new ApiFailure(response.status, body.value.error.tag, body.value.error.message)
          : new ApiFailure(response.status, "UnexpectedResponse", `Unexpected answer from Curator (HTTP ${response.status}).`)
      }),
      Effect.orElseSucceed(() => new ApiFailure(response.status, "UnexpectedResponse", `Unexpected answer from Curator (HTTP ${response.status}).`))
    )
  }
  return Effect.succeed(new ApiFailure(0, "UnexpectedResponse", `Unexpected answer from Curator: ${String(error)}`))
}

/**
 * HTTP status of each declared API error class (libs/contracts Api.ts), by
 * class: the decoded errors are instances of these Schema.Error classes
 * (they carry no `_tag` field, and class names do not survive minification).
 */
const DECLARED_ERRORS: ReadonlyArray<readonly [new (...args: never) => object, number]> = [
  [ApiBadRequest, 400],
  [ApiUnauthorized, 401],
  [ApiForbidden, 403],
  [ApiNotFound, 404],
  [ApiConflict, 409],
  [ApiTooLarge, 413],
  [ApiInternal, 500],
  [ApiUnavailable, 503]
]

/** The HTTP status of a decoded API error (0 when it is none of the declared classes). */
const statusOf = (error: object): number => DECLARED_ERRORS.find(([cls]) => error instanceof cls)?.[1] ?? 0

/** Adds the current {@link authHeaders} to a request (none in local mode). */
export const withAuthHeaders = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.setHeaders(request, authHeaders(getAuth()))

/**
 * The client, built once per page (the HttpApiClient holds no connection
 * state; fetch pools connections itself). Each request gets the headers of
 * the current Auth at the time it is sent.
 */
export const client: CuratorClient = Effect.runSync(
  HttpApiClient.make(CuratorApi, { transformClient: HttpClient.mapRequest(withAuthHeaders) }).pipe(Effect.provide(FetchHttpClient.layer))
)

/** Reports a 401 to the current Auth (cloud: sign in again; local: open the printed link again); returns the failure unchanged. */
export const reportUnauthorized = (failure: ApiFailure): ApiFailure => {
  if (isUnauthorized(failure.status)) getAuth().onUnauthorized()
  return failure
}

/**
 * Runs one generated call: `call(api => api.sessions.get({ params }))`.
 * Resolves with the decoded success, rejects with an ApiFailure (after
 * {@link reportUnauthorized}: a 401 also redirects to sign-in, or locally
 * shows the "open the link again" screen);
 * `signal` aborts the request (a left step's poll).
 */
export const call = <A, E>(f: (api: CuratorClient) => Effect.Effect<A, E>, signal?: AbortSignal): Promise<A> =>
  Effect.runPromise(
    f(client).pipe(Effect.catch((e: E) => toFailure(e).pipe(Effect.map(reportUnauthorized), Effect.flatMap(Effect.fail)))),
    signal ? { signal } : undefined
  )

/** A sentence for any thrown value (ApiFailure messages as the server wrote them). */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** An error of one call as people read it: the server's message, with the HTTP status and tag for conflicts and refusals (`… (409 ConflictError)`). */
export const failureText = (e: unknown): string => (e instanceof ApiFailure && e.status >= 400 ? `${e.message} (${e.status} ${e.tag})` : messageOf(e))
