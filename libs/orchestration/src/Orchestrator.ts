/**
 * `Orchestrator`: starts and observes state-machine executions. Layers: the
 * local executor (`@curator/local`, `LocalOrchestrator.layer`); AWS Step
 * Functions (`StartExecution` / `DescribeExecution`): `SfnOrchestrator` of
 * the separate entry point `@curator/orchestration/sfn`.
 */
import type { CaptionJobInput, DownloadJobInput, EnhancementJobInput, SelectionJobInput } from "@curator/contracts"
import { Context, type Effect, Schema } from "effect"
import type { ExecutionAlreadyExistsError, OrchestratorUnavailableError } from "@curator/contracts"

/**
 * Execution status, Step Functions' `DescribeExecution` values plus `UNKNOWN`:
 * no execution by that name is known (never started, or started by a local
 * process that has since stopped; start-up reconciliation fails such jobs).
 */
export const ExecutionStatus = Schema.Literals(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "UNKNOWN"])
export type ExecutionStatus = typeof ExecutionStatus.Type

/** What `describe` reports. `error`/`cause` are the failing error's name and cause (`FAILED`, `TIMED_OUT`). */
export const ExecutionDescription = Schema.Struct({
  status: ExecutionStatus,
  error: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.String)
})
export type ExecutionDescription = typeof ExecutionDescription.Type

/** The Orchestrator service. */
export class Orchestrator extends Context.Service<
  Orchestrator,
  {
    /**
     * Starts the selection state machine with the execution name = `input.jobId`
     * and a deterministic input (the encoded `SelectionJobInput`). Starting again
     * while that execution runs with the identical input is harmless (no second
     * run); starting a name that has ended, or with a different input, fails
     * with `ExecutionAlreadyExistsError`.
     */
    readonly startSelection: (input: SelectionJobInput) => Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError>
    /**
     * Starts the enhancement state machine with the execution name
     * `enhancementExecutionName(input)` (the job id; `<job>-<fileId>-r<round>`
     * for a one-item feedback round) and the encoded `EnhancementJobInput`.
     * Same naming rules as `startSelection`. Execution names are shared by
     * all four machines locally, so job ids must be unique across job kinds.
     */
    readonly startEnhancement: (input: EnhancementJobInput) => Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError>
    /**
     * Starts the caption state machine (`CaptionPipeline`) with the execution
     * name `captionExecutionName(input)` (`<job>` for round 0, `<job>-r<round>`
     * after) and the encoded `CaptionJobInput`. Same naming rules as `startSelection`.
     */
    readonly startCaption: (input: CaptionJobInput) => Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError>
    /**
     * Starts the download state machine (`DownloadPipeline`) with the execution
     * name = `input.jobId` and the encoded `DownloadJobInput`. Same naming rules.
     */
    readonly startDownload: (input: DownloadJobInput) => Effect.Effect<void, ExecutionAlreadyExistsError | OrchestratorUnavailableError>
    /** The status of the execution named `jobId` (any state machine); `UNKNOWN` when there is none. */
    readonly describe: (jobId: string) => Effect.Effect<ExecutionDescription, OrchestratorUnavailableError>
  }
>()("curator/orchestration/Orchestrator") {}
