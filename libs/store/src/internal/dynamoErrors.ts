/**
 * DynamoDB failures translated at the edge by a whitelist of SDK error names
 * and network error codes (STYLE.md §5). Anything not listed is a defect.
 * `ConditionalCheckFailedException` is not an error of its own here: each
 * SessionStore write decides what a failed condition means (same value ->
 * success, different value -> StoreConflictError, missing -> NotFoundError).
 */
import { StoreThrottledError, StoreUnavailableError } from "@curator/contracts"
import { Data, Effect } from "effect"

/** SDK error names that mean "slow down" (AWS DynamoDB API reference, "Common errors" and per-operation errors). */
export const THROTTLED_ERROR_NAMES: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded"
])

/** SDK error names of a service-side failure (HTTP 5xx). */
export const UNAVAILABLE_ERROR_NAMES: ReadonlySet<string> = new Set(["InternalServerError", "ServiceUnavailable", "ServiceUnavailableException"])

/** Node/SDK network failures: the endpoint could not be reached or the connection broke (shared with the S3 layer). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED"
])
/** SDK error names of a request that timed out or never reached the service (shared with the S3 layer). */
export const NETWORK_ERROR_NAMES: ReadonlySet<string> = new Set(["TimeoutError", "RequestTimeout", "NetworkingError"])

/** A write's ConditionExpression was false (internal: never leaves SessionStore). */
export class ConditionFailed extends Data.TaggedError("ConditionFailed")<{ readonly operation: string }> {}

const field = (error: object, name: string): unknown => (name in error ? (error as Record<string, unknown>)[name] : undefined)

/** Classifies one thrown value; `undefined` means "not whitelisted" (a defect). */
export const classify = (
  operation: string,
  error: unknown
): StoreThrottledError | StoreUnavailableError | ConditionFailed | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  const name = field(error, "name")
  const code = field(error, "code")
  const message = error instanceof Error ? error.message : String(error)
  const metadata = field(error, "$metadata")
  const status = typeof metadata === "object" && metadata !== null ? field(metadata, "httpStatusCode") : undefined
  if (name === "ConditionalCheckFailedException") return new ConditionFailed({ operation })
  if (typeof name === "string" && THROTTLED_ERROR_NAMES.has(name)) {
    return new StoreThrottledError({ message: `DynamoDB ${operation}: ${name}: ${message}` })
  }
  if (
    (typeof name === "string" && (UNAVAILABLE_ERROR_NAMES.has(name) || NETWORK_ERROR_NAMES.has(name))) ||
    (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) ||
    (typeof status === "number" && status >= 500)
  ) {
    return new StoreUnavailableError({ message: `DynamoDB ${operation}: ${String(name)}: ${message}` })
  }
  return undefined
}

/** Runs one conditional SDK write; whitelisted failures become typed errors (a false condition ConditionFailed), the rest defects. */
export const conditionalCall = <A>(
  operation: string,
  thunk: () => Promise<A>
): Effect.Effect<A, StoreThrottledError | StoreUnavailableError | ConditionFailed> =>
  Effect.tryPromise({ try: thunk, catch: (error) => error }).pipe(
    Effect.catch((error): Effect.Effect<never, StoreThrottledError | StoreUnavailableError | ConditionFailed> => {
      const typed = classify(operation, error)
      return typed === undefined ? Effect.die(error) : Effect.fail(typed)
    })
  )

/** Runs one SDK call without a condition; whitelisted failures become typed errors, the rest defects. */
export const dynamoCall = <A>(operation: string, thunk: () => Promise<A>): Effect.Effect<A, StoreThrottledError | StoreUnavailableError> =>
  conditionalCall(operation, thunk).pipe(
    Effect.catchTag("ConditionFailed", (e) => Effect.die(new Error(`DynamoDB ${e.operation}: condition failed on a call without a condition`)))
  )
