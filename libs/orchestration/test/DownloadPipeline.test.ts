import { BundleTaskEvent, DownloadJobRecord, DownloadPostRecord, ErrorTable, errorTags, PostLimits } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { walkStates, type MapState, type Retrier, type TaskState } from "../src/Asl.js"
import { BUNDLE_MAX_CONCURRENCY, DEFAULT_DOWNLOAD_TIMEOUT_SECONDS, DownloadStates, downloadPipeline } from "../src/DownloadPipeline.js"
import { auditDefinition, DynamoDbIntegrationErrors, dynamoDbRetry, STATES_ALL } from "../src/ErrorPolicy.js"
import { DYNAMODB_UPDATE_ITEM, TASK_TIMEOUT_SECONDS } from "../src/FailureRecorders.js"

const resources = { bundleFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-bundle", tableName: "curator" }
const definition = downloadPipeline(resources)
const entries = walkStates(definition)
const state = (name: string) => entries.find((e) => e.name === name)?.state
const task = (name: string) => state(name) as TaskState
const fieldsOf = (template: object | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, "")).sort()
const namesWritten = (t: TaskState) => Object.values((t.Parameters?.ExpressionAttributeNames ?? {}) as Record<string, string>)
const expressionsConsistent = (t: TaskState) => {
  const p = t.Parameters as { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: object; ExpressionAttributeNames: object }
  const used = (kind: ":" | "#") => [...new Set(`${p.UpdateExpression} ${p.ConditionExpression}`.match(new RegExp(`${kind}\\w+`, "g")))].sort()
  expect(Object.keys(p.ExpressionAttributeValues).sort()).toEqual(used(":"))
  expect(Object.keys(p.ExpressionAttributeNames).sort()).toEqual(used("#"))
}

describe("downloadPipeline shape", () => {
  it("is plain JSON data that passes the audit, with unique state names", () => {
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition)
    expect(auditDefinition(definition)).toEqual([])
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length)
  })

  it("maps over $.posts two at a time, result discarded, building the BundleTaskEvent", () => {
    const map = definition.States[definition.StartAt] as MapState
    expect(definition.StartAt).toBe(DownloadStates.bundlePosts)
    expect(map.Type).toBe("Map")
    expect(map.ItemsPath).toBe("$.posts")
    expect(BUNDLE_MAX_CONCURRENCY).toBe(2)
    expect(map.MaxConcurrency).toBe(2)
    expect(map.ResultPath).toBeNull()
    expect(fieldsOf(map.ItemSelector)).toEqual(Object.keys(BundleTaskEvent.fields).sort())
    expect(map.ItemSelector?.["postId.$"]).toBe("$$.Map.Item.Value.postId")
    expect(map.ItemProcessor.StartAt).toBe(DownloadStates.bundlePost)
    expect(map.Next).toBe(DownloadStates.markJobComplete)
  })

  it("calls the plain bundle function ARN inside the Map, with the Lambda maximum as timeout", () => {
    const lambdaTasks = entries.filter((e) => e.state.Type === "Task" && (e.state as TaskState).Resource !== DYNAMODB_UPDATE_ITEM)
    expect(lambdaTasks.map((e) => [e.name, e.insideMap])).toEqual([[DownloadStates.bundlePost, true]])
    expect(task(DownloadStates.bundlePost)).toMatchObject({ Resource: resources.bundleFunctionArn, TimeoutSeconds: TASK_TIMEOUT_SECONDS, ResultPath: null })
    expect(JSON.stringify(definition)).not.toContain("lambda:invoke")
  })

  it("takes the timeout from the options; by default every post of the largest session, two at a time, to the Lambda maximum", () => {
    expect(DEFAULT_DOWNLOAD_TIMEOUT_SECONDS).toBe((PostLimits.postsPerSession / 2) * 900)
    expect(definition.TimeoutSeconds).toBe(DEFAULT_DOWNLOAD_TIMEOUT_SECONDS)
    expect(downloadPipeline(resources, { timeoutSeconds: 60 }).TimeoutSeconds).toBe(60)
  })
})

describe("downloadPipeline Retry and Catch", () => {
  const retry = task(DownloadStates.bundlePost).Retry ?? []

  it.each(errorTags())("%s sits where the error table says", (tag) => {
    const holders = retry.filter((r: Retrier) => r.ErrorEquals.includes(tag))
    const entry = ErrorTable[tag]
    if (entry.kind === "terminal") {
      expect(holders).toEqual([])
    } else {
      expect(holders).toHaveLength(1)
      expect(holders[0]).toMatchObject({ IntervalSeconds: entry.retry.intervalSeconds, MaxAttempts: entry.retry.maxAttempts, BackoffRate: entry.retry.backoffRate })
    }
  })

  it("never retries States.ALL; every Task inside the Map ends its Catch in States.ALL", () => {
    expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain(STATES_ALL)
    for (const e of entries.filter((e) => e.insideMap && e.state.Type === "Task")) expect((e.state as TaskState).Catch?.at(-1)?.ErrorEquals).toEqual([STATES_ALL])
  })

  it("records a failed post on DOWNLOAD#<job>#POST#<postId>, only when it exists and is not done; recording trouble ends the iteration", () => {
    expect(task(DownloadStates.bundlePost).Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: DownloadStates.checkPostErrorCause }])
    const recorder = task(DownloadStates.recordPostFailed)
    expect(recorder.Resource).toBe(DYNAMODB_UPDATE_ITEM)
    expect(recorder.Parameters).toMatchObject({
      Key: { SK: { "S.$": "States.Format('DOWNLOAD#{}#POST#{}', $.jobId, $.postId)" } },
      UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage",
      ConditionExpression: "attribute_exists(#status) AND #status <> :done"
    })
    expressionsConsistent(recorder)
    expect(recorder.End).toBe(true)
    expect(recorder.Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.recordError", Next: DownloadStates.postFailureNotRecorded }])
    expect(state(DownloadStates.postFailureNotRecorded)).toMatchObject({ Type: "Pass", End: true })
  })

  it("catches a Map failure into the job recorder, which ends in the Fail state", () => {
    const map = definition.States[DownloadStates.bundlePosts] as MapState
    expect(map.Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: DownloadStates.checkJobErrorCause }])
    const recorder = task(DownloadStates.recordJobFailed)
    expect(recorder.Parameters).toMatchObject({ Key: { SK: { "S.$": "States.Format('DOWNLOAD#{}', $.jobId)" } }, ConditionExpression: "#status <> :complete" })
    expressionsConsistent(recorder)
    expect(recorder.Next).toBe(DownloadStates.jobFailed)
    expect(state(DownloadStates.jobFailed)).toMatchObject({ Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" })
  })

  it("marks the job complete through the DynamoDB integration only while it is running", () => {
    const complete = task(DownloadStates.markJobComplete)
    expect(complete.Parameters).toMatchObject({
      UpdateExpression: "SET #status = :complete, #finishedAt = :finishedAt",
      ConditionExpression: "#status = :running",
      Key: { SK: { "S.$": "States.Format('DOWNLOAD#{}', $.jobId)" } },
      ExpressionAttributeValues: { ":finishedAt": { "S.$": "$$.State.EnteredTime" } }
    })
    expressionsConsistent(complete)
    expect(complete.End).toBe(true)
    expect(complete.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [[DynamoDbIntegrationErrors.conditionalCheckFailed], DownloadStates.jobAlreadySettled],
      [[STATES_ALL], DownloadStates.checkJobErrorCause]
    ])
    expect(state(DownloadStates.jobAlreadySettled)).toMatchObject({ Type: "Succeed" })
  })

  it("retries every DynamoDB integration Task with the store policies", () => {
    for (const e of entries.filter((e) => e.state.Type === "Task" && (e.state as TaskState).Resource === DYNAMODB_UPDATE_ITEM)) {
      expect((e.state as TaskState).Retry).toEqual(dynamoDbRetry())
    }
  })

  it.each([
    [DownloadStates.recordPostFailed, DownloadPostRecord.fields],
    [DownloadStates.recordJobFailed, DownloadJobRecord.fields],
    [DownloadStates.markJobComplete, DownloadJobRecord.fields]
  ] as const)("%s writes only fields of its record", (name, fields) => {
    for (const attribute of namesWritten(task(name))) expect(Object.keys(fields)).toContain(attribute)
  })
})
