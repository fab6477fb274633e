/**
 * Every typed failure of Curator, as `Schema.TaggedError` classes. Tags are
 * unique across the repo; THE classification (retryable or terminal) lives in
 * `ErrorTable.ts`, once. The task adapter throws a real `Error` whose `name`
 * is the tag so Step Functions' `ErrorEquals` matches it.
 */
import { Schema } from "effect"

const fields = { message: Schema.String }

/** An event, request body or argument failed its Schema (terminal). */
export class InvalidInputError extends Schema.TaggedError<InvalidInputError>()("InvalidInputError", fields) {}
/** The bytes are not a photo or video format Curator processes (sniffed from magic bytes, terminal). */
export class UnsupportedMediaError extends Schema.TaggedError<UnsupportedMediaError>()("UnsupportedMediaError", fields) {}
/** The file is truncated or cannot be decoded (terminal). */
export class CorruptMediaError extends Schema.TaggedError<CorruptMediaError>()("CorruptMediaError", fields) {}
/** Past a pixel limit (checked from the header before decoding), a byte limit or a duration x resolution budget (terminal). */
export class MediaTooLargeError extends Schema.TaggedError<MediaTooLargeError>()("MediaTooLargeError", fields) {}
/**
 * The file exists but the process may not read it (`EACCES`/`EPERM`: its permissions, an ACL, a
 * file locked by another program) (terminal: reading it again gives the same answer).
 */
export class UnreadableFileError extends Schema.TaggedError<UnreadableFileError>()("UnreadableFileError", fields) {}
/** An external media tool (ffmpeg, ffprobe, heif-convert) ran past its wall-clock timeout and was killed (retried once). */
export class MediaToolTimeoutError extends Schema.TaggedError<MediaToolTimeoutError>()("MediaToolTimeoutError", fields) {}
/** A blob or record the task needs does not exist (terminal). */
export class NotFoundError extends Schema.TaggedError<NotFoundError>()("NotFoundError", fields) {}
/** The store (DynamoDB / S3 or their local layers) throttled the request (retryable). */
export class StoreThrottledError extends Schema.TaggedError<StoreThrottledError>()("StoreThrottledError", fields) {}
/** The store is unreachable or answered 5xx (retryable). */
export class StoreUnavailableError extends Schema.TaggedError<StoreUnavailableError>()("StoreUnavailableError", fields) {}
/** A conditional write failed because a different value is stored (terminal; same value counts as success). */
export class StoreConflictError extends Schema.TaggedError<StoreConflictError>()("StoreConflictError", fields) {}
/** Per-session quota (files, bytes, AI tokens) exhausted (terminal). */
export class QuotaExceededError extends Schema.TaggedError<QuotaExceededError>()("QuotaExceededError", fields) {}
/** The AI provider answered HTTP 429 (retryable with backoff). */
export class AiRateLimitedError extends Schema.TaggedError<AiRateLimitedError>()("AiRateLimitedError", fields) {}
/** The AI provider answered 5xx or timed out (retryable). */
export class AiUnavailableError extends Schema.TaggedError<AiUnavailableError>()("AiUnavailableError", fields) {}
/**
 * The AI provider's quota cannot recover within the state machine's retries: a daily quota (a
 * 429 whose QuotaFailure names a per-day limit) or a RetryInfo delay longer than the retry budget
 * (terminal: retrying before the quota resets spends the budget for nothing).
 */
export class AiQuotaExhaustedError extends Schema.TaggedError<AiQuotaExhaustedError>()("AiQuotaExhaustedError", fields) {}
/** The AI provider refused (safety block) (terminal, item recorded). */
export class AiRefusedError extends Schema.TaggedError<AiRefusedError>()("AiRefusedError", fields) {}
/** The AI answer could not be parsed or repaired (terminal). */
export class AiBadResponseError extends Schema.TaggedError<AiBadResponseError>()("AiBadResponseError", fields) {}
/** A state machine execution with this name already ran (Step Functions refuses to reuse a closed name for 90 days): retry with a NEW job (terminal). */
export class ExecutionAlreadyExistsError extends Schema.TaggedError<ExecutionAlreadyExistsError>()("ExecutionAlreadyExistsError", fields) {}
/** The orchestrator (Step Functions or the local executor) could not be reached (retryable). */
export class OrchestratorUnavailableError extends Schema.TaggedError<OrchestratorUnavailableError>()("OrchestratorUnavailableError", fields) {}
/** A job's execution died (process stopped, timeout, abort) before it recorded an outcome (terminal: retry makes a new job). */
export class JobInterruptedError extends Schema.TaggedError<JobInterruptedError>()("JobInterruptedError", fields) {}
/** A bug: any defect is reported under this one terminal tag. */
export class InternalDefectError extends Schema.TaggedError<InternalDefectError>()("InternalDefectError", fields) {}

/** Every typed failure a task program may end with. */
export type CuratorError =
  | InvalidInputError
  | UnsupportedMediaError
  | CorruptMediaError
  | MediaTooLargeError
  | UnreadableFileError
  | MediaToolTimeoutError
  | NotFoundError
  | StoreThrottledError
  | StoreUnavailableError
  | StoreConflictError
  | QuotaExceededError
  | AiRateLimitedError
  | AiQuotaExhaustedError
  | AiUnavailableError
  | AiRefusedError
  | AiBadResponseError
  | ExecutionAlreadyExistsError
  | OrchestratorUnavailableError
  | JobInterruptedError
  | InternalDefectError
