import { type SelectionJobInput } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { ExecutionAlreadyExistsError } from "@curator/contracts"
import { Orchestrator, SelectionStates, selectionPipeline } from "@curator/orchestration"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { zeroRetryIntervals } from "../src/LocalExecutor.js"
import { LocalOrchestrator } from "../src/LocalOrchestrator.js"
import { interruptedJobFailure, reconcileInterruptedJobs, type JobFailure, type RunningJob } from "../src/reconcile.js"
import { TABLE, startDynamo } from "./support.js"

const definition = selectionPipeline({
  thumbnailFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-thumbnail",
  selectionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-selection",
  tableName: TABLE
})

let dynamo: Awaited<ReturnType<typeof startDynamo>>
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.stop())

const input = (jobId: string, fileIds: ReadonlyArray<string> = ["a", "b"]): SelectionJobInput => ({
  sessionId: "s1",
  jobId,
  tripContext: "",
  targetCount: 3,
  expiresAt: 2_000_000_000,
  files: fileIds.map((fileId) => ({ fileId, key: `s1/original/${fileId}.jpg`, fileName: `${fileId}.jpg` }))
})

/** Handlers whose thumbnail calls wait for `release()`, counting calls. */
const gatedHandlers = () => {
  const calls = { thumbnail: 0, selection: 0 }
  const { promise: gate, resolve: release } = Promise.withResolvers<void>()
  const handlers = {
    [SelectionStates.makeThumbnail]: async (event: unknown) => {
      calls.thumbnail++
      await gate
      const { fileId, sessionId } = event as { fileId: string; sessionId: string }
      return { fileId, thumbnailKey: `${sessionId}/thumb/${fileId}.jpg` }
    },
    [SelectionStates.selectMedia]: async (event: unknown) => {
      calls.selection++
      return { jobId: (event as { jobId: string }).jobId, selectedCount: 0, excludedCount: 0, failedCount: 0, sceneGroupCount: 0 }
    }
  }
  return { handlers, calls, release }
}

const layerWith = (handlers: ReturnType<typeof gatedHandlers>["handlers"]) =>
  LocalOrchestrator.layer({ machines: { selection: { definition, handlers } }, dynamoDb: dynamo.client, retryIntervalOverrides: zeroRetryIntervals(definition) })

describe("LocalOrchestrator", () => {
  it("treats a repeated start of a running execution with the same input as harmless, and refuses reuse otherwise", async () => {
    const { handlers, calls, release } = gatedHandlers()
    const result = await runWith(
      Effect.gen(function* () {
        const orchestrator = yield* Orchestrator
        const local = yield* LocalOrchestrator
        yield* orchestrator.startSelection(input("job-1"))
        yield* orchestrator.startSelection(input("job-1"))
        const whileRunning = yield* orchestrator.describe("job-1")
        const differentInput = yield* Effect.flip(orchestrator.startSelection(input("job-1", ["c"])))
        release()
        const finished = yield* local.awaitCompletion("job-1")
        const afterEnd = yield* Effect.flip(orchestrator.startSelection(input("job-1")))
        const unknown = yield* orchestrator.describe("job-never-started")
        return { whileRunning, differentInput, finished, afterEnd, unknown, described: yield* orchestrator.describe("job-1") }
      }),
      layerWith(handlers)
    )
    expect(result.whileRunning).toEqual({ status: "RUNNING" })
    expect(result.differentInput).toBeInstanceOf(ExecutionAlreadyExistsError)
    expect(result.finished).toEqual({ status: "SUCCEEDED" })
    expect(result.described).toEqual({ status: "SUCCEEDED" })
    expect(result.afterEnd).toBeInstanceOf(ExecutionAlreadyExistsError)
    expect(result.unknown).toEqual({ status: "UNKNOWN" })
    // Two files, one execution: each thumbnail ran once, the selection once.
    expect(calls).toEqual({ thumbnail: 2, selection: 1 })
  })

  it("reports a failed execution with the task's error name", async () => {
    const handlers = {
      [SelectionStates.makeThumbnail]: async () => ({ fileId: "a", thumbnailKey: "s1/thumb/a.jpg" }),
      [SelectionStates.selectMedia]: async () => {
        const error = new Error("no candidates")
        error.name = "AiBadResponseError"
        throw error
      }
    }
    const description = await runWith(
      Effect.gen(function* () {
        const local = yield* LocalOrchestrator
        yield* local.startSelection(input("job-fail", ["a"]))
        return yield* local.awaitCompletion("job-fail")
      }),
      LocalOrchestrator.layer({ machines: { selection: { definition, handlers } }, dynamoDb: dynamo.client, retryIntervalOverrides: zeroRetryIntervals(definition) })
    )
    expect(description).toMatchObject({ status: "FAILED", error: "AiBadResponseError" })
  })
})

describe("reconcileInterruptedJobs", () => {
  it("fails every running job without a live execution and leaves live ones alone", async () => {
    const { handlers, release } = gatedHandlers()
    const failed: Array<{ job: RunningJob; failure: JobFailure }> = []
    const running: ReadonlyArray<RunningJob> = [
      { sessionId: "s1", jobId: "job-live" },
      { sessionId: "s1", jobId: "job-left-by-a-stopped-process" }
    ]
    const store = {
      listRunning: Effect.succeed(running),
      fail: (job: RunningJob, failure: JobFailure) => Effect.sync(() => void failed.push({ job, failure }))
    }
    const interrupted = await runWith(
      Effect.gen(function* () {
        const orchestrator = yield* Orchestrator
        yield* orchestrator.startSelection(input("job-live"))
        const result = yield* reconcileInterruptedJobs(store)
        release()
        return result
      }),
      layerWith(handlers)
    )
    expect(interrupted).toEqual([{ sessionId: "s1", jobId: "job-left-by-a-stopped-process" }])
    expect(failed).toEqual([{ job: { sessionId: "s1", jobId: "job-left-by-a-stopped-process" }, failure: interruptedJobFailure }])
    expect(interruptedJobFailure.errorMessage).toMatch(/^interrupted: the local Curator process stopped/)
  })
})
