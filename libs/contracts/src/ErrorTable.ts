/**
 * THE error table: every error tag a task can end with, classified once as
 * retryable (with Step Functions Retry parameters) or terminal.
 * `orchestration` generates every ASL `Retry` and `Catch` from it, and CDK and
 * the local executor run that same JSON.
 *
 * It also lists the Lambda service errors, because Task states use plain
 * function ARNs (AWS docs, "Handling errors in Step Functions workflows":
 * retry `Lambda.ServiceException`, `Lambda.AWSLambdaException`,
 * `Lambda.SdkClientException`, `Lambda.TooManyRequestsException`).
 */
import type { CuratorError } from "./errors.js"

/** Step Functions Retry parameters: seconds, attempts, multiplier (ASL `IntervalSeconds`, `MaxAttempts`, `BackoffRate`). */
export interface RetryPolicy {
  readonly intervalSeconds: number
  readonly maxAttempts: number
  readonly backoffRate: number
}

/** Classification of one tag. */
export type ErrorClass = { readonly kind: "retry"; readonly retry: RetryPolicy } | { readonly kind: "terminal" }

/** Tags raised by the Lambda service or the Step Functions runtime, not by our code. */
export const ServiceErrorTags = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Sandbox.Timedout",
  "States.Timeout"
] as const
export type ServiceErrorTag = (typeof ServiceErrorTags)[number]

/** Every tag the table classifies. */
export type ErrorTag = CuratorError["_tag"] | ServiceErrorTag

const retry = (intervalSeconds: number, maxAttempts: number, backoffRate: number): ErrorClass => ({
  kind: "retry",
  retry: { intervalSeconds, maxAttempts, backoffRate }
})
const terminal: ErrorClass = { kind: "terminal" }

/**
 * The table. Intervals: store throttling backs off from 1 s (DynamoDB
 * guidance: exponential backoff), AI rate limits from 5 s (Gemini 429s are
 * per-minute quotas; a daily quota is AiQuotaExhaustedError, terminal), Lambda service errors from 2 s as in the AWS
 * Step Functions best-practice Retry for Lambda.
 */
export const ErrorTable: { readonly [K in ErrorTag]: ErrorClass } = {
  InvalidInputError: terminal,
  UnsupportedMediaError: terminal,
  CorruptMediaError: terminal,
  MediaTooLargeError: terminal,
  UnreadableFileError: terminal,
  MediaToolTimeoutError: retry(1, 1, 2),
  NotFoundError: terminal,
  StoreThrottledError: retry(1, 4, 2),
  StoreUnavailableError: retry(1, 3, 2),
  StoreConflictError: terminal,
  QuotaExceededError: terminal,
  AiRateLimitedError: retry(5, 4, 2),
  AiQuotaExhaustedError: terminal,
  AiUnavailableError: retry(2, 3, 2),
  AiRefusedError: terminal,
  AiBadResponseError: terminal,
  ExecutionAlreadyExistsError: terminal,
  OrchestratorUnavailableError: retry(1, 3, 2),
  JobInterruptedError: terminal,
  InternalDefectError: terminal,
  "Lambda.ServiceException": retry(2, 3, 2),
  "Lambda.AWSLambdaException": retry(2, 3, 2),
  "Lambda.SdkClientException": retry(2, 3, 2),
  "Lambda.TooManyRequestsException": retry(2, 4, 2),
  "Sandbox.Timedout": retry(1, 1, 1),
  "States.Timeout": retry(1, 1, 1)
}

/**
 * Seconds the state machine waits in all between the attempts of a retryable tag, at most: the sum
 * of its Retry intervals (`IntervalSeconds x BackoffRate^k`, k = 0..MaxAttempts-1; FULL jitter only
 * shortens them). 0 for a terminal tag. GeminiClient honours a 429's RetryInfo delay up to this
 * budget of `AiRateLimitedError` (75 s).
 */
export const retryBudgetSeconds = (tag: ErrorTag): number => {
  const entry = ErrorTable[tag]
  if (entry.kind !== "retry") return 0
  let total = 0
  for (let k = 0; k < entry.retry.maxAttempts; k++) total += entry.retry.intervalSeconds * entry.retry.backoffRate ** k
  return total
}

/** All tags in the table. */
export const errorTags = (): ReadonlyArray<ErrorTag> => Object.keys(ErrorTable) as Array<ErrorTag>

/** Tags classified retryable. */
export const retryableTags = (): ReadonlyArray<ErrorTag> => errorTags().filter((t) => ErrorTable[t].kind === "retry")

/** Tags classified terminal. */
export const terminalTags = (): ReadonlyArray<ErrorTag> => errorTags().filter((t) => ErrorTable[t].kind === "terminal")
