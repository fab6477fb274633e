/**
 * `SfnOrchestrator`: the `Orchestrator` on AWS Step Functions (Standard
 * workflows), through `@aws-sdk/client-sfn`. Exported from the separate entry
 * point `@curator/orchestration/sfn`, so the pure lib (imported by `infra`,
 * the workers and the local CLI bundle) never pulls the SDK.
 *
 * - `startSelection` / `startEnhancement` / `startCaption` / `startDownload`:
 *   `StartExecution` on the job kind's machine with `name` = the job id
 *   (`enhancementExecutionName(input)` for enhancement,
 *   `captionExecutionName(input)` for captions) and `input` = `JSON.stringify` of the Schema-encoded job input (key order
 *   is the Schema's, so a repeat sends byte-identical JSON). Step Functions
 *   (Standard) answers a repeat of a RUNNING execution with byte-identical
 *   input with the same execution ARN (success here); a different input, or a
 *   name whose execution has closed (names stay reserved for 90 days), is
 *   `ExecutionAlreadyExists` -> `ExecutionAlreadyExistsError`.
 * - `describe(name)`: `DescribeExecution` on the execution ARN built from a
 *   state machine ARN (`arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`).
 *   `describe` is not told the machine, so it goes by the name's shape (job
 *   ids are hyphen-free RandomIds, unique across job kinds): `<job>-r<round>`
 *   (one hyphen) is a caption feedback round, asked of the caption machine
 *   only; any other name with a hyphen is an enhancement feedback round
 *   (`<job>-<fileId>-r<round>[-a<n>]`), asked of the enhancement machine only;
 *   a plain job id is asked of the selection, enhancement, caption and
 *   download machines in that order until one has it (the older kinds first,
 *   so their polls keep costing one call). `ExecutionDoesNotExist` on every
 *   machine asked -> `UNKNOWN`.
 *   `PENDING_REDRIVE` (only after a redrive, which Curator never does) is
 *   reported as `RUNNING`.
 *
 * Errors: `ExecutionAlreadyExists` -> `ExecutionAlreadyExistsError`;
 * throttling, `ExecutionLimitExceeded`, any 5xx / server fault, and every
 * failure without an HTTP response (connection refused/reset, DNS, timeouts,
 * credentials that cannot be loaded) -> `OrchestratorUnavailableError` (after the
 * SDK's own few retries, standard mode). Any other service error (an invalid
 * ARN, a missing state machine, access denied, an invalid input) is a
 * deployment bug and a defect (the SDK error, with its name, is kept).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand
} from "@aws-sdk/client-sfn"
import {
  CaptionJobInput,
  captionExecutionName,
  DownloadJobInput,
  EnhancementJobInput,
  enhancementExecutionName,
  ExecutionAlreadyExistsError,
  OrchestratorUnavailableError,
  SelectionJobInput
} from "@curator/contracts"
import { Config, Effect, Layer, Option, Schema } from "effect"
import { type ExecutionDescription, Orchestrator } from "./Orchestrator.js"

/** Options of {@link sfnClient}. */
export interface SfnClientOptions {
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string
  /** A stand-in endpoint for tests (e.g. `http://127.0.0.1:8083`); omitted on AWS. */
  readonly endpoint?: string | undefined
  /** Explicit credentials (tests); omitted -> the SDK's default provider chain (the Lambda role on AWS, `AWS_*` env vars). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined
  /** Total attempts per call including the first (standard retry mode). Default {@link SFN_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number | undefined
}

/**
 * Attempts per SDK call (standard retry mode: exponential backoff with jitter,
 * retry quota). Kept small: the API answers a browser that polls, and a
 * task's own Retry policy (THE error table: `OrchestratorUnavailableError`)
 * retries on top of that.
 */
export const SFN_MAX_ATTEMPTS = 3

/** An `SFNClient` with Curator's retry settings (standard mode, {@link SFN_MAX_ATTEMPTS} attempts). */
export const sfnClient = (options: SfnClientOptions): SFNClient =>
  new SFNClient({
    region: options.region,
    retryMode: "standard",
    maxAttempts: options.maxAttempts ?? SFN_MAX_ATTEMPTS,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } })
  })

const STATE_MACHINE_ARN = /^arn:([a-z-]+):states:([a-z0-9-]+):([0-9]{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/

/**
 * The ARN of the execution `name` of the state machine `stateMachineArn`:
 * `arn:<partition>:states:<region>:<account>:stateMachine:<machine>` ->
 * `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`
 * (the Step Functions ARN format for Standard workflows). Throws on an ARN
 * that is not a state machine ARN (a configuration bug).
 */
export const executionArn = (stateMachineArn: string, name: string): string => {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn)
  if (match === null) throw new Error(`not a Step Functions state machine ARN: ${stateMachineArn}`)
  const [, partition, region, account, machine] = match
  return `arn:${partition}:states:${region}:${account}:execution:${machine}:${name}`
}

/** Options of {@link SfnOrchestrator.layer}. */
export interface SfnOrchestratorOptions {
  readonly client: SFNClient
  /** ARN of the selection state machine (`selectionPipeline`). */
  readonly selectionStateMachineArn: string
  /** ARN of the enhancement state machine (`enhancementPipeline`). */
  readonly enhancementStateMachineArn: string
  /** ARN of the caption state machine (`captionPipeline`). */
  readonly captionStateMachineArn: string
  /** ARN of the download state machine (`downloadPipeline`). */
  readonly downloadStateMachineArn: string
}

/** A caption feedback round's execution name: `<job>-r<round>` (`captionExecutionName`; job ids have no hyphen). */
const CAPTION_ROUND_NAME = /^[^-]+-r\d+$/

/**
 * The machines `describe` asks for an execution name, in order (see the module doc).
 * Exported for tests.
 */
export const machinesFor = (options: Omit<SfnOrchestratorOptions, "client">, name: string): ReadonlyArray<string> =>
  CAPTION_ROUND_NAME.test(name)
    ? [options.captionStateMachineArn]
    : name.includes("-")
      ? [options.enhancementStateMachineArn]
      : [options.selectionStateMachineArn, options.enhancementStateMachineArn, options.captionStateMachineArn, options.downloadStateMachineArn]

/** Error names the SDK gives throttling (service-specific and generic). */
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "ExecutionLimitExceeded"
])

interface SdkErrorLike {
  readonly name?: unknown
  readonly message?: unknown
  readonly code?: unknown
  readonly $fault?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
}

type Classified =
  | { readonly kind: "exists"; readonly message: string }
  | { readonly kind: "missing" }
  | { readonly kind: "unavailable"; readonly message: string }
  | { readonly kind: "defect"; readonly error: unknown }

/** Sorts an SDK rejection into the cases of the module doc. */
const classify = (error: unknown): Classified => {
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkErrorLike
  const name = typeof e.name === "string" ? e.name : ""
  const message = typeof e.message === "string" ? e.message : String(error)
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined
  if (name === "ExecutionAlreadyExists") return { kind: "exists", message }
  if (name === "ExecutionDoesNotExist") return { kind: "missing" }
  if (THROTTLING.has(name) || status === 429 || e.$fault === "server" || (status !== undefined && status >= 500)) {
    return { kind: "unavailable", message: `Step Functions is unavailable (${name || "error"}${status === undefined ? "" : ` ${status}`}): ${message}` }
  }
  // No HTTP status at all: the request never got an answer (connection refused/reset, DNS, timeout).
  if (status === undefined) {
    const what = typeof e.code === "string" ? e.code : name !== "" && name !== "Error" ? name : "network error"
    return { kind: "unavailable", message: `Step Functions is unreachable (${what}): ${message}` }
  }
  return { kind: "defect", error }
}

const describeOutput = (out: DescribeExecutionCommandOutput): ExecutionDescription => {
  const status = out.status === "PENDING_REDRIVE" ? "RUNNING" : out.status
  switch (status) {
    case "RUNNING":
    case "SUCCEEDED":
    case "ABORTED":
      return { status }
    case "FAILED":
    case "TIMED_OUT":
      return {
        status,
        ...(out.error === undefined ? {} : { error: out.error }),
        ...(out.cause === undefined ? {} : { cause: out.cause })
      }
    default:
      return { status: "UNKNOWN" }
  }
}

/** The `Orchestrator` over `options.client` and the four state machines. Dies at once on a malformed state machine ARN. */
const layer = (options: SfnOrchestratorOptions): Layer.Layer<Orchestrator> =>
  Layer.effect(
    Orchestrator,
    Effect.gen(function* () {
      // Validate every ARN at build time (a bad one is a configuration bug, not a request failure).
      yield* Effect.try({
        try: () => {
          executionArn(options.selectionStateMachineArn, "x")
          executionArn(options.enhancementStateMachineArn, "x")
          executionArn(options.captionStateMachineArn, "x")
          executionArn(options.downloadStateMachineArn, "x")
        },
        catch: (cause) => cause
      }).pipe(Effect.orDie)
      const { client } = options
      const encodeSelection = Schema.encodeEffect(SelectionJobInput)
      const encodeEnhancement = Schema.encodeEffect(EnhancementJobInput)
      const encodeCaption = Schema.encodeEffect(CaptionJobInput)
      const encodeDownload = Schema.encodeEffect(DownloadJobInput)

      const start = (stateMachineArn: string, name: string, encoded: unknown) =>
        Effect.tryPromise({
          try: (signal) =>
            client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(encoded) }), { abortSignal: signal }),
          catch: classify
        }).pipe(
          Effect.asVoid,
          Effect.catch((c): Effect.Effect<never, ExecutionAlreadyExistsError | OrchestratorUnavailableError> => {
            switch (c.kind) {
              case "exists":
                return Effect.fail(new ExecutionAlreadyExistsError({ message: `execution ${name} already exists: ${c.message}` }))
              case "unavailable":
                return Effect.fail(new OrchestratorUnavailableError({ message: c.message }))
              case "missing":
                return Effect.die(new Error(`StartExecution ${name}: ExecutionDoesNotExist`))
              case "defect":
                return Effect.die(c.error)
            }
          })
        )

      /** Describes `name` on one machine; `undefined` when it has no such execution. */
      const describeOn = (stateMachineArn: string, name: string) =>
        Effect.tryPromise({
          try: (signal) => client.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, name) }), { abortSignal: signal }),
          catch: classify
        }).pipe(
          Effect.map((out): ExecutionDescription | undefined => describeOutput(out)),
          Effect.catch((c): Effect.Effect<undefined, OrchestratorUnavailableError> => {
            switch (c.kind) {
              case "missing":
                return Effect.succeed(undefined)
              case "unavailable":
                return Effect.fail(new OrchestratorUnavailableError({ message: c.message }))
              case "exists":
                return Effect.die(new Error(`DescribeExecution ${name}: ExecutionAlreadyExists`))
              case "defect":
                return Effect.die(c.error)
            }
          })
        )

      const startSelection = Effect.fn("SfnOrchestrator.startSelection")(function* (input: SelectionJobInput) {
        const encoded = yield* encodeSelection(input).pipe(Effect.orDie)
        return yield* start(options.selectionStateMachineArn, input.jobId, encoded)
      })

      const startEnhancement = Effect.fn("SfnOrchestrator.startEnhancement")(function* (input: EnhancementJobInput) {
        const encoded = yield* encodeEnhancement(input).pipe(Effect.orDie)
        return yield* start(options.enhancementStateMachineArn, enhancementExecutionName(input), encoded)
      })

      const startCaption = Effect.fn("SfnOrchestrator.startCaption")(function* (input: CaptionJobInput) {
        const encoded = yield* encodeCaption(input).pipe(Effect.orDie)
        return yield* start(options.captionStateMachineArn, captionExecutionName(input), encoded)
      })

      const startDownload = Effect.fn("SfnOrchestrator.startDownload")(function* (input: DownloadJobInput) {
        const encoded = yield* encodeDownload(input).pipe(Effect.orDie)
        return yield* start(options.downloadStateMachineArn, input.jobId, encoded)
      })

      const describe = Effect.fn("SfnOrchestrator.describe")(function* (name: string): Effect.fn.Return<ExecutionDescription, OrchestratorUnavailableError> {
        for (const machine of machinesFor(options, name)) {
          const found = yield* describeOn(machine, name)
          if (found !== undefined) return found
        }
        return { status: "UNKNOWN" }
      })

      return Orchestrator.of({ startSelection, startEnhancement, startCaption, startDownload, describe })
    })
  )

/** The Step Functions orchestrator. */
export const SfnOrchestrator = {
  /** The `Orchestrator` over `options.client` and the four state machines. Dies at once on a malformed state machine ARN. */
  layer,

  /**
   * The orchestrator configured from the Lambda environment:
   * `CURATOR_SELECTION_STATE_MACHINE_ARN`, `CURATOR_ENHANCEMENT_STATE_MACHINE_ARN`,
   * `CURATOR_CAPTION_STATE_MACHINE_ARN`, `CURATOR_DOWNLOAD_STATE_MACHINE_ARN`, `AWS_REGION` (set by Lambda), optional `CURATOR_SFN_ENDPOINT` (a stand-in
   * for tests). Credentials: the SDK's default chain. Fails with a
   * `ConfigError` when a variable is missing.
   */
  layerFromEnv: Layer.unwrap(
    Effect.gen(function* () {
      const selectionStateMachineArn = yield* Config.String("CURATOR_SELECTION_STATE_MACHINE_ARN")
      const enhancementStateMachineArn = yield* Config.String("CURATOR_ENHANCEMENT_STATE_MACHINE_ARN")
      const captionStateMachineArn = yield* Config.String("CURATOR_CAPTION_STATE_MACHINE_ARN")
      const downloadStateMachineArn = yield* Config.String("CURATOR_DOWNLOAD_STATE_MACHINE_ARN")
      const region = yield* Config.String("AWS_REGION")
      const endpoint = yield* Config.option(Config.String("CURATOR_SFN_ENDPOINT"))
      return layer({
        client: sfnClient({ region, endpoint: Option.getOrUndefined(endpoint) }),
        selectionStateMachineArn,
        enhancementStateMachineArn,
        captionStateMachineArn,
        downloadStateMachineArn
      })
    })
  )
}
