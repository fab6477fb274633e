/**
 * `EnhancementPipeline`: the enhancement state machine as ASL data (issue 4).
 *
 *   EnhanceItems (Parallel, ResultPath null)
 *     branch 1: EnhancePhotos (Map over $.photos, MaxConcurrency 10, ResultPath null)
 *       EnhancePhoto --Catch States.ALL--> CheckPhotoErrorCause -> [FillPhotoErrorCause] -> RecordPhotoFailed
 *     branch 2: EnhanceVideos (Map over $.videos, MaxConcurrency 5, ResultPath null)
 *       EnhanceVideo --Catch States.ALL--> CheckVideoErrorCause -> [FillVideoErrorCause] -> RecordVideoFailed
 *   --Catch States.ALL--> CheckJobErrorCause -> [FillJobErrorCause] -> RecordJobFailed -> JobFailed
 *   MarkJobComplete (DynamoDB updateItem, condition status = running; finishedAt = $$.State.EnteredTime)
 *     --Catch DynamoDB.ConditionalCheckFailedException--> JobAlreadySettled
 *     --Catch States.ALL--> CheckJobErrorCause ...
 *
 * So the job always ends `complete` or in a recorded error state: an item
 * failure is recorded on its item record (the kind of the branch goes with
 * it, so a video's failure never lands in a photo's slot) and the other
 * items go on; only a failure of the Parallel itself (e.g. the execution
 * plumbing) fails the job. Same rules as SelectionPipeline: plain function
 * ARNs, Retry/Catch generated from the error table, recorders from
 * FailureRecorders.ts.
 */
import { Keys } from "@curator/contracts"
import type { ItemProcessor, StateMachineDefinition, TaskState } from "./Asl.js"
import { catchAll, DynamoDbIntegrationErrors, dynamoDbRetry, STATES_ALL, taskRetry } from "./ErrorPolicy.js"
import {
  causeGuard,
  recordJobComplete,
  DYNAMODB_UPDATE_ITEM,
  enteredTimeValue,
  RECORDER_TIMEOUT_SECONDS,
  recordItemFailed,
  recordJobFailed,
  sessionKeyParameter,
  sortKeyParameter,
  TASK_TIMEOUT_SECONDS
} from "./FailureRecorders.js"

/** State names (unique across the machine): the local executor binds its handlers to them, so they are part of the contract. */
export const EnhancementStates = {
  enhanceItems: "EnhanceItems",
  enhancePhotos: "EnhancePhotos",
  enhancePhoto: "EnhancePhoto",
  checkPhotoErrorCause: "CheckPhotoErrorCause",
  fillPhotoErrorCause: "FillPhotoErrorCause",
  recordPhotoFailed: "RecordPhotoFailed",
  photoFailureNotRecorded: "PhotoFailureNotRecorded",
  enhanceVideos: "EnhanceVideos",
  enhanceVideo: "EnhanceVideo",
  checkVideoErrorCause: "CheckVideoErrorCause",
  fillVideoErrorCause: "FillVideoErrorCause",
  recordVideoFailed: "RecordVideoFailed",
  videoFailureNotRecorded: "VideoFailureNotRecorded",
  markJobComplete: "MarkJobComplete",
  jobAlreadySettled: "JobAlreadySettled",
  checkJobErrorCause: "CheckJobErrorCause",
  fillJobErrorCause: "FillJobErrorCause",
  recordJobFailed: "RecordJobFailed",
  jobFailed: "JobFailed"
} as const

/** Photos enhanced at once (issue 4): sharp at full resolution is memory-bound, 10 keeps Lambda concurrency and store writes modest. */
export const PHOTO_ENHANCEMENT_MAX_CONCURRENCY = 10

/** Videos enhanced at once (issue 4): each ffmpeg encode is CPU-bound for minutes. */
export const VIDEO_ENHANCEMENT_MAX_CONCURRENCY = 5

/**
 * Default execution timeout: 2 h (seconds). Twenty videos at 5 at a time are
 * four waves of at most {@link TASK_TIMEOUT_SECONDS} each (1 h); the rest is margin.
 */
export const DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS = 7200

/** Deployed resources the definition points at. */
export interface EnhancementPipelineResources {
  /** Plain ARN of the enhancement-worker (photo) function. */
  readonly photoFunctionArn: string
  /** Plain ARN of the video-worker function. */
  readonly videoFunctionArn: string
  /** The session table (PK/SK strings). */
  readonly tableName: string
}

/** What one kind's branch is called and which worker it runs. */
interface Branch {
  readonly kind: "photo" | "video"
  readonly task: string
  readonly check: string
  readonly fill: string
  readonly record: string
  readonly notRecorded: string
}

/** The Map iteration: one item, through its worker, failures recorded on its record with its kind. */
const itemProcessor = (branch: Branch, functionArn: string, tableName: string): ItemProcessor => ({
  ProcessorConfig: { Mode: "INLINE" },
  StartAt: branch.task,
  States: {
    [branch.task]: {
      Type: "Task",
      Resource: functionArn,
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      // The worker appends its round to the item record itself; the Map discards iteration output.
      ResultPath: null,
      Retry: taskRetry(),
      Catch: catchAll(branch.check),
      End: true
    },
    ...causeGuard(branch.check, branch.fill, branch.record),
    [branch.record]: recordItemFailed({
      tableName,
      itemKeyTemplate: Keys.enhanceItem("{}", "{}"),
      // A record the worker never wrote still decodes as an EnhancementItemRecord; an existing one keeps its history.
      extraSets: [
        "#kind = if_not_exists(#kind, :kind)",
        "#rounds = if_not_exists(#rounds, :noRounds)",
        "#currentRound = if_not_exists(#currentRound, :noRound)"
      ],
      extraNames: { "#kind": "kind", "#rounds": "rounds", "#currentRound": "currentRound" },
      extraValues: { ":kind": { S: branch.kind }, ":noRounds": { L: [] }, ":noRound": { N: "-1" } },
      extraCondition: "attribute_not_exists(#kind) OR #kind = :kind",
      notRecorded: branch.notRecorded
    }),
    [branch.notRecorded]: {
      Type: "Pass",
      Comment: "The item record could not be written; the job's Query shows the item as pending or processing, never the run as failed.",
      End: true
    }
  }
})

/** Each Map iteration's event: the job fields plus one target (PhotoEnhanceTaskEvent / VideoEnhanceTaskEvent). */
const itemSelector = {
  "sessionId.$": "$.sessionId",
  "jobId.$": "$.jobId",
  "expiresAt.$": "$.expiresAt",
  "fileId.$": "$$.Map.Item.Value.fileId",
  "key.$": "$$.Map.Item.Value.key",
  "fileName.$": "$$.Map.Item.Value.fileName",
  "feedback.$": "$$.Map.Item.Value.feedback",
  "round.$": "$$.Map.Item.Value.round"
} as const

/**
 * The enhancement state machine.
 *
 * Input: `EnhancementJobInput` (contracts/src/EnhancementJobs.ts). Each photo
 * Map iteration gets a `PhotoEnhanceTaskEvent`, each video one a
 * `VideoEnhanceTaskEvent`; the workers write the item records and the
 * execution output is the input. The job record (`ENHANCE#<job>`, created
 * `running` before the start) ends `complete`, or `failed` with the error
 * that stopped the Parallel, which also fails the execution with that error.
 *
 * @param opts.timeoutSeconds execution timeout in seconds (default {@link DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS}).
 */
export const enhancementPipeline = (
  resources: EnhancementPipelineResources,
  opts?: { readonly timeoutSeconds?: number }
): StateMachineDefinition => ({
  Comment: "Curator enhancement: every kept photo and video enhanced in parallel, failures recorded per item (issue 4).",
  StartAt: EnhancementStates.enhanceItems,
  TimeoutSeconds: opts?.timeoutSeconds ?? DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS,
  States: {
    [EnhancementStates.enhanceItems]: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: EnhancementStates.enhancePhotos,
          States: {
            [EnhancementStates.enhancePhotos]: {
              Type: "Map",
              ItemsPath: "$.photos",
              ItemSelector: itemSelector,
              MaxConcurrency: PHOTO_ENHANCEMENT_MAX_CONCURRENCY,
              ItemProcessor: itemProcessor(
                {
                  kind: "photo",
                  task: EnhancementStates.enhancePhoto,
                  check: EnhancementStates.checkPhotoErrorCause,
                  fill: EnhancementStates.fillPhotoErrorCause,
                  record: EnhancementStates.recordPhotoFailed,
                  notRecorded: EnhancementStates.photoFailureNotRecorded
                },
                resources.photoFunctionArn,
                resources.tableName
              ),
              // State payloads are capped at 256 KiB; results live in the table.
              ResultPath: null,
              End: true
            }
          }
        },
        {
          StartAt: EnhancementStates.enhanceVideos,
          States: {
            [EnhancementStates.enhanceVideos]: {
              Type: "Map",
              ItemsPath: "$.videos",
              ItemSelector: itemSelector,
              MaxConcurrency: VIDEO_ENHANCEMENT_MAX_CONCURRENCY,
              ItemProcessor: itemProcessor(
                {
                  kind: "video",
                  task: EnhancementStates.enhanceVideo,
                  check: EnhancementStates.checkVideoErrorCause,
                  fill: EnhancementStates.fillVideoErrorCause,
                  record: EnhancementStates.recordVideoFailed,
                  notRecorded: EnhancementStates.videoFailureNotRecorded
                },
                resources.videoFunctionArn,
                resources.tableName
              ),
              ResultPath: null,
              End: true
            }
          }
        }
      ],
      // The branches' outputs are discarded: MarkJobComplete reads the job fields of the input.
      ResultPath: null,
      Catch: catchAll(EnhancementStates.checkJobErrorCause),
      Next: EnhancementStates.markJobComplete
    },
    [EnhancementStates.markJobComplete]: recordJobComplete({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.enhanceJob("{}"),
      comment: "Both Maps ended: the job is complete (item failures live on the item records).",
      settledNext: EnhancementStates.jobAlreadySettled,
      errorNext: EnhancementStates.checkJobErrorCause
    }),
    [EnhancementStates.jobAlreadySettled]: { Type: "Succeed", Comment: "The job record was already complete or failed; it is not changed." },
    ...causeGuard(EnhancementStates.checkJobErrorCause, EnhancementStates.fillJobErrorCause, EnhancementStates.recordJobFailed),
    [EnhancementStates.recordJobFailed]: recordJobFailed({
      tableName: resources.tableName,
      jobKeyTemplate: Keys.enhanceJob("{}"),
      next: EnhancementStates.jobFailed
    }),
    [EnhancementStates.jobFailed]: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" }
  }
})
