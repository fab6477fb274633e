/**
 * The enhancement state machine run in-process by the LocalExecutor against
 * dynalite: the Parallel of the photo and video Maps, retries and Catch paths
 * from the error table with injected failures, the DynamoDB-integration
 * recorders, and the job marked complete.
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb"
import {
  type EnhancementJobInput,
  type EnhancementKind,
  ErrorTable,
  Keys,
  PhotoEnhanceTaskEvent,
  PhotoEnhanceTaskResult,
  type ErrorTag
} from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { enhancementPipeline, EnhancementStates, taskErrorMessage } from "@curator/orchestration"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalExecutor, zeroRetryIntervals, type ExecutionOutcome, type TaskHandler } from "../src/LocalExecutor.js"
import { TABLE, getRecord, injectedMessage, putRecord, startDynamo, withInjectedFailures } from "./support.js"

const definition = enhancementPipeline({
  photoFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-enhancement",
  videoFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-video",
  tableName: TABLE
})
const SESSION = "s1"
const EXPIRES_AT = 2_000_000_000

let dynamo: Awaited<ReturnType<typeof startDynamo>>
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.stop())

/** Writes a done item record with one round, as the workers' append does. */
const putDone = (event: PhotoEnhanceTaskEvent, kind: EnhancementKind) =>
  dynamo.client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        PK: { S: Keys.pk(event.sessionId) },
        SK: { S: Keys.enhanceItem(event.jobId, event.fileId) },
        fileId: { S: event.fileId },
        kind: { S: kind },
        status: { S: "done" },
        currentRound: { N: "0" },
        rounds: { L: [{ M: { round: { N: "0" }, outputKey: { S: `${event.sessionId}/enhanced/${event.fileId}` } } }] },
        expiresAt: { N: String(event.expiresAt) }
      }
    })
  )

/** A worker handler (real adapter) for one kind, with injected failures and an optional gate before it succeeds. */
const worker = (kind: EnhancementKind, plan: (fileId: string) => { tag: ErrorTag; failures: number } | undefined, gate?: (fileId: string) => Promise<void>) =>
  withInjectedFailures({
    event: PhotoEnhanceTaskEvent,
    result: PhotoEnhanceTaskResult,
    keyOf: (input) => (input as PhotoEnhanceTaskEvent).fileId,
    plan,
    succeed: async (event) => {
      await gate?.(event.fileId)
      await putDone(event, kind)
      return { fileId: event.fileId, round: event.round, outputKey: `${event.sessionId}/enhanced/${event.fileId}` }
    }
  })

const target = (fileId: string) => ({ fileId, key: `${SESSION}/original/${fileId}`, fileName: fileId, feedback: null, round: 0 })
const jobInput = (jobId: string, photos: ReadonlyArray<string>, videos: ReadonlyArray<string>): EnhancementJobInput => ({
  sessionId: SESSION,
  jobId,
  expiresAt: EXPIRES_AT,
  photos: photos.map(target),
  videos: videos.map(target)
})
const createJob = (jobId: string, status = "running") =>
  putRecord(dynamo.client, Keys.pk(SESSION), Keys.enhanceJob(jobId), {
    jobId,
    status,
    photoCount: 0,
    videoCount: 0,
    startedAt: "2025-06-01T12:00:00.000Z",
    expiresAt: EXPIRES_AT
  })

const run = (handlers: Record<string, TaskHandler>, input: EnhancementJobInput) =>
  runWith(
    Effect.gen(function* () {
      const executor = yield* LocalExecutor
      return yield* executor.run("enhancement", input.jobId, input)
    }),
    LocalExecutor.layer({ machines: { enhancement: { definition, handlers } }, dynamoDb: dynamo.client, retryIntervalOverrides: zeroRetryIntervals(definition) })
  )
const item = (jobId: string, fileId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.enhanceItem(jobId, fileId))
const job = (jobId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.enhanceJob(jobId))
const maxAttempts = (tag: ErrorTag) => {
  const entry = ErrorTable[tag]
  return entry.kind === "retry" ? entry.retry.maxAttempts : 0
}

describe("enhancement state machine: photos and videos in parallel, failures recorded per item", () => {
  const jobId = "enh-1"
  const photoPlans = new Map([
    ["p-retry", { tag: "StoreThrottledError" as const, failures: 1 }],
    ["p-corrupt", { tag: "CorruptMediaError" as const, failures: 1 }],
    ["p-always", { tag: "MediaToolTimeoutError" as const, failures: Number.MAX_SAFE_INTEGER }],
    // Raised around the function, as Step Functions does when a Task runs past its TimeoutSeconds.
    ["p-timeout", { tag: "States.Timeout" as ErrorTag, failures: Number.MAX_SAFE_INTEGER }]
  ])
  const videoPlans = new Map([["v-large", { tag: "MediaTooLargeError" as const, failures: 1 }]])
  let outcome: ExecutionOutcome
  let photos: ReturnType<typeof worker>
  let videos: ReturnType<typeof worker>

  beforeAll(async () => {
    await createJob(jobId)
    // Each branch's first clean item waits until the other branch's has started: only a real Parallel finishes.
    const started = { photo: Promise.withResolvers<void>(), video: Promise.withResolvers<void>() }
    photos = worker("photo", (f) => photoPlans.get(f), async (f) => {
      if (f !== "p-ok") return
      started.photo.resolve()
      await started.video.promise
    })
    videos = worker("video", (f) => videoPlans.get(f), async (f) => {
      if (f !== "v-ok") return
      started.video.resolve()
      await started.photo.promise
    })
    outcome = await run(
      { [EnhancementStates.enhancePhoto]: photos.handler, [EnhancementStates.enhanceVideo]: videos.handler },
      jobInput(jobId, ["p-ok", ...photoPlans.keys()], ["v-ok", ...videoPlans.keys()])
    )
  })

  it("succeeds and marks the job complete", async () => {
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await job(jobId)).toMatchObject({ status: "complete", jobId })
  })

  it("runs the photo and video of each branch side by side and records them done with their kinds", async () => {
    expect(await item(jobId, "p-ok")).toMatchObject({ status: "done", kind: "photo" })
    expect(await item(jobId, "v-ok")).toMatchObject({ status: "done", kind: "video" })
  })

  it("retries a retryable error and the item succeeds", async () => {
    expect(photos.attempts.get("p-retry")).toBe(2)
    expect(await item(jobId, "p-retry")).toMatchObject({ status: "done", kind: "photo" })
  })

  it.each([
    ["p-always", "MediaToolTimeoutError"],
    ["p-timeout", "States.Timeout"]
  ] as const)("retries %s's %s up to the table's MaxAttempts, then records the item failed", async (fileId, tag) => {
    expect(photos.attempts.get(fileId)).toBe(maxAttempts(tag) + 1)
    expect(await item(jobId, fileId)).toMatchObject({ status: "failed", errorTag: tag, kind: "photo" })
  })

  it.each([
    ["p-corrupt", "CorruptMediaError", "photo", () => photos],
    ["v-large", "MediaTooLargeError", "video", () => videos]
  ] as const)("records terminal %s (%s) failed once, with its kind and an empty history", async (fileId, tag, kind, handlers) => {
    expect(handlers().attempts.get(fileId)).toBe(1)
    const record = await item(jobId, fileId)
    expect(record).toMatchObject({ status: "failed", errorTag: tag, kind, fileId, currentRound: -1, expiresAt: EXPIRES_AT, rounds: { L: [] } })
    expect(taskErrorMessage(String(record?.errorMessage))).toBe(injectedMessage(tag))
  })
})

describe("enhancement recorders", () => {
  it("never lets a failed video land in a photo's slot, and the run still completes", async () => {
    const jobId = "enh-clash"
    await createJob(jobId)
    await putDone({ sessionId: SESSION, jobId, expiresAt: EXPIRES_AT, fileId: "x", key: "k", fileName: "x", feedback: null, round: 0 }, "photo")
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.enhanceItem(jobId, "y"), { fileId: "y", kind: "photo", status: "processing", expiresAt: EXPIRES_AT })
    const outcome = await run(
      {
        [EnhancementStates.enhancePhoto]: worker("photo", () => undefined).handler,
        [EnhancementStates.enhanceVideo]: worker("video", () => ({ tag: "CorruptMediaError", failures: 1 })).handler
      },
      jobInput(jobId, [], ["x", "y"])
    )
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await item(jobId, "x")).toMatchObject({ kind: "photo", status: "done" })
    expect(await item(jobId, "y")).toMatchObject({ kind: "photo", status: "processing" })
    expect(await job(jobId)).toMatchObject({ status: "complete" })
  })

  it("stamps the completed job's finishedAt with the instant MarkJobComplete was entered ($$.State.EnteredTime)", async () => {
    const jobId = "enh-finished"
    await createJob(jobId)
    const photo = worker("photo", () => undefined).handler
    let itemsDoneAt = ""
    const outcome = await run(
      {
        [EnhancementStates.enhancePhoto]: async (event) => {
          const result = await photo(event)
          itemsDoneAt = new Date().toISOString()
          return result
        },
        [EnhancementStates.enhanceVideo]: worker("video", () => undefined).handler
      },
      jobInput(jobId, ["a"], [])
    )
    const ranUntil = new Date().toISOString()
    expect(outcome.status).toBe("SUCCEEDED")
    const record = await job(jobId)
    expect(record).toMatchObject({ status: "complete" })
    const finishedAt = String(record?.finishedAt)
    expect(finishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // After the last item ended (so not the execution's start time), before the run returned. ISO strings sort by time.
    expect(finishedAt >= itemsDoneAt).toBe(true)
    expect(finishedAt <= ranUntil).toBe(true)
  })

  it("leaves a job that is no longer running as it is (a feedback round's execution, or a reconciled job)", async () => {
    const jobId = "enh-settled"
    await createJob(jobId, "failed")
    const outcome = await run(
      { [EnhancementStates.enhancePhoto]: worker("photo", () => undefined).handler, [EnhancementStates.enhanceVideo]: worker("video", () => undefined).handler },
      jobInput(jobId, ["a"], [])
    )
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await job(jobId)).toMatchObject({ status: "failed" })
    expect((await job(jobId))?.finishedAt).toBeUndefined()
    expect(await item(jobId, "a")).toMatchObject({ status: "done" })
  })
})
