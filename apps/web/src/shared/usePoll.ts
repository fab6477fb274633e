/**
 * A status poll for a step (select, enhance, caption, download): loads with
 * `load`, shows each answer, and polls again with backoff (Backoff.ts) while
 * `keep(answer)`; the backoff restarts when `signature(answer)` changes.
 * Stops when `keep` is false, on a 404 (the job is not coming back), when
 * the step is left or `key` changes (abort), and after `policy.maxPolls`
 * (`gaveUp`; `wake()` starts again). `wake()` also restarts the poll after
 * the step changed the job itself (feedback sent, a new job started).
 */
import { useEffect, useRef, useState } from "preact/hooks"
import { ApiFailure, messageOf } from "../api/ApiClient.js"
import { type BackoffPolicy, nextDelay } from "./Backoff.js"

/** What {@link usePoll} gives a step. */
export interface Poll<A> {
  readonly data: A | null
  readonly error: string | null
  readonly gaveUp: boolean
  /** Shows an answer the step got itself (e.g. from a POST), then polls again from the shortest delay. */
  readonly show: (a: A) => void
  readonly wake: () => void
}

/**
 * The poll of `key` (null: none yet): `load(signal)` answers, polled again after
 * `nextDelay(policy, idle)` while `keep(answer)`, `idle` counting answers whose
 * `signature` did not change. See the module doc for when it stops.
 */
export const usePoll = <A>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<A>,
  keep: (a: A) => boolean,
  signature: (a: A) => string,
  policy: BackoffPolicy
): Poll<A> => {
  const [data, setData] = useState<{ key: string | null; value: A } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [gaveUp, setGaveUp] = useState(false)
  const [nonce, setNonce] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  const keepRef = useRef(keep)
  keepRef.current = keep
  const sigRef = useRef(signature)
  sigRef.current = signature
  const controllerRef = useRef<AbortController | null>(null)

  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    controllerRef.current = controller
    let timer: ReturnType<typeof setTimeout> | undefined
    let polls = 0
    let idle = 0
    let last = ""
    setGaveUp(false)
    const poll = async () => {
      polls++
      try {
        const a = await loadRef.current(controller.signal)
        if (controller.signal.aborted) return
        setData({ key, value: a })
        setError(null)
        const sig = sigRef.current(a)
        idle = sig === last ? idle + 1 : 0
        last = sig
        if (!keepRef.current(a)) return
      } catch (e) {
        if (controller.signal.aborted) return
        setError(messageOf(e))
        if (e instanceof ApiFailure && (e.status === 404 || e.status === 400)) return
        idle++
      }
      if (polls >= policy.maxPolls) {
        setGaveUp(true)
        return
      }
      timer = setTimeout(() => void poll(), nextDelay(policy, idle, Math.random()))
    }
    void poll()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [key, nonce])

  const show = (a: A) => {
    controllerRef.current?.abort()
    setData({ key, value: a })
    setError(null)
    setNonce((n) => n + 1)
  }
  return { data: data !== null && data.key === key ? data.value : null, error, gaveUp, show, wake: () => setNonce((n) => n + 1) }
}
