/**
 * A bounded worker pool: the upload step sends files several at a time
 * (browsers allow 6 connections per host over HTTP/1.1; 4 uploads leave room
 * for the API calls and the progress polls).
 */

/** Parallel uploads per page. */
export const UPLOAD_CONCURRENCY = 4

/** The outcome of one item: its value or the error it failed with. Failures never stop the others. */
export type Settled<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: unknown }

/**
 * Runs `work` over `items` with at most `limit` (>= 1) calls in flight, in
 * input order of start; resolves with one Settled per item, in input order.
 * Stops starting new items once `signal` aborts (those settle with the abort reason).
 */
export const runPool = async <T, A>(
  items: ReadonlyArray<T>,
  limit: number,
  work: (item: T, index: number) => Promise<A>,
  signal?: AbortSignal
): Promise<Array<Settled<A>>> => {
  const results: Array<Settled<A>> = new Array(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      if (signal?.aborted) {
        results[index] = { ok: false, error: signal.reason }
        continue
      }
      try {
        results[index] = { ok: true, value: await work(items[index] as T, index) }
      } catch (error) {
        results[index] = { ok: false, error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
  return results
}
