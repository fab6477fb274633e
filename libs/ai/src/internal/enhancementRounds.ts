/**
 * What the two enhancement task programs share: reading a file's sniffed type,
 * the rules of a round (which round may run, which parameters feedback starts
 * from, what "undo" restores) and the round record itself.
 */
import { open } from "node:fs/promises"
import {
  type EnhancementItemRecord,
  type EnhancementRound,
  InvalidInputError,
  type PhotoEnhanceTaskEvent,
  StoreConflictError
} from "@curator/contracts"
import { sniff, SNIFF_HEADER_BYTES } from "@curator/media"
import { Effect, Schema } from "effect"

/** Sniffs the downloaded file at `path` from its first bytes (UnsupportedMediaError for an unknown type). */
export const sniffFile = (path: string) =>
  Effect.promise(async () => {
    const handle = await open(path, "r")
    try {
      const buffer = Buffer.alloc(SNIFF_HEADER_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      return new Uint8Array(buffer.subarray(0, bytesRead))
    } finally {
      await handle.close()
    }
  }).pipe(Effect.flatMap(sniff))

/**
 * The round already stored for this event (a retry of a task whose append
 * succeeded), or undefined when it still has to run.
 */
export const storedRound = (record: EnhancementItemRecord | null, event: PhotoEnhanceTaskEvent): EnhancementRound | undefined =>
  record === null ? undefined : record.rounds[event.round]

/**
 * Checks the event's round follows the record's latest one: round 0 on a
 * fresh record, round n after round n-1 with feedback. StoreConflictError
 * (terminal) for a stale or skipped round, InvalidInputError for a feedback
 * round without feedback.
 */
export const checkRound = (record: EnhancementItemRecord, event: PhotoEnhanceTaskEvent) => {
  if (event.round !== record.currentRound + 1) {
    return Effect.fail(
      new StoreConflictError({
        message: `item ${event.fileId} is at round ${record.currentRound}; round ${event.round} cannot follow it`
      })
    )
  }
  if (event.round > 0 && (event.feedback === null || event.feedback.trim() === "")) {
    return Effect.fail(new InvalidInputError({ message: `round ${event.round} of item ${event.fileId} has no feedback` }))
  }
  return Effect.void
}

/** Structural equality of two JSON values (round parameters as stored). */
const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/**
 * The undo stack of an item's history, replayed from its rounds: round 0
 * starts it; a round whose parameters equal the entry below the top is an
 * "undo" (it restored that entry) and pops; any other round pushes. So
 * "undo" twice goes back two steps instead of toggling between the last
 * two versions (a feedback round that happens to land exactly on the
 * entry below is taken as an undo too, which restores the same parameters).
 */
export const undoStack = (rounds: ReadonlyArray<EnhancementRound>): ReadonlyArray<EnhancementRound["params"]> => {
  const stack: Array<EnhancementRound["params"]> = []
  for (const round of rounds) {
    const below = stack.at(-2)
    if (below !== undefined && jsonEqual(round.params, below)) stack.pop()
    else stack.push(round.params)
  }
  return stack
}

/**
 * The parameters feedback starts from (the latest round's) and what "undo"
 * restores (the entry below the top of the {@link undoStack}: the version
 * before the latest change still in effect; the latest again when there is
 * none), both decoded with the kind's Schema. A stored value its Schema
 * rejects is a defect.
 */
export const roundBasis = <A, I>(schema: Schema.Codec<A, I>, record: EnhancementItemRecord) =>
  Effect.gen(function* () {
    const decode = (params: unknown) => Schema.decodeUnknownEffect(schema)(params).pipe(Effect.orDie)
    const latest = record.rounds[record.currentRound]
    if (latest === undefined) return yield* Effect.die(new Error(`item ${record.fileId} has no round ${record.currentRound}`))
    const stack = undoStack(record.rounds.slice(0, record.currentRound + 1))
    const previous = stack.at(-2) ?? latest.params
    return { current: yield* decode(latest.params), previous: yield* decode(previous) }
  })

/** The round record for `params` (encoded with the kind's Schema to JSON), stamped now. */
export const roundRecord = <A, I>(
  schema: Schema.Codec<A, I>,
  event: PhotoEnhanceTaskEvent,
  params: A,
  outputKey: string,
  previewKey: string | null
): Effect.Effect<EnhancementRound> =>
  Effect.map(Schema.encodeEffect(schema)(params).pipe(Effect.orDie), (encoded) => ({
    round: event.round,
    feedback: event.round === 0 ? null : event.feedback,
    params: encoded as EnhancementRound["params"],
    outputKey,
    previewKey,
    createdAt: new Date().toISOString()
  }))
