import { ErrorTable, errorTags, terminalTags } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { walkStates, type Retrier, type TaskState } from "../src/Asl.js"
import { auditDefinition, dynamoDbRetry, DynamoDbIntegrationErrors, STATES_ALL, taskRetry } from "../src/ErrorPolicy.js"
import { DYNAMODB_UPDATE_ITEM } from "../src/FailureRecorders.js"
import { SelectionStates, selectionPipeline } from "../src/SelectionPipeline.js"

const definition = selectionPipeline({
  thumbnailFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-thumbnail",
  selectionFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:curator-selection",
  tableName: "curator"
})
const tasks = walkStates(definition).filter((e): e is typeof e & { state: TaskState } => e.state.Type === "Task")
const lambdaTasks = tasks.filter((t) => t.state.Resource !== DYNAMODB_UPDATE_ITEM)

describe("Retry generated from the error table", () => {
  it("binds the Lambda Tasks MakeThumbnail and SelectMedia", () => {
    expect(lambdaTasks.map((t) => t.name)).toEqual([SelectionStates.makeThumbnail, SelectionStates.selectMedia])
  })

  describe.each(lambdaTasks.map((t) => [t.name, t.state.Retry ?? []] as const))("%s", (_name, retry) => {
    it.each(errorTags())("%s sits where the table says", (tag) => {
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

    it("has one Retrier per distinct policy and never States.ALL", () => {
      const keys = retry.map((r) => `${r.IntervalSeconds}/${r.MaxAttempts}/${r.BackoffRate}`)
      expect(new Set(keys).size).toBe(keys.length)
      expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain(STATES_ALL)
    })
  })

  it("retries the DynamoDB integration errors with the table's store policies, never a conditional check", () => {
    const [throttled, unavailable] = dynamoDbRetry()
    const policy = (tag: "StoreThrottledError" | "StoreUnavailableError") => {
      const entry = ErrorTable[tag]
      return entry.kind === "retry" ? entry.retry : undefined
    }
    expect(throttled).toMatchObject({ ErrorEquals: DynamoDbIntegrationErrors.throttled, IntervalSeconds: policy("StoreThrottledError")?.intervalSeconds })
    expect(unavailable).toMatchObject({ ErrorEquals: DynamoDbIntegrationErrors.unavailable, MaxAttempts: policy("StoreUnavailableError")?.maxAttempts })
    for (const t of tasks.filter((t) => t.state.Resource === DYNAMODB_UPDATE_ITEM)) {
      expect(t.state.Retry).toEqual(dynamoDbRetry())
      expect(t.state.Retry?.flatMap((r) => r.ErrorEquals)).not.toContain(DynamoDbIntegrationErrors.conditionalCheckFailed)
    }
  })

  it("can be generated for a subset of tags", () => {
    expect(taskRetry(terminalTags())).toEqual([])
    expect(taskRetry(["StoreThrottledError"])).toEqual([
      { ErrorEquals: ["StoreThrottledError"], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: "FULL" }
    ])
  })
})

describe("Catch and shape rules", () => {
  it("the selection pipeline passes the audit", () => {
    expect(auditDefinition(definition)).toEqual([])
  })

  it.each(walkStates(definition).filter((e) => e.insideMap && e.state.Type === "Task"))("$name (inside the Map) ends its Catch in States.ALL", ({ state }) => {
    expect((state as TaskState).Catch?.at(-1)?.ErrorEquals).toEqual([STATES_ALL])
  })

  it("the Map discards results and the machine has a TimeoutSeconds", () => {
    const map = definition.States[SelectionStates.processFiles]
    expect(map?.Type === "Map" && map.ResultPath).toBeNull()
    expect(definition.TimeoutSeconds).toBe(3600)
  })

  it("the audit reports each broken rule", () => {
    const map = definition.States[SelectionStates.processFiles]
    if (map?.Type !== "Map") throw new Error("ProcessFiles is a Map")
    const thumb = map.ItemProcessor.States[SelectionStates.makeThumbnail] as TaskState
    const broken = {
      ...definition,
      TimeoutSeconds: undefined,
      States: {
        ...definition.States,
        [SelectionStates.processFiles]: {
          ...map,
          ResultPath: "$.results",
          ItemProcessor: {
            ...map.ItemProcessor,
            States: {
              ...map.ItemProcessor.States,
              [SelectionStates.makeThumbnail]: {
                ...thumb,
                Catch: [],
                Retry: [{ ErrorEquals: ["CorruptMediaError", STATES_ALL], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 }]
              }
            }
          }
        }
      }
    }
    expect(auditDefinition(broken)).toEqual([
      "the state machine has no TimeoutSeconds",
      "ProcessFiles: Map without ResultPath null",
      "MakeThumbnail: terminal CorruptMediaError is retried",
      "MakeThumbnail: a Retrier names States.ALL",
      "MakeThumbnail: Task inside a Map without a Catch ending in States.ALL"
    ])
  })
})
