import { type CaptionJobInput, type DownloadJobInput, type SelectionJobInput } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { ExecutionAlreadyExistsError } from "@curator/contracts"
import { CaptionStates, captionPipeline, DownloadStates, downloadPipeline, Orchestrator, SelectionStates, selectionPipeline } from "@curator/orchestration"
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

describe("LocalOrchestrator: caption and download machines", () => {
  const caption = captionPipeline({ captionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-caption", tableName: TABLE })
  const download = downloadPipeline({ bundleFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-bundle", tableName: TABLE })
  const captionInput = (round: number): CaptionJobInput => ({
    sessionId: "s1",
    jobId: "capjob",
    postId: "p1",
    round,
    feedback: round === 0 ? null : "shorter",
    expiresAt: 2_000_000_000
  })
  const downloadInput: DownloadJobInput = {
    sessionId: "s1",
    jobId: "dljob",
    expiresAt: 2_000_000_000,
    keepGps: true,
    bundleBytes: 1024 * 1024,
    posts: [{ postId: "p1" }, { postId: "p2" }]
  }

  it("runs caption rounds under captionExecutionName and a download under its job id, each on its own machine", async () => {
    const captionEvents: Array<unknown> = []
    const bundleEvents: Array<unknown> = []
    const result = await runWith(
      Effect.gen(function* () {
        const orchestrator = yield* Orchestrator
        const local = yield* LocalOrchestrator
        yield* orchestrator.startCaption(captionInput(0))
        yield* orchestrator.startCaption(captionInput(1))
        yield* orchestrator.startDownload(downloadInput)
        const outcomes = yield* Effect.all([local.awaitCompletion("capjob"), local.awaitCompletion("capjob-r1"), local.awaitCompletion("dljob")])
        const repeat = yield* Effect.flip(orchestrator.startCaption(captionInput(1)))
        return { outcomes, repeat }
      }),
      LocalOrchestrator.layer({
        machines: {
          caption: {
            definition: caption,
            handlers: {
              [CaptionStates.writeCaption]: async (event) => {
                captionEvents.push(event)
                const { jobId, round } = event as CaptionJobInput
                return { jobId, round }
              }
            }
          },
          download: {
            definition: download,
            handlers: {
              [DownloadStates.bundlePost]: async (event) => {
                bundleEvents.push(event)
                return { postId: (event as { postId: string }).postId, bundles: [] }
              }
            }
          }
        },
        dynamoDb: dynamo.client,
        retryIntervalOverrides: zeroRetryIntervals(caption, download)
      })
    )
    // The download's MarkDownloadComplete finds no running job record: the run still succeeds (already settled).
    expect(result.outcomes).toEqual([{ status: "SUCCEEDED" }, { status: "SUCCEEDED" }, { status: "SUCCEEDED" }])
    expect(result.repeat).toBeInstanceOf(ExecutionAlreadyExistsError)
    expect(captionEvents).toEqual([captionInput(0), captionInput(1)])
    expect(bundleEvents.map((e) => (e as { postId: string }).postId).sort()).toEqual(["p1", "p2"])
  })

  it("refuses to start a machine the stack was not given", async () => {
    const error = await runWith(
      Effect.flip(Orchestrator.use((o) => o.startDownload(downloadInput))),
      LocalOrchestrator.layer({ machines: { selection: { definition, handlers: gatedHandlers().handlers } }, dynamoDb: dynamo.client })
    )
    expect(error).toMatchObject({ _tag: "OrchestratorUnavailableError", message: expect.stringContaining("download") })
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

  it("asks about a job's named execution (a caption round) instead of its job id", async () => {
    const { handlers, release } = gatedHandlers()
    const failed: Array<RunningJob> = []
    // The live execution is named "job-round"; the job whose running round it is has another id.
    const running: ReadonlyArray<RunningJob> = [
      { sessionId: "s1", jobId: "caption-job", execution: "job-round" },
      { sessionId: "s1", jobId: "job-round", execution: "caption-job-r3" }
    ]
    const interrupted = await runWith(
      Effect.gen(function* () {
        yield* Orchestrator.use((o) => o.startSelection(input("job-round")))
        const result = yield* reconcileInterruptedJobs({
          listRunning: Effect.succeed(running),
          fail: (job: RunningJob) => Effect.sync(() => void failed.push(job))
        })
        release()
        return result
      }),
      layerWith(handlers)
    )
    expect(interrupted).toEqual([running[1]])
    expect(failed).toEqual([running[1]])
  })
})
