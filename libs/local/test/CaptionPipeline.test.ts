/**
 * The caption state machine run in-process by the LocalExecutor against
 * dynalite with a stub caption task (the real task adapter): retries from the
 * error table, and the Catch recording the caption job failed through the
 * DynamoDB integration — only for the execution's own running round.
 */
import { CaptionTaskEvent, CaptionTaskResult, type CaptionJobInput, captionExecutionName, ErrorTable, Keys, type ErrorTag } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { captionPipeline, CaptionStates, taskErrorMessage } from "@curator/orchestration"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalExecutor, zeroRetryIntervals } from "../src/LocalExecutor.js"
import { TABLE, getRecord, injectedMessage, putRecord, startDynamo, withInjectedFailures } from "./support.js"

const definition = captionPipeline({ captionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-caption", tableName: TABLE })
const SESSION = "s1"
const EXPIRES_AT = 2_000_000_000

let dynamo: Awaited<ReturnType<typeof startDynamo>>
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.stop())

const input = (jobId: string, round = 0): CaptionJobInput => ({
  sessionId: SESSION,
  jobId,
  postId: "post-1",
  round,
  feedback: round === 0 ? null : "shorter",
  expiresAt: EXPIRES_AT
})

/** A running caption job record (the API writes it before the start); `execution` names the running round. */
const createJob = (jobId: string, execution: string, extra: Record<string, string> = {}) =>
  putRecord(dynamo.client, Keys.pk(SESSION), Keys.captionJob(jobId), {
    jobId,
    postId: "post-1",
    status: "running",
    execution,
    startedAt: "2026-11-30T12:00:00.000Z",
    expiresAt: EXPIRES_AT,
    ...extra
  })

/** The stub caption task: the real adapter, injected failures per job, a success that marks the record complete. */
const captionHandler = (plan: (jobId: string) => { tag: ErrorTag; failures: number } | undefined) => {
  const events: Array<CaptionTaskEvent> = []
  const made = withInjectedFailures({
    event: CaptionTaskEvent,
    result: CaptionTaskResult,
    keyOf: (event) => (event as CaptionTaskEvent).jobId,
    plan,
    succeed: async (event) => {
      events.push(event)
      await putRecord(dynamo.client, Keys.pk(SESSION), Keys.captionJob(event.jobId), {
        jobId: event.jobId,
        postId: event.postId,
        status: "complete",
        execution: captionExecutionName(event),
        expiresAt: event.expiresAt
      })
      return { jobId: event.jobId, round: event.round }
    }
  })
  return { ...made, events }
}

const run = (handler: (input: unknown) => Promise<unknown>, jobInput: CaptionJobInput) =>
  runWith(
    LocalExecutor.use((executor) => executor.run("caption", captionExecutionName(jobInput), jobInput)),
    LocalExecutor.layer({
      machines: { caption: { definition, handlers: { [CaptionStates.writeCaption]: handler } } },
      dynamoDb: dynamo.client,
      retryIntervalOverrides: zeroRetryIntervals(definition)
    })
  )
const job = (jobId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.captionJob(jobId))
const maxAttempts = (tag: ErrorTag) => {
  const entry = ErrorTable[tag]
  return entry.kind === "retry" ? entry.retry.maxAttempts : 0
}

describe("caption state machine", () => {
  it("hands the task exactly the CaptionTaskEvent and ends with its result", async () => {
    await createJob("cap-ok", "cap-ok")
    const caption = captionHandler(() => undefined)
    const outcome = await run(caption.handler, input("cap-ok"))
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { jobId: "cap-ok", round: 0 } })
    expect(caption.events).toEqual([input("cap-ok")])
    expect(await job("cap-ok")).toMatchObject({ status: "complete" })
  })

  it("retries a retryable error (AiRateLimitedError) and the round succeeds", async () => {
    await createJob("cap-retry", "cap-retry")
    const caption = captionHandler(() => ({ tag: "AiRateLimitedError", failures: 2 }))
    const outcome = await run(caption.handler, input("cap-retry"))
    expect(outcome.status).toBe("SUCCEEDED")
    expect(caption.attempts.get("cap-retry")).toBe(3)
  })

  it.each([
    ["AiRefusedError", "terminal"],
    ["AiUnavailableError", "retried out"]
  ] as const)("records the feedback round failed on %s (%s): error, finishedAt, no pending feedback; the execution fails", async (tag, _how) => {
    const jobId = `cap-${tag}`
    const jobInput = input(jobId, 1)
    await createJob(jobId, captionExecutionName(jobInput), { pendingFeedback: "shorter" })
    const caption = captionHandler(() => ({ tag, failures: Number.MAX_SAFE_INTEGER }))
    const outcome = await run(caption.handler, jobInput)
    expect(caption.attempts.get(jobId)).toBe(maxAttempts(tag) + 1)
    expect(outcome).toMatchObject({ status: "FAILED", error: tag })
    const record = await job(jobId)
    expect(record).toMatchObject({ status: "failed", errorTag: tag, pendingFeedback: null, execution: `${jobId}-r1` })
    expect(taskErrorMessage(String(record?.errorMessage))).toBe(injectedMessage(tag))
    expect(String(record?.finishedAt)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  it("leaves a job alone whose running round is another execution's (or that is no longer running)", async () => {
    // Reconciled and restarted: the record now names round 2, while this (round 1) execution's Catch fires late.
    await createJob("cap-newer", "cap-newer-r2", { pendingFeedback: "more casual" })
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.captionJob("cap-done"), { jobId: "cap-done", status: "complete", execution: "cap-done", expiresAt: EXPIRES_AT })
    const caption = captionHandler(() => ({ tag: "AiBadResponseError", failures: 1 }))
    const [newer, done] = [await run(caption.handler, input("cap-newer", 1)), await run(caption.handler, input("cap-done"))]
    expect(newer).toMatchObject({ status: "FAILED", error: "AiBadResponseError" })
    expect(done).toMatchObject({ status: "FAILED", error: "AiBadResponseError" })
    expect(await job("cap-newer")).toMatchObject({ status: "running", execution: "cap-newer-r2", pendingFeedback: "more casual" })
    expect((await job("cap-newer"))?.errorTag).toBeUndefined()
    expect(await job("cap-done")).toMatchObject({ status: "complete" })
  })

  it("never creates a partial record for a job that does not exist", async () => {
    const caption = captionHandler(() => ({ tag: "AiRefusedError", failures: 1 }))
    const outcome = await run(caption.handler, input("cap-missing"))
    expect(outcome).toMatchObject({ status: "FAILED", error: "AiRefusedError" })
    expect(await job("cap-missing")).toBeUndefined()
  })
})
