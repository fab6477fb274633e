/**
 * Start-up reconciliation (ARCHITECTURE.md "Errors and retries": no job stays
 * "pending"). A local execution lives in the process that started it; when
 * that process stops, the job record still says `running`. At start-up every
 * such job without a live execution is failed with a clear reason.
 *
 * Written against a two-function store interface so it does not depend on
 * `@curator/store`; the CLI wires it to `SessionStore.listRunningSelectionJobs`
 * and `SessionStore.failSelectionJob`.
 */
import { Orchestrator } from "@curator/orchestration"
import { Effect } from "effect"

/** A job the store has marked running. */
export interface RunningJob {
  readonly sessionId: string
  readonly jobId: string
  /**
   * The execution to ask the Orchestrator about when it is not named by the
   * job id (a caption job's running round: `CaptionJobRecord.execution`).
   */
  readonly execution?: string
}

/** The failure written to an interrupted job (tag and message as on the job record). */
export interface JobFailure {
  readonly errorTag: string
  readonly errorMessage: string
}

/** What reconciliation needs from the session store. */
export interface RunningJobStore<E> {
  /** Every job whose record says `running`. */
  readonly listRunning: Effect.Effect<ReadonlyArray<RunningJob>, E>
  /** Marks one job failed (conditional on it still being `running` is the store's business). */
  readonly fail: (job: RunningJob, failure: JobFailure) => Effect.Effect<void, E>
}

/**
 * The failure of a job interrupted by a stopped process. The tag
 * `JobInterruptedError` should join the contracts' errors as terminal.
 */
export const interruptedJobFailure: JobFailure = {
  errorTag: "JobInterruptedError",
  errorMessage: "interrupted: the local Curator process stopped while this job ran; retry to start a new job"
}

/**
 * Fails every running job whose execution (`execution`, else the job id) is not `RUNNING` in the
 * `Orchestrator` (locally: none survive a restart, so all of them) and
 * returns the jobs it failed. Live executions are left alone.
 */
export const reconcileInterruptedJobs = Effect.fn("reconcileInterruptedJobs")(function* <E>(store: RunningJobStore<E>) {
  const orchestrator = yield* Orchestrator
  const running = yield* store.listRunning
  const interrupted: Array<RunningJob> = []
  for (const job of running) {
    const { status } = yield* orchestrator.describe(job.execution ?? job.jobId)
    if (status === "RUNNING") continue
    yield* store.fail(job, interruptedJobFailure)
    interrupted.push(job)
  }
  return interrupted as ReadonlyArray<RunningJob>
})
