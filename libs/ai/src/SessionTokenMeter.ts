/**
 * SessionTokenMeter: the per-session Gemini budget (issue 6: "tokens used per session counted,
 * capped by the per-session quota, logged and shown"; issue 16: the estimated cost next to the
 * tokens, capped by `CURATOR_GEMINI_SESSION_BUDGET_USD`).
 *
 * Every `GeminiClient` call made while a meter is in context is metered: before the call the
 * session's totals (`META.tokensUsed`, `META.costMicroUsd`) are read and the call is refused with
 * QuotaExceededError (terminal) once the tokens reached `GeminiConfig.sessionTokenQuota` or the
 * cost reached `GeminiConfig.sessionBudgetUsd`; after it the call's `usageMetadata` total and its
 * estimated cost (GeminiPrices.ts) are added with one atomic `ADD`
 * (`SessionStore.addTokensUsed`). Tasks that talk to Gemini on behalf of a session (selection,
 * photo and video enhancement rounds, captions) run under `meteredFor(event.sessionId)`; without
 * a meter in context (tests of a layer alone) calls are not metered.
 *
 * The meter never fails the AI work for a bookkeeping error: a store error while reading counts
 * as nothing used and while adding is logged (both are retryable blips; refusing an edit because
 * the table throttled would lose the person's round for nothing).
 */
import { SessionStore } from "@curator/store"
import { Context, Effect } from "effect"

/** A session's Gemini use so far: tokens and estimated cost in USD. */
export interface SessionUsage {
  readonly tokens: number
  readonly costUsd: number
}

/** The meter of one session. */
export class SessionTokenMeter extends Context.Service<
  SessionTokenMeter,
  {
    readonly sessionId: string
    /** What the session has used so far (nothing when the store cannot be read: logged). */
    readonly used: Effect.Effect<SessionUsage>
    /** Adds `tokens` and `costUsd` to the session's totals (a store failure is logged, never raised). */
    readonly charge: (tokens: number, costUsd: number) => Effect.Effect<void>
  }
>()("curator/ai/SessionTokenMeter") {
  /** The meter of `sessionId` over the SessionStore in context. */
  static readonly forSession = (sessionId: string) =>
    Effect.gen(function* () {
      const sessions = yield* SessionStore
      return SessionTokenMeter.of({
        sessionId,
        used: sessions.getSession(sessionId).pipe(
          Effect.map((meta): SessionUsage => ({ tokens: meta.tokensUsed ?? 0, costUsd: (meta.costMicroUsd ?? 0) / 1_000_000 })),
          Effect.catch((error) =>
            Effect.logWarning("token meter: could not read the session's totals; counting nothing used").pipe(
              Effect.annotateLogs({ sessionId, error: error.message }),
              Effect.as<SessionUsage>({ tokens: 0, costUsd: 0 })
            )
          )
        ),
        charge: (tokens, costUsd) =>
          tokens <= 0 && costUsd <= 0
            ? Effect.void
            : sessions.addTokensUsed(sessionId, tokens, Math.round(costUsd * 1_000_000)).pipe(
                Effect.tap((total) => Effect.logInfo("Gemini tokens charged to the session").pipe(Effect.annotateLogs({ sessionId, tokens, costUsd, sessionTokens: total }))),
                Effect.asVoid,
                Effect.catch((error) => Effect.logWarning("token meter: could not add to the session's totals").pipe(Effect.annotateLogs({ sessionId, tokens, costUsd, error: error.message })))
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
