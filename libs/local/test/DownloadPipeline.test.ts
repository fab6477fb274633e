/**
 * The download state machine run in-process by the LocalExecutor against
 * dynalite with a stub bundle task (the real task adapter): the Map over the
 * posts (at most two at a time), retries from the error table, a failing post
 * recorded failed while the others complete, and the job marked complete.
 */
import { BundleTaskEvent, BundleTaskResult, type DownloadJobInput, ErrorTable, Keys, type ErrorTag } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { BUNDLE_MAX_CONCURRENCY, downloadPipeline, DownloadStates, taskErrorMessage } from "@curator/orchestration"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalExecutor, zeroRetryIntervals, type ExecutionOutcome, type TaskHandler } from "../src/LocalExecutor.js"
import { TABLE, getRecord, injectedMessage, putRecord, startDynamo, withInjectedFailures } from "./support.js"

const definition = downloadPipeline({ bundleFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-bundle", tableName: TABLE })
const SESSION = "s1"
const EXPIRES_AT = 2_000_000_000

let dynamo: Awaited<ReturnType<typeof startDynamo>>
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.stop())

const jobInput = (jobId: string, postIds: ReadonlyArray<string>): DownloadJobInput => ({
  sessionId: SESSION,
  jobId,
  expiresAt: EXPIRES_AT,
  keepGps: false,
  bundleBytes: 1024 * 1024,
  posts: postIds.map((postId) => ({ postId }))
})
/** The job record and its post records, as the API writes them before the start. */
const createJob = async (jobId: string, postIds: ReadonlyArray<string>, status = "running") => {
  await putRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadJob(jobId), { jobId, status, startedAt: "2026-11-30T12:00:00.000Z", expiresAt: EXPIRES_AT })
  for (const [index, postId] of postIds.entries()) {
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadPost(jobId, postId), { postId, index, label: postId, status: "pending", expiresAt: EXPIRES_AT })
  }
}

/** The stub bundle task: real adapter, injected failures per post, a success that marks the post done. */
const bundleHandler = (plan: (postId: string) => { tag: ErrorTag; failures: number } | undefined) => {
  const events: Array<BundleTaskEvent> = []
  const made = withInjectedFailures({
    event: BundleTaskEvent,
    result: BundleTaskResult,
    keyOf: (event) => (event as BundleTaskEvent).postId,
    plan,
    succeed: async (event) => {
      events.push(event)
      await putRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadPost(event.jobId, event.postId), {
        postId: event.postId,
        status: "done",
        expiresAt: event.expiresAt
      })
      return { postId: event.postId, bundles: [{ name: `01-${event.postId}`, bytes: 100, entries: ["01-a.jpg"] }] }
    }
  })
  return { ...made, events }
}

const run = (handler: TaskHandler, input: DownloadJobInput) =>
  runWith(
    LocalExecutor.use((executor) => executor.run("download", input.jobId, input)),
    LocalExecutor.layer({
      machines: { download: { definition, handlers: { [DownloadStates.bundlePost]: handler } } },
      dynamoDb: dynamo.client,
      retryIntervalOverrides: zeroRetryIntervals(definition)
    })
  )
const post = (jobId: string, postId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadPost(jobId, postId))
const job = (jobId: string) => getRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadJob(jobId))
const maxAttempts = (tag: ErrorTag) => {
  const entry = ErrorTable[tag]
  return entry.kind === "retry" ? entry.retry.maxAttempts : 0
}

describe("download state machine: posts bundled two at a time, failures recorded per post", () => {
  const jobId = "dl-1"
  const plans = new Map<string, { tag: ErrorTag; failures: number }>([
    ["p-retry", { tag: "StoreThrottledError", failures: 1 }],
    ["p-corrupt", { tag: "CorruptMediaError", failures: 1 }],
    ["p-always", { tag: "MediaToolTimeoutError", failures: Number.MAX_SAFE_INTEGER }]
  ])
  const postIds = ["p-ok", ...plans.keys(), "p-ok-2"]
  let outcome: ExecutionOutcome
  let bundle: ReturnType<typeof bundleHandler>
  let maxInFlight = 0

  beforeAll(async () => {
    await createJob(jobId, postIds)
    bundle = bundleHandler((postId) => plans.get(postId))
    let inFlight = 0
    const counted: TaskHandler = async (input) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        // Yield to the event loop so the Map can start every iteration it is allowed to.
        await new Promise((resolve) => setImmediate(resolve))
        return await bundle.handler(input)
      } finally {
        inFlight--
      }
    }
    outcome = await run(counted, jobInput(jobId, postIds))
  })

  it("succeeds and marks the job complete with finishedAt", async () => {
    expect(outcome.status).toBe("SUCCEEDED")
    const record = await job(jobId)
    expect(record).toMatchObject({ status: "complete" })
    expect(String(record?.finishedAt)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  it("hands each iteration the BundleTaskEvent of its post, at most two at a time", () => {
    expect(maxInFlight).toBe(BUNDLE_MAX_CONCURRENCY)
    expect(bundle.events.find((e) => e.postId === "p-ok")).toEqual({
      sessionId: SESSION,
      jobId,
      expiresAt: EXPIRES_AT,
      keepGps: false,
      bundleBytes: 1024 * 1024,
      postId: "p-ok"
    })
  })

  it.each(["p-ok", "p-ok-2"])("bundles clean post %s once", async (postId) => {
    expect(bundle.attempts.get(postId)).toBe(1)
    expect(await post(jobId, postId)).toMatchObject({ status: "done" })
  })

  it("retries a retryable error and the post succeeds", async () => {
    expect(bundle.attempts.get("p-retry")).toBe(2)
    expect(await post(jobId, "p-retry")).toMatchObject({ status: "done" })
  })

  it("records a terminal failure on the post once, keeping the record's other fields", async () => {
    expect(bundle.attempts.get("p-corrupt")).toBe(1)
    const record = await post(jobId, "p-corrupt")
    expect(record).toMatchObject({ status: "failed", errorTag: "CorruptMediaError", postId: "p-corrupt", label: "p-corrupt", index: 2, expiresAt: EXPIRES_AT })
    expect(taskErrorMessage(String(record?.errorMessage))).toBe(injectedMessage("CorruptMediaError"))
  })

  it("retries a retryable error up to the table's MaxAttempts, then records the post failed", async () => {
    expect(bundle.attempts.get("p-always")).toBe(maxAttempts("MediaToolTimeoutError") + 1)
    expect(await post(jobId, "p-always")).toMatchObject({ status: "failed", errorTag: "MediaToolTimeoutError" })
  })
})

describe("download recorders", () => {
  it("never downgrades a done post, never creates a partial post record, and the run still completes", async () => {
    const jobId = "dl-kept"
    await createJob(jobId, ["done-then-failed"])
    // The task wrote `done`, then its invocation failed (e.g. the response was lost).
    await putRecord(dynamo.client, Keys.pk(SESSION), Keys.downloadPost(jobId, "done-then-failed"), { postId: "done-then-failed", status: "done", expiresAt: EXPIRES_AT })
    const outcome = await run(bundleHandler(() => ({ tag: "NotFoundError", failures: 1 })).handler, jobInput(jobId, ["done-then-failed", "no-record"]))
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await post(jobId, "done-then-failed")).toMatchObject({ status: "done" })
    expect(await post(jobId, "no-record")).toBeUndefined()
    expect(await job(jobId)).toMatchObject({ status: "complete" })
  })

  it("leaves a job that is no longer running as it is (reconciled meanwhile)", async () => {
    const jobId = "dl-settled"
    await createJob(jobId, ["a"], "failed")
    const outcome = await run(bundleHandler(() => undefined).handler, jobInput(jobId, ["a"]))
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await job(jobId)).toMatchObject({ status: "failed" })
    expect((await job(jobId))?.finishedAt).toBeUndefined()
  })

  it("runs an empty list of posts straight to complete", async () => {
    const jobId = "dl-empty"
    await createJob(jobId, [])
    const outcome = await run(bundleHandler(() => undefined).handler, jobInput(jobId, []))
    expect(outcome.status).toBe("SUCCEEDED")
    expect(await job(jobId)).toMatchObject({ status: "complete" })
  })
})
