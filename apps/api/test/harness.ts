/**
 * Test harness: the API handler over REAL local stores (a blob folder and the
 * SessionStore on an in-process dynalite, in a temp folder) and an in-memory
 * Orchestrator with Step Functions' naming rules whose execution status the
 * test sets (the real local executor runs in apps/cli's server tests, which
 * may import the local stack; the API may not).
 */
import { randomBytes } from "node:crypto"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { enhancementExecutionName, ExecutionAlreadyExistsError, type SelectionJobInput } from "@curator/contracts"
import { type ExecutionStatus, Orchestrator } from "@curator/orchestration"
import { BlobStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { type ApiServices, makeApiHandler } from "../src/index.js"
import { UrlSigner } from "../src/UrlSigner.js"

/** One API over fresh stores. */
export interface TestApi {
  /** Calls the handler: `json` is sent as the body with `Content-Type: application/json`. */
  readonly call: (method: string, path: string, json?: unknown) => Promise<{ status: number; body: any }>
  readonly services: Context.Context<ApiServices>
  /** Executions started, by name (= job id). */
  readonly started: Map<string, SelectionJobInput>
  /** Sets what `describe` reports for a job id (default after start: RUNNING). */
  readonly setExecution: (jobId: string, status: ExecutionStatus) => void
  readonly secret: Uint8Array
  readonly run: <A, E>(effect: Effect.Effect<A, E, ApiServices>) => Promise<A>
}

/** Runs `body` with a fresh API; everything is released afterwards. */
export const withApi = async <A>(body: (api: TestApi) => Promise<A>): Promise<A> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-api-"))
  const started = new Map<string, SelectionJobInput>()
  const executions = new Map<string, ExecutionStatus>()
  const secret = randomBytes(32)
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
    // Not called by the API yet (issue 4 backend round); same naming rule, so a later caller sees Step Functions' behaviour.
    startEnhancement: (input) =>
      Effect.suspend(() => {
        const name = enhancementExecutionName(input)
        if (executions.has(name)) return Effect.fail(new ExecutionAlreadyExistsError({ message: `execution ${name} already exists` }))
        executions.set(name, "RUNNING")
        return Effect.void
      }),
    describe: (jobId) => Effect.sync(() => ({ status: executions.get(jobId) ?? "UNKNOWN" }))
  })
  const layer = Layer.mergeAll(
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
        secret,
        setExecution: (jobId, status) => void executions.set(jobId, status),
        run: (effect) => Effect.runPromise(Effect.provide(effect, services)),
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
