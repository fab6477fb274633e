/**
 * The shape of a failed Lambda task as Step Functions reports it. A Node.js
 * Lambda that throws is reported with `Error` = the thrown error's `name` and
 * `Cause` = the runtime's error JSON `{"errorType","errorMessage","trace"}`
 * (AWS docs, "Lambda function errors in Node.js"). The local executor produces
 * the same `Cause`, so records look alike on AWS and locally, and readers use
 * {@link taskErrorMessage} to show the message.
 */
import { Predicate } from "effect"

/** The Lambda runtime's error JSON for a thrown `Error` (what becomes `Cause`). `trace` holds the stack lines. */
export const lambdaErrorCause = (error: Error): string =>
  JSON.stringify({
    errorType: error.name,
    errorMessage: error.message,
    trace: (error.stack ?? "").split("\n").filter((line) => line.length > 0)
  })

/**
 * The human message inside a Step Functions `Cause`: `errorMessage` when the
 * cause is the Lambda error JSON, else the cause itself (service integrations
 * and `States.*` errors give plain text).
 */
export const taskErrorMessage = (cause: string): string => {
  try {
    const parsed: unknown = JSON.parse(cause)
    if (Predicate.isObject(parsed) && "errorMessage" in parsed && Predicate.isString(parsed.errorMessage)) {
      return parsed.errorMessage
    }
  } catch {
    // Not JSON: a plain cause.
  }
  return cause
}
