import { ErrorTable, errorTags } from "@curator/contracts"
import {
  auditDefinition,
  captionPipeline,
  downloadPipeline,
  DYNAMODB_UPDATE_ITEM,
  enhancementPipeline,
  selectionPipeline,
  STATES_ALL,
  walkStates,
  type StateMachineDefinition,
  type TaskState
} from "@curator/orchestration"
import { describe, expect, it } from "vitest"
import { substitute } from "../src/definitions.js"
import { logicalId, render, synth } from "./support.js"

const { templates } = synth()
const backend = templates.backend
const machines = backend.findResources("AWS::StepFunctions::StateMachine")

/** A made-up ARN per function logical id, so the test can tell the functions apart after substitution. */
const fakeArn = (logical: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${logical}`
const TABLE_NAME = "curator-sessions-test"

/**
 * The synthesized definition with its ARNs put back: `DefinitionString`
 * (joined if it is an `Fn::Join`) with each `DefinitionSubstitutions` value
 * replaced by a fake ARN of the function it references (or the table name).
 */
const synthesized = (prefix: string): StateMachineDefinition => {
  const props = machines[logicalId(backend, "AWS::StepFunctions::StateMachine", prefix)]!.Properties
  const body = render(props.DefinitionString)
  const values = Object.fromEntries(
    Object.entries(props.DefinitionSubstitutions as Record<string, unknown>).map(([key, value]) => {
      const r = render(value)
      if (/^\w+Function[0-9A-F]+\.Arn$/.test(r)) return [key, fakeArn(r.replace(/\.Arn$/, ""))]
      if (/^import:CuratorStorage:ExportsOutputRefSessionTable/.test(r)) return [key, TABLE_NAME]
      throw new Error(`unexpected substitution ${key} = ${r}`)
    })
  )
  return JSON.parse(substitute(body, values)) as StateMachineDefinition
}

const fn = (prefix: string) => fakeArn(logicalId(backend, "AWS::Lambda::Function", prefix))

const selection = synthesized("SelectionStateMachine")
const enhancement = synthesized("EnhancementStateMachine")
const caption = synthesized("CaptionStateMachine")
const download = synthesized("DownloadStateMachine")

describe("the synthesized definitions are the ones the local executor runs", () => {
  it("selection equals selectionPipeline(ARNs) of @curator/orchestration", () => {
    expect(selection).toEqual(
      selectionPipeline({ thumbnailFunctionArn: fn("ThumbnailWorkerFunction"), selectionFunctionArn: fn("SelectionWorkerFunction"), tableName: TABLE_NAME })
    )
  })

  it("enhancement equals enhancementPipeline(ARNs) of @curator/orchestration", () => {
    expect(enhancement).toEqual(
      enhancementPipeline({ photoFunctionArn: fn("EnhancementWorkerFunction"), videoFunctionArn: fn("VideoWorkerFunction"), tableName: TABLE_NAME })
    )
  })

  it("caption equals captionPipeline(ARNs) of @curator/orchestration", () => {
    expect(caption).toEqual(captionPipeline({ captionFunctionArn: fn("CaptionWorkerFunction"), tableName: TABLE_NAME }))
  })

  it("download equals downloadPipeline(ARNs) of @curator/orchestration", () => {
    expect(download).toEqual(downloadPipeline({ bundleFunctionArn: fn("BundleWorkerFunction"), tableName: TABLE_NAME }))
  })

  it("are four Standard workflows that pass the orchestration audit", () => {
    backend.resourceCountIs("AWS::StepFunctions::StateMachine", 4)
    for (const m of Object.values(machines)) expect(m.Properties.StateMachineType).toBe("STANDARD")
    for (const d of [selection, enhancement, caption, download]) expect(auditDefinition(d)).toEqual([])
  })

  it("substitute refuses a placeholder without a value", () => {
    expect(() => substitute('{"Resource":"${Nope}"}', {})).toThrow(/Nope/)
  })
})

const lambdaTasks = (definition: StateMachineDefinition) =>
  walkStates(definition).filter((e): e is typeof e & { state: TaskState } => e.state.Type === "Task" && e.state.Resource !== DYNAMODB_UPDATE_ITEM)

const cases = [
  ...lambdaTasks(selection).map((t) => ["selection", t.name, t.state] as const),
  ...lambdaTasks(enhancement).map((t) => ["enhancement", t.name, t.state] as const),
  ...lambdaTasks(caption).map((t) => ["caption", t.name, t.state] as const),
  ...lambdaTasks(download).map((t) => ["download", t.name, t.state] as const)
]

describe("every error tag of THE error table sits in the right Retry or Catch of the synthesized machines", () => {
  it("finds the six worker Tasks, each on its own function", () => {
    expect(cases.map(([m, name, state]) => [m, name, state.Resource])).toEqual([
      ["selection", "MakeThumbnail", fn("ThumbnailWorkerFunction")],
      ["selection", "SelectMedia", fn("SelectionWorkerFunction")],
      ["enhancement", "EnhancePhoto", fn("EnhancementWorkerFunction")],
      ["enhancement", "EnhanceVideo", fn("VideoWorkerFunction")],
      ["caption", "WriteCaption", fn("CaptionWorkerFunction")],
      ["download", "BundlePost", fn("BundleWorkerFunction")]
    ])
  })

  describe.each(cases)("%s / %s", (_machine, _name, state) => {
    it.each(errorTags())("%s", (tag) => {
      const retriers = (state.Retry ?? []).filter((r) => r.ErrorEquals.includes(tag))
      const entry = ErrorTable[tag]
      if (entry.kind === "retry") {
        expect(retriers).toHaveLength(1)
        expect(retriers[0]).toMatchObject({
          IntervalSeconds: entry.retry.intervalSeconds,
          MaxAttempts: entry.retry.maxAttempts,
          BackoffRate: entry.retry.backoffRate
        })
      } else {
        expect(retriers).toEqual([])
      }
      // Whatever is not retried (or is retried out) is caught by the first matching Catcher: it must be
      // the States.ALL one that records the failure (no Catcher names a tag before it).
      const catcher = (state.Catch ?? []).find((c) => c.ErrorEquals.includes(tag) || c.ErrorEquals.includes(STATES_ALL))
      expect(catcher?.ErrorEquals).toEqual([STATES_ALL])
      expect(catcher?.Next).toMatch(/^Check\w+ErrorCause$/)
      expect(catcher?.ResultPath).toBe("$.error")
    })

    it("never retries States.ALL", () => {
      expect((state.Retry ?? []).flatMap((r) => r.ErrorEquals)).not.toContain(STATES_ALL)
    })
  })
})
