/**
 * `LocalOrchestrator`: the `Orchestrator` of the local stack. Executions are
 * fibers forked into the layer's scope, so closing the layer aborts them; the
 * registry of executions lives as long as the layer (one process), which is
 * why start-up reconciliation (`reconcile.ts`) fails jobs a previous process
 * left running.
 */
import {
  CaptionJobInput,
  captionExecutionName,
  DownloadJobInput,
  EnhancementJobInput,
  enhancementExecutionName,
  OrchestratorUnavailableError,
  SelectionJobInput
} from "@curator/contracts"
import { ExecutionAlreadyExistsError } from "@curator/contracts"
import { Orchestrator, type ExecutionDescription } from "@curator/orchestration"
import { Context, Deferred, Effect, Layer, Schema } from "effect"
import { LocalExecutor, LocalMachines, type ExecutionOutcome, type LocalExecutorOptions } from "./LocalExecutor.js"

interface Execution {
  /** Canonical JSON of the input, compared on a repeated start. */
  readonly input: string
  readonly done: Deferred.Deferred<ExecutionDescription>
  outcome: ExecutionDescription | undefined
}

const describeOutcome = (outcome: ExecutionOutcome): ExecutionDescription =>
  outcome.status === "SUCCEEDED" || outcome.status === "ABORTED"
    ? { status: outcome.status }
    : { status: outcome.status, error: outcome.error, cause: outcome.cause }

const UNKNOWN: ExecutionDescription = { status: "UNKNOWN" }

/** The local orchestrator: `Orchestrator`'s methods plus `awaitCompletion` for the CLI. */
export class LocalOrchestrator extends Context.Service<
  LocalOrchestrator,
  Orchestrator["Service"] & {
    /** Waits until the execution named `jobId` (an execution name) ends and describes it; `UNKNOWN` at once if there is none. */
    readonly awaitCompletion: (jobId: string) => Effect.Effect<ExecutionDescription>
  }
>()("curator/local/LocalOrchestrator") {
  /** Builds on a `LocalExecutor` in context. */
  static readonly layerFromExecutor = Layer.effect(
    LocalOrchestrator,
    Effect.gen(function* () {
      const executor = yield* LocalExecutor
      const scope = yield* Effect.scope
      const executions = new Map<string, Execution>()
      const encodeSelection = Schema.encodeEffect(SelectionJobInput)
      const encodeEnhancement = Schema.encodeEffect(EnhancementJobInput)
      const encodeCaption = Schema.encodeEffect(CaptionJobInput)
      const encodeDownload = Schema.encodeEffect(DownloadJobInput)

      /**
       * Starts `machine` as the execution `name`. Executions of every machine
       * share one registry (a job id names one execution, whatever its kind).
       */
      const start = Effect.fnUntraced(function* (machine: string, name: string, encoded: unknown) {
        if (!executor.has(machine)) {
          return yield* new OrchestratorUnavailableError({ message: `the local stack has no ${machine} state machine` })
        }
        // The encoded input is what Step Functions would store; its key order is the Schema's, so it is deterministic.
        const canonical = JSON.stringify(encoded)
        const done = yield* Deferred.make<ExecutionDescription>()
        // Check and register in one synchronous step: two concurrent starts cannot both run.
        const existing = executions.get(name)
        if (existing !== undefined) {
          if (existing.outcome === undefined && existing.input === canonical) return
          return yield* new ExecutionAlreadyExistsError({
            message:
              existing.outcome === undefined
                ? `execution ${name} is running with a different input`
                : `execution ${name} has already ended (${existing.outcome.status}); start a new job id`
          })
        }
        const execution: Execution = { input: canonical, done, outcome: undefined }
        executions.set(name, execution)
        const finish = (description: ExecutionDescription) =>
          Effect.suspend(() => {
            execution.outcome = description
            return Deferred.succeed(done, description)
          })
        yield* executor.run(machine, name, encoded).pipe(
          Effect.flatMap((outcome) => finish(describeOutcome(outcome))),
          Effect.onInterrupt(() => finish({ status: "ABORTED", error: "States.Aborted", cause: "the local orchestrator was closed" })),
          Effect.forkIn(scope)
        )
      })

      const startSelection = Effect.fn("LocalOrchestrator.startSelection")(function* (input: SelectionJobInput) {
        const encoded = yield* encodeSelection(input).pipe(Effect.orDie)
        return yield* start(LocalMachines.selection, input.jobId, encoded)
      })

      const startEnhancement = Effect.fn("LocalOrchestrator.startEnhancement")(function* (input: EnhancementJobInput) {
        const encoded = yield* encodeEnhancement(input).pipe(Effect.orDie)
        return yield* start(LocalMachines.enhancement, enhancementExecutionName(input), encoded)
      })

      const startCaption = Effect.fn("LocalOrchestrator.startCaption")(function* (input: CaptionJobInput) {
        const encoded = yield* encodeCaption(input).pipe(Effect.orDie)
        return yield* start(LocalMachines.caption, captionExecutionName(input), encoded)
      })

      const startDownload = Effect.fn("LocalOrchestrator.startDownload")(function* (input: DownloadJobInput) {
        const encoded = yield* encodeDownload(input).pipe(Effect.orDie)
        return yield* start(LocalMachines.download, input.jobId, encoded)
      })

      const describe = (jobId: string) => Effect.sync(() => {
        const execution = executions.get(jobId)
        return execution === undefined ? UNKNOWN : (execution.outcome ?? { status: "RUNNING" as const })
      })

      const awaitCompletion = (jobId: string) =>
        Effect.suspend(() => {
          const execution = executions.get(jobId)
          return execution === undefined ? Effect.succeed(UNKNOWN) : Deferred.await(execution.done)
        })

      return LocalOrchestrator.of({ startSelection, startEnhancement, startCaption, startDownload, describe, awaitCompletion })
    })
  )

  /**
   * The local stack's orchestrator: provides both `Orchestrator` (for code
   * shared with AWS) and `LocalOrchestrator` (adds `awaitCompletion`), one
   * registry behind both. Options as `LocalExecutor.layer`.
   */
  static readonly layer = (options: LocalExecutorOptions) =>
    Layer.effect(
      Orchestrator,
      Effect.gen(function* () {
        const local = yield* LocalOrchestrator
        return Orchestrator.of({
          startSelection: local.startSelection,
          startEnhancement: local.startEnhancement,
          startCaption: local.startCaption,
          startDownload: local.startDownload,
          describe: local.describe
        })
      })
    ).pipe(Layer.provideMerge(LocalOrchestrator.layerFromExecutor), Layer.provide(LocalExecutor.layer(options)))
}
