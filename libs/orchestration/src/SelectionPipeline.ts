/**
 * `SelectionPipeline`: the selection state machine as ASL data
 * (ARCHITECTURE.md "The flow", step 2).
 *
 *   ProcessFiles (Map over $.files, MaxConcurrency 20, ResultPath null)
 *     MakeThumbnail --Catch States.ALL--> CheckItemErrorCause -> [FillItemErrorCause] -> RecordItemFailed
 *   SelectMedia --Catch States.ALL--> CheckJobErrorCause -> [FillJobErrorCause] -> RecordJobFailed -> JobFailed
 *
 * Lambda Tasks use plain function ARNs (no `lambda:invoke` wrapper), so a
 * worker receives exactly the contract event and its result is not nested in
 * `Payload`. Failures are recorded by the Step Functions DynamoDB integration
 * (`updateItem`) into the records of contracts/src/Records.ts.
 */
import { Keys } from "@curator/contracts"
import type { StateMachineDefinition } from "./Asl.js"
import { catchAll, taskRetry } from "./ErrorPolicy.js"
import { causeGuard, recordItemFailed, recordJobFailed, TASK_TIMEOUT_SECONDS } from "./FailureRecorders.js"

/** State names: the local executor binds its handlers to them, so they are part of the contract. */
export const SelectionStates = {
  processFiles: "ProcessFiles",
  makeThumbnail: "MakeThumbnail",
  checkItemErrorCause: "CheckItemErrorCause",
  fillItemErrorCause: "FillItemErrorCause",
  recordItemFailed: "RecordItemFailed",
  itemFailureNotRecorded: "ItemFailureNotRecorded",
  selectMedia: "SelectMedia",
  checkJobErrorCause: "CheckJobErrorCause",
  fillJobErrorCause: "FillJobErrorCause",
  recordJobFailed: "RecordJobFailed",
  jobFailed: "JobFailed"
} as const

/** Map concurrency of the thumbnail fan-out (issue 2; keeps Lambda concurrency and store writes bounded). */
export const THUMBNAIL_MAX_CONCURRENCY = 20

/** Default execution timeout: 1 h (seconds), far above a 20-file run yet bounding a stuck job. */
export const DEFAULT_SELECTION_TIMEOUT_SECONDS = 3600

/** Deployed resources the definition points at. */
export interface SelectionPipelineResources {
  /** Plain ARN of the thumbnail-worker function. */
  readonly thumbnailFunctionArn: string
  /** Plain ARN of the selection-worker function. */
  readonly selectionFunctionArn: string
  /** The session table (PK/SK strings). */
  readonly tableName: string
}

/**
 * The selection state machine.
 *
 * Input: `SelectionJobInput` (contracts/src/Tasks.ts). Each Map iteration
 * gets a `ThumbnailTaskEvent`; `SelectMedia` gets a `SelectionTaskEvent` and
 * its `SelectionTaskResult` is the execution output. An item failure is
 * recorded and the run continues; a selection failure is recorded on the job
 * and fails the execution with the task's error name and cause.
 *
 * @param opts.timeoutSeconds execution timeout in seconds (default {@link DEFAULT_SELECTION_TIMEOUT_SECONDS}).
 */
export const selectionPipeline = (
  resources: SelectionPipelineResources,
  opts?: { readonly timeoutSeconds?: number }
): StateMachineDefinition => ({
  Comment: "Curator selection: thumbnails for every file, then the selection (ARCHITECTURE.md \"The flow\").",
  StartAt: SelectionStates.processFiles,
  TimeoutSeconds: opts?.timeoutSeconds ?? DEFAULT_SELECTION_TIMEOUT_SECONDS,
  States: {
    [SelectionStates.processFiles]: {
      Type: "Map",
      ItemsPath: "$.files",
      ItemSelector: {
        "sessionId.$": "$.sessionId",
        "jobId.$": "$.jobId",
        "expiresAt.$": "$.expiresAt",
        "fileId.$": "$$.Map.Item.Value.fileId",
        "key.$": "$$.Map.Item.Value.key",
        "fileName.$": "$$.Map.Item.Value.fileName"
      },
      MaxConcurrency: THUMBNAIL_MAX_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: SelectionStates.makeThumbnail,
        States: {
          [SelectionStates.makeThumbnail]: {
            Type: "Task",
            Resource: resources.thumbnailFunctionArn,
            TimeoutSeconds: TASK_TIMEOUT_SECONDS,
            // The worker writes the item record itself; the Map discards iteration output.
            ResultPath: null,
            Retry: taskRetry(),
            Catch: catchAll(SelectionStates.checkItemErrorCause),
            End: true
          },
          ...causeGuard(SelectionStates.checkItemErrorCause, SelectionStates.fillItemErrorCause, SelectionStates.recordItemFailed),
          [SelectionStates.recordItemFailed]: recordItemFailed({
            tableName: resources.tableName,
            itemKeyTemplate: Keys.selectionItem("{}", "{}"),
            // item/thumbnailKey are set to null only when absent, so a record the worker
            // never wrote still decodes as a SelectionItemRecord (both fields are NullOr).
            extraSets: ["#item = if_not_exists(#item, :null)", "#thumbnailKey = if_not_exists(#thumbnailKey, :null)"],
            extraNames: { "#item": "item", "#thumbnailKey": "thumbnailKey" },
            extraValues: { ":null": { NULL: true } },
            notRecorded: SelectionStates.itemFailureNotRecorded
          }),
          [SelectionStates.itemFailureNotRecorded]: {
            Type: "Pass",
            Comment: "The item record could not be written; the job's Query shows the item as pending, never the run as failed.",
            End: true
          }
        }
      },
      // State payloads are capped at 256 KiB; results live in the table.
      ResultPath: null,
      Next: SelectionStates.selectMedia
    },
    [SelectionStates.selectMedia]: {
      Type: "Task",
      Resource: resources.selectionFunctionArn,
      Parameters: {
        "sessionId.$": "$.sessionId",
        "jobId.$": "$.jobId",
        "expiresAt.$": "$.expiresAt",
        "tripContext.$": "$.tripContext",
        "targetCount.$": "$.targetCount"
      },
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      Retry: taskRetry(),
      Catch: catchAll(SelectionStates.checkJobErrorCause),
      End: true
    },
    ...causeGuard(SelectionStates.checkJobErrorCause, SelectionStates.fillJobErrorCause, SelectionStates.recordJobFailed),
    [SelectionStates.recordJobFailed]: recordJobFailed({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.selectionJob("{}"),
      next: SelectionStates.jobFailed
    }),
    [SelectionStates.jobFailed]: {
      Type: "Fail",
      ErrorPath: "$.error.Error",
      CausePath: "$.error.Cause"
    }
  }
})
