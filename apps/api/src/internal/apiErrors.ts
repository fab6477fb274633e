/**
 * Translating domain failures into API errors (`{ error: { tag, message } }`
 * with the status of the class, see contracts/Api.ts). One whitelist: the
 * store's and orchestrator's typed failures; anything else is a defect (500).
 */
import {
  ApiBadRequest,
  ApiConflict,
  ApiNotFound,
  ApiTooLarge,
  ApiUnavailable,
  type ExecutionAlreadyExistsError,
  type InvalidInputError,
  type NotFoundError,
  type OrchestratorUnavailableError,
  type StoreConflictError,
  type StoreThrottledError,
  type StoreUnavailableError
} from "@curator/contracts"
import { Effect } from "effect"

const detail = (tag: string, message: string) => ({ error: { tag, message } })

/** 400 InvalidInputError with `message`. */
export const badRequest = (message: string) => new ApiBadRequest(detail("InvalidInputError", message))
/** 404 NotFoundError with `message`. */
export const notFound = (message: string) => new ApiNotFound(detail("NotFoundError", message))
/** 409 with `tag` and `message`. */
export const conflict = (tag: string, message: string) => new ApiConflict(detail(tag, message))
/** 413 with `tag` (MediaTooLargeError or QuotaExceededError) and `message`. */
export const tooLarge = (tag: "MediaTooLargeError" | "QuotaExceededError", message: string) => new ApiTooLarge(detail(tag, message))

/** The store's and orchestrator's retryable failures: 503 with their tag and message. */
type Unavailable = StoreThrottledError | StoreUnavailableError | OrchestratorUnavailableError

/** Maps the retryable failures of `effect` to 503 ApiUnavailable, keeping their tag. */
export const unavailableAs503 = <A, E, R>(effect: Effect.Effect<A, E | Unavailable, R>): Effect.Effect<A, Exclude<E, Unavailable> | ApiUnavailable, R> =>
  Effect.catchIf(
    effect,
    (e): e is Unavailable =>
      typeof e === "object" &&
      e !== null &&
      "_tag" in e &&
      (e._tag === "StoreThrottledError" || e._tag === "StoreUnavailableError" || e._tag === "OrchestratorUnavailableError"),
    (e) => Effect.fail(new ApiUnavailable(detail(e._tag, `${e.message} (retry in a moment)`)))
  ) as Effect.Effect<A, Exclude<E, Unavailable> | ApiUnavailable, R>

/** Domain failures a route may pass through unchanged in meaning. */
export type DomainError = NotFoundError | InvalidInputError | StoreConflictError | ExecutionAlreadyExistsError

/** Maps a domain failure to its API error (NotFound 404, InvalidInput 400, conflicts 409). */
export const fromDomain = (e: DomainError) => {
  switch (e._tag) {
    case "NotFoundError":
      return notFound(e.message)
    case "InvalidInputError":
      return badRequest(e.message)
    case "StoreConflictError":
    case "ExecutionAlreadyExistsError":
      return conflict(e._tag, e.message)
  }
}
