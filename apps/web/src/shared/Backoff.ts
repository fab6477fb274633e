/**
 * The polling schedule of the selection and enhance steps. A job's status is polled with
 * exponential backoff and full jitter ("Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015), and a poll never runs forever: it stops on a
 * terminal status, when the person leaves the step, and after `maxPolls`.
 */

/** Poll schedule settings; delays in milliseconds. */
export interface BackoffPolicy {
  /** Delay before the second poll (ms). */
  readonly initialMs: number
  /** Growth factor per poll. */
  readonly factor: number
  /** Largest delay between two polls (ms). */
  readonly maxMs: number
  /** Polls after which the page gives up and offers "check again". */
  readonly maxPolls: number
}

/**
 * The selection step's policy: 0.5 s growing to 4 s. The selection state
 * machine's TimeoutSeconds is 1 h (orchestration's
 * DEFAULT_SELECTION_TIMEOUT_SECONDS), after which the server reports the job
 * failed; 2000 polls at the capped delay (2..4 s with jitter) last at least
 * 66 min, so the cap only ends polls the server itself stopped answering sensibly.
 */
export const selectionPolicy: BackoffPolicy = { initialMs: 500, factor: 1.6, maxMs: 4000, maxPolls: 2000 }

/**
 * The enhance step's policy: 0.5 s growing to 4 s, as for the selection. The
 * enhancement state machine's TimeoutSeconds is 2 h (orchestration's
 * DEFAULT_ENHANCEMENT_TIMEOUT_SECONDS = 7200), and a feedback round is one
 * task of at most 15 min (TASK_TIMEOUT_SECONDS = 900); 3600 polls at the
 * capped delay (2..4 s with jitter) last at least 2 h. The idle count restarts
 * at every change, so a round that ends is seen within about a second.
 */
export const enhancementPolicy: BackoffPolicy = { initialMs: 500, factor: 1.6, maxMs: 4000, maxPolls: 3600 }

/**
 * Delay (ms) before the next poll. `idlePolls` counts the polls since the
 * status last changed (the caller resets it to 0 on change, so a moving job is
 * followed closely and a stalled one is polled less and less); `random` in
 * [0, 1) spreads the second half of the delay so many tabs do not poll in step.
 */
export const nextDelay = (policy: BackoffPolicy, idlePolls: number, random: number): number => {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, idlePolls))
  return Math.round(base / 2 + (base / 2) * random)
}

/**
 * The caption and download steps' policy: 0.5 s growing to 4 s, as above. A
 * caption round is one task (at most 15 min, TASK_TIMEOUT_SECONDS) and a
 * download's state machine ends within its TimeoutSeconds (orchestration);
 * 3600 polls at the capped delay last at least 2 h, longer than either.
 */
export const postsPolicy: BackoffPolicy = { initialMs: 500, factor: 1.6, maxMs: 4000, maxPolls: 3600 }
