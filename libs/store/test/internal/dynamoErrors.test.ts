/** The edge translation of DynamoDB failures, on the SDK's own exception classes. */
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException
} from "@aws-sdk/client-dynamodb"
import { failureOf, runExit } from "@curator/contracts/testing"
import { Cause, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { classify, dynamoCall } from "../../src/internal/dynamoErrors.js"

const meta = { $metadata: {} }
const tagOf = (value: unknown) => (value === undefined ? undefined : (value as { _tag: string })._tag)

describe("classify", () => {
  it("maps the throttling names to StoreThrottledError", () => {
    for (const error of [
      new ProvisionedThroughputExceededException({ message: "slow down", ...meta }),
      new ThrottlingException({ message: "slow down", ...meta }),
      new RequestLimitExceeded({ message: "slow down", ...meta })
    ]) {
      expect(tagOf(classify("PutItem", error))).toBe("StoreThrottledError")
    }
  })

  it("maps 5xx and network failures to StoreUnavailableError", () => {
    const http503 = Object.assign(new Error("Service Unavailable"), { name: "UnknownError", $metadata: { httpStatusCode: 503 } })
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })
    for (const error of [new InternalServerError({ message: "oops", ...meta }), http503, refused]) {
      expect(tagOf(classify("GetItem", error))).toBe("StoreUnavailableError")
    }
  })

  it("keeps a failed condition apart and leaves everything else unclassified (a defect)", () => {
    expect(tagOf(classify("PutItem", new ConditionalCheckFailedException({ message: "no", ...meta })))).toBe("ConditionFailed")
    expect(classify("GetItem", new ResourceNotFoundException({ message: "no table", ...meta }))).toBeUndefined()
    expect(classify("GetItem", Object.assign(new Error("bad"), { name: "ValidationException", $metadata: { httpStatusCode: 400 } }))).toBeUndefined()
    expect(classify("GetItem", "a string")).toBeUndefined()
  })

  it("turns an unlisted SDK error into a defect", async () => {
    const exit = await runExit(
      dynamoCall("GetItem", () => Promise.reject(new ResourceNotFoundException({ message: "no table", ...meta }))),
      Layer.empty
    )
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
    expect((failureOf(exit) as Error).name).toBe("ResourceNotFoundException")
  })
})
