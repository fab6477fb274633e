/**
 * `LocalExecutor`: runs an ASL definition in-process with
 * `aws-local-stepfunctions` 3.0.0, the same JSON CDK deploys.
 *
 * Task states are bound BY STATE NAME (`overrides.taskResourceLocalHandlers`):
 * - a Lambda Task (plain function ARN) to the handler the caller passes under
 *   that name: the same `makeTaskHandler` program the worker's `main.ts` runs;
 * - a `arn:aws:states:::dynamodb:updateItem` Task to a real `UpdateItemCommand`
 *   with the evaluated `Parameters`, against the caller's DynamoDB client.
 *
 * What aws-local-stepfunctions 3.0.0 does, checked in its build:
 * - Retry/Catch match `ErrorEquals` against the thrown error's `name`; a Catch
 *   puts `{ Error: error.name, Cause: error.message }` at its `ResultPath`.
 *   On AWS a Lambda's `Cause` is the runtime's error JSON, so Lambda handler
 *   errors are re-thrown here with that JSON as message (`lambdaErrorCause`),
 *   making `$.error` identical on both sides.
 * - Map `MaxConcurrency` is honoured (p-limit); 0 or absent means 40 locally
 *   (unbounded on AWS). `ToleratedFailurePercentage` is ignored (unused here).
 * - A Task without `TimeoutSeconds` times out after 60 s locally (99999999 s on
 *   AWS): Curator's definitions always set it.
 * - A timed-out or aborted Task's promise is not cancelled, only abandoned.
 * - `$$` holds only `Execution.{Input,StartTime,Name}` and, inside a Map,
 *   `Map.Item`; no `State` or `Task`. A `$$.State.EnteredTime` path (the
 *   recorders' `finishedAt`) would be a `States.Runtime` error, so each run's
 *   context carries a `State` whose `EnteredTime` getter returns the current
 *   instant ({@link localStateContext}). The vendor spreads the run's context
 *   into every execution's (Map iterations and Parallel branches included) and
 *   evaluates a Task's `Parameters` right after entering the state, so the
 *   value is the entry instant give or take the evaluation; `State.Name` and
 *   `State.RetryCount` stay absent (Curator's definitions do not read them).
 */
import { DynamoDBServiceException, UpdateItemCommand, type DynamoDBClient, type UpdateItemCommandInput } from "@aws-sdk/client-dynamodb"
import { DYNAMODB_UPDATE_ITEM, lambdaErrorCause, walkStates, type StateMachineDefinition } from "@curator/orchestration"
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition as VendorDefinition
} from "aws-local-stepfunctions"
import { Context, Effect, Layer } from "effect"

/** A local Lambda handler: the worker's handler, `(event) => Promise<result>`; it throws an `Error` named by the tag. */
export type TaskHandler = (input: unknown) => Promise<unknown>

/** One state machine the executor can run: its definition and its Lambda Task handlers. */
export interface LocalMachine {
  readonly definition: StateMachineDefinition
  /** One handler per Lambda Task state, keyed by state name (names are unique across the whole machine). */
  readonly handlers: Readonly<Record<string, TaskHandler>>
}

/** The machine names the local stack uses (`LocalOrchestrator` picks one per start). */
export const LocalMachines = { selection: "selection", enhancement: "enhancement", caption: "caption", download: "download" } as const

/** Options of {@link LocalExecutor.layer}. */
export interface LocalExecutorOptions {
  /** The state machines, by name (e.g. {@link LocalMachines}); each is validated and bound when the layer is built. */
  readonly machines: Readonly<Record<string, LocalMachine>>
  /** Client for the DynamoDB integration states (the local stack's dynalite). */
  readonly dynamoDb: DynamoDBClient
  /**
   * Pause before a retry, in milliseconds, per state name (a number for every
   * Retrier of the state, or one per Retrier with -1 = not overridden), for
   * every machine. Tests pass {@link zeroRetryIntervals} so they never sleep.
   */
  readonly retryIntervalOverrides?: Readonly<Record<string, number | ReadonlyArray<number>>>
}

/** How an execution ended. `error`/`cause` are the failing error's name and cause, as Step Functions reports them. */
export type ExecutionOutcome =
  | { readonly status: "SUCCEEDED"; readonly output: unknown }
  | { readonly status: "FAILED" | "TIMED_OUT"; readonly error: string; readonly cause: string }
  | { readonly status: "ABORTED" }

/** A retry-interval override of 0 ms for every state of the `definitions` that has a `Retry`. */
export const zeroRetryIntervals = (...definitions: ReadonlyArray<StateMachineDefinition>): Readonly<Record<string, number>> =>
  Object.fromEntries(
    definitions.flatMap((definition) =>
      walkStates(definition).flatMap(({ name, state }) => ("Retry" in state && state.Retry !== undefined ? [[name, 0] as const] : []))
    )
  )

/**
 * The `State` member of the local context object: `EnteredTime` (ISO 8601, like Step Functions'
 * `$$.State.EnteredTime`) is read when a path evaluates it, so each state sees its own instant.
 */
export const localStateContext = (): { readonly EnteredTime: string } =>
  Object.defineProperty({}, "EnteredTime", { enumerable: true, get: () => new Date().toISOString() }) as { readonly EnteredTime: string }

/** Re-throws a Lambda handler's failure the way the Lambda service reports it (name = errorType, Cause = error JSON). */
const asLambda =
  (handler: TaskHandler) =>
  async (input: unknown): Promise<unknown> => {
    let result: unknown
    try {
      result = await handler(input)
    } catch (thrown) {
      // A non-Error throw carries no name; the Node.js runtime reports its type.
      const error = thrown instanceof Error ? thrown : Object.assign(new Error(String(thrown)), { name: typeof thrown })
      const reported = new Error(lambdaErrorCause(error))
      reported.name = error.name
      throw reported
    }
    // The Lambda service hands the state machine JSON, never object identity or undefined.
    return JSON.parse(JSON.stringify(result ?? null))
  }

/**
 * The DynamoDB `updateItem` integration: the evaluated Parameters ARE the
 * UpdateItem request. Errors are named `DynamoDB.<exception>` as Step
 * Functions names them (e.g. `DynamoDB.ConditionalCheckFailedException`).
 */
const updateItem =
  (client: DynamoDBClient) =>
  async (input: unknown): Promise<unknown> => {
    try {
      const { $metadata: _metadata, ...output } = await client.send(new UpdateItemCommand(input as UpdateItemCommandInput))
      return JSON.parse(JSON.stringify(output))
    } catch (thrown) {
      const error = new Error(thrown instanceof Error ? thrown.message : String(thrown))
      error.name = thrown instanceof DynamoDBServiceException ? `DynamoDB.${thrown.name}` : "DynamoDB.AmazonDynamoDBException"
      throw error
    }
  }

/** Binds every Task state to a local function, or dies naming the state that has none. */
const bindTasks = (options: LocalMachine & { readonly dynamoDb: DynamoDBClient }): Record<string, (input: unknown) => Promise<unknown>> => {
  const bound: Record<string, (input: unknown) => Promise<unknown>> = {}
  const lambdaStates = new Set<string>()
  for (const { name, state } of walkStates(options.definition)) {
    if (state.Type !== "Task") continue
    if (state.Resource === DYNAMODB_UPDATE_ITEM) {
      bound[name] = updateItem(options.dynamoDb)
      continue
    }
    if (state.Resource.startsWith("arn:aws:states:::")) {
      throw new Error(`LocalExecutor: Task state ${name} uses ${state.Resource}, which the local executor does not implement`)
    }
    const handler = options.handlers[name]
    if (handler === undefined) throw new Error(`LocalExecutor: no local handler for Task state ${name}`)
    bound[name] = asLambda(handler)
    lambdaStates.add(name)
  }
  const unused = Object.keys(options.handlers).filter((name) => !lambdaStates.has(name))
  if (unused.length > 0) throw new Error(`LocalExecutor: handlers for unknown Lambda Task states: ${unused.join(", ")}`)
  return bound
}

const outcomeOf = (thrown: unknown, timeoutSeconds: number | undefined): ExecutionOutcome => {
  if (thrown instanceof ExecutionAbortedError) return { status: "ABORTED" }
  if (thrown instanceof ExecutionTimeoutError) {
    return { status: "TIMED_OUT", error: "States.Timeout", cause: `the execution ran past its TimeoutSeconds (${timeoutSeconds} s)` }
  }
  // ExecutionError wraps the error that ended the run (a Fail state's Error/Cause, or an uncaught task error).
  const cause = thrown instanceof ExecutionError ? thrown.cause : thrown
  return cause instanceof Error
    ? { status: "FAILED", error: cause.name, cause: cause.message }
    : { status: "FAILED", error: "States.Runtime", cause: String(cause) }
}

/** One machine, validated and bound: runs one execution to its outcome. */
const prepare = (
  machineOptions: LocalMachine,
  options: LocalExecutorOptions
): ((name: string, input: unknown) => Effect.Effect<ExecutionOutcome>) => {
  // Our typed definition is a subset of ASL; the vendor type differs only in optional fields.
  const machine = new StateMachine(machineOptions.definition as unknown as VendorDefinition)
  const runOptions: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: bindTasks({ ...machineOptions, dynamoDb: options.dynamoDb }) as NonNullable<
        RunOptions["overrides"]
      >["taskResourceLocalHandlers"],
      ...(options.retryIntervalOverrides !== undefined
        ? { retryIntervalOverrides: options.retryIntervalOverrides as Record<string, number | Array<number>> }
        : {})
    }
  }
  return (name, input) =>
    Effect.tryPromise({
      try: (signal) => {
        const execution = machine.run(input as Parameters<StateMachine["run"]>[0], {
          ...runOptions,
          context: { Execution: { Name: name }, State: localStateContext() }
        })
        signal.addEventListener("abort", () => execution.abort(), { once: true })
        return execution.result
      },
      catch: (thrown) => thrown
    }).pipe(
      Effect.map((output): ExecutionOutcome => ({ status: "SUCCEEDED", output })),
      Effect.catch((thrown) => Effect.succeed(outcomeOf(thrown, machineOptions.definition.TimeoutSeconds)))
    )
}

/** The LocalExecutor service: a few named state machines, each run as many times as asked. */
export class LocalExecutor extends Context.Service<
  LocalExecutor,
  {
    /**
     * Runs one execution of the machine named `machine`, named `name`
     * (`$$.Execution.Name`), to its end. Never fails: the outcome says how it
     * ended; an unknown machine is a defect. Interrupting the Effect aborts
     * the execution (outcome `ABORTED` is then not observed by the interrupted caller).
     */
    readonly run: (machine: string, name: string, input: unknown) => Effect.Effect<ExecutionOutcome>
    /** Whether a machine of that name was configured. */
    readonly has: (machine: string) => boolean
  }
>()("curator/local/LocalExecutor") {
  /**
   * Validates every definition (aws-local-stepfunctions' ASL validator, ARNs
   * and paths checked) and binds its Task states; a definition or binding
   * mistake is a defect at layer construction, not a failed run later.
   */
  static readonly layer = (options: LocalExecutorOptions) =>
    Layer.effect(
      LocalExecutor,
      Effect.sync(() => {
        const machines = new Map(Object.entries(options.machines).map(([name, machine]) => [name, prepare(machine, options)] as const))
        const run = (machine: string, name: string, input: unknown): Effect.Effect<ExecutionOutcome> =>
          Effect.suspend(() => {
            const runOne = machines.get(machine)
            return runOne === undefined ? Effect.die(new Error(`LocalExecutor: no state machine named ${machine}`)) : runOne(name, input)
          })
        return LocalExecutor.of({ run, has: (machine) => machines.has(machine) })
      })
    )
}
