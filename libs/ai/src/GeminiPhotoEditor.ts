/**
 * The Gemini PhotoEditor (`PhotoEditorGemini`): an image model edits the photo's pixels, a second
 * model checks the edit, and one targeted pass follows when the check scores it below
 * {@link REFINE_BELOW_SCORE}. Feedback is a further turn of the same conversation.
 *
 * Round 0 (prompts in libs/ai/prompts/):
 * 1. The photo (`PhotoRenderer.aiImage`, <= 1920 px) is padded to the nearest aspect ratio the image
 *    model supports (internal/aspectRatio.ts; mirrored edges) and sent inline with `photo-edit.md`;
 *    `imageConfig.aspectRatio` asks for that ratio. The answer's image part is the edit (~1 MP).
 * 2. The review model gets the original and the edit (cropped back) inline with `photo-review.md`
 *    as system instruction and answers JSON (`responseJsonSchema` = {@link REVIEW_RESPONSE_SCHEMA}:
 *    overallAssessment, remainingImprovements [{region, issue, impact}], professionalScore 1..10).
 * 3. Score < 8.5: the conversation of step 1 goes on — the model's image as its turn, then
 *    `photo-refine.md` with the score and the improvements — and that answer is the edit.
 *
 * Model turns are sent back VERBATIM (every part with its `thoughtSignature` and the MIME type the
 * model answered in; Gemini 3 image models answer 400 to a model turn without them): the refine
 * pass sends step 1's turn as it came; the task stores the last turn (`GeminiPhotoEdit.turnKey`).
 *
 * Feedback round: contents = [the first user turn again (padded photo + `photo-edit.md`), the
 * model's latest turn verbatim (a round stored before turns were kept: its image rebuilt as a
 * model turn with the real MIME type and the documented placeholder signature),
 * `photo-feedback.md` with the person's words and the earlier requests]. Earlier answers are not
 * re-sent: the latest image carries them.
 *
 * The answer is cropped back to the photo's ratio here; the full resolution is the task's job
 * (`PhotoRenderer.renderEdited`). Errors are GeminiClient's: 429 -> AiRateLimitedError, 5xx and
 * timeouts -> AiUnavailableError (both retried by the state machine), a refusal -> AiRefusedError
 * (terminal for the item), an answer without an image (NO_IMAGE, IMAGE_OTHER) -> AiNoImageError
 * (the task keeps the offline edit), an unusable review twice -> AiBadResponseError. `analyze` / `applyFeedback` stay the offline ones (for rounds made offline).
 */
import { CorruptMediaError, IDENTITY_PHOTO_ADJUSTMENTS, type PhotoAdjustments } from "@curator/contracts"
import type { Content, Part } from "@google/genai"
import { Effect, Layer, Schema } from "effect"
import sharp from "sharp"
import { curatorModelTurn, type DecodeResult, GeminiClient } from "./GeminiClient.js"
import { analyzePhoto } from "./internal/photoAnalysis.js"
import { cropToPhoto, padImage, padPlan } from "./internal/aspectRatio.js"
import { interpretFeedback } from "./internal/photoFeedback.js"
import { EditReview, type PhotoAnalysisInput, type PhotoEditRequest, PhotoEditor, type PhotoEditResult } from "./PhotoEditor.js"
import { PROMPTS } from "./prompts.generated.js"

/** The score under which round 0 makes one more targeted pass (issue 6: "if the score is below 8.5"). */
export const REFINE_BELOW_SCORE = 8.5

/** The JSON Schema of the review answer (`generationConfig.responseJsonSchema`), mirroring {@link EditReview}. */
export const REVIEW_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    overallAssessment: { type: "string" },
    remainingImprovements: {
      type: "array",
      items: {
        type: "object",
        properties: {
          region: { type: "string" },
          issue: { type: "string" },
          impact: { type: "string", enum: ["high", "medium", "low"] }
        },
        required: ["region", "issue", "impact"]
      }
    },
    professionalScore: { type: "number", minimum: 1, maximum: 10 }
  },
  required: ["overallAssessment", "remainingImprovements", "professionalScore"]
}

/** Checks a parsed review against {@link EditReview} (the message goes back in the repair turn). */
export const decodeReview = (json: unknown): DecodeResult<EditReview> => {
  try {
    return { ok: true, value: Schema.decodeUnknownSync(EditReview)(json) }
  } catch (e) {
    return { ok: false, error: `the answer does not match the schema (${e instanceof Error ? e.message : String(e)})` }
  }
}

const inline = (bytes: Uint8Array, mimeType: string): Part => ({ inlineData: { mimeType, data: Buffer.from(bytes).toString("base64") } })

const sharpStep = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: (e) => new CorruptMediaError({ message: `${what}: ${e instanceof Error ? e.message : String(e)}` }) })

/** The refine prompt for a review: score and the improvements as a list. */
export const refinePrompt = (review: EditReview): string =>
  PROMPTS["photo-refine"]
    .replace("SCORE", String(review.professionalScore))
    .replace(
      "IMPROVEMENTS",
      review.remainingImprovements.length === 0
        ? `- ${review.overallAssessment}`
        : review.remainingImprovements.map((i) => `- ${i.region}: ${i.issue} (impact ${i.impact})`).join("\n")
    )

/** The feedback prompt: the person's words and the earlier requests of the conversation. */
export const feedbackPrompt = (feedback: string, earlier: ReadonlyArray<string>): string =>
  PROMPTS["photo-feedback"]
    .replace("FEEDBACK", feedback.trim().replaceAll("\"", "'"))
    .replace(
      "EARLIER",
      earlier.length === 0 ? "" : `Earlier requests, which your latest image already follows:\n${earlier.map((t) => `- "${t.trim().replaceAll("\"", "'")}"`).join("\n")}\n`
    )

/** The MIME type of an image's bytes as sharp reads them (a stored answer's real type). */
const imageMimeType = (bytes: Uint8Array) =>
  sharpStep("read the stored answer", async () => {
    const format = (await sharp(bytes).metadata()).format
    return format === "jpeg" ? "image/jpeg" : format === "webp" ? "image/webp" : "image/png"
  })

const editGemini = Effect.fn("PhotoEditor.edit.gemini")(function*(request: PhotoEditRequest) {
  const client = yield* GeminiClient
  const model = client.config.models.photoEdit
  const plan = request.previous?.conversation.pad ?? padPlan(request.width, request.height)
  const padded = yield* sharpStep("pad the photo", () => padImage(request.image, plan))
  const firstTurn: Content = { role: "user", parts: [inline(padded, "image/jpeg"), { text: PROMPTS["photo-edit"] }] }
  const crop = (answer: Uint8Array) => sharpStep("crop the edit", () => cropToPhoto(answer, plan))

  if (request.previous !== null) {
    const { answer: before, conversation, feedback, modelTurn } = request.previous
    const text = feedbackPrompt(feedback, conversation.requests)
    const lastTurn = modelTurn ?? curatorModelTurn([inline(before, yield* imageMimeType(before))])
    const answer = yield* client.generateImage({
      what: "photo feedback",
      model,
      contents: [firstTurn, lastTurn, { role: "user", parts: [{ text }] }],
      aspectRatio: plan.aspectRatio
    })
    return {
      answer: answer.image.bytes,
      answerMimeType: answer.image.mimeType,
      modelTurn: answer.modelTurn,
      edited: yield* crop(answer.image.bytes),
      conversation: { ...conversation, model, turns: [...conversation.turns, text], requests: [...conversation.requests, feedback], passes: 1, totalTokens: answer.usage.totalTokens }
    } satisfies PhotoEditResult
  }

  const first = yield* client.generateImage({ what: "photo edit", model, contents: [firstTurn], aspectRatio: plan.aspectRatio })
  const firstEdit = yield* crop(first.image.bytes)
  const reviewModel = client.config.models.photoReview
  const review = yield* client.generateJson({
    what: "photo review",
    role: "photoReview",
    model: reviewModel,
    systemInstruction: PROMPTS["photo-review"],
    parts: [{ text: "ORIGINAL:" }, inline(request.image, "image/jpeg"), { text: "EDITED:" }, inline(firstEdit, "image/png")],
    responseJsonSchema: REVIEW_RESPONSE_SCHEMA,
    decode: decodeReview
  })
  let totalTokens = first.usage.totalTokens + review.usage.totalTokens
  yield* Effect.logInfo("Gemini photo review").pipe(Effect.annotateLogs({ model: reviewModel, professionalScore: review.value.professionalScore }))
  if (review.value.professionalScore >= REFINE_BELOW_SCORE) {
    return {
      answer: first.image.bytes,
      answerMimeType: first.image.mimeType,
      modelTurn: first.modelTurn,
      edited: firstEdit,
      conversation: { model, pad: plan, turns: [], requests: [], review: review.value, passes: 1, totalTokens }
    } satisfies PhotoEditResult
  }
  const text = refinePrompt(review.value)
  const second = yield* client.generateImage({
    what: "photo edit (second pass)",
    model,
    contents: [firstTurn, first.modelTurn, { role: "user", parts: [{ text }] }],
    aspectRatio: plan.aspectRatio
  })
  totalTokens += second.usage.totalTokens
  return {
    answer: second.image.bytes,
    answerMimeType: second.image.mimeType,
    modelTurn: second.modelTurn,
    edited: yield* crop(second.image.bytes),
    conversation: { model, pad: plan, turns: [text], requests: [], review: review.value, passes: 2, totalTokens }
  } satisfies PhotoEditResult
})

/** True when the feedback text asks to undo (the offline phrase table's rule, shared by both editors and by videos). */
export const isUndoFeedback = (text: string): boolean => interpretFeedback(IDENTITY_PHOTO_ADJUSTMENTS, text).undo

/**
 * The Gemini PhotoEditor layer (needs a {@link GeminiClient}): `edit` as in the module doc;
 * `analyze` and `applyFeedback` are the offline ones (used only for a round whose basis was made
 * offline, e.g. a job started before the key was set).
 */
export const PhotoEditorGemini: Layer.Layer<PhotoEditor, never, GeminiClient> = Layer.effect(
  PhotoEditor,
  Effect.gen(function*() {
    const client = yield* GeminiClient
    return PhotoEditor.of({
      analyze: Effect.fn("PhotoEditor.analyze.offline")(function*(input: PhotoAnalysisInput) {
        return analyzePhoto(input.stats)
      }),
      applyFeedback: Effect.fn("PhotoEditor.applyFeedback.offline")(function*(params: PhotoAdjustments, feedback: string) {
        return interpretFeedback(params, feedback)
      }),
      edit: (request) => editGemini(request).pipe(Effect.provideService(GeminiClient, client))
    })
  })
)
