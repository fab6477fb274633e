import {
  ErrorTable,
  Keys,
  SelectionTaskEvent,
  SelectionTaskResult,
  ThumbnailTaskEvent,
  ThumbnailTaskResult,
  errorTags,
  retryableTags,
  type ErrorTag,
  type SelectionJobInput
} from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { THUMBNAIL_MAX_CONCURRENCY, SelectionStates, selectionPipeline, taskErrorMessage } from "@curator/orchestration"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalExecutor, zeroRetryIntervals, type ExecutionOutcome, type TaskHandler } from "../src/LocalExecutor.js"
import { TABLE, getRecord, injectedMessage, putRecord, startDynamo, withInjectedFailures } from "./support.js"

const definition = selectionPipeline({
  thumbnailFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-thumbnail",
  selectionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-selection",
  tableName: TABLE
})
const SESSION = "s1"
const EXPIRES_AT = 2_000_000_000

let dynamo: Awaited<ReturnType<typeof startDynamo>>
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.stop())

const maxAttempts = (tag: ErrorTag) => {
  const entry = ErrorTable[tag]
  return entry.kind === "retry" ? entry.retry.maxAttempts : 0
}

/** A thumbnail handler (real adapter) that writes the `done` item record like the worker does, with injected failures. */
const thumbnailHandler = (plan: (fileId: string) => { tag: ErrorTag; failures: number } | undefined) =>
  withInjectedFailures({
    event: ThumbnailTaskEvent,
    result: ThumbnailTaskResult,
    keyOf: (input) => (input as ThumbnailTaskEvent).fileId,
    plan,
    succeed: async (event) => {
      await putRecord(dynamo.client, Keys.pk(event.sessionId), Keys.selectionItem(event.jobId, event.fileId), {
        fileId: event.fileId,
        status: "done",
        expiresAt: event.expiresAt
      })
      return { fileId: event.fileId, thumbnailKey: `${event.sessionId}/thumb/${event.fileId}.jpg` }
    }
  })

/** A selection handler (real adapter) recording the events it was given. */
const selectionHandler = (plan: (jobId: string) => { tag: ErrorTag; failures: number } | undefined) => {
  const events: Array<SelectionTaskEvent> = []
  const made = withInjectedFailures({
    event: SelectionTaskEvent,
    result: SelectionTaskResult,
    keyOf: (input) => (input as SelectionTaskEvent).jobId,
    plan,
    succeed: async (event) => {
      events.push(event)
      return { jobId: event.jobId, selectedCount: 1, excludedCount: 0, failedCount: 0, sceneGroupCount: 1 }
    }
  })
  return { ...made, events }
}

const jobInput = (jobId: string, fileIds: ReadonlyArray<string>): SelectionJobInput => ({
  sessionId: SESSION,
  jobId,
  tripContext: "a weekend in Lisbon",
  targetCount: 5,
  expiresAt: EXPIRES_AT,
  files: fileIds.map((fileId) => ({ fileId, key: `${SESSION}/original/${fileId}.jpg`, fileName: `${fileId}.JPG` }))
})

const run = (handlers: Record<string, TaskHandler>, name: string, input: SelectionJobInput) =>
  runWith(
    Effect.gen(function* () {
      const executor = yield* LocalExecutor
      return yield* executor.run("selection", name, input)
    }),
    LocalExecutor.layer({ machines: { selection: { definition, handlers } }, dynamoDb: dynamo.client, retryIntervalOverrides: zeroRetryIntervals(definition) })
  )

const itemRecord = (jobId: string, fileId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.selectionItem(jobId, fileId))
const jobRecord = (jobId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.selectionJob(jobId))

describe("selection state machine, thumbnail failures of every tag", () => {
  // One run: per tag a file failing once; per retryable tag a file failing forever; three clean files.
  const once = errorTags().map((tag) => ({ fileId: `once-${tag}`, tag, failures: 1 }))
  const always = retryableTags().map((tag) => ({ fileId: `always-${tag}`, tag, failures: Number.MAX_SAFE_INTEGER }))
  const plans = new Map([...once, ...always].map((p) => [p.fileId, p]))
  const clean = ["ok-1", "ok-2", "ok-3"]
  const fileIds = [...plans.keys(), ...clean]
  const jobId = "job-items"

  let outcome: ExecutionOutcome
  let attempts: Map<string, number>
  let selectionEvents: Array<SelectionTaskEvent>
  let maxInFlight = 0

  beforeAll(async () => {
    const thumbnail = thumbnailHandler((fileId) => plans.get(fileId))
    const selection = selectionHandler(() => undefined)
    let inFlight = 0
    const counted: TaskHandler = async (input) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        // Yield to the event loop so the Map can start every iteration it is allowed to.
        await new Promise((resolve) => setImmediate(resolve))
        return await thumbnail.handler(input)
      } finally {
        inFlight--
      }
    }
    outcome = await run({ [SelectionStates.makeThumbnail]: counted, [SelectionStates.selectMedia]: selection.handler }, jobId, jobInput(jobId, fileIds))
    attempts = thumbnail.attempts
    selectionEvents = selection.events
  })

  it("completes the run and hands the selection task its event once", () => {
    expect(outcome.status).toBe("SUCCEEDED")
    expect(selectionEvents).toEqual([{ sessionId: SESSION, jobId, expiresAt: EXPIRES_AT, tripContext: "a weekend in Lisbon", targetCount: 5 }])
  })

  it("honours MaxConcurrency", () => {
    expect(fileIds.length).toBeGreaterThan(THUMBNAIL_MAX_CONCURRENCY)
    expect(maxInFlight).toBe(THUMBNAIL_MAX_CONCURRENCY)
  })

  it.each(once.filter((p) => ErrorTable[p.tag].kind === "retry"))("retries $tag once and the item succeeds", async ({ fileId }) => {
    expect(attempts.get(fileId)).toBe(2)
    expect(await itemRecord(jobId, fileId)).toMatchObject({ status: "done", fileId })
  })

  it.each(once.filter((p) => ErrorTable[p.tag].kind === "terminal"))("records terminal $tag as a failed item, never retried", async ({ fileId, tag }) => {
    expect(attempts.get(fileId)).toBe(1)
    const record = await itemRecord(jobId, fileId)
    expect(record).toMatchObject({ status: "failed", fileId, errorTag: tag, expiresAt: EXPIRES_AT, item: null, thumbnailKey: null })
    expect(taskErrorMessage(String(record?.errorMessage))).toBe(injectedMessage(tag))
  })

  it.each(always)("retries $tag up to the table's MaxAttempts, then records the item failed", async ({ fileId, tag }) => {
    expect(attempts.get(fileId)).toBe(maxAttempts(tag) + 1)
    expect(await itemRecord(jobId, fileId)).toMatchObject({ status: "failed", errorTag: tag })
  })

  it.each(clean)("processes clean file %s once", async (fileId) => {
    expect(attempts.get(fileId)).toBe(1)
    expect(await itemRecord(jobId, fileId)).toMatchObject({ status: "done" })
  })
})

describe("selection state machine, selection failures of every tag", () => {
  it.each(errorTags())("%s failing once", async (tag) => {
    const jobId = `job-select-${tag}`
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.selectionJob(jobId), { jobId, status: "running", expiresAt: EXPIRES_AT })
    const thumbnail = thumbnailHandler(() => undefined)
    const selection = selectionHandler(() => ({ tag, failures: 1 }))
    const outcome = await run(
      { [SelectionStates.makeThumbnail]: thumbnail.handler, [SelectionStates.selectMedia]: selection.handler },
      jobId,
      jobInput(jobId, ["a"])
    )
    const record = await jobRecord(jobId)
    if (ErrorTable[tag].kind === "retry") {
      expect(outcome.status).toBe("SUCCEEDED")
      expect(selection.attempts.get(jobId)).toBe(2)
      expect(record).toMatchObject({ status: "running" })
    } else {
      expect(selection.attempts.get(jobId)).toBe(1)
      expect(outcome).toMatchObject({ status: "FAILED", error: tag })
      expect(outcome.status === "FAILED" && taskErrorMessage(outcome.cause)).toBe(injectedMessage(tag))
      expect(record).toMatchObject({ status: "failed", errorTag: tag })
      expect(taskErrorMessage(String(record?.errorMessage))).toBe(injectedMessage(tag))
      // RecordJobFailed stamps finishedAt from $$.State.EnteredTime (the local context provides it).
      expect(String(record?.finishedAt)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
  })
})

describe("failure recorders never overwrite a finished record", () => {
  it("leaves a done item done when its task then fails, and the run still completes", async () => {
    const jobId = "job-done-kept"
    // A worker wrote `done`, then its invocation failed (e.g. its response was lost).
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.selectionItem(jobId, "x"), { fileId: "x", status: "done", expiresAt: EXPIRES_AT })
    const thumbnail = thumbnailHandler(() => ({ tag: "CorruptMediaError", failures: 1 }))
    const selection = selectionHandler(() => undefined)
    const outcome = await run(
      { [SelectionStates.makeThumbnail]: thumbnail.handler, [SelectionStates.selectMedia]: selection.handler },
      jobId,
      jobInput(jobId, ["x"])
    )
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await itemRecord(jobId, "x")).toEqual({ PK: Keys.pk(SESSION), SK: Keys.selectionItem(jobId, "x"), fileId: "x", status: "done", expiresAt: EXPIRES_AT })
  })

  it("leaves a complete job complete and still fails the execution with the task's error", async () => {
    const jobId = "job-complete-kept"
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.selectionJob(jobId), { jobId, status: "complete", expiresAt: EXPIRES_AT })
    const thumbnail = thumbnailHandler(() => undefined)
    const selection = selectionHandler(() => ({ tag: "AiRefusedError", failures: 1 }))
    const outcome = await run(
      { [SelectionStates.makeThumbnail]: thumbnail.handler, [SelectionStates.selectMedia]: selection.handler },
      jobId,
      jobInput(jobId, ["y"])
    )
    expect(outcome).toMatchObject({ status: "FAILED", error: "AiRefusedError" })
    expect(await jobRecord(jobId)).toMatchObject({ status: "complete" })
  })
})

describe("binding", () => {
  it("refuses a definition with an unbound Lambda Task", async () => {
    await expect(run({ [SelectionStates.makeThumbnail]: async () => null }, "job-unbound", jobInput("job-unbound", []))).rejects.toThrow(
      /no local handler for Task state SelectMedia/
    )
  })
})
