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

/**
 * The parameters feedback starts from (the latest round's) and what "undo"
 * restores (the round before it; the latest again when there is none), both
 * decoded with the kind's Schema. A stored value its Schema rejects is a defect.
 */
export const roundBasis = <A, I>(schema: Schema.Codec<A, I>, record: EnhancementItemRecord) =>
  Effect.gen(function* () {
    const decode = (params: unknown) => Schema.decodeUnknownEffect(schema)(params).pipe(Effect.orDie)
    const latest = record.rounds[record.currentRound]
    if (latest === undefined) return yield* Effect.die(new Error(`item ${record.fileId} has no round ${record.currentRound}`))
    const previous = record.rounds[record.currentRound - 1] ?? latest
    return { current: yield* decode(latest.params), previous: yield* decode(previous.params) }
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
