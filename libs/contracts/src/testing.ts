/**
 * Test helpers shared by every project's vitest suites (`@curator/contracts/testing`).
 * `@effect/vitest` 4.0.5 wants vitest 5 while Nx 23.2.1 supports vitest 4.1,
 * so tests run Effects through these two functions instead.
 */
import { Cause, Effect, Exit, type Layer } from "effect"

/** Runs an Effect to its value; a failure rejects with the squashed error (a tagged error keeps its `_tag`). */
export const runTest = <A, E>(effect: Effect.Effect<A, E, never>): Promise<A> =>
  Effect.runPromiseExit(effect).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  })

/** Runs an Effect to its Exit after providing `layer` (scoped resources are released afterwards). */
export const runExit = <A, E, R, LE>(effect: Effect.Effect<A, E, R>, layer: Layer.Layer<R, LE, never>) =>
  Effect.runPromiseExit(Effect.scoped(Effect.provide(effect, layer)))

/** Runs an Effect with `layer` to its value, rejecting with the squashed failure. */
export const runWith = <A, E, R, LE>(effect: Effect.Effect<A, E, R>, layer: Layer.Layer<R, LE, never>): Promise<A> =>
  runExit(effect, layer).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  })

/** The failure of an Exit, or undefined if it succeeded. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): unknown => (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined)
