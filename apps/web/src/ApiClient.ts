/**
 * The typed client of the Curator API: `HttpApiClient.make(CuratorApi)` over
 * the browser's fetch, so every request is encoded and every response decoded
 * with the Schemas of libs/contracts (Api.ts). Calls return Promises for the
 * Preact components and fail with one error class, {@link ApiFailure}, that
 * carries the server's `{ error: { tag, message } }` whatever the route.
 *
 * The access cookie set by `curator serve` (HttpOnly, same origin) travels
 * with every fetch by default; the page never sees a token.
 */
import { ApiErrorBody, CuratorApi } from "@curator/contracts"
import { Effect, Schema } from "effect"
import { FetchHttpClient, HttpClientError } from "effect/http"
import { HttpApiClient } from "effect/http-api"

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
      const status = "_tag" in error ? statusOfTag((error as { _tag: string })._tag) : 0
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

/** HTTP status of each declared API error class (libs/contracts Api.ts). */
const statusOfTag = (tag: string): number =>
  ({
    ApiBadRequest: 400,
    ApiUnauthorized: 401,
    ApiForbidden: 403,
    ApiNotFound: 404,
    ApiConflict: 409,
    ApiTooLarge: 413,
    ApiInternal: 500,
    ApiUnavailable: 503
  })[tag] ?? 0

/**
 * The client, built once per page (the HttpApiClient holds no connection
 * state; fetch pools connections itself).
 */
export const client: CuratorClient = Effect.runSync(HttpApiClient.make(CuratorApi).pipe(Effect.provide(FetchHttpClient.layer)))

/**
 * Runs one generated call: `call(api => api.sessions.get({ params }))`.
 * Resolves with the decoded success, rejects with an ApiFailure; `signal`
 * aborts the request (a left step's poll).
 */
export const call = <A, E>(f: (api: CuratorClient) => Effect.Effect<A, E>, signal?: AbortSignal): Promise<A> =>
  Effect.runPromise(
    f(client).pipe(Effect.catch((e: E) => toFailure(e).pipe(Effect.flatMap(Effect.fail)))),
    signal ? { signal } : undefined
  )

/** A sentence for any thrown value (ApiFailure messages as the server wrote them). */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))
