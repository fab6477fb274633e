/**
 * S3 failures translated at the edge by a whitelist of SDK error names,
 * HTTP statuses and network error codes (STYLE.md §5), mirroring what the
 * folder layer returns for the same situation:
 *
 * | S3 (SDK error name / status)                                | BlobStore error         | folder layer analogue |
 * |-------------------------------------------------------------|-------------------------|-----------------------|
 * | `NoSuchKey`, `NotFound` (HEAD has no body), 404             | NotFoundError (reads only) | ENOENT             |
 * | throttling: `SlowDown`, `ThrottlingException`, ... , 429    | StoreUnavailableError   | EAGAIN / EBUSY        |
 * | 5xx, `InternalError`, `ServiceUnavailable`, `RequestTimeout`, network codes | StoreUnavailableError | EIO / ENOSPC |
 * | `AccessDenied`, `NoSuchBucket`, credential errors           | StoreUnavailableError   | EACCES / EPERM / EROFS |
 * | anything else                                               | defect                  | defect                |
 *
 * The BlobStore interface has no StoreThrottledError (its methods fail with
 * StoreUnavailableError | NotFoundError | InvalidInputError), so S3
 * throttling is reported as StoreUnavailableError: both are retryable in THE
 * error table (libs/contracts ErrorTable.ts), so the retry policy is the same.
 */
import { NotFoundError, StoreUnavailableError } from "@curator/contracts"
import { Effect } from "effect"
import { NETWORK_ERROR_CODES, NETWORK_ERROR_NAMES } from "./dynamoErrors.js"

/** S3 error codes meaning "the key does not exist" (S3 API Reference, "Error responses"; HEAD answers a bare 404 the SDK names `NotFound`). */
export const S3_NOT_FOUND_NAMES: ReadonlySet<string> = new Set(["NoSuchKey", "NotFound"])

/** S3 error codes meaning "slow down" (S3 API Reference "Error responses": SlowDown 503; SDK-wide throttling names). */
export const S3_THROTTLED_NAMES: ReadonlySet<string> = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded"
])

/** S3 error codes of a service-side or transport failure (5xx, or S3's 400 `RequestTimeout` for a stalled upload socket). */
export const S3_UNAVAILABLE_NAMES: ReadonlySet<string> = new Set(["InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed"])

/**
 * S3 error codes of a deployment problem (role, bucket, credentials). Like the
 * folder layer's EACCES / EROFS these are StoreUnavailableError: the store
 * cannot serve the request, and the message names the cause for the operator.
 */
export const S3_MISCONFIGURED_NAMES: ReadonlySet<string> = new Set([
  "AccessDenied",
  "NoSuchBucket",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "CredentialsProviderError"
])

const field = (error: object, name: string): unknown => (name in error ? (error as Record<string, unknown>)[name] : undefined)

/** What a thrown value says: SDK error name, Node error code, HTTP status. */
const describe = (error: unknown) => {
  if (typeof error !== "object" || error === null) return { name: undefined, code: undefined, status: undefined, message: String(error) }
  const name = field(error, "name")
  const code = field(error, "code") ?? field(error, "Code")
  const metadata = field(error, "$metadata")
  const status = typeof metadata === "object" && metadata !== null ? field(metadata, "httpStatusCode") : undefined
  return {
    name: typeof name === "string" ? name : undefined,
    code: typeof code === "string" ? code : undefined,
    status: typeof status === "number" ? status : undefined,
    message: error instanceof Error ? error.message : String(error)
  }
}

/**
 * Classifies one thrown value of an S3 call; `undefined` means "not
 * whitelisted" (a defect). `notFound` gives the NotFoundError of a read, or
 * is omitted on writes and lists, where a 404 (no such bucket) is not about
 * the key.
 */
export const classifyS3 = (
  operation: string,
  error: unknown,
  notFound?: () => NotFoundError
): NotFoundError | StoreUnavailableError | undefined => {
  const { name, code, status, message } = describe(error)
  const detail = `S3 ${operation}: ${name ?? code ?? "error"}${status === undefined ? "" : ` (HTTP ${status})`}: ${message}`
  if (name !== undefined && S3_MISCONFIGURED_NAMES.has(name)) return new StoreUnavailableError({ message: detail })
  if (notFound !== undefined && ((name !== undefined && S3_NOT_FOUND_NAMES.has(name)) || status === 404)) return notFound()
  if (
    (name !== undefined && (S3_THROTTLED_NAMES.has(name) || S3_UNAVAILABLE_NAMES.has(name) || NETWORK_ERROR_NAMES.has(name))) ||
    (code !== undefined && NETWORK_ERROR_CODES.has(code)) ||
    status === 429 ||
    (status !== undefined && status >= 500)
  ) {
    return new StoreUnavailableError({ message: detail })
  }
  return undefined
}

/**
 * Runs one S3 call (given the fiber's AbortSignal, so an interrupted fiber
 * cancels the HTTP request); whitelisted failures become typed errors, the
 * rest defects.
 */
export const s3Call = <A>(operation: string, thunk: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, StoreUnavailableError> =>
  Effect.tryPromise({ try: thunk, catch: (error) => error }).pipe(
    Effect.catch((error): Effect.Effect<never, StoreUnavailableError> => {
      const typed = classifyS3(operation, error)
      return typed === undefined ? Effect.die(error) : Effect.fail(typed as StoreUnavailableError)
    })
  )

/** Like {@link s3Call} for a read of one key: a missing key is NotFoundError. */
export const s3Read = <A>(
  operation: string,
  key: string,
  thunk: (signal: AbortSignal) => Promise<A>
): Effect.Effect<A, NotFoundError | StoreUnavailableError> =>
  Effect.tryPromise({ try: thunk, catch: (error) => error }).pipe(
    Effect.catch((error): Effect.Effect<never, NotFoundError | StoreUnavailableError> => {
      const typed = classifyS3(operation, error, () => new NotFoundError({ message: `blob not found: ${key}` }))
      return typed === undefined ? Effect.die(error) : Effect.fail(typed)
    })
  )
