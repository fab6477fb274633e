import { CaptionJobRecord, CaptionTaskEvent, ErrorTable, errorTags } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { walkStates, type Retrier, type TaskState } from "../src/Asl.js"
import { CAPTION_TASK_TIMEOUT_SECONDS, CaptionStates, captionPipeline, DEFAULT_CAPTION_TIMEOUT_SECONDS } from "../src/CaptionPipeline.js"
import { auditDefinition, dynamoDbRetry, STATES_ALL } from "../src/ErrorPolicy.js"
import { DYNAMODB_UPDATE_ITEM } from "../src/FailureRecorders.js"

const resources = { captionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-caption", tableName: "curator" }
const definition = captionPipeline(resources)
const entries = walkStates(definition)
const state = (name: string) => entries.find((e) => e.name === name)?.state
const task = (name: string) => state(name) as TaskState
const fieldsOf = (template: object | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, "")).sort()
const namesWritten = (t: TaskState) => Object.values((t.Parameters?.ExpressionAttributeNames ?? {}) as Record<string, string>)

describe("captionPipeline shape", () => {
  it("is plain JSON data that passes the audit, with unique state names", () => {
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition)
    expect(auditDefinition(definition)).toEqual([])
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length)
  })

  it("starts with the one caption Task on the plain function ARN, handing it exactly the CaptionTaskEvent", () => {
    expect(definition.StartAt).toBe(CaptionStates.writeCaption)
    const t = task(CaptionStates.writeCaption)
    expect(t.Resource).toBe(resources.captionFunctionArn)
    expect(fieldsOf(t.Parameters)).toEqual(Object.keys(CaptionTaskEvent.fields).sort())
    expect(t.TimeoutSeconds).toBe(CAPTION_TASK_TIMEOUT_SECONDS)
    expect(t.End).toBe(true)
    expect(entries.filter((e) => e.state.Type === "Task" && (e.state as TaskState).Resource !== DYNAMODB_UPDATE_ITEM).map((e) => e.name)).toEqual([
      CaptionStates.writeCaption
    ])
  })

  it("takes the timeout from the options, 1 h by default", () => {
    expect(definition.TimeoutSeconds).toBe(DEFAULT_CAPTION_TIMEOUT_SECONDS)
    expect(DEFAULT_CAPTION_TIMEOUT_SECONDS).toBe(3600)
    expect(captionPipeline(resources, { timeoutSeconds: 60 }).TimeoutSeconds).toBe(60)
  })
})

describe("captionPipeline Retry and Catch", () => {
  const retry = task(CaptionStates.writeCaption).Retry ?? []

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

  it("never retries States.ALL and catches everything into the job recorder, which ends in the Fail state", () => {
    expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain(STATES_ALL)
    expect(task(CaptionStates.writeCaption).Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.error", Next: CaptionStates.checkJobErrorCause }])
    expect(state(CaptionStates.checkJobErrorCause)).toMatchObject({ Type: "Choice" })
    expect(task(CaptionStates.recordJobFailed).Next).toBe(CaptionStates.jobFailed)
    expect(state(CaptionStates.jobFailed)).toMatchObject({ Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" })
  })

  it("records CAPTION#<job> failed with the error, finishedAt and no pending feedback, only for this execution's running round", () => {
    const recorder = task(CaptionStates.recordJobFailed)
    expect(recorder.Resource).toBe(DYNAMODB_UPDATE_ITEM)
    expect(recorder.Retry).toEqual(dynamoDbRetry())
    expect(recorder.Parameters).toMatchObject({
      TableName: "curator",
      Key: { PK: { "S.$": "States.Format('SESSION#{}', $.sessionId)" }, SK: { "S.$": "States.Format('CAPTION#{}', $.jobId)" } },
      UpdateExpression:
        "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt, #pendingFeedback = :null",
      ConditionExpression: "#status = :running AND #execution = :execution",
      ExpressionAttributeValues: {
        ":failed": { S: "failed" },
        ":running": { S: "running" },
        ":null": { NULL: true },
        ":errorTag": { "S.$": "$.error.Error" },
        ":errorMessage": { "S.$": "$.error.Cause" },
        ":finishedAt": { "S.$": "$$.State.EnteredTime" },
        ":execution": { "S.$": "$$.Execution.Name" }
      }
    })
    // Every value the expressions name is defined, and nothing else.
    const parameters = recorder.Parameters as { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: object; ExpressionAttributeNames: object }
    const used = (kind: ":" | "#") =>
      [...new Set(`${parameters.UpdateExpression} ${parameters.ConditionExpression}`.match(new RegExp(`${kind}\\w+`, "g")))].sort()
    expect(Object.keys(parameters.ExpressionAttributeValues).sort()).toEqual(used(":"))
    expect(Object.keys(parameters.ExpressionAttributeNames).sort()).toEqual(used("#"))
    expect(recorder.Catch).toEqual([{ ErrorEquals: [STATES_ALL], ResultPath: "$.recordError", Next: CaptionStates.jobFailed }])
  })

  it("writes only fields of CaptionJobRecord", () => {
    for (const attribute of namesWritten(task(CaptionStates.recordJobFailed))) expect(Object.keys(CaptionJobRecord.fields)).toContain(attribute)
  })
})
