/**
 * The Gemini Captioner: one `generateContent` call per round, structured
 * output `{caption, hashtags, locationTag}` (`responseJsonSchema`), the
 * caption's history as a conversation.
 *
 * Request: system instruction = `prompts/caption.md`. The first user turn
 * holds the trip context, the post label, the facts the offline layer works
 * out (date range, places from the offline reverse geocoder, counts, camera)
 * and per item a metadata line (`describeItem` of the selection, plus its
 * scene) followed by its thumbnail as an `inlineData` JPEG part when one was
 * loaded. Round 0 ends there. A feedback round replays the history after it:
 * each generated version as a model turn (its JSON), each feedback as the user
 * turn before the version it produced, each edited version as a user turn
 * ("I edited it to ...") answered by a model turn with that draft — then the
 * new feedback as the last user turn.
 *
 * Answer rule: JSON of the schema with a non-empty caption, else ONE repair
 * turn (GeminiClient), then AiBadResponseError. The draft is normalised as
 * the offline one is (hashtags without `#`, `[A-Za-z0-9_]`, unique, <= 30;
 * caption + hashtags within 2,200 characters; location tag trimmed, empty -> null).
 * Refusals and HTTP errors map as GeminiClient maps them. Model name:
 * `config.models.caption` (`CURATOR_GEMINI_MODEL_CAPTION`). The model turns of the history are
 * drafts Curator keeps (not the answers' turns): they carry the documented placeholder signature.
 */
import type { CaptionDraft, CaptionVersion } from "@curator/contracts"
import type { Content, Part } from "@google/genai"
import { Effect, Layer, Schema } from "effect"
import { type CaptionInput, Captioner, type CaptionOutput, checkCaptionInput } from "./Captioner.js"
import { curatorModelTurn, type DecodeResult, GeminiClient } from "./GeminiClient.js"
import { describeItem } from "./GeminiSelection.js"
import { normaliseDraft } from "./internal/captionDraft.js"
import { type CaptionFacts, compactDateRange, gatherFacts, locationTagOf, placesText } from "./internal/offlineCaption.js"
import { PROMPTS } from "./prompts.generated.js"

/** The JSON Schema sent as `generationConfig.responseJsonSchema` (mirrors `CaptionDraft`). */
export const CAPTION_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    caption: { type: "string", description: "The caption text, without hashtags." },
    hashtags: { type: "array", items: { type: "string" }, description: "Hashtags without the leading #." },
    locationTag: { type: ["string", "null"], description: "\"City, Country\", or null when no item has a place." }
  },
  required: ["caption", "hashtags", "locationTag"]
}

const GeminiCaptionAnswer = Schema.Struct({
  caption: Schema.String,
  hashtags: Schema.Array(Schema.String),
  locationTag: Schema.NullOr(Schema.String)
})

/** Checks a parsed answer: the schema's shape and a caption that is not blank. The message goes back in the repair turn. */
export const checkCaptionAnswer = (json: unknown): DecodeResult<CaptionDraft> => {
  let answer: typeof GeminiCaptionAnswer.Type
  try {
    answer = Schema.decodeUnknownSync(GeminiCaptionAnswer)(json)
  } catch (e) {
    return { ok: false, error: `the answer does not match the schema (${e instanceof Error ? e.message : String(e)})` }
  }
  if (answer.caption.trim() === "") return { ok: false, error: "the caption is empty" }
  return { ok: true, value: normaliseDraft(answer) }
}

/** The facts block of the first turn. */
const factsText = (facts: CaptionFacts): string => {
  const lines = [
    `Dates: ${facts.dates === null ? "unknown" : compactDateRange(facts.dates.first, facts.dates.last)}${facts.partOfDay === null ? "" : ` (${facts.partOfDay})`}`,
    `Places: ${placesText(facts.places) ?? "unknown (no GPS)"}`,
    `Suggested location tag: ${locationTagOf(facts) ?? "none"}`,
    `Items: ${facts.photos} photo${facts.photos === 1 ? "" : "s"}, ${facts.videos} video${facts.videos === 1 ? "" : "s"}`,
    `Camera: ${facts.camera ?? "unknown"}`
  ]
  return lines.join("\n")
}

const jpeg = (bytes: Uint8Array): Part => ({ inlineData: { mimeType: "image/jpeg", data: Buffer.from(bytes).toString("base64") } })
const draftJson = (draft: CaptionDraft) => JSON.stringify({ caption: draft.caption, hashtags: draft.hashtags, locationTag: draft.locationTag })
const feedbackTurn = (feedback: string): Content => ({
  role: "user",
  parts: [{ text: `Feedback on your last caption: "${feedback.trim()}". Write a new version that follows it and keeps what it does not ask to change.` }]
})

/**
 * The conversation before the last user turn and the last user turn itself,
 * for a request (see the module doc): `history` = [first turn, then per
 * version its turns], `last` = the feedback turn; round 0: no history, `last`
 * = the first turn.
 */
export const captionTurns = (input: CaptionInput, facts: CaptionFacts): { readonly history: ReadonlyArray<Content>; readonly last: Content } => {
  const trip = input.tripContext.trim()
  const label = input.label.trim()
  const parts: Array<Part> = [
    {
      text: [
        `Trip context: ${trip === "" ? "(none given)" : trip}`,
        `Post label: ${label === "" ? "(none given)" : label}`,
        factsText(facts),
        `Write the caption for this post of ${input.items.length} item${input.items.length === 1 ? "" : "s"}, in carousel order:`
      ].join("\n")
    }
  ]
  input.items.forEach((c, n) => {
    const place = facts.itemPlaces[n]
    const placeName = place == null ? "" : `, place name: ${place.city === place.country ? place.city : `${place.city}, ${place.country}`}`
    parts.push({ text: `${describeItem(n, c.item)}${placeName}, scene: ${c.scene?.trim() || "unknown"}` })
    if (c.thumbnail !== null) parts.push(jpeg(c.thumbnail))
  })
  const first: Content = { role: "user", parts }
  if (input.history.length === 0 || input.feedback === null) return { history: [], last: first }
  const turns: Array<Content> = [first]
  input.history.forEach((v: CaptionVersion, i) => {
    if (v.source === "edited") {
      turns.push({ role: "user", parts: [{ text: `I edited the caption myself; continue from this version: ${draftJson(v.draft)}` }] })
    } else if (i > 0) {
      turns.push(feedbackTurn(v.feedback ?? "Write another version."))
    }
    turns.push(curatorModelTurn([{ text: draftJson(v.draft) }]))
  })
  return { history: turns, last: feedbackTurn(input.feedback) }
}

const writeGemini = Effect.fn("Captioner.write.gemini")(function*(raw: CaptionInput) {
  const client = yield* GeminiClient
  const input = yield* checkCaptionInput(raw)
  const model = client.config.models.caption
  const facts = yield* Effect.promise(() => gatherFacts(input))
  const { history, last } = captionTurns(input, facts)
  const { usage, value } = yield* client.generateJson({
    what: input.feedback === null ? "caption" : `caption round ${input.history.length}`,
    role: "caption",
    model,
    systemInstruction: PROMPTS.caption,
    history,
    parts: last.parts ?? [],
    responseJsonSchema: CAPTION_RESPONSE_SCHEMA,
    decode: checkCaptionAnswer
  })
  yield* Effect.logInfo("Gemini caption").pipe(
    Effect.annotateLogs({ model, items: input.items.length, round: input.history.length, promptTokens: usage.promptTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens })
  )
  return { draft: value, model, note: null } satisfies CaptionOutput
})

/**
 * The Gemini Captioner layer (needs a {@link GeminiClient}); it reads the
 * thumbnails (`usesThumbnails: true`). Model name in the versions:
 * `config.models.caption`.
 */
export const CaptionerGemini: Layer.Layer<Captioner, never, GeminiClient> = Layer.effect(
  Captioner,
  Effect.gen(function*() {
    const client = yield* GeminiClient
    return Captioner.of({ usesThumbnails: true, write: (input) => writeGemini(input).pipe(Effect.provideService(GeminiClient, client)) })
  })
)
