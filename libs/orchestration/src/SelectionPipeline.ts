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
import type { ChoiceState, PassState, StateMachineDefinition, TaskState } from "./Asl.js"
import { catchAll, dynamoDbRetry, taskRetry } from "./ErrorPolicy.js"

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

/** Resource ARN of the Step Functions DynamoDB `UpdateItem` integration (request-response). */
export const DYNAMODB_UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem"

/** Map concurrency of the thumbnail fan-out (issue 2; keeps Lambda concurrency and store writes bounded). */
export const THUMBNAIL_MAX_CONCURRENCY = 20

/** Default execution timeout: 1 h (seconds), far above a 20-file run yet bounding a stuck job. */
export const DEFAULT_SELECTION_TIMEOUT_SECONDS = 3600

/** Per-Task timeout: the Lambda maximum of 15 min (seconds), set explicitly because aws-local-stepfunctions defaults to 60 s. */
export const TASK_TIMEOUT_SECONDS = 900

/** What Cause becomes when Step Functions reports none (e.g. some `States.Timeout`s), so the recorder's paths always resolve. */
export const MISSING_CAUSE = "Step Functions reported no cause for this error"

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
 * A Choice + Pass pair guaranteeing `$.error.Cause` is a string before a
 * recorder reads it: a JSONPath that does not resolve in `Parameters` is a
 * `States.Runtime` error, which no Catch can handle and which would fail the run.
 * Rules are tried in order, so `IsString` is only evaluated on a present field.
 */
const causeGuard = (checkName: string, fillName: string, next: string): Record<string, ChoiceState | PassState> => ({
  [checkName]: {
    Type: "Choice",
    Choices: [
      { Not: { Variable: "$.error.Cause", IsPresent: true }, Next: fillName },
      { Variable: "$.error.Cause", IsString: true, Next: next }
    ],
    Default: fillName
  },
  [fillName]: {
    Type: "Pass",
    Parameters: { "Error.$": "$.error.Error", Cause: MISSING_CAUSE },
    ResultPath: "$.error",
    Next: next
  }
})

const sessionKey = { "S.$": "States.Format('SESSION#{}', $.sessionId)" }

/** `RecordItemFailed`: `SELECTION#<job>#ITEM#<fileId>` := failed, unless it is already `done`. */
const recordItemFailed = (tableName: string): TaskState => ({
  Type: "Task",
  Comment: "Records the item as failed; never downgrades a done record. Recording trouble never fails the run.",
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: tableName,
    Key: {
      PK: sessionKey,
      SK: { "S.$": "States.Format('SELECTION#{}#ITEM#{}', $.jobId, $.fileId)" }
    },
    // item/thumbnailKey are set to null only when absent, so a record the worker
    // never wrote still decodes as a SelectionItemRecord (both fields are NullOr).
    UpdateExpression:
      "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #fileId = :fileId, #expiresAt = :expiresAt, " +
      "#item = if_not_exists(#item, :null), #thumbnailKey = if_not_exists(#thumbnailKey, :null)",
    // A comparison with a missing attribute is false in DynamoDB, hence attribute_not_exists.
    ConditionExpression: "attribute_not_exists(#status) OR #status <> :done",
    ExpressionAttributeNames: {
      "#status": "status",
      "#errorTag": "errorTag",
      "#errorMessage": "errorMessage",
      "#fileId": "fileId",
      "#expiresAt": "expiresAt",
      "#item": "item",
      "#thumbnailKey": "thumbnailKey"
    },
    ExpressionAttributeValues: {
      ":failed": { S: "failed" },
      ":done": { S: "done" },
      ":errorTag": { "S.$": "$.error.Error" },
      ":errorMessage": { "S.$": "$.error.Cause" },
      ":fileId": { "S.$": "$.fileId" },
      ":expiresAt": { "N.$": "States.Format('{}', $.expiresAt)" },
      ":null": { NULL: true }
    }
  },
  ResultPath: null,
  TimeoutSeconds: 60,
  Retry: dynamoDbRetry(),
  Catch: catchAll(SelectionStates.itemFailureNotRecorded, "$.recordError"),
  End: true
})

/** `RecordJobFailed`: `SELECTION#<job>` := failed with the tag and message, unless it is already `complete`. */
const recordJobFailed = (tableName: string): TaskState => ({
  Type: "Task",
  Comment: "Records the job as failed; never overwrites a complete job.",
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: tableName,
    Key: { PK: sessionKey, SK: { "S.$": "States.Format('SELECTION#{}', $.jobId)" } },
    UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage",
    // False when the record is missing too: the job record is created before the start, and
    // a partial job record would not decode.
    ConditionExpression: "#status <> :complete",
    ExpressionAttributeNames: { "#status": "status", "#errorTag": "errorTag", "#errorMessage": "errorMessage" },
    ExpressionAttributeValues: {
      ":failed": { S: "failed" },
      ":complete": { S: "complete" },
      ":errorTag": { "S.$": "$.error.Error" },
      ":errorMessage": { "S.$": "$.error.Cause" }
    }
  },
  ResultPath: null,
  TimeoutSeconds: 60,
  Retry: dynamoDbRetry(),
  // The job fails either way; the Fail state reports the original error.
  Catch: catchAll(SelectionStates.jobFailed, "$.recordError"),
  Next: SelectionStates.jobFailed
})

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
          [SelectionStates.recordItemFailed]: recordItemFailed(resources.tableName),
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
    [SelectionStates.recordJobFailed]: recordJobFailed(resources.tableName),
    [SelectionStates.jobFailed]: {
      Type: "Fail",
      ErrorPath: "$.error.Error",
      CausePath: "$.error.Cause"
    }
  }
})
