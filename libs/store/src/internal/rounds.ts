/**
 * Comparing enhancement rounds for idempotent appends. DynamoDB maps keep no
 * key order, so parameters are compared as canonical JSON (keys sorted at
 * every depth); `createdAt` is left out because a retried task stamps its
 * own time on an otherwise identical round.
 */
import type { EnhancementRound } from "@curator/contracts"

/** JSON text of `value` with object keys sorted at every depth. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )

/** True when two rounds agree on everything but `createdAt`. */
export const sameRoundContent = (a: EnhancementRound, b: EnhancementRound): boolean =>
  a.round === b.round &&
  a.feedback === b.feedback &&
  a.outputKey === b.outputKey &&
  a.previewKey === b.previewKey &&
  canonicalJson(a.params) === canonicalJson(b.params)
