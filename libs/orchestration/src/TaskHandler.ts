/**
 * The task-handler adapter (STYLE.md §6): the one place a Lambda event meets
 * an Effect program. Decode with the contract Schema -> run exactly one
 * program to an Exit -> encode the result, or throw a real `Error` whose
 * `name` is the error tag, because Step Functions matches `ErrorEquals`
 * against the thrown error's name (a non-Error throw is reported as "object").
 */
import { ErrorTable, InternalDefectError, InvalidInputError } from "@curator/contracts"
import { Cause, Effect, Exit, type Layer, ManagedRuntime, Option, Predicate, Schema } from "effect"

/** Options of {@link makeTaskHandler}: the event and result Schemas, the program and the layer it needs. */
export interface TaskHandlerOptions<Ev, EvEncoded, Res, ResEncoded, E, R, LE> {
  readonly event: Schema.Codec<Ev, EvEncoded, never, never>
  readonly result: Schema.Codec<Res, ResEncoded, never, never>
  readonly program: (event: Ev) => Effect.Effect<Res, E, R>
  /** Built once per cold start, lazily on the first invocation. */
  readonly layer: Layer.Layer<R, LE, never>
}

/** A tagged failure whose tag the error table classifies (so Step Functions can retry or catch it by name). */
const classifiedFailure = (error: unknown): { readonly _tag: string; readonly message: string } | undefined => {
  if (!Predicate.hasProperty(error, "_tag") || !Predicate.isString(error._tag) || !(error._tag in ErrorTable)) return undefined
  const message = Predicate.hasProperty(error, "message") && Predicate.isString(error.message) ? error.message : ""
  return { _tag: error._tag, message }
}

/**
 * The `Error` a failed run throws. A typed failure known to the error table
 * keeps its tag as `name`; anything else (a defect, an unclassified failure,
 * an interruption) becomes `InternalDefectError`, the one terminal tag for bugs.
 */
export const errorOfCause = <E>(cause: Cause.Cause<E>): Error => {
  const failure = Cause.findErrorOption(cause)
  const tagged = Option.isSome(failure) ? classifiedFailure(failure.value) : undefined
  const error = new Error(
    tagged?.message ?? (Cause.hasInterruptsOnly(cause) ? "the task was interrupted" : messageOf(Cause.squash(cause)))
  )
  error.name = tagged?._tag ?? defectTag
  return error
}

/** The one terminal tag every bug is reported under. */
const defectTag: InternalDefectError["_tag"] = "InternalDefectError"

const messageOf = (u: unknown): string => (u instanceof Error ? `${u.name}: ${u.message}` : String(u))

/**
 * Makes a Lambda handler `(event: unknown) => Promise<EncodedResult>`.
 *
 * - The event is decoded with `options.event`; a decode failure is thrown as
 *   `InvalidInputError` (terminal) with the Schema's message.
 * - `options.program` runs once, to an Exit, on a runtime built from
 *   `options.layer` on the first call and reused by every warm invocation.
 * - Success: the value encoded with `options.result` (plain JSON).
 * - Failure: throws `Error` with `name` = tag and `message` = the error's message
 *   (see {@link errorOfCause}).
 */
export const makeTaskHandler = <Ev, EvEncoded, Res, ResEncoded, E, R, LE>(
  options: TaskHandlerOptions<Ev, EvEncoded, Res, ResEncoded, E, R, LE>
): ((event: unknown) => Promise<ResEncoded>) => {
  let runtime: ManagedRuntime.ManagedRuntime<R, LE> | undefined
  const decode = Schema.decodeUnknownEffect(options.event)
  const encode = Schema.encodeEffect(options.result)
  const run = (event: unknown) =>
    decode(event).pipe(
      Effect.mapError((issue) => new InvalidInputError({ message: `invalid task event: ${issue.message}` })),
      Effect.flatMap(options.program),
      // The program produced a value its own contract rejects: a bug, not bad input.
      Effect.flatMap((result) => encode(result).pipe(Effect.orDie))
    )
  return async (event) => {
    runtime ??= ManagedRuntime.make(options.layer)
    const exit = await runtime.runPromiseExit(run(event))
    if (Exit.isSuccess(exit)) return exit.value
    throw errorOfCause(exit.cause)
  }
}
