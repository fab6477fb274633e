import { EnhancementItemRecord, EnhancementJobRecord, ErrorTable, errorTags, PhotoEnhanceTaskEvent, VideoEnhanceTaskEvent } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { walkStates, type MapState, type ParallelState, type Retrier, type TaskState } from "../src/Asl.js"
import {
  DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS,
  EnhancementStates,
  enhancementPipeline,
  PHOTO_ENHANCEMENT_MAX_CONCURRENCY,
  VIDEO_ENHANCEMENT_MAX_CONCURRENCY
} from "../src/EnhancementPipeline.js"
import { auditDefinition, DynamoDbIntegrationErrors, dynamoDbRetry, STATES_ALL } from "../src/ErrorPolicy.js"
import { DYNAMODB_UPDATE_ITEM } from "../src/FailureRecorders.js"

const resources = {
  photoFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-enhancement",
  videoFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-video",
  tableName: "curator"
}
const definition = enhancementPipeline(resources)
const entries = walkStates(definition)
const state = (name: string) => entries.find((e) => e.name === name)?.state
const task = (name: string) => state(name) as TaskState
const map = (name: string) => state(name) as MapState
const tasks = entries.filter((e): e is typeof e & { state: TaskState } => e.state.Type === "Task")
const lambdaTasks = tasks.filter((t) => t.state.Resource !== DYNAMODB_UPDATE_ITEM)
const fieldsOf = (template: object | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, "")).sort()
const namesWritten = (t: TaskState) => Object.values((t.Parameters?.ExpressionAttributeNames ?? {}) as Record<string, string>)

describe("enhancementPipeline shape", () => {
  it("is plain JSON data that passes the audit, with unique state names", () => {
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition)
    expect(auditDefinition(definition)).toEqual([])
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length)
  })

  it("starts with a Parallel of the photo Map and the video Map, its result discarded", () => {
    const parallel = definition.States[definition.StartAt] as ParallelState
    expect(parallel.Type).toBe("Parallel")
    expect(parallel.ResultPath).toBeNull()
    expect(parallel.Branches.map((b) => b.StartAt)).toEqual([EnhancementStates.enhancePhotos, EnhancementStates.enhanceVideos])
    expect(parallel.Next).toBe(EnhancementStates.markJobComplete)
  })

  it.each([
    [EnhancementStates.enhancePhotos, "$.photos", PHOTO_ENHANCEMENT_MAX_CONCURRENCY, 10, EnhancementStates.enhancePhoto, PhotoEnhanceTaskEvent.fields],
    [EnhancementStates.enhanceVideos, "$.videos", VIDEO_ENHANCEMENT_MAX_CONCURRENCY, 5, EnhancementStates.enhanceVideo, VideoEnhanceTaskEvent.fields]
  ] as const)("%s maps over %s, %i (= %i) at a time, building the task event", (name, itemsPath, constant, expected, taskName, fields) => {
    const m = map(name)
    expect(m.ItemsPath).toBe(itemsPath)
    expect(constant).toBe(expected)
    expect(m.MaxConcurrency).toBe(expected)
    expect(m.ResultPath).toBeNull()
    expect(m.ItemProcessor.StartAt).toBe(taskName)
    expect(fieldsOf(m.ItemSelector)).toEqual(Object.keys(fields).sort())
  })

  it("calls plain function ARNs (no lambda:invoke wrapper)", () => {
    expect(task(EnhancementStates.enhancePhoto).Resource).toBe(resources.photoFunctionArn)
    expect(task(EnhancementStates.enhanceVideo).Resource).toBe(resources.videoFunctionArn)
    expect(JSON.stringify(definition)).not.toContain("lambda:invoke")
  })

  it("takes the timeout from the options, 2 h by default", () => {
    expect(definition.TimeoutSeconds).toBe(DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS)
    expect(enhancementPipeline(resources, { timeoutSeconds: 60 }).TimeoutSeconds).toBe(60)
  })
})

describe("enhancementPipeline Retry and Catch", () => {
  it("binds exactly the two worker Tasks, inside the Maps", () => {
    expect(lambdaTasks.map((t) => [t.name, t.insideMap])).toEqual([
      [EnhancementStates.enhancePhoto, true],
      [EnhancementStates.enhanceVideo, true]
    ])
  })

  describe.each(lambdaTasks.map((t) => [t.name, t.state.Retry ?? []] as const))("%s", (_name, retry) => {
    it.each(errorTags())("%s sits where the error table says", (tag) => {
      const holders = retry.filter((r: Retrier) => r.ErrorEquals.includes(tag))
      const entry = ErrorTable[tag]
      if (entry.kind === "terminal") {
        expect(holders).toEqual([])
      } else {
        expect(holders).toHaveLength(1)
        expect(holders[0]).toMatchObject({
          IntervalSeconds: entry.retry.intervalSeconds,
          MaxAttempts: entry.retry.maxAttempts,
          BackoffRate: entry.retry.backoffRate
        })
      }
    })

    it("never retries States.ALL", () => {
      expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain(STATES_ALL)
    })
  })

  it.each(entries.filter((e) => e.insideMap && e.state.Type === "Task"))("$name (inside a Map) ends its Catch in States.ALL", ({ state }) => {
    expect((state as TaskState).Catch?.at(-1)?.ErrorEquals).toEqual([STATES_ALL])
  })

  it.each([
    [EnhancementStates.enhancePhoto, EnhancementStates.checkPhotoErrorCause, EnhancementStates.recordPhotoFailed, "photo"],
    [EnhancementStates.enhanceVideo, EnhancementStates.checkVideoErrorCause, EnhancementStates.recordVideoFailed, "video"]
  ] as const)("%s's failure goes to %s and is recorded by %s with kind %s", (taskName, check, record, kind) => {
    expect(task(taskName).Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: check }])
    const recorder = task(record)
    expect(recorder.Resource).toBe(DYNAMODB_UPDATE_ITEM)
    expect(recorder.Parameters?.ExpressionAttributeValues).toMatchObject({ ":kind": { S: kind } })
    expect(recorder.Parameters?.ConditionExpression).toContain("#kind = :kind")
    expect(recorder.Parameters?.Key).toMatchObject({ SK: { "S.$": "States.Format('ENHANCE#{}#ITEM#{}', $.jobId, $.fileId)" } })
  })

  it("catches a Parallel failure into the job recorder, and the job recorder ends in the Fail state", () => {
    const parallel = definition.States[EnhancementStates.enhanceItems] as ParallelState
    expect(parallel.Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: EnhancementStates.checkJobErrorCause }])
    expect(task(EnhancementStates.recordJobFailed).Next).toBe(EnhancementStates.jobFailed)
    expect(state(EnhancementStates.jobFailed)).toMatchObject({ Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" })
  })

  it("marks the job complete through the DynamoDB integration only while it is running", () => {
    const complete = task(EnhancementStates.markJobComplete)
    expect(complete.Resource).toBe(DYNAMODB_UPDATE_ITEM)
    expect(complete.Parameters).toMatchObject({
      UpdateExpression: "SET #status = :complete, #finishedAt = :finishedAt",
      ConditionExpression: "#status = :running",
      Key: { SK: { "S.$": "States.Format('ENHANCE#{}', $.jobId)" } }
    })
    expect(complete.End).toBe(true)
    expect(complete.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [[DynamoDbIntegrationErrors.conditionalCheckFailed], EnhancementStates.jobAlreadySettled],
      [[STATES_ALL], EnhancementStates.checkJobErrorCause]
    ])
  })

  it.each([EnhancementStates.markJobComplete, EnhancementStates.recordJobFailed])("%s stamps finishedAt with the state's entry time from the context object", (name) => {
    const parameters = task(name).Parameters as { UpdateExpression: string; ExpressionAttributeNames: object; ExpressionAttributeValues: object }
    expect(parameters.UpdateExpression).toContain("#finishedAt = :finishedAt")
    expect(parameters.ExpressionAttributeNames).toMatchObject({ "#finishedAt": "finishedAt" })
    expect(parameters.ExpressionAttributeValues).toMatchObject({ ":finishedAt": { "S.$": "$$.State.EnteredTime" } })
  })

  it("retries every DynamoDB integration Task with the store policies", () => {
    for (const t of tasks.filter((t) => t.state.Resource === DYNAMODB_UPDATE_ITEM)) expect(t.state.Retry).toEqual(dynamoDbRetry())
  })

  it.each([
    [EnhancementStates.recordPhotoFailed, EnhancementItemRecord.fields],
    [EnhancementStates.recordVideoFailed, EnhancementItemRecord.fields],
    [EnhancementStates.recordJobFailed, EnhancementJobRecord.fields],
    [EnhancementStates.markJobComplete, EnhancementJobRecord.fields]
  ] as const)("%s writes only fields of its record", (name, fields) => {
    for (const attribute of namesWritten(task(name))) expect(Object.keys(fields)).toContain(attribute)
  })
})
