/**
 * Pieces every Curator state machine shares (ADR 0002): the DynamoDB
 * `updateItem` integration, the per-Task timeout, and the states that record
 * a failed item or job in the session table when a Catch fires — built here
 * once so SelectionPipeline and EnhancementPipeline write the same way.
 */
import { Keys } from "@curator/contracts"
import type { ChoiceState, JsonValue, PassState, TaskState } from "./Asl.js"
import { catchAll, DynamoDbIntegrationErrors, dynamoDbRetry, STATES_ALL } from "./ErrorPolicy.js"

/** Resource ARN of the Step Functions DynamoDB `UpdateItem` integration (request-response). */
export const DYNAMODB_UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem"

/** Per-Task timeout: the Lambda maximum of 15 min (seconds), set explicitly because aws-local-stepfunctions defaults to 60 s. */
export const TASK_TIMEOUT_SECONDS = 900

/** Timeout of a DynamoDB integration Task (seconds): one request, retried by `dynamoDbRetry`. */
export const RECORDER_TIMEOUT_SECONDS = 60

/**
 * The context-object path of the instant the current state was entered (ISO 8601 with
 * milliseconds, e.g. `2025-06-01T12:00:00.000Z`): Step Functions' context object field
 * `State.EnteredTime` (AWS docs, "Accessing execution data from the Context object").
 * ASL has no clock intrinsic, so this is how a DynamoDB integration Task stamps a record;
 * the LocalExecutor provides the same field (aws-local-stepfunctions 3.0.0 has no `$$.State`).
 */
export const STATE_ENTERED_TIME = "$$.State.EnteredTime"

/** A DynamoDB string attribute value holding {@link STATE_ENTERED_TIME}. */
export const enteredTimeValue = () => ({ "S.$": STATE_ENTERED_TIME })

/** What Cause becomes when Step Functions reports none (e.g. some `States.Timeout`s), so the recorder's paths always resolve. */
export const MISSING_CAUSE = "Step Functions reported no cause for this error"

/**
 * `States.Format` template of a key from a `Keys` builder: the builder is
 * called with `{}` placeholders, so the SK grammar stays in contracts.
 */
const formatKey = (template: string, ...paths: ReadonlyArray<string>) => ({
  "S.$": `States.Format('${template}', ${paths.join(", ")})`
})

/** `PK` of the session the state's input names (`$.sessionId`). */
export const sessionKeyParameter = () => formatKey(Keys.pk("{}"), "$.sessionId")

/** An SK built from a `Keys` builder called with `{}` placeholders, filled from `paths` (JSONPaths of the input). */
export const sortKeyParameter = (template: string, ...paths: ReadonlyArray<string>) => formatKey(template, ...paths)

/**
 * A Choice + Pass pair guaranteeing `$.error.Cause` is a string before a
 * recorder reads it: a JSONPath that does not resolve in `Parameters` is a
 * `States.Runtime` error, which no Catch can handle and which would fail the run.
 * Rules are tried in order, so `IsString` is only evaluated on a present field.
 */
export const causeGuard = (checkName: string, fillName: string, next: string): Record<string, ChoiceState | PassState> => ({
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

/** Options of {@link recordItemFailed}. */
export interface RecordItemFailedOptions {
  readonly tableName: string
  /** The item's SK template with two `{}` (job id, file id), e.g. `Keys.selectionItem("{}", "{}")`. */
  readonly itemKeyTemplate: string
  /**
   * Extra `SET` clauses (e.g. `#item = if_not_exists(#item, :null)`) so a
   * record the worker never wrote still decodes as the item Schema, with their
   * attribute names and values.
   */
  readonly extraSets?: ReadonlyArray<string>
  readonly extraNames?: Readonly<Record<string, string>>
  readonly extraValues?: Readonly<Record<string, JsonValue>>
  /** An extra condition ANDed to "not done" (e.g. the record's kind). */
  readonly extraCondition?: string
  /** Where recording trouble goes (a Pass that ends the iteration): recording never fails the run. */
  readonly notRecorded: string
}

/**
 * The item recorder: the item record := `failed` with `$.error.Error` /
 * `$.error.Cause`, `fileId` and `expiresAt` from the input, unless it is
 * already `done` (a late success is never downgraded). Ends the iteration.
 */
export const recordItemFailed = (options: RecordItemFailedOptions): TaskState => ({
  Type: "Task",
  Comment: "Records the item as failed; never downgrades a done record. Recording trouble never fails the run.",
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: options.tableName,
    Key: { PK: sessionKeyParameter(), SK: sortKeyParameter(options.itemKeyTemplate, "$.jobId", "$.fileId") },
    UpdateExpression: [
      "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #fileId = :fileId, #expiresAt = :expiresAt",
      ...(options.extraSets ?? [])
    ].join(", "),
    // A comparison with a missing attribute is false in DynamoDB, hence attribute_not_exists.
    ConditionExpression: ["(attribute_not_exists(#status) OR #status <> :done)", ...(options.extraCondition === undefined ? [] : [`(${options.extraCondition})`])].join(
      " AND "
    ),
    ExpressionAttributeNames: {
      "#status": "status",
      "#errorTag": "errorTag",
      "#errorMessage": "errorMessage",
      "#fileId": "fileId",
      "#expiresAt": "expiresAt",
      ...options.extraNames
    },
    ExpressionAttributeValues: {
      ":failed": { S: "failed" },
      ":done": { S: "done" },
      ":errorTag": { "S.$": "$.error.Error" },
      ":errorMessage": { "S.$": "$.error.Cause" },
      ":fileId": { "S.$": "$.fileId" },
      ":expiresAt": { "N.$": "States.Format('{}', $.expiresAt)" },
      ...options.extraValues
    }
  },
  ResultPath: null,
  TimeoutSeconds: RECORDER_TIMEOUT_SECONDS,
  Retry: dynamoDbRetry(),
  Catch: catchAll(options.notRecorded, "$.recordError"),
  End: true
})

/** Options of {@link recordJobFailed}. */
export interface RecordJobFailedOptions {
  readonly tableName: string
  /** The job's SK template with one `{}` (the job id), e.g. `Keys.selectionJob("{}")`. */
  readonly jobKeyTemplate: string
  /** The state after recording (the Fail state), recorded or not. */
  readonly next: string
  /** Extra `SET` clauses (e.g. `#pendingFeedback = :null`), with their attribute names and values. */
  readonly extraSets?: ReadonlyArray<string>
  readonly extraNames?: Readonly<Record<string, string>>
  readonly extraValues?: Readonly<Record<string, JsonValue>>
  /**
   * The `ConditionExpression` in place of the default "not complete" (`#status <> :complete`), with
   * the names and values it adds. It must also be false for a missing record.
   */
  readonly condition?: {
    readonly expression: string
    readonly names?: Readonly<Record<string, string>>
    readonly values?: Readonly<Record<string, JsonValue>>
  }
}

/**
 * The job recorder: the job record (SK template with one `{}`, the job id)
 * := `failed` with the tag and message and `finishedAt` = the instant the
 * recorder state was entered ({@link STATE_ENTERED_TIME}), unless it is
 * already `complete` (or, with `condition`, unless that condition is false);
 * then `next` (the Fail state), recorded or not.
 */
export const recordJobFailed = (options: RecordJobFailedOptions): TaskState => ({
  Type: "Task",
  Comment: "Records the job as failed; never overwrites a complete job.",
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: options.tableName,
    Key: { PK: sessionKeyParameter(), SK: sortKeyParameter(options.jobKeyTemplate, "$.jobId") },
    UpdateExpression: [
      "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt",
      ...(options.extraSets ?? [])
    ].join(", "),
    // False when the record is missing too: the job record is created before the start, and
    // a partial job record would not decode.
    ConditionExpression: options.condition?.expression ?? "#status <> :complete",
    ExpressionAttributeNames: {
      "#status": "status",
      "#errorTag": "errorTag",
      "#errorMessage": "errorMessage",
      "#finishedAt": "finishedAt",
      ...options.extraNames,
      ...options.condition?.names
    },
    ExpressionAttributeValues: {
      ":failed": { S: "failed" },
      ...(options.condition === undefined ? { ":complete": { S: "complete" } } : {}),
      ":errorTag": { "S.$": "$.error.Error" },
      ":errorMessage": { "S.$": "$.error.Cause" },
      ":finishedAt": enteredTimeValue(),
      ...options.extraValues,
      ...options.condition?.values
    }
  },
  ResultPath: null,
  TimeoutSeconds: RECORDER_TIMEOUT_SECONDS,
  Retry: dynamoDbRetry(),
  // The job fails either way; the Fail state reports the original error.
  Catch: catchAll(options.next, "$.recordError"),
  Next: options.next
})

/** Options of {@link recordJobComplete}. */
export interface RecordJobCompleteOptions {
  readonly tableName: string
  /** The job's SK with `{}` for the job id, e.g. `Keys.enhanceJob("{}")`. */
  readonly jobKeyTemplate: string
  readonly comment: string
  /** Where a failed condition goes (the job was no longer running: complete already, or reconciled). */
  readonly settledNext: string
  /** Where any other error goes (the job-level cause guard, then recordJobFailed). */
  readonly errorNext: string
}

/**
 * The job's last state after its Map(s): the job record := `complete` with `finishedAt` = the
 * instant this state was entered (`$$.State.EnteredTime`: the Maps have ended by then), only
 * while it is `running` — a job already complete or failed by reconciliation stands
 * (ConditionalCheckFailed -> `settledNext`). Item / post failures live on their own records.
 */
export const recordJobComplete = (options: RecordJobCompleteOptions): TaskState => ({
  Type: "Task",
  Comment: options.comment,
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: options.tableName,
    Key: { PK: sessionKeyParameter(), SK: sortKeyParameter(options.jobKeyTemplate, "$.jobId") },
    UpdateExpression: "SET #status = :complete, #finishedAt = :finishedAt",
    ConditionExpression: "#status = :running",
    ExpressionAttributeNames: { "#status": "status", "#finishedAt": "finishedAt" },
    ExpressionAttributeValues: { ":complete": { S: "complete" }, ":running": { S: "running" }, ":finishedAt": enteredTimeValue() }
  },
  ResultPath: null,
  TimeoutSeconds: RECORDER_TIMEOUT_SECONDS,
  Retry: dynamoDbRetry(),
  Catch: [
    { ErrorEquals: [DynamoDbIntegrationErrors.conditionalCheckFailed], ResultPath: null, Next: options.settledNext },
    { ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: options.errorNext }
  ],
  End: true
})
