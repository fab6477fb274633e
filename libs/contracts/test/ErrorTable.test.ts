import { describe, expect, it } from "vitest"
import * as Contracts from "../src/index.js"
import { ErrorTable, errorTags, retryableTags, ServiceErrorTags, terminalTags } from "../src/index.js"

describe("ErrorTable", () => {
  it("classifies every exported error class exactly once", () => {
    type ErrorClass = new (a: { message: string }) => { _tag: string }
    const classTags = (Object.values(Contracts) as Array<unknown>)
      .filter((v): v is ErrorClass => typeof v === "function" && /Error$/.test(v.name))
      .map((C) => new C({ message: "x" })._tag)
    expect(classTags.length).toBeGreaterThan(10)
    for (const tag of classTags) expect(errorTags()).toContain(tag)
    expect(new Set(errorTags()).size).toBe(errorTags().length)
  })

  it("lists the Lambda service errors as retryable", () => {
    for (const tag of ServiceErrorTags) expect(ErrorTable[tag].kind).toBe("retry")
  })

  it("keeps terminal what retrying cannot fix", () => {
    for (const tag of ["CorruptMediaError", "UnsupportedMediaError", "MediaTooLargeError", "InvalidInputError", "AiRefusedError", "InternalDefectError"] as const) {
      expect(terminalTags()).toContain(tag)
    }
    expect(retryableTags()).toEqual(expect.arrayContaining(["StoreThrottledError", "AiRateLimitedError", "AiUnavailableError"]))
  })

  it("tagged errors are real Errors whose name is the tag", () => {
    const e = new Contracts.CorruptMediaError({ message: "truncated" })
    expect(e).toBeInstanceOf(Error)
    expect(e._tag).toBe("CorruptMediaError")
    expect(e.message).toBe("truncated")
  })
})
