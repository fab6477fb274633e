/**
 * SelectionModel: picks the best, most varied subset of a batch of media items,
 * with a justification for every pick and a reason and category for every
 * exclusion, grouped into scenes.
 *
 * The input carries everything either implementation needs: each item's metadata
 * (`MediaItem`), its 400 px JPEG thumbnail, extra JPEG frames for videos, the
 * person's trip context and the target count. The offline layer
 * (`SelectionModel.layerOffline`) uses image statistics, capture times and GPS;
 * the Gemini layer (`SelectionModelGemini`, GeminiSelection.ts) sends the same thumbnails, metadata and
 * trip context to the model.
 */
import {
  type AiBadResponseError,
  type AiQuotaExhaustedError,
  type AiRateLimitedError,
  type AiRefusedError,
  type AiUnavailableError,
  InvalidInputError,
  type QuotaExceededError,
  MediaItem,
  type SelectionResult
} from "@curator/contracts"
import { Context, Effect, Layer, Schema } from "effect"
import { foldExactCopies } from "./internal/exactCopies.js"
import { analyzeMedia } from "./internal/imageAnalysis.js"
import { OFFLINE_MODEL, type PlaceNamer, selectOffline } from "./internal/offlineSelection.js"
import { loadPlaceFinder } from "./internal/reverseGeocode.js"

/** Default number of items to pick. */
export const DEFAULT_TARGET_COUNT = 20

/**
 * One item to choose from: its metadata, its thumbnail (400 px longest edge JPEG,
 * orientation applied) and, for videos, extra JPEG frames (may be empty; photos pass []).
 */
export const SelectionCandidate = Schema.Struct({
  item: MediaItem,
  thumbnail: Schema.Uint8Array,
  frames: Schema.Array(Schema.Uint8Array),
  /** A video's AI preview (H.264 + AAC MP4, `AiPreviewEncoder`), when the model takes previews (`videoPreviews`); absent otherwise. */
  preview: Schema.optional(Schema.Uint8Array)
})
export type SelectionCandidate = typeof SelectionCandidate.Type

/**
 * The selection request. `tripContext`: the person's words about the trip (free text,
 * may be empty; the offline model does not read it, Gemini will). `targetCount`: how many
 * items to pick, an integer >= 1, default {@link DEFAULT_TARGET_COUNT} when absent.
 * `fileId`s must be unique.
 */
export const SelectionInput = Schema.Struct({
  tripContext: Schema.String,
  targetCount: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)).pipe(Schema.withDecodingDefaultKey(Effect.succeed(DEFAULT_TARGET_COUNT))),
  items: Schema.Array(SelectionCandidate)
})
/** What callers pass (`targetCount` optional). */
export type SelectionInput = typeof SelectionInput.Encoded

/** Every failure `select` may end with (the Ai* errors come from cloud models only). */
export type SelectionModelError = AiRefusedError | AiBadResponseError | AiRateLimitedError | AiQuotaExhaustedError | AiUnavailableError | InvalidInputError | QuotaExceededError

/** Images decoded at once by the offline model (sharp also spreads each decode over libuv threads). */
const ANALYSIS_CONCURRENCY = 4

/** Decodes the input; a Schema failure or a repeated fileId becomes InvalidInputError. */
export const decodeSelectionInput = Effect.fnUntraced(function* (input: unknown) {
  const decoded = yield* Schema.decodeUnknownEffect(SelectionInput)(input).pipe(
    Effect.mapError((e) => new InvalidInputError({ message: `Invalid selection input: ${e.message}` }))
  )
  const seen = new Set<string>()
  for (const { item } of decoded.items) {
    if (seen.has(item.fileId)) return yield* new InvalidInputError({ message: `Invalid selection input: fileId ${item.fileId} appears twice` })
    seen.add(item.fileId)
  }
  return decoded
})

const selectOfflineEffect = Effect.fn("SelectionModel.select.offline")(function* (input: SelectionInput) {
  const { items, targetCount } = yield* decodeSelectionInput(input)
  // Exact copies are never decoded: the kept copy of each content hash stands for them (exactCopies.ts).
  const { unique, unfold } = foldExactCopies(items)
  const analyses = yield* Effect.forEach(
    unique,
    // analyzeMedia never rejects: an undecodable image is an `Unprocessable` outcome.
    (c) => Effect.promise(() => analyzeMedia(c.thumbnail, c.item.kind === "video" ? c.frames : [])),
    { concurrency: ANALYSIS_CONCURRENCY }
  )
  // Scene names say where ("Lisbon, Portugal") when an item has GPS: the offline reverse geocoder,
  // loaded once per process; without its data the coordinates are shown (logged, not fatal).
  const placeName = items.some((c) => c.item.gps !== null)
    ? yield* Effect.tryPromise(() => loadPlaceFinder()).pipe(
        Effect.map((find): PlaceNamer => (gps) => {
          const place = find(gps)
          return place === null ? null : `${place.city}, ${place.country}`
        }),
        Effect.catch((error) =>
          Effect.logWarning("offline selection: no place names (reverse geocoder unavailable)").pipe(Effect.annotateLogs({ error: String(error) }), Effect.as<PlaceNamer>(() => null))
        )
      )
    : () => null
  return unfold(
    selectOffline(
      unique.map((c, i) => ({ item: c.item, analysis: analyses[i]! })),
      targetCount,
      placeName
    )
  )
})

/**
 * Chooses the best, most varied `targetCount` items.
 * `select(input)`: every input item appears exactly once across `selected` (ranked from 1)
 * and `excluded`; fails with InvalidInputError when the input does not decode (targetCount
 * < 1, repeated fileId, ...), and with the Ai* errors when a cloud model refuses, answers
 * garbage, is rate limited or unavailable.
 */
export class SelectionModel extends Context.Service<
  SelectionModel,
  {
    readonly select: (input: SelectionInput) => Effect.Effect<SelectionResult, SelectionModelError>
    /** True when the model takes videos as their AI previews (`SelectionCandidate.preview`); the task encodes them only then. */
    readonly videoPreviews?: boolean
  }
>()("curator/ai/SelectionModel") {
  /**
   * The offline model (model name "offline"): scenes by time (>= 2 h, UTC offsets
   * respected), GPS (>= 1 km) and visual breaks; exact and near-duplicates; quality from
   * sharpness, exposure and resolution; a round-robin pick across scenes. Deterministic, whatever
   * the order of the items: exact copies keep one copy (shortest name), ties break in canonical order.
   */
  static readonly layerOffline = Layer.succeed(SelectionModel, SelectionModel.of({ select: selectOfflineEffect }))
}

export { OFFLINE_MODEL }
