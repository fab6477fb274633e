/**
 * ASL `Retry` and `Catch` generated from THE error table (`ErrorTable` in
 * @curator/contracts, ARCHITECTURE.md "Errors and retries"). Nothing here
 * classifies an error: it only turns the table into Step Functions JSON, so
 * CDK and the local executor run the same retries.
 */
import { ErrorTable, errorTags, type ErrorTag, type RetryPolicy } from "@curator/contracts"
import { walkStates, type Catcher, type Retrier, type StateMachineDefinition } from "./Asl.js"

/** ASL's catch-all error name. It never appears in a Retrier (a terminal error must not be retried). */
export const STATES_ALL = "States.ALL"

/**
 * Error names of the Step Functions DynamoDB service integration
 * (`DynamoDB.` + the DynamoDB exception name; AWS docs, "Call DynamoDB APIs
 * with Step Functions"). They are retried with the table's policy for the
 * matching store error, so the classification still lives in one place.
 */
export const DynamoDbIntegrationErrors = {
  /** Retried like `StoreThrottledError`. */
  throttled: ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException", "DynamoDB.RequestLimitExceeded"],
  /** Retried like `StoreUnavailableError`. */
  unavailable: ["DynamoDB.InternalServerError"],
  /** A failed `ConditionExpression`: terminal (the record already holds a state we must not overwrite). */
  conditionalCheckFailed: "DynamoDB.ConditionalCheckFailedException"
} as const

const policyKey = (p: RetryPolicy) => `${p.intervalSeconds}/${p.maxAttempts}/${p.backoffRate}`

const retrier = (errorEquals: ReadonlyArray<string>, p: RetryPolicy): Retrier => ({
  ErrorEquals: errorEquals,
  IntervalSeconds: p.intervalSeconds,
  MaxAttempts: p.maxAttempts,
  BackoffRate: p.backoffRate,
  // Full jitter spreads the retries of the up to 20 Map iterations that hit the
  // same throttled service at once (AWS Architecture Blog, "Exponential Backoff
  // And Jitter", 2015). A single retry gains nothing from it.
  ...(p.maxAttempts > 1 ? { JitterStrategy: "FULL" as const } : {})
})

/**
 * The `Retry` array for a Lambda Task: one Retrier per distinct retry policy
 * of the table, listing (in table order) the exact tags that share it.
 * Terminal tags appear in no Retrier; `States.ALL` never does.
 *
 * @param tags the tags this task can end with (default: every tag of the table).
 */
export const taskRetry = (tags: ReadonlyArray<ErrorTag> = errorTags()): ReadonlyArray<Retrier> => {
  const groups = new Map<string, { policy: RetryPolicy; tags: Array<ErrorTag> }>()
  for (const tag of tags) {
    const entry = ErrorTable[tag]
    if (entry.kind !== "retry") continue
    const key = policyKey(entry.retry)
    const group = groups.get(key) ?? { policy: entry.retry, tags: [] }
    group.tags.push(tag)
    groups.set(key, group)
  }
  return [...groups.values()].map((g) => retrier(g.tags, g.policy))
}

/** The `Retry` array for a DynamoDB service-integration Task, with the table's store policies. */
export const dynamoDbRetry = (): ReadonlyArray<Retrier> => {
  const throttled = ErrorTable.StoreThrottledError
  const unavailable = ErrorTable.StoreUnavailableError
  if (throttled.kind !== "retry" || unavailable.kind !== "retry") {
    throw new Error("ErrorTable: StoreThrottledError and StoreUnavailableError must be retryable")
  }
  return [
    retrier(DynamoDbIntegrationErrors.throttled, throttled.retry),
    retrier(DynamoDbIntegrationErrors.unavailable, unavailable.retry)
  ]
}

/**
 * A `Catch` array ending in `States.ALL`: every error not retried (or retried
 * out) is caught, its `{ Error, Cause }` put at `resultPath` (default
 * `$.error`, keeping the task's input beside it) and control passed to `next`.
 */
export const catchAll = (next: string, resultPath: string | null = "$.error"): ReadonlyArray<Catcher> => [
  { ErrorEquals: [STATES_ALL], ResultPath: resultPath, Next: next }
]

/**
 * Checks a definition against the rules of ARCHITECTURE.md "Errors and
 * retries" and returns one line per violation (empty when it complies):
 * no Retrier names `States.ALL` or a terminal tag; every Task inside a Map's
 * `ItemProcessor` has a Catch whose last entry is `States.ALL`; every Map has
 * `ResultPath: null`; the machine has `TimeoutSeconds`.
 */
export const auditDefinition = (definition: StateMachineDefinition): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (definition.TimeoutSeconds === undefined) problems.push("the state machine has no TimeoutSeconds")
  for (const { name, state, insideMap } of walkStates(definition)) {
    if (state.Type === "Map" && state.ResultPath !== null) problems.push(`${name}: Map without ResultPath null`)
    if (state.Type !== "Task" && state.Type !== "Map" && state.Type !== "Parallel") continue
    for (const r of state.Retry ?? []) {
      for (const e of r.ErrorEquals) {
        if (e === STATES_ALL) problems.push(`${name}: a Retrier names States.ALL`)
        if (e in ErrorTable && ErrorTable[e as ErrorTag].kind === "terminal") problems.push(`${name}: terminal ${e} is retried`)
      }
    }
    if (state.Type === "Task" && insideMap) {
      const last = state.Catch?.at(-1)
      if (last === undefined || !last.ErrorEquals.includes(STATES_ALL)) {
        problems.push(`${name}: Task inside a Map without a Catch ending in States.ALL`)
      }
    }
  }
  return problems
}
