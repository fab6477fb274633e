/**
 * The Step Functions Orchestrator against a local HTTP server speaking the
 * Step Functions JSON protocol (`@curator/orchestration/sfn-testing`): the
 * request bodies (state machine ARN, execution name, byte-identical input),
 * Standard-workflow naming rules, status mapping, and error classification.
 */
import type { CaptionJobInput, DownloadJobInput, EnhancementJobInput, SelectionJobInput } from "@curator/contracts"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { ConfigProvider, Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { Orchestrator } from "../src/index.js"
import { executionArn, machinesFor, SfnOrchestrator, sfnClient } from "../src/sfn.js"
import { type SfnStandIn, startSfnStandIn } from "../src/testing/SfnStandIn.js"

const SELECTION = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-selection"
const ENHANCEMENT = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-enhancement"
const CAPTION = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-caption"
const DOWNLOAD = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-download"
const MACHINES = { selectionStateMachineArn: SELECTION, enhancementStateMachineArn: ENHANCEMENT, captionStateMachineArn: CAPTION, downloadStateMachineArn: DOWNLOAD }
const JOB = "abcdefghijklmnopqrstuvwxyz"
const FILE = "aaaaaaaaaaaaaaaaaaaaaaaaaa"

const selectionInput: SelectionJobInput = {
  sessionId: "sssssssssssssssssssssssss2",
  jobId: JOB,
  tripContext: "Lisbon \"old town\" — ünïcode",
  targetCount: 12,
  expiresAt: 1_800_000_000,
  files: [{ fileId: FILE, key: `sssssssssssssssssssssssss2/upload/${FILE}`, fileName: "IMG_1.HEIC" }]
}

const enhancementInput = (round: number, attempt?: number): EnhancementJobInput => ({
  sessionId: "sssssssssssssssssssssssss2",
  jobId: "eeeeeeeeeeeeeeeeeeeeeeeeee",
  expiresAt: 1_800_000_000,
  photos: [{ fileId: FILE, key: `sssssssssssssssssssssssss2/upload/${FILE}`, fileName: "IMG_1.HEIC", feedback: round === 0 ? null : "brighter", round }],
  videos: [],
  ...(attempt === undefined ? {} : { attempt })
})

const CAPTION_JOB = "cccccccccccccccccccccccccc"
const captionInput = (round: number): CaptionJobInput => ({
  sessionId: "sssssssssssssssssssssssss2",
  jobId: CAPTION_JOB,
  postId: "pppppppppppppppppppppppppp",
  round,
  feedback: round === 0 ? null : "shorter",
  expiresAt: 1_800_000_000
})

const DOWNLOAD_JOB = "dddddddddddddddddddddddddd"
const downloadInput: DownloadJobInput = {
  sessionId: "sssssssssssssssssssssssss2",
  jobId: DOWNLOAD_JOB,
  expiresAt: 1_800_000_000,
  keepGps: false,
  bundleBytes: 375 * 1024 * 1024,
  posts: [{ postId: "pppppppppppppppppppppppppp" }, { postId: "qqqqqqqqqqqqqqqqqqqqqqqqqq" }]
}

let sfn: SfnStandIn
beforeEach(async () => {
  sfn = await startSfnStandIn({ stateMachineArns: [SELECTION, ENHANCEMENT, CAPTION, DOWNLOAD] })
})
afterEach(() => sfn.close())

const layerFor = (endpoint: string, maxAttempts = 1) =>
  SfnOrchestrator.layer({
    client: sfnClient({ region: "eu-west-1", endpoint, maxAttempts, credentials: { accessKeyId: "test", secretAccessKey: "test" } }),
    ...MACHINES
  })

const run = <A, E>(effect: Effect.Effect<A, E, Orchestrator>, maxAttempts?: number) => runWith(effect, layerFor(sfn.endpoint, maxAttempts))
const exit = <A, E>(effect: Effect.Effect<A, E, Orchestrator>, maxAttempts?: number) => runExit(effect, layerFor(sfn.endpoint, maxAttempts))

describe("executionArn", () => {
  it("turns a state machine ARN into the execution ARN of a name (any partition)", () => {
    expect(executionArn(SELECTION, JOB)).toBe(`arn:aws:states:eu-west-1:123456789012:execution:curator-selection:${JOB}`)
    expect(executionArn("arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m", "n")).toBe("arn:aws-cn:states:cn-north-1:123456789012:execution:m:n")
  })

  it("refuses an ARN that is not a state machine's", () => {
    expect(() => executionArn("arn:aws:lambda:eu-west-1:123456789012:function:f", "n")).toThrow(/not a Step Functions state machine ARN/)
  })
})

describe("SfnOrchestrator: StartExecution", () => {
  it("starts selection with name = job id and the encoded input as a JSON string, over awsJson1_0", async () => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    expect(sfn.requests).toHaveLength(1)
    const [request] = sfn.requests
    expect(request?.target).toBe("AWSStepFunctions.StartExecution")
    expect(request?.contentType).toBe("application/x-amz-json-1.0")
    expect(request?.json.stateMachineArn).toBe(SELECTION)
    expect(request?.json.name).toBe(JOB)
    expect(request?.json.input).toBe(JSON.stringify(selectionInput))
    expect(JSON.parse(request?.json.input)).toEqual(selectionInput)
    expect([...sfn.executions.keys()]).toEqual([executionArn(SELECTION, JOB)])
  })

  it("sends byte-identical input for a repeat, which Step Functions accepts while the execution runs", async () => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    // Same values, different property order in the caller's object: the encoded input is the Schema's order.
    const reordered: SelectionJobInput = { files: selectionInput.files, expiresAt: selectionInput.expiresAt, targetCount: 12, tripContext: selectionInput.tripContext, jobId: JOB, sessionId: selectionInput.sessionId }
    await run(Orchestrator.use((o) => o.startSelection(reordered)))
    expect(sfn.requests).toHaveLength(2)
    expect(sfn.requests[1]?.body).toBe(sfn.requests[0]?.body)
    expect(sfn.executions.size).toBe(1)
  })

  it("fails with ExecutionAlreadyExistsError for a different input under a running name", async () => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    const result = await exit(Orchestrator.use((o) => o.startSelection({ ...selectionInput, targetCount: 13 })))
    expect(failureOf(result)).toMatchObject({ _tag: "ExecutionAlreadyExistsError", message: expect.stringContaining(JOB) })
  })

  it("fails with ExecutionAlreadyExistsError for the same input once the execution has closed", async () => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    sfn.setStatus(SELECTION, JOB, "SUCCEEDED")
    const result = await exit(Orchestrator.use((o) => o.startSelection(selectionInput)))
    expect(failureOf(result)).toMatchObject({ _tag: "ExecutionAlreadyExistsError" })
  })

  it("starts enhancement on the enhancement machine under enhancementExecutionName", async () => {
    await run(
      Orchestrator.use((o) =>
        Effect.gen(function* () {
          yield* o.startEnhancement(enhancementInput(0))
          yield* o.startEnhancement(enhancementInput(2))
          yield* o.startEnhancement(enhancementInput(2, 1))
        })
      )
    )
    expect(sfn.requests.map((r) => [r.json.stateMachineArn, r.json.name])).toEqual([
      [ENHANCEMENT, "eeeeeeeeeeeeeeeeeeeeeeeeee"],
      [ENHANCEMENT, `eeeeeeeeeeeeeeeeeeeeeeeeee-${FILE}-r2`],
      [ENHANCEMENT, `eeeeeeeeeeeeeeeeeeeeeeeeee-${FILE}-r2-a1`]
    ])
    expect(JSON.parse(sfn.requests[2]?.json.input)).toEqual(enhancementInput(2, 1))
  })

  it("starts caption rounds on the caption machine under captionExecutionName, with the encoded input", async () => {
    await run(Orchestrator.use((o) => Effect.all([o.startCaption(captionInput(0)), o.startCaption(captionInput(2))])))
    expect(sfn.requests.map((r) => [r.json.stateMachineArn, r.json.name])).toEqual([
      [CAPTION, CAPTION_JOB],
      [CAPTION, `${CAPTION_JOB}-r2`]
    ])
    expect(sfn.requests[1]?.json.input).toBe(JSON.stringify(captionInput(2)))
  })

  it("starts a download on the download machine under the job id; a repeat while running is harmless, a changed input is not", async () => {
    await run(Orchestrator.use((o) => o.startDownload(downloadInput)))
    await run(Orchestrator.use((o) => o.startDownload({ ...downloadInput })))
    expect(sfn.requests.map((r) => [r.json.stateMachineArn, r.json.name])).toEqual([
      [DOWNLOAD, DOWNLOAD_JOB],
      [DOWNLOAD, DOWNLOAD_JOB]
    ])
    expect(JSON.parse(sfn.requests[0]?.json.input)).toEqual(downloadInput)
    expect(sfn.executions.size).toBe(1)
    const changed = await exit(Orchestrator.use((o) => o.startDownload({ ...downloadInput, keepGps: true })))
    expect(failureOf(changed)).toMatchObject({ _tag: "ExecutionAlreadyExistsError" })
  })
})

describe("SfnOrchestrator: DescribeExecution", () => {
  it("reports UNKNOWN for a name no machine knows (every machine asked, selection first)", async () => {
    expect(await run(Orchestrator.use((o) => o.describe(JOB)))).toEqual({ status: "UNKNOWN" })
    expect(sfn.requests.map((r) => [r.target, r.json.executionArn])).toEqual([
      ["AWSStepFunctions.DescribeExecution", executionArn(SELECTION, JOB)],
      ["AWSStepFunctions.DescribeExecution", executionArn(ENHANCEMENT, JOB)],
      ["AWSStepFunctions.DescribeExecution", executionArn(CAPTION, JOB)],
      ["AWSStepFunctions.DescribeExecution", executionArn(DOWNLOAD, JOB)]
    ])
  })

  it("routes a name by its shape: caption round -> caption only, enhancement round -> enhancement only, a job id -> all four", () => {
    expect(machinesFor(MACHINES, `${CAPTION_JOB}-r1`)).toEqual([CAPTION])
    expect(machinesFor(MACHINES, `${CAPTION_JOB}-r12`)).toEqual([CAPTION])
    expect(machinesFor(MACHINES, `eeeeeeeeeeeeeeeeeeeeeeeeee-${FILE}-r1`)).toEqual([ENHANCEMENT])
    expect(machinesFor(MACHINES, `eeeeeeeeeeeeeeeeeeeeeeeeee-${FILE}-r1-a2`)).toEqual([ENHANCEMENT])
    // A fileId that looks like a round marker still has two hyphens.
    expect(machinesFor(MACHINES, "eeeeeeeeeeeeeeeeeeeeeeeeee-r1-r1")).toEqual([ENHANCEMENT])
    expect(machinesFor(MACHINES, JOB)).toEqual([SELECTION, ENHANCEMENT, CAPTION, DOWNLOAD])
  })

  it("finds caption rounds on the caption machine and a download job on the download machine", async () => {
    await run(Orchestrator.use((o) => Effect.all([o.startCaption(captionInput(0)), o.startCaption(captionInput(1)), o.startDownload(downloadInput)])))
    sfn.setStatus(CAPTION, CAPTION_JOB, "SUCCEEDED")
    sfn.setStatus(CAPTION, `${CAPTION_JOB}-r1`, "FAILED", { error: "AiRefusedError", cause: "{\"errorMessage\":\"no\"}" })
    sfn.requests.length = 0
    const [round0, round1, download] = await run(
      Orchestrator.use((o) => Effect.all([o.describe(CAPTION_JOB), o.describe(`${CAPTION_JOB}-r1`), o.describe(DOWNLOAD_JOB)]))
    )
    expect(round0).toEqual({ status: "SUCCEEDED" })
    expect(round1).toEqual({ status: "FAILED", error: "AiRefusedError", cause: "{\"errorMessage\":\"no\"}" })
    expect(download).toEqual({ status: "RUNNING" })
    expect(sfn.requests.map((r) => r.json.executionArn)).toEqual([
      executionArn(SELECTION, CAPTION_JOB),
      executionArn(ENHANCEMENT, CAPTION_JOB),
      executionArn(CAPTION, CAPTION_JOB),
      executionArn(CAPTION, `${CAPTION_JOB}-r1`),
      executionArn(SELECTION, DOWNLOAD_JOB),
      executionArn(ENHANCEMENT, DOWNLOAD_JOB),
      executionArn(CAPTION, DOWNLOAD_JOB),
      executionArn(DOWNLOAD, DOWNLOAD_JOB)
    ])
  })

  it("finds a selection execution on the selection machine with one call", async () => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    expect(await run(Orchestrator.use((o) => o.describe(JOB)))).toEqual({ status: "RUNNING" })
    expect(sfn.requests).toHaveLength(2)
  })

  it("finds an enhancement job on the enhancement machine, and a feedback round there only", async () => {
    await run(Orchestrator.use((o) => Effect.all([o.startEnhancement(enhancementInput(0)), o.startEnhancement(enhancementInput(1))])))
    sfn.setStatus(ENHANCEMENT, "eeeeeeeeeeeeeeeeeeeeeeeeee", "SUCCEEDED")
    const round = `eeeeeeeeeeeeeeeeeeeeeeeeee-${FILE}-r1`
    sfn.setStatus(ENHANCEMENT, round, "FAILED", { error: "CorruptMediaError", cause: "{\"errorMessage\":\"bad\"}" })
    sfn.requests.length = 0
    const [job, feedback] = await run(Orchestrator.use((o) => Effect.all([o.describe("eeeeeeeeeeeeeeeeeeeeeeeeee"), o.describe(round)])))
    expect(job).toEqual({ status: "SUCCEEDED" })
    expect(feedback).toEqual({ status: "FAILED", error: "CorruptMediaError", cause: "{\"errorMessage\":\"bad\"}" })
    expect(sfn.requests.map((r) => r.json.executionArn)).toEqual([
      executionArn(SELECTION, "eeeeeeeeeeeeeeeeeeeeeeeeee"),
      executionArn(ENHANCEMENT, "eeeeeeeeeeeeeeeeeeeeeeeeee"),
      executionArn(ENHANCEMENT, round)
    ])
  })

  it.each([
    ["TIMED_OUT", { status: "TIMED_OUT", error: "States.Timeout" }],
    ["ABORTED", { status: "ABORTED" }],
    ["PENDING_REDRIVE", { status: "RUNNING" }]
  ] as const)("maps %s", async (status, expected) => {
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)))
    sfn.setStatus(SELECTION, JOB, status, status === "TIMED_OUT" ? { error: "States.Timeout" } : undefined)
    expect(await run(Orchestrator.use((o) => o.describe(JOB)))).toEqual(expected)
  })
})

describe("SfnOrchestrator: errors", () => {
  it.each([
    ["throttling (400 ThrottlingException)", { status: 400, type: "ThrottlingException" }],
    ["a 500", { status: 500, type: "InternalFailure" }],
    ["a 503", { status: 503, type: "ServiceUnavailable" }],
    ["ExecutionLimitExceeded", { status: 400, type: "ExecutionLimitExceeded" }]
  ])("%s is OrchestratorUnavailableError", async (_, failure) => {
    sfn.failNext(5, failure)
    const started = await exit(Orchestrator.use((o) => o.startSelection(selectionInput)))
    expect(failureOf(started)).toMatchObject({ _tag: "OrchestratorUnavailableError", message: expect.stringContaining(failure.type) })
    const described = await exit(Orchestrator.use((o) => o.describe(JOB)))
    expect(failureOf(described)).toMatchObject({ _tag: "OrchestratorUnavailableError" })
  })

  it("the SDK retries a throttled call (standard mode) up to maxAttempts, then succeeds", async () => {
    sfn.failNext(2, { status: 400, type: "ThrottlingException" })
    await run(Orchestrator.use((o) => o.startSelection(selectionInput)), 3)
    expect(sfn.requests.map((r) => r.json.name)).toEqual([JOB, JOB, JOB])
    expect(sfn.executions.size).toBe(1)
  })

  it("gives up after maxAttempts", async () => {
    sfn.failNext(3, { status: 503, type: "ServiceUnavailable" })
    const result = await exit(Orchestrator.use((o) => o.startSelection(selectionInput)), 2)
    expect(failureOf(result)).toMatchObject({ _tag: "OrchestratorUnavailableError" })
    expect(sfn.requests).toHaveLength(2)
  })

  it("an unreachable endpoint is OrchestratorUnavailableError", async () => {
    // A fresh stand-in is bound first, so the closed one's port cannot be handed to it.
    const closed = sfn
    sfn = await startSfnStandIn()
    await closed.close()
    const endpoint = closed.endpoint
    const result = await runExit(Orchestrator.use((o) => o.describe(JOB)), layerFor(endpoint))
    expect(failureOf(result)).toMatchObject({ _tag: "OrchestratorUnavailableError", message: expect.stringMatching(/unreachable/) })
  })

  it("a deployment bug (missing state machine) is a defect, not a typed failure", async () => {
    await sfn.close()
    sfn = await startSfnStandIn({ stateMachineArns: [] })
    const result = await exit(Orchestrator.use((o) => o.startSelection(selectionInput)))
    expect(result._tag).toBe("Failure")
    expect(failureOf(result)).toMatchObject({ name: "StateMachineDoesNotExist" })
  })

  it.each(["captionStateMachineArn", "downloadStateMachineArn"] as const)("a malformed %s fails when the layer is built", async (key) => {
    const layer = SfnOrchestrator.layer({
      client: sfnClient({ region: "eu-west-1", endpoint: sfn.endpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } }),
      ...MACHINES,
      [key]: "arn:aws:lambda:eu-west-1:123456789012:function:f"
    })
    const result = await runExit(Orchestrator.use(() => Effect.void), layer)
    expect(String(failureOf(result))).toMatch(/not a Step Functions state machine ARN/)
  })

  it("a malformed state machine ARN fails when the layer is built", async () => {
    const layer = SfnOrchestrator.layer({
      client: sfnClient({ region: "eu-west-1", endpoint: sfn.endpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } }),
      ...MACHINES,
      selectionStateMachineArn: "curator-selection"
    })
    const result = await runExit(Orchestrator.use(() => Effect.void), layer)
    expect(String(failureOf(result))).toMatch(/not a Step Functions state machine ARN/)
  })
})

describe("SfnOrchestrator.layerFromEnv", () => {
  // Effect's default ConfigProvider snapshots process.env once, so each test provides its own environment.
  const fromEnv = (env: Record<string, string>) => Layer.provide(SfnOrchestrator.layerFromEnv, ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
  const saved = { ...process.env }
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  })

  it("reads the ARNs, region and endpoint from the environment", async () => {
    // Credentials come from the SDK's default chain (read at call time from process.env).
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" })
    const layer = fromEnv({
      CURATOR_SELECTION_STATE_MACHINE_ARN: SELECTION,
      CURATOR_ENHANCEMENT_STATE_MACHINE_ARN: ENHANCEMENT,
      CURATOR_CAPTION_STATE_MACHINE_ARN: CAPTION,
      CURATOR_DOWNLOAD_STATE_MACHINE_ARN: DOWNLOAD,
      AWS_REGION: "eu-west-1",
      CURATOR_SFN_ENDPOINT: sfn.endpoint
    })
    await runWith(
      Orchestrator.use((o) => Effect.all([o.startSelection(selectionInput), o.startCaption(captionInput(0)), o.startDownload(downloadInput)], { concurrency: 1 })),
      layer
    )
    expect(sfn.requests.map((r) => [r.json.stateMachineArn, r.json.name])).toEqual([
      [SELECTION, JOB],
      [CAPTION, CAPTION_JOB],
      [DOWNLOAD, DOWNLOAD_JOB]
    ])
  })

  it.each(["CURATOR_CAPTION_STATE_MACHINE_ARN", "CURATOR_DOWNLOAD_STATE_MACHINE_ARN"])("fails with a ConfigError when %s is missing", async (name) => {
    const env: Record<string, string> = {
      AWS_REGION: "eu-west-1",
      CURATOR_SELECTION_STATE_MACHINE_ARN: SELECTION,
      CURATOR_ENHANCEMENT_STATE_MACHINE_ARN: ENHANCEMENT,
      CURATOR_CAPTION_STATE_MACHINE_ARN: CAPTION,
      CURATOR_DOWNLOAD_STATE_MACHINE_ARN: DOWNLOAD
    }
    delete env[name]
    const result = await runExit(Orchestrator.use((o) => o.describe(JOB)), fromEnv(env))
    expect(sfn.requests).toHaveLength(0)
    expect(String(failureOf(result))).toContain(name)
  })

  it("fails with a ConfigError when an ARN is missing", async () => {
    const result = await runExit(Orchestrator.use((o) => o.describe(JOB)), fromEnv({ AWS_REGION: "eu-west-1", CURATOR_ENHANCEMENT_STATE_MACHINE_ARN: ENHANCEMENT }))
    expect(sfn.requests).toHaveLength(0)
    expect(String(failureOf(result))).toMatch(/CURATOR_SELECTION_STATE_MACHINE_ARN/)
  })
})
