import { CorruptMediaError, StoreThrottledError, ThumbnailTaskEvent, ThumbnailTaskResult } from "@curator/contracts"
import { Effect, Layer, Context } from "effect"
import { describe, expect, it } from "vitest"
import { makeTaskHandler } from "../src/TaskHandler.js"
import { lambdaErrorCause, taskErrorMessage } from "../src/TaskFailure.js"

class Builds extends Context.Service<Builds, { readonly n: number }>()("test/Builds") {}

const event = { sessionId: "s", jobId: "j", expiresAt: 1, fileId: "f", key: "s/original/f.jpg", fileName: "f.jpg" }

const handlerWith = (program: (e: ThumbnailTaskEvent) => Effect.Effect<ThumbnailTaskResult, CorruptMediaError | StoreThrottledError, Builds>) => {
  let builds = 0
  const handler = makeTaskHandler({
    event: ThumbnailTaskEvent,
    result: ThumbnailTaskResult,
    program,
    layer: Layer.effect(Builds, Effect.sync(() => Builds.of({ n: ++builds })))
  })
  return { handler, builds: () => builds }
}

const thrown = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

describe("makeTaskHandler", () => {
  it("decodes, runs, encodes, and builds the layer once across invocations", async () => {
    const { handler, builds } = handlerWith((e) => Effect.succeed({ fileId: e.fileId, thumbnailKey: `${e.sessionId}/thumb/${e.fileId}.jpg` }))
    expect(builds()).toBe(0)
    expect(await handler(event)).toEqual({ fileId: "f", thumbnailKey: "s/thumb/f.jpg" })
    expect(await handler({ ...event, fileId: "g" })).toEqual({ fileId: "g", thumbnailKey: "s/thumb/g.jpg" })
    expect(builds()).toBe(1)
  })

  it.each([
    ["CorruptMediaError", new CorruptMediaError({ message: "truncated JPEG" })],
    ["StoreThrottledError", new StoreThrottledError({ message: "slow down" })]
  ] as const)("throws a real Error named %s", async (tag, failure) => {
    const { handler } = handlerWith(() => Effect.fail(failure))
    const error = await thrown(handler(event))
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: tag, message: failure.message })
  })

  it("throws InvalidInputError for an event its Schema rejects", async () => {
    const { handler } = handlerWith(() => Effect.die("unreachable"))
    expect(await thrown(handler({ ...event, expiresAt: "tomorrow" }))).toMatchObject({ name: "InvalidInputError" })
  })

  it("maps a defect to InternalDefectError", async () => {
    const { handler } = handlerWith(() => Effect.die(new TypeError("x is undefined")))
    expect(await thrown(handler(event))).toMatchObject({ name: "InternalDefectError", message: "TypeError: x is undefined" })
  })

  it("maps a result its own Schema rejects to InternalDefectError", async () => {
    const { handler } = handlerWith(() => Effect.succeed({ fileId: 7 } as unknown as ThumbnailTaskResult))
    expect(await thrown(handler(event))).toMatchObject({ name: "InternalDefectError" })
  })
})

describe("task failure causes", () => {
  it("reads the message out of a Lambda error Cause and passes plain causes through", () => {
    const error = new Error("truncated JPEG")
    error.name = "CorruptMediaError"
    const cause = lambdaErrorCause(error)
    expect(JSON.parse(cause)).toMatchObject({ errorType: "CorruptMediaError", errorMessage: "truncated JPEG" })
    expect(taskErrorMessage(cause)).toBe("truncated JPEG")
    expect(taskErrorMessage("The conditional request failed")).toBe("The conditional request failed")
    expect(taskErrorMessage('{"other":1}')).toBe('{"other":1}')
  })
})
