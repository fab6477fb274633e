import { SelectionItemRecord, SelectionJobRecord, SelectionTaskEvent, ThumbnailTaskEvent } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { walkStates, type TaskState } from "../src/Asl.js"
import { DYNAMODB_UPDATE_ITEM } from "../src/FailureRecorders.js"
import { SelectionStates, THUMBNAIL_MAX_CONCURRENCY, selectionPipeline } from "../src/SelectionPipeline.js"

const resources = {
  thumbnailFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-thumbnail",
  selectionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-selection",
  tableName: "curator"
}
const definition = selectionPipeline(resources)
const fieldsOf = (template: object | undefined) => Object.keys(template ?? {}).map((k) => k.replace(/\.\$$/, "")).sort()
const task = (name: string) => walkStates(definition).find((e) => e.name === name)?.state as TaskState

describe("selectionPipeline", () => {
  it("is plain JSON data", () => {
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition)
  })

  it("maps over $.files building a ThumbnailTaskEvent, 20 at a time", () => {
    const map = definition.States[SelectionStates.processFiles]
    if (map?.Type !== "Map") throw new Error("ProcessFiles is a Map")
    expect(map.ItemsPath).toBe("$.files")
    expect(map.MaxConcurrency).toBe(THUMBNAIL_MAX_CONCURRENCY)
    expect(fieldsOf(map.ItemSelector)).toEqual(Object.keys(ThumbnailTaskEvent.fields).sort())
  })

  it("calls plain function ARNs (no lambda:invoke wrapper)", () => {
    expect(task(SelectionStates.makeThumbnail).Resource).toBe(resources.thumbnailFunctionArn)
    expect(task(SelectionStates.selectMedia).Resource).toBe(resources.selectionFunctionArn)
    expect(JSON.stringify(definition)).not.toContain("lambda:invoke")
  })

  it("hands SelectMedia a SelectionTaskEvent", () => {
    expect(fieldsOf(task(SelectionStates.selectMedia).Parameters)).toEqual(Object.keys(SelectionTaskEvent.fields).sort())
  })

  it.each([
    [SelectionStates.recordItemFailed, SelectionItemRecord.fields],
    [SelectionStates.recordJobFailed, SelectionJobRecord.fields]
  ] as const)("%s writes only fields of its record", (name, fields) => {
    const state = task(name)
    expect(state.Resource).toBe(DYNAMODB_UPDATE_ITEM)
    const names = Object.values((state.Parameters?.ExpressionAttributeNames ?? {}) as Record<string, string>)
    for (const attribute of names) expect(Object.keys(fields)).toContain(attribute)
  })

  it("stamps a failed job's finishedAt with RecordJobFailed's entry time from the context object", () => {
    const parameters = task(SelectionStates.recordJobFailed).Parameters as { UpdateExpression: string; ExpressionAttributeValues: object }
    expect(parameters.UpdateExpression).toContain("#finishedAt = :finishedAt")
    expect(parameters.ExpressionAttributeValues).toMatchObject({ ":finishedAt": { "S.$": "$$.State.EnteredTime" } })
  })

  it("takes the timeout from the options", () => {
    expect(selectionPipeline(resources, { timeoutSeconds: 60 }).TimeoutSeconds).toBe(60)
  })
})
