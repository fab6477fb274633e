/**
 * The subset of the Amazon States Language (JSONPath mode) Curator's state
 * machines use, as plain typed data. The same JSON is handed to CDK
 * (`DefinitionBody.fromString(JSON.stringify(...))`) and to the local executor.
 * Field names are ASL's own (https://states-language.net/spec.html).
 */

/** Any JSON value (payload templates, Pass `Result`). */
export type JsonValue = null | boolean | number | string | ReadonlyArray<JsonValue> | { readonly [key: string]: JsonValue }

/** One `Retry` entry: re-run the state when the error's name is in `ErrorEquals`. Seconds and a multiplier. */
export interface Retrier {
  readonly ErrorEquals: ReadonlyArray<string>
  readonly IntervalSeconds: number
  readonly MaxAttempts: number
  readonly BackoffRate: number
  readonly MaxDelaySeconds?: number
  readonly JitterStrategy?: "FULL" | "NONE"
}

/** One `Catch` entry: on an error in `ErrorEquals`, put `{ Error, Cause }` at `ResultPath` and go to `Next`. */
export interface Catcher {
  readonly ErrorEquals: ReadonlyArray<string>
  readonly ResultPath?: string | null
  readonly Next: string
}

/** A state either names its successor or ends its (sub-)machine. */
export type Transition = { readonly Next: string; readonly End?: undefined } | { readonly End: true; readonly Next?: undefined }

/** `Task`: `Resource` is a plain Lambda function ARN or a service integration ARN (`arn:aws:states:::dynamodb:updateItem`). */
export type TaskState = {
  readonly Type: "Task"
  readonly Comment?: string
  readonly Resource: string
  readonly Parameters?: { readonly [key: string]: JsonValue }
  readonly ResultPath?: string | null
  /** Seconds; ASL's default is 99999999 on AWS but 60 in aws-local-stepfunctions, so Curator always sets it. */
  readonly TimeoutSeconds?: number
  readonly Retry?: ReadonlyArray<Retrier>
  readonly Catch?: ReadonlyArray<Catcher>
} & Transition

/** The inline item processor of a `Map` state (a nested machine without `TimeoutSeconds`). */
export interface ItemProcessor {
  readonly ProcessorConfig?: { readonly Mode: "INLINE" }
  readonly StartAt: string
  readonly States: { readonly [name: string]: State }
}

/** Inline `Map`: runs `ItemProcessor` for every element of `ItemsPath`, at most `MaxConcurrency` at a time. */
export type MapState = {
  readonly Type: "Map"
  readonly Comment?: string
  readonly ItemsPath: string
  readonly ItemSelector?: { readonly [key: string]: JsonValue }
  readonly MaxConcurrency: number
  readonly ItemProcessor: ItemProcessor
  readonly ResultPath?: string | null
  readonly Retry?: ReadonlyArray<Retrier>
  readonly Catch?: ReadonlyArray<Catcher>
} & Transition

/**
 * `Parallel`: runs every branch (a nested machine like an `ItemProcessor`) on
 * the same input and waits for all; any branch failure fails the state (and
 * stops the others), which its `Catch` can handle.
 */
export type ParallelState = {
  readonly Type: "Parallel"
  readonly Comment?: string
  readonly Branches: ReadonlyArray<ItemProcessor>
  readonly ResultPath?: string | null
  readonly Retry?: ReadonlyArray<Retrier>
  readonly Catch?: ReadonlyArray<Catcher>
} & Transition

/** `Pass`: copies its input, or puts `Result` / `Parameters` at `ResultPath`. */
export type PassState = {
  readonly Type: "Pass"
  readonly Comment?: string
  readonly Parameters?: { readonly [key: string]: JsonValue }
  readonly Result?: JsonValue
  readonly ResultPath?: string | null
} & Transition

/** A Choice rule: the first matching rule (in order) picks `Next`. Only the operators Curator uses are typed. */
export type ChoiceRule = {
  readonly Next: string
} & (
  | { readonly Variable: string; readonly IsPresent: boolean }
  | { readonly Variable: string; readonly IsString: boolean }
  | { readonly Not: { readonly Variable: string; readonly IsPresent: boolean } }
)

/** `Choice`: branch on the input. */
export interface ChoiceState {
  readonly Type: "Choice"
  readonly Comment?: string
  readonly Choices: ReadonlyArray<ChoiceRule>
  readonly Default?: string
}

/** `Fail`: ends the execution as failed; `ErrorPath`/`CausePath` read the error name and cause from the input. */
export interface FailState {
  readonly Type: "Fail"
  readonly Comment?: string
  readonly Error?: string
  readonly Cause?: string
  readonly ErrorPath?: string
  readonly CausePath?: string
}

/** `Succeed`: ends the (sub-)machine successfully. */
export interface SucceedState {
  readonly Type: "Succeed"
  readonly Comment?: string
}

/** Every state type Curator uses. */
export type State = TaskState | MapState | ParallelState | PassState | ChoiceState | FailState | SucceedState

/** A whole state machine. `TimeoutSeconds` bounds the execution (seconds). */
export interface StateMachineDefinition {
  readonly Comment?: string
  readonly StartAt: string
  readonly TimeoutSeconds?: number
  readonly States: { readonly [name: string]: State }
}

/** One state found by {@link walkStates}: its name, definition and whether it sits inside a Map's `ItemProcessor`. */
export interface StateEntry {
  readonly name: string
  readonly state: State
  readonly insideMap: boolean
}

/**
 * Every state of a machine, nested `ItemProcessor` and `Parallel` branch
 * states included (depth first, definition order). A branch state is inside
 * a Map only when its Parallel is.
 */
export const walkStates = (machine: { readonly States: { readonly [name: string]: State } }, insideMap = false): ReadonlyArray<StateEntry> =>
  Object.entries(machine.States).flatMap(([name, state]) => [
    { name, state, insideMap },
    ...(state.Type === "Map" ? walkStates(state.ItemProcessor, true) : []),
    ...(state.Type === "Parallel" ? state.Branches.flatMap((branch) => walkStates(branch, insideMap)) : [])
  ])
