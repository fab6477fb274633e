/**
 * SessionTokenMeter: the per-session Gemini token budget (issue 6: "tokens
 * used per session counted, capped by the per-session quota, logged and
 * shown").
 *
 * Every `GeminiClient` call made while a meter is in context is metered:
 * before the call the session's total (`META.tokensUsed`) is read and the
 * call is refused with QuotaExceededError (terminal) once it has reached
 * `GeminiConfig.sessionTokenQuota`; after it the call's `usageMetadata`
 * total is added with an atomic `ADD` (`SessionStore.addTokensUsed`). Tasks
 * that talk to Gemini on behalf of a session (selection, photo and video
 * enhancement rounds, captions) run under `meteredFor(event.sessionId)`;
 * without a meter in context (tests of a layer alone) calls are not metered.
 *
 * The meter never fails the AI work for a bookkeeping error: a store error
 * while reading counts as 0 used and while adding is logged (both are
 * retryable blips; refusing an edit because the table throttled would lose
 * the person's round for nothing).
 */
import { SessionStore } from "@curator/store"
import { Context, Effect } from "effect"

/** The meter of one session. */
export class SessionTokenMeter extends Context.Service<
  SessionTokenMeter,
  {
    readonly sessionId: string
    /** Tokens the session has used so far (0 when the store cannot be read: logged). */
    readonly used: Effect.Effect<number>
    /** Adds `tokens` to the session's total (a store failure is logged, never raised). */
    readonly charge: (tokens: number) => Effect.Effect<void>
  }
>()("curator/ai/SessionTokenMeter") {
  /** The meter of `sessionId` over the SessionStore in context. */
  static readonly forSession = (sessionId: string) =>
    Effect.gen(function* () {
      const sessions = yield* SessionStore
      return SessionTokenMeter.of({
        sessionId,
        used: sessions.getSession(sessionId).pipe(
          Effect.map((meta) => meta.tokensUsed ?? 0),
          Effect.catch((error) => Effect.logWarning("token meter: could not read the session's total; counting 0").pipe(Effect.annotateLogs({ sessionId, error: error.message }), Effect.as(0)))
        ),
        charge: (tokens) =>
          tokens <= 0
            ? Effect.void
            : sessions.addTokensUsed(sessionId, tokens).pipe(
                Effect.tap((total) => Effect.logInfo("Gemini tokens charged to the session").pipe(Effect.annotateLogs({ sessionId, tokens, sessionTokens: total }))),
                Effect.asVoid,
                Effect.catch((error) => Effect.logWarning("token meter: could not add to the session's total").pipe(Effect.annotateLogs({ sessionId, tokens, error: error.message })))
              )
      })
    })
}

/**
 * Runs `effect` with the token meter of `sessionId` in context, so every
 * Gemini call inside it is checked against and charged to that session.
 */
export const meteredFor =
  (sessionId: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, SessionTokenMeter> | SessionStore> =>
    Effect.provideServiceEffect(effect, SessionTokenMeter, SessionTokenMeter.forSession(sessionId))
