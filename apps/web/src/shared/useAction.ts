/**
 * The busy/error pattern of every button that calls the API: while the call
 * runs the action is busy (its button shows a spinner and is disabled); a
 * failure becomes a sentence for people; the sentence is cleared when the
 * action starts again. One hook instead of a try/catch/finally per button.
 */
import { useRef, useState } from "preact/hooks"
import { messageOf } from "../api/ApiClient.js"

/** How an action reports; every field is optional. `Args` are the arguments of `run`. */
export interface ActionOptions<Args extends ReadonlyArray<unknown>, R> {
  /** The failure as shown (default: the error's message, {@link messageOf}). */
  readonly describe?: (error: unknown, ...args: Args) => R
  /**
   * Where failures go: `null` when the action starts, the described failure
   * when it fails. Default: the action's own {@link Action.error}. A step that
   * shows one error line for several actions passes that line's setter.
   */
  readonly report?: (failure: R | null, ...args: Args) => void
  /** Runs after a failure was reported and before the action stops being busy (e.g. reload what the step shows). */
  readonly recover?: (error: unknown, ...args: Args) => void | Promise<void>
  /** Busy per key (e.g. per item) instead of as a whole: see {@link Action.isBusy}. */
  readonly key?: (...args: Args) => string
}

/** What {@link useAction} gives a view. */
export interface Action<Args extends ReadonlyArray<unknown>, A, R> {
  /** Runs the work; resolves with its answer, or `undefined` when it failed (the failure is reported, never thrown). */
  readonly run: (...args: Args) => Promise<A | undefined>
  /** Whether a run is under way (any key). */
  readonly busy: boolean
  /** Whether the run with this key is under way (options `key`). */
  readonly isBusy: (key: string) => boolean
  /** The last failure, when options `report` is not given; null after a start. */
  readonly error: R | null
}

/**
 * An action around `work` (an API call and what follows it: show the answer,
 * navigate). See {@link ActionOptions} for where its failures go.
 */
export const useAction = <Args extends ReadonlyArray<unknown>, A, R = string>(
  work: (...args: Args) => Promise<A>,
  options: ActionOptions<Args, R> = {}
): Action<Args, A, R> => {
  const [running, setRunning] = useState<ReadonlyMap<string, number>>(new Map())
  const [error, setError] = useState<R | null>(null)
  // The latest closures: a view re-creates them on every render.
  const latest = useRef({ work, options })
  latest.current = { work, options }

  const track = (key: string, delta: number) =>
    setRunning((m) => {
      const n = new Map(m)
      const count = (n.get(key) ?? 0) + delta
      if (count > 0) n.set(key, count)
      else n.delete(key)
      return n
    })

  const run = async (...args: Args): Promise<A | undefined> => {
    const { work: w, options: o } = latest.current
    const key = o.key?.(...args) ?? ""
    const report = o.report ?? ((failure: R | null) => setError(failure))
    track(key, 1)
    report(null, ...args)
    try {
      return await w(...args)
    } catch (e) {
      report(o.describe ? o.describe(e, ...args) : (messageOf(e) as R), ...args)
      await o.recover?.(e, ...args)
      return undefined
    } finally {
      track(key, -1)
    }
  }
  return { run, busy: running.size > 0, isBusy: (key) => running.has(key), error }
}
