/**
 * Capture times as comparable instants.
 *
 * The contract (MediaItem `CaptureTime`): compare `utc` when both captures have it,
 * else `local`. To get ONE total order over a batch, each capture becomes an
 * instant: `utc` when known; else `local` at its own `offsetMinutes`; else `local`
 * at the batch's dominant UTC offset (the most frequent recorded offset — the
 * trip's zone — or 0 when none is recorded). When no capture has an offset this is
 * exactly "compare local"; when all have one it is exactly "compare utc".
 */
import type { CaptureTime } from "@curator/contracts"

const LOCAL_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

/** Milliseconds since the epoch of a local wall-clock time read as if it were UTC, or null if malformed. */
export const localAsUtcMs = (local: string): number | null => {
  if (!LOCAL_PATTERN.test(local)) return null
  const ms = Date.parse(`${local}Z`)
  return Number.isFinite(ms) ? ms : null
}

/** The most frequent `offsetMinutes` among the captures (ties: the smallest), or 0 when none records one. */
export const dominantOffsetMinutes = (times: ReadonlyArray<CaptureTime | null>): number => {
  const counts = new Map<number, number>()
  for (const t of times) if (t?.offsetMinutes != null) counts.set(t.offsetMinutes, (counts.get(t.offsetMinutes) ?? 0) + 1)
  let best = 0
  let bestCount = 0
  for (const [offset, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) {
      best = offset
      bestCount = count
    }
  }
  return best
}

/**
 * The capture instant in ms since the epoch (see module doc), or null when the item has
 * no capture time or it cannot be parsed. `fallbackOffsetMinutes` is used only when the
 * capture records neither `utc` nor an offset.
 */
export const captureInstantMs = (time: CaptureTime | null, fallbackOffsetMinutes: number): number | null => {
  if (time === null) return null
  if (time.utc !== null) {
    const ms = Date.parse(time.utc)
    if (Number.isFinite(ms)) return ms
  }
  const local = localAsUtcMs(time.local)
  if (local === null) return null
  return local - (time.offsetMinutes ?? fallbackOffsetMinutes) * 60_000
}

/** `+hh:mm` / `-hh:mm` for an offset in minutes (one definition, in contracts). */
export { formatUtcOffset as formatOffset } from "@curator/contracts"

/**
 * An ISO 8601 string for a scene's time range: local time with its offset when the
 * offset is known (what the person saw on their watch, unambiguous), else the UTC
 * instant (`...Z`) when only that is known, else the bare local time (contracts'
 * `formatCaptureTime`, which `curator inspect` prints too).
 */
export { formatCaptureTime as formatCaptureIso } from "@curator/contracts"
