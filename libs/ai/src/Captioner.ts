/**
 * Captioner: writes a post's caption — text, hashtags and a location tag
 * (`CaptionDraft`) — from the trip context, the post's label, its items
 * (capture times, GPS, kind, camera; their scene labels from the selection;
 * optionally their thumbnails) and, for a feedback round, the versions so far
 * and the person's words.
 *
 * Two layers:
 * - `Captioner.layerOffline` (model name "offline"): deterministic text from
 *   the facts (internal/offlineCaption.ts), places from an offline reverse
 *   geocoder (internal/reverseGeocode.ts), feedback through a phrase table
 *   (internal/captionFeedback.ts: shorter, longer, more casual, more formal,
 *   more/fewer/no hashtags, no emoji, add emoji). Free text it cannot follow
 *   keeps the previous draft and says so in the `note`.
 * - `CaptionerGemini` (GeminiCaptioner.ts): the same facts plus the
 *   thumbnails to Gemini, the history as conversation turns.
 *
 * Both normalise the draft the same way (internal/captionDraft.ts: hashtags
 * without `#`, `[A-Za-z0-9_]`, unique, at most 30; caption and hashtags within
 * Instagram's 2,200 characters).
 */
import {
  type AiBadResponseError,
  type AiQuotaExhaustedError,
  type AiRateLimitedError,
  type AiRefusedError,
  type AiUnavailableError,
  type CaptionDraft,
  CaptionVersion,
  InvalidInputError,
  MediaItem,
  type QuotaExceededError
} from "@curator/contracts"
import { Context, Effect, Layer, Schema } from "effect"
import { normaliseDraft, normaliseHashtags } from "./internal/captionDraft.js"
import {
  applyPhrase,
  type CaptionPhrase,
  type CaptionStyle,
  DEFAULT_STYLE,
  hashtagCount,
  readCaptionFeedback,
  UNDERSTOOD_CAPTION_PHRASES
} from "./internal/captionFeedback.js"
import { candidateHashtags, composeCaption, composeHashtags, emojiOf, gatherFacts, hasEmoji, locationTagOf, stripEmoji } from "./internal/offlineCaption.js"

/** Model name of the offline captioner (stored in `CaptionVersion.model`). */
export const OFFLINE_CAPTION_MODEL = "offline"

/**
 * One item of the post, in carousel order: its metadata, its scene label
 * from the selection (null when unknown) and its 400 px JPEG thumbnail (null
 * when not loaded: the offline layer never reads it).
 */
export const CaptionItem = Schema.Struct({
  item: MediaItem,
  scene: Schema.NullOr(Schema.String),
  thumbnail: Schema.NullOr(Schema.Uint8Array)
})
export type CaptionItem = typeof CaptionItem.Type

/**
 * A caption request. `history`: the job's versions so far in round order
 * (empty for round 0; generated and edited), the last one being the draft
 * feedback applies to. `feedback`: the person's words for this round (null
 * for round 0; required when `history` is not empty).
 */
export const CaptionInput = Schema.Struct({
  tripContext: Schema.String,
  label: Schema.String,
  items: Schema.Array(CaptionItem),
  history: Schema.Array(CaptionVersion),
  feedback: Schema.NullOr(Schema.String)
})
export type CaptionInput = typeof CaptionInput.Type

/**
 * A written caption: the normalised draft, the model that wrote it, and a
 * note for the person (what feedback was applied or could not be followed;
 * null when there is nothing to say).
 */
export interface CaptionOutput {
  readonly draft: CaptionDraft
  readonly model: string
  readonly note: string | null
}

/** Every failure of `write` (the Ai* errors come from Gemini only). */
export type CaptionerError = AiRefusedError | AiBadResponseError | AiRateLimitedError | AiQuotaExhaustedError | AiUnavailableError | InvalidInputError | QuotaExceededError

/**
 * Checks a request: a first caption has no history and no feedback; a
 * feedback round has a history and non-empty feedback. InvalidInputError otherwise.
 */
export const checkCaptionInput = (input: CaptionInput): Effect.Effect<CaptionInput, InvalidInputError> => {
  const feedback = input.feedback?.trim() ?? ""
  if (input.history.length === 0 && input.feedback !== null) {
    return Effect.fail(new InvalidInputError({ message: "caption feedback needs a caption to apply to: this job has no version yet" }))
  }
  if (input.history.length > 0 && feedback === "") {
    return Effect.fail(new InvalidInputError({ message: `caption round ${input.history.length} has no feedback` }))
  }
  return Effect.succeed(input)
}

/** The offline style after every feedback of the history (generated rounds only: an edit carries no words). */
const replayStyle = (history: ReadonlyArray<CaptionVersion>): CaptionStyle =>
  history
    .filter((v) => v.source === "generated" && v.feedback !== null)
    .flatMap((v) => readCaptionFeedback(v.feedback!).phrases)
    .reduce(applyPhrase, DEFAULT_STYLE)

const TEXT_PHRASES = new Set<CaptionPhrase>(["shorter", "longer", "more casual", "more formal"])
const HASHTAG_PHRASES = new Set<CaptionPhrase>(["more hashtags", "fewer hashtags", "no hashtags"])

/** Why a phrase changed nothing, when it did not ("already as short as ..."). */
const limitNote = (phrase: CaptionPhrase, style: CaptionStyle): string | null => {
  switch (phrase) {
    case "shorter":
      return style.length === "short" ? "already the shortest offline caption" : null
    case "longer":
      return style.length === "long" ? "already the longest offline caption" : null
    case "more casual":
      return style.tone === "casual" ? "already the most casual offline tone" : null
    case "more formal":
      return style.tone === "formal" ? "already the most formal offline tone" : null
    case "more hashtags":
      return hashtagCount(style) >= 30 ? "already at Instagram's 30 hashtags" : null
    default:
      return null
  }
}

const writeOffline = Effect.fn("Captioner.write.offline")(function*(raw: CaptionInput) {
  const input = yield* checkCaptionInput(raw)
  const facts = yield* Effect.promise(() => gatherFacts(input))
  const previous = input.history.at(-1)
  if (previous === undefined || input.feedback === null) {
    const draft = normaliseDraft({ caption: composeCaption(facts, DEFAULT_STYLE), hashtags: composeHashtags(facts, DEFAULT_STYLE), locationTag: locationTagOf(facts) })
    return { draft, model: OFFLINE_CAPTION_MODEL, note: null } satisfies CaptionOutput
  }
  const hint = `the offline captioner follows only: ${UNDERSTOOD_CAPTION_PHRASES.join(", ")}; free text needs the Gemini captioner`
  const { ignored, phrases } = readCaptionFeedback(input.feedback)
  if (phrases.length === 0) {
    return {
      draft: previous.draft,
      model: OFFLINE_CAPTION_MODEL,
      note: `Not followed: "${input.feedback.trim()}" — ${hint}. The previous caption is kept unchanged.`
    } satisfies CaptionOutput
  }
  const before = replayStyle(input.history)
  let style = before
  const limits: Array<string> = []
  for (const phrase of phrases) {
    const limit = limitNote(phrase, style)
    if (limit !== null) limits.push(`${phrase}: ${limit}`)
    style = applyPhrase(style, phrase)
  }
  const notes: Array<string> = [`Applied: ${phrases.join(", ")}.`]
  // Text: rebuilt from the post's details for a length or tone change; otherwise the previous text, emoji adjusted.
  let caption: string
  if (phrases.some((p) => TEXT_PHRASES.has(p))) {
    caption = composeCaption(facts, style)
    if (previous.source === "edited") notes.push("The offline captioner rebuilds the text from the post's details, so your edits to the text were replaced.")
  } else {
    caption = previous.draft.caption
    if (phrases.includes("no emoji") && !style.emoji) caption = stripEmoji(caption)
    else if (phrases.includes("add emoji") && style.emoji && !hasEmoji(caption)) caption = `${caption} ${emojiOf(facts)}`
  }
  // Hashtags: the previous ones (the person's chips) first, the facts' candidates after them.
  let hashtags: ReadonlyArray<string> = previous.draft.hashtags
  if (phrases.some((p) => HASHTAG_PHRASES.has(p))) {
    const count = hashtagCount(style)
    hashtags = normaliseHashtags([...previous.draft.hashtags, ...candidateHashtags(facts)], count)
  }
  if (limits.length > 0) notes.push(`${limits.join("; ")}.`)
  if (ignored.length > 0) notes.push(`Not followed: ${ignored.map((c) => `"${c}"`).join(", ")} — ${hint}.`)
  const draft = normaliseDraft({ caption, hashtags, locationTag: previous.draft.locationTag })
  return { draft, model: OFFLINE_CAPTION_MODEL, note: notes.join(" ") } satisfies CaptionOutput
})

/**
 * Writes a post's caption. `write(input)` -> the draft, the model and a
 * note; InvalidInputError for a feedback round without a history or without
 * feedback (and for round 0 with feedback); the Ai* errors when Gemini
 * refuses, answers garbage twice, is rate limited or unavailable.
 * `usesThumbnails`: whether `write` looks at `CaptionItem.thumbnail` (callers
 * skip loading them when it does not).
 */
export class Captioner extends Context.Service<
  Captioner,
  {
    readonly usesThumbnails: boolean
    readonly write: (input: CaptionInput) => Effect.Effect<CaptionOutput, CaptionerError>
  }
>()("curator/ai/Captioner") {
  /**
   * The offline captioner (model name "offline"): caption from the trip
   * context, label, dates and places; hashtags from places, scenes, label and
   * trip words; location tag "City, Country"; the phrase table for feedback.
   * Deterministic, no network.
   */
  static readonly layerOffline = Layer.succeed(Captioner, Captioner.of({ usesThumbnails: false, write: writeOffline }))
}
