/**
 * `CaptionPipeline`: the caption state machine as ASL data (issue 7,
 * decision 0007). One caption round of one post:
 *
 *   WriteCaption (the caption task: Retry from the error table)
 *     --Catch States.ALL--> CheckCaptionErrorCause -> [FillCaptionErrorCause] -> RecordCaptionFailed -> CaptionFailed
 *
 * The task reads the post, its items and the caption history from the
 * table and appends the new version to `CAPTION#<job>` itself (which sets the
 * job `complete`); the execution output is its `CaptionTaskResult`. A failure
 * (terminal, or retried out) is recorded on the job by the DynamoDB
 * integration — `failed`, the error's name and cause, `finishedAt`, the
 * pending feedback cleared — and fails the execution with the task's error.
 * Same rules as the other machines: a plain function ARN, Retry/Catch from
 * the error table, recorders from FailureRecorders.ts.
 */
import { Keys } from "@curator/contracts"
import type { StateMachineDefinition } from "./Asl.js"
import { catchAll, taskRetry } from "./ErrorPolicy.js"
import { causeGuard, recordJobFailed } from "./FailureRecorders.js"

/** State names: the local executor binds its handlers to them, so they are part of the contract. */
export const CaptionStates = {
  writeCaption: "WriteCaption",
  checkJobErrorCause: "CheckCaptionErrorCause",
  fillJobErrorCause: "FillCaptionErrorCause",
  recordJobFailed: "RecordCaptionFailed",
  jobFailed: "CaptionFailed"
} as const

/**
 * Timeout of the caption Task (seconds): 5 min, the caption function's
 * Lambda timeout too (`infra`). One round is a table read, at most one Gemini
 * request and one conditional write: well under a minute normally.
 */
export const CAPTION_TASK_TIMEOUT_SECONDS = 300

/**
 * Default execution timeout: 1 h (seconds). The longest Retry chain of the
 * table (`AiRateLimitedError`: 4 retries, 5 s doubling) is five attempts of
 * at most {@link CAPTION_TASK_TIMEOUT_SECONDS} plus 75 s of pauses (~26 min);
 * the rest is margin for a mix of errors.
 */
export const DEFAULT_CAPTION_TIMEOUT_SECONDS = 3600

/** Deployed resources the definition points at. */
export interface CaptionPipelineResources {
  /** Plain ARN of the caption function (the selection-worker image, `lambda.captionHandler`). */
  readonly captionFunctionArn: string
  /** The session table (PK/SK strings). */
  readonly tableName: string
}

/**
 * The caption state machine.
 *
 * Input: `CaptionJobInput` (= `CaptionTaskEvent`, contracts/src/Posts.ts),
 * started under `captionExecutionName(input)`. The Task is handed exactly the
 * event's fields. On failure `CAPTION#<job>` := `failed` with `errorTag` /
 * `errorMessage` (the Step Functions `Error` / `Cause`; read the message with
 * `taskErrorMessage`), `finishedAt` = `$$.State.EnteredTime`,
 * `pendingFeedback` = null — only while the record is `running` this very
 * execution's round (`execution` = `$$.Execution.Name`), so a late Catch
 * never touches a newer round or a reconciled job.
 *
 * @param opts.timeoutSeconds execution timeout in seconds (default {@link DEFAULT_CAPTION_TIMEOUT_SECONDS}).
 */
export const captionPipeline = (resources: CaptionPipelineResources, opts?: { readonly timeoutSeconds?: number }): StateMachineDefinition => ({
  Comment: "Curator captions: one caption round of one post (issue 7).",
  StartAt: CaptionStates.writeCaption,
  TimeoutSeconds: opts?.timeoutSeconds ?? DEFAULT_CAPTION_TIMEOUT_SECONDS,
  States: {
    [CaptionStates.writeCaption]: {
      Type: "Task",
      Resource: resources.captionFunctionArn,
      Parameters: {
        "sessionId.$": "$.sessionId",
        "jobId.$": "$.jobId",
        "postId.$": "$.postId",
        "round.$": "$.round",
        "feedback.$": "$.feedback",
        "expiresAt.$": "$.expiresAt"
      },
      TimeoutSeconds: CAPTION_TASK_TIMEOUT_SECONDS,
      Retry: taskRetry(),
      Catch: catchAll(CaptionStates.checkJobErrorCause),
      End: true
    },
    ...causeGuard(CaptionStates.checkJobErrorCause, CaptionStates.fillJobErrorCause, CaptionStates.recordJobFailed),
    [CaptionStates.recordJobFailed]: recordJobFailed({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.captionJob("{}"),
      next: CaptionStates.jobFailed,
      extraSets: ["#pendingFeedback = :null"],
      extraNames: { "#pendingFeedback": "pendingFeedback" },
      extraValues: { ":null": { NULL: true } },
      // False for a missing record too (a partial record would not decode).
      condition: {
        expression: "#status = :running AND #execution = :execution",
        names: { "#execution": "execution" },
        values: { ":running": { S: "running" }, ":execution": { "S.$": "$$.Execution.Name" } }
      }
    }),
    [CaptionStates.jobFailed]: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" }
  }
})
