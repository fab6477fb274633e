/**
 * `DownloadPipeline`: the download state machine as ASL data (issue 7,
 * decision 0007; DDR-034's third state machine).
 *
 *   BundlePosts (Map over $.posts, MaxConcurrency 2, ResultPath null)
 *     BundlePost --Catch States.ALL--> CheckPostErrorCause -> [FillPostErrorCause] -> RecordPostFailed
 *   --Catch States.ALL--> CheckJobErrorCause -> [FillJobErrorCause] -> RecordJobFailed -> JobFailed
 *   MarkDownloadComplete (DynamoDB updateItem, condition status = running; finishedAt = $$.State.EnteredTime)
 *     --Catch DynamoDB.ConditionalCheckFailedException--> DownloadAlreadySettled
 *     --Catch States.ALL--> CheckJobErrorCause ...
 *
 * The bundle task writes its post's ZIPs and marks `DOWNLOAD#<job>#POST#<postId>`
 * done itself; a post whose task fails (terminal, or retried out) is recorded
 * failed on that record and the other posts go on. When the Map has ended the
 * job is `complete` (the posts say which bundles exist); only a failure of the
 * Map itself fails the job. Same rules as the other machines: a plain function
 * ARN, Retry/Catch from the error table, recorders from FailureRecorders.ts.
 */
import { Keys, PostLimits } from "@curator/contracts"
import type { StateMachineDefinition, TaskState } from "./Asl.js"
import { catchAll, DynamoDbIntegrationErrors, dynamoDbRetry, STATES_ALL, taskRetry } from "./ErrorPolicy.js"
import {
  causeGuard,
  recordJobComplete,
  DYNAMODB_UPDATE_ITEM,
  enteredTimeValue,
  RECORDER_TIMEOUT_SECONDS,
  recordJobFailed,
  sessionKeyParameter,
  sortKeyParameter,
  TASK_TIMEOUT_SECONDS
} from "./FailureRecorders.js"

/** State names (unique across the machine): the local executor binds its handlers to them, so they are part of the contract. */
export const DownloadStates = {
  bundlePosts: "BundlePosts",
  bundlePost: "BundlePost",
  checkPostErrorCause: "CheckPostErrorCause",
  fillPostErrorCause: "FillPostErrorCause",
  recordPostFailed: "RecordPostFailed",
  postFailureNotRecorded: "PostFailureNotRecorded",
  markJobComplete: "MarkDownloadComplete",
  jobAlreadySettled: "DownloadAlreadySettled",
  checkJobErrorCause: "CheckJobErrorCause",
  fillJobErrorCause: "FillJobErrorCause",
  recordJobFailed: "RecordJobFailed",
  jobFailed: "JobFailed"
} as const

/**
 * Posts bundled at once (issue 7): each bundle task streams up to a few GB
 * through the function's disk and the bucket; two keep one download's S3
 * traffic and Lambda concurrency modest.
 */
export const BUNDLE_MAX_CONCURRENCY = 2

/**
 * Default execution timeout (seconds): every post of the largest session
 * (`PostLimits.postsPerSession`, 100) bundled {@link BUNDLE_MAX_CONCURRENCY} at a time, each
 * running to the Lambda maximum ({@link TASK_TIMEOUT_SECONDS}) once:
 * 50 waves x 900 s = 45,000 s (12.5 h). Retries of every post at once are not
 * budgeted; records expire after 24 h anyway.
 */
export const DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = Math.ceil(PostLimits.postsPerSession / BUNDLE_MAX_CONCURRENCY) * TASK_TIMEOUT_SECONDS

/** Deployed resources the definition points at. */
export interface DownloadPipelineResources {
  /** Plain ARN of the bundle function (the video-worker image, `lambda.bundleHandler`). */
  readonly bundleFunctionArn: string
  /** The session table (PK/SK strings). */
  readonly tableName: string
}

/**
 * `RecordPostFailed`: `DOWNLOAD#<job>#POST#<postId>` := `failed` with
 * `$.error.Error` / `$.error.Cause`, only when the record exists (the API
 * writes it `pending` with its entries before the start; a partial record
 * would not decode) and is not `done` (a late success is never downgraded).
 * Recording trouble ends the iteration, never the run.
 */
const recordPostFailed = (tableName: string): TaskState => ({
  Type: "Task",
  Comment: "Records the post as failed; never downgrades a done post. Recording trouble never fails the run.",
  Resource: DYNAMODB_UPDATE_ITEM,
  Parameters: {
    TableName: tableName,
    Key: { PK: sessionKeyParameter(), SK: sortKeyParameter(Keys.downloadPost("{}", "{}"), "$.jobId", "$.postId") },
    UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage",
    ConditionExpression: "attribute_exists(#status) AND #status <> :done",
    ExpressionAttributeNames: { "#status": "status", "#errorTag": "errorTag", "#errorMessage": "errorMessage" },
    ExpressionAttributeValues: {
      ":failed": { S: "failed" },
      ":done": { S: "done" },
      ":errorTag": { "S.$": "$.error.Error" },
      ":errorMessage": { "S.$": "$.error.Cause" }
    }
  },
  ResultPath: null,
  TimeoutSeconds: RECORDER_TIMEOUT_SECONDS,
  Retry: dynamoDbRetry(),
  Catch: catchAll(DownloadStates.postFailureNotRecorded, "$.recordError"),
  End: true
})

/**
 * The download state machine.
 *
 * Input: `DownloadJobInput` (contracts/src/Posts.ts), started under the job
 * id. Each Map iteration gets a `BundleTaskEvent` (the job's fields plus one
 * `postId`); the bundle task writes the ZIPs and the post record, and the
 * execution output is the input. The job record (`DOWNLOAD#<job>`, created
 * `running` with its post records before the start) ends `complete`, or
 * `failed` with the error that stopped the Map, which also fails the
 * execution with that error.
 *
 * @param opts.timeoutSeconds execution timeout in seconds (default {@link DEFAULT_DOWNLOAD_TIMEOUT_SECONDS}).
 */
export const downloadPipeline = (resources: DownloadPipelineResources, opts?: { readonly timeoutSeconds?: number }): StateMachineDefinition => ({
  Comment: "Curator download: one ZIP bundle set per post, failures recorded per post (issue 7).",
  StartAt: DownloadStates.bundlePosts,
  TimeoutSeconds: opts?.timeoutSeconds ?? DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
  States: {
    [DownloadStates.bundlePosts]: {
      Type: "Map",
      ItemsPath: "$.posts",
      ItemSelector: {
        "sessionId.$": "$.sessionId",
        "jobId.$": "$.jobId",
        "expiresAt.$": "$.expiresAt",
        "keepGps.$": "$.keepGps",
        "bundleBytes.$": "$.bundleBytes",
        "postId.$": "$$.Map.Item.Value.postId"
      },
      MaxConcurrency: BUNDLE_MAX_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: DownloadStates.bundlePost,
        States: {
          [DownloadStates.bundlePost]: {
            Type: "Task",
            Resource: resources.bundleFunctionArn,
            TimeoutSeconds: TASK_TIMEOUT_SECONDS,
            // The task writes the post record itself; the Map discards iteration output.
            ResultPath: null,
            Retry: taskRetry(),
            Catch: catchAll(DownloadStates.checkPostErrorCause),
            End: true
          },
          ...causeGuard(DownloadStates.checkPostErrorCause, DownloadStates.fillPostErrorCause, DownloadStates.recordPostFailed),
          [DownloadStates.recordPostFailed]: recordPostFailed(resources.tableName),
          [DownloadStates.postFailureNotRecorded]: {
            Type: "Pass",
            Comment: "The post record could not be written; the job's Query shows the post as pending or processing, never the run as failed.",
            End: true
          }
        }
      },
      // State payloads are capped at 256 KiB; results live in the table.
      ResultPath: null,
      Catch: catchAll(DownloadStates.checkJobErrorCause),
      Next: DownloadStates.markJobComplete
    },
    [DownloadStates.markJobComplete]: recordJobComplete({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.downloadJob("{}"),
      comment: "The Map ended: the job is complete (post failures live on the post records).",
      settledNext: DownloadStates.jobAlreadySettled,
      errorNext: DownloadStates.checkJobErrorCause
    }),
    [DownloadStates.jobAlreadySettled]: { Type: "Succeed", Comment: "The job record was no longer running (reconciled); it is not changed." },
    ...causeGuard(DownloadStates.checkJobErrorCause, DownloadStates.fillJobErrorCause, DownloadStates.recordJobFailed),
    [DownloadStates.recordJobFailed]: recordJobFailed({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.downloadJob("{}"),
      next: DownloadStates.jobFailed
    }),
    [DownloadStates.jobFailed]: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" }
  }
})
