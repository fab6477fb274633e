/**
 * Test harness: the API handler over REAL local stores (a blob folder and the
 * SessionStore and PostStore on an in-process dynalite, in a temp folder) and an in-memory
 * Orchestrator with Step Functions' naming rules whose execution status the
 * test sets (the real local executor runs in apps/cli's server tests, which
 * may import the local stack; the API may not).
 */
import { randomBytes } from "node:crypto"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import {
  type CaptionJobInput,
  captionExecutionName,
  type DownloadJobInput,
  type EnhancementJobInput,
  enhancementExecutionName,
  ExecutionAlreadyExistsError,
  Keys,
  OrchestratorUnavailableError,
  type SelectionJobInput
} from "@curator/contracts"
import { type ExecutionStatus, Orchestrator } from "@curator/orchestration"
import { UpdateCommand } from "@aws-sdk/lib-dynamodb"
import { BlobStore, DynamoDb, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Clock, type Context, Effect, Exit, Layer, Scope } from "effect"
import { type ApiServices, makeApiHandler } from "../src/index.js"
import { UrlSigner } from "../src/UrlSigner.js"

/** One API over fresh stores. */
export interface TestApi {
  /** Calls the handler: `json` is sent as the body with `Content-Type: application/json`. */
  readonly call: (method: string, path: string, json?: unknown) => Promise<{ status: number; body: any }>
  readonly services: Context.Context<ApiServices>
  /** Selection executions started, by name (= job id). */
  readonly started: Map<string, SelectionJobInput>
  /** Enhancement executions started, by execution name (`enhancementExecutionName`). */
  readonly startedEnhancements: Map<string, EnhancementJobInput>
  /** Caption executions started, by execution name (`captionExecutionName`). */
  readonly startedCaptions: Map<string, CaptionJobInput>
  /** Download executions started, by name (= job id). */
  readonly startedDownloads: Map<string, DownloadJobInput>
  /** Sets what `describe` reports for an execution name (default after start: RUNNING). */
  readonly setExecution: (jobId: string, status: ExecutionStatus) => void
  /** Makes the next `count` enhancement starts fail with OrchestratorUnavailableError (the orchestrator is down). */
  readonly failEnhancementStarts: (count: number) => void
  readonly secret: Uint8Array
  readonly run: <A, E>(effect: Effect.Effect<A, E, ApiServices>) => Promise<A>
  /** Moves the handler's clock forward by `ms` (e.g. past START_GRACE_SECONDS). */
  readonly advanceClock: (ms: number) => void
  /** Marks an enhancement job complete the way the state machine's MarkJobComplete does (DynamoDB UpdateItem, only while running). */
  readonly completeEnhancementJob: (sessionId: string, jobId: string) => Promise<void>
}

/** Runs `body` with a fresh API; everything is released afterwards. */
export const withApi = async <A>(body: (api: TestApi) => Promise<A>): Promise<A> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-api-"))
  const started = new Map<string, SelectionJobInput>()
  const startedEnhancements = new Map<string, EnhancementJobInput>()
  const startedCaptions = new Map<string, CaptionJobInput>()
  const startedDownloads = new Map<string, DownloadJobInput>()
  let failingStarts = 0
  const executions = new Map<string, ExecutionStatus>()
  const secret = randomBytes(32)
  /** Step Functions' naming rule for one execution: the same input again while RUNNING is harmless; an ended name is never reused. */
  const startNamed = <I>(name: string, input: I, log: Map<string, I>) =>
    Effect.suspend((): Effect.Effect<void, ExecutionAlreadyExistsError> => {
      if (executions.has(name) && (executions.get(name) !== "RUNNING" || JSON.stringify(log.get(name)) !== JSON.stringify(input))) {
        return Effect.fail(new ExecutionAlreadyExistsError({ message: `execution ${name} already exists` }))
      }
      log.set(name, input)
      executions.set(name, "RUNNING")
      return Effect.void
    })
  const orchestrator = Layer.succeed(Orchestrator)({
    startSelection: (input) =>
      Effect.suspend(() => {
        const previous = started.get(input.jobId)
        if (previous !== undefined && (executions.get(input.jobId) !== "RUNNING" || JSON.stringify(previous) !== JSON.stringify(input))) {
          return Effect.fail(new ExecutionAlreadyExistsError({ message: `execution ${input.jobId} already exists` }))
        }
        started.set(input.jobId, input)
        executions.set(input.jobId, "RUNNING")
        return Effect.void
      }),
    // Step Functions' naming rule: a running execution started again with the same input is harmless; an ended name is never reused.
    startEnhancement: (input) =>
      Effect.suspend((): Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError> => {
        if (failingStarts > 0) {
          failingStarts -= 1
          return Effect.fail(new OrchestratorUnavailableError({ message: "the orchestrator is unavailable (test)" }))
        }
        const name = enhancementExecutionName(input)
        const previous = startedEnhancements.get(name)
        if (executions.has(name) && (executions.get(name) !== "RUNNING" || JSON.stringify(previous) !== JSON.stringify(input))) {
          return Effect.fail(new ExecutionAlreadyExistsError({ message: `execution ${name} already exists` }))
        }
        startedEnhancements.set(name, input)
        executions.set(name, "RUNNING")
        return Effect.void
      }),
    startCaption: (input) => startNamed(captionExecutionName(input), input, startedCaptions),
    startDownload: (input) => startNamed(input.jobId, input, startedDownloads),
    describe: (jobId) => Effect.sync(() => ({ status: executions.get(jobId) ?? "UNKNOWN" }))
  })
  // The real clock, shifted by `offset` ms so a test can step past time-based rules (START_GRACE_SECONDS).
  let offset = 0
  const real = Clock.Clock.defaultValue()
  const shifted: Clock.Clock = {
    currentTimeMillisUnsafe: () => real.currentTimeMillisUnsafe() + offset,
    currentTimeMillis: Effect.sync(() => real.currentTimeMillisUnsafe() + offset),
    currentTimeNanosUnsafe: () => real.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => real.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: real.monotonicTimeNanos,
    sleep: (duration) => real.sleep(duration)
  }
  const layer = Layer.mergeAll(
    Layer.succeed(Clock.Clock, shifted),
    SessionStoreLocal.layer({ dataDir: path.join(dir, "db") }),
    BlobStore.layerLocal({ root: path.join(dir, "blobs") }),
    UrlSigner.layerLocal({ secret }),
    orchestrator
  )
  const scope = Effect.runSync(Scope.make())
  try {
    const services = (await Effect.runPromise(Layer.buildWithScope(layer, scope))) as Context.Context<ApiServices>
    const api = makeApiHandler(services)
    try {
      return await body({
        services,
        started,
        startedEnhancements,
        startedCaptions,
        startedDownloads,
        secret,
        setExecution: (jobId, status) => void executions.set(jobId, status),
        advanceClock: (ms) => void (offset += ms),
        failEnhancementStarts: (count) => void (failingStarts = count),
        run: (effect) => Effect.runPromise(Effect.provide(effect, services)),
        completeEnhancementJob: (sessionId, jobId) =>
          Effect.runPromise(
            Effect.provide(
              Effect.gen(function* () {
                const { document } = yield* DynamoDb
                const { tableName } = yield* SessionStore
                yield* Effect.promise(() =>
                  document.send(
                    new UpdateCommand({
                      TableName: tableName,
                      Key: { PK: Keys.pk(sessionId), SK: Keys.enhanceJob(jobId) },
                      UpdateExpression: "SET #status = :complete",
                      ConditionExpression: "#status = :running",
                      ExpressionAttributeNames: { "#status": "status" },
                      ExpressionAttributeValues: { ":complete": "complete", ":running": "running" }
                    })
                  )
                )
              }),
              services as Context.Context<ApiServices | DynamoDb>
            )
          ),
        call: async (method, p, json) => {
          const init: RequestInit = { method }
          if (json !== undefined) {
            init.body = typeof json === "string" ? json : JSON.stringify(json)
            init.headers = { "content-type": "application/json" }
          }
          const res = await api.handler(new Request(`http://127.0.0.1:4173${p}`, init))
          const text = await res.text()
          return { status: res.status, body: text === "" ? null : JSON.parse(text) }
        }
      })
    } finally {
      await api.dispose()
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Writes `bytes` zero bytes under the upload's key, as a signed PUT through the local server would. */
export const storeUpload = (api: TestApi, key: string, bytes: number, contentType: string) =>
  api.run(BlobStore.use((b) => b.put(key, new Uint8Array(bytes), contentType)))

/** The upload record of a file. */
export const uploadRecord = (api: TestApi, sessionId: string, fileId: string) => api.run(SessionStore.use((s) => s.getUpload(sessionId, fileId)))
