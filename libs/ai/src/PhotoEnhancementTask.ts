/**
 * The photo enhancement task program (EnhancementPipeline's photo Map
 * iteration), run by apps/enhancement-worker on Lambda and by the local
 * executor in-process: download the original to a per-invocation temp dir,
 * decide the adjustments (round 0: `PhotoEditor.analyze` on the image's
 * statistics; later rounds: the person's feedback applied to the latest
 * round's adjustments, "undo" restoring the round before it), render at full
 * resolution with `PhotoRenderer`, store `<session>/enhanced/<fileId>[.r<n>].<ext>`
 * with the extension of the real output (HEIC in -> .jpg) and its display
 * preview (`....preview.jpg`, JPEG, long edge <= ENHANCEMENT_PREVIEW_EDGE,
 * the round's `previewKey`), and append the round to the item record. Round 0
 * also stores the comparison's "before" (`<fileId>.before.jpg`): the original
 * decoded the same way with no adjustment, at the previews' size and format.
 *
 * Idempotent: a retry whose round is already stored returns it without
 * rendering or writing again; the append itself is conditional on the round
 * before it (a retry after the blobs were written but before the append
 * overwrites them with the same content).
 *
 * With an image-model editor (`PhotoEditor.edit` present: Gemini), the round edits pixels instead:
 * round 0 sends `PhotoRenderer.aiImage` to `edit`; a feedback round continues the conversation
 * stored in the latest round's {@link GeminiPhotoEdit} (its model image read back from
 * `answerKey`, its last turn verbatim from `turnKey`); "undo" restores the round before without a
 * model call. The model's uncropped answer is stored in the format it came in
 * (`<fileId>[.r<n>].gemini.<png|jpg|webp>`, {@link geminiAnswerKey}), its turn as JSON
 * (`<fileId>[.r<n>].gemini.json`, {@link geminiTurnKey}), and the full resolution made by
 * `renderEdited` (LUT or upscale, decision 0006). A feedback round on a round made by adjustments
 * (offline) stays on adjustments. When the image model makes no image (AiNoImageError: finishReason
 * NO_IMAGE or IMAGE_OTHER) the round keeps the offline edit: adjustments from the photo's
 * statistics (and, for a feedback round, the person's words read by the offline phrase table),
 * with a warning; later rounds continue from those adjustments.
 *
 * Errors: the renderer's CorruptMediaError, UnsupportedMediaError,
 * MediaTooLargeError (terminal) and MediaToolTimeoutError; StoreConflictError
 * for a stale round or a video's record; InvalidInputError for a feedback
 * round without feedback; the PhotoEditor's AI errors; the store errors. The
 * state machine's Catch records a failure on the item.
 */
import { BlobKeys, CorruptMediaError, type PhotoAdjustments, PhotoEnhanceTaskEvent, PhotoEnhanceTaskResult } from "@curator/contracts"
import { type OpenedPhoto, PhotoRenderer, ProcessRunner, type RenderedPhoto } from "@curator/media"
import { BlobStore, SessionStore } from "@curator/store"
import type { Content } from "@google/genai"
import { Effect } from "effect"
import type { AiNoImageError } from "./errors.js"
import { isUndoFeedback } from "./GeminiPhotoEditor.js"
import { cropToPhoto } from "./internal/aspectRatio.js"
import { checkRound, roundBasis, roundRecord, sniffFile, storedRound } from "./internal/enhancementRounds.js"
import { type GeminiPhotoEdit, PhotoEditor, type PhotoEditResult, PhotoRoundParams } from "./PhotoEditor.js"
import { meteredFor } from "./SessionTokenMeter.js"

/** File extension of an image MIME type the image model answers in (png, jpg, webp). */
const imageExtension = (mimeType: string): string => (mimeType === "image/jpeg" ? "jpg" : mimeType === "image/webp" ? "webp" : "png")

/** Blob key of an image model's uncropped answer for a round: `<session>/enhanced/<fileId>[.r<n>].gemini.<ext>` (ext from the answer's MIME type). */
export const geminiAnswerKey = (sessionId: string, fileId: string, round: number, mimeType = "image/png"): string =>
  `${sessionId}/enhanced/${fileId}${round === 0 ? "" : `.r${round}`}.gemini.${imageExtension(mimeType)}`

/** Blob key of an image model's last turn for a round, verbatim JSON: `<session>/enhanced/<fileId>[.r<n>].gemini.json`. */
export const geminiTurnKey = (sessionId: string, fileId: string, round: number): string =>
  `${sessionId}/enhanced/${fileId}${round === 0 ? "" : `.r${round}`}.gemini.json`

const isGemini = (params: PhotoRoundParams): params is GeminiPhotoEdit => "editor" in params && params.editor === "gemini"

/** The services the photo enhancement task needs. */
export type PhotoEnhancementTaskServices = BlobStore | SessionStore | ProcessRunner | PhotoRenderer | PhotoEditor

/** Runs one photo enhancement round; returns the round and its output key. */
export const runPhotoEnhancementTask = Effect.fn("PhotoEnhancementTask.run")(function* (event: PhotoEnhanceTaskEvent) {
  const blobs = yield* BlobStore
  const sessions = yield* SessionStore
  const runner = yield* ProcessRunner
  const renderer = yield* PhotoRenderer
  const editor = yield* PhotoEditor
  const { sessionId, jobId, fileId, expiresAt } = event
  const existing = yield* sessions.getEnhancementItem(sessionId, jobId, fileId)
  const stored = existing?.kind === "photo" ? storedRound(existing, event) : undefined
  if (stored !== undefined) return { fileId, round: stored.round, outputKey: stored.outputKey } satisfies PhotoEnhanceTaskResult
  const record = yield* sessions.markEnhancementItemProcessing(sessionId, jobId, fileId, "photo", expiresAt)
  yield* checkRound(record, event)
  const dir = yield* runner.tempDir
  const local = `${dir}/original`
  yield* blobs.download(event.key, local)
  const sniffed = yield* sniffFile(local)
  // Decoded once for the statistics, the render and the "before" (a HEIC goes through libheif one time).
  const photo = yield* renderer.open(local, sniffed)
  const basis = event.round === 0 ? null : yield* roundBasis(PhotoRoundParams, record)
  let params: PhotoRoundParams
  let rendered: RenderedPhoto
  if (basis === null ? editor.edit !== undefined : isGemini(basis.current)) {
    const made = yield* geminiRound(event, photo, basis)
    params = made.params
    rendered = made.rendered
  } else {
    const adjustments: PhotoAdjustments =
      basis === null
        ? yield* editor.analyze({ stats: yield* photo.statistics })
        : yield* Effect.gen(function* () {
            const feedback = yield* editor.applyFeedback(basis.current as PhotoAdjustments, event.feedback ?? "")
            return feedback.undo ? (basis.previous as PhotoAdjustments) : feedback.params
          })
    params = adjustments
    rendered = yield* photo.render(adjustments)
  }
  const outputKey = BlobKeys.enhancedRound(sessionId, fileId, event.round, rendered.ext)
  const previewKey = BlobKeys.enhancedPhotoPreview(sessionId, fileId, event.round)
  yield* blobs.put(outputKey, rendered.bytes, rendered.mime)
  yield* blobs.put(previewKey, (yield* renderer.preview(rendered)).bytes, "image/jpeg")
  if (event.round === 0) {
    yield* blobs.put(BlobKeys.enhancedBefore(sessionId, fileId, "photo"), (yield* photo.previewOriginal).bytes, "image/jpeg")
  }
  yield* sessions.appendEnhancementRound(sessionId, jobId, fileId, "photo", yield* roundRecord(PhotoRoundParams, event, params, outputKey, previewKey))
  return { fileId, round: event.round, outputKey } satisfies PhotoEnhanceTaskResult
}, Effect.scoped)

/**
 * A Gemini round (see the module doc): the edit (or, for "undo", the round before it, re-rendered
 * from its stored answer) and its full-resolution render.
 */
const geminiRound = (event: PhotoEnhanceTaskEvent, photo: OpenedPhoto, basis: { readonly current: PhotoRoundParams; readonly previous: PhotoRoundParams } | null) =>
  Effect.gen(function* () {
    const blobs = yield* BlobStore
    const editor = yield* PhotoEditor
    const feedback = event.feedback ?? ""
    if (basis !== null && isUndoFeedback(feedback)) {
      const previous = basis.previous
      if (!isGemini(previous)) return { params: previous, rendered: yield* photo.render(previous) }
      const answer = yield* blobs.get(previous.answerKey)
      const edited = yield* Effect.tryPromise({
        try: () => cropToPhoto(answer, previous.pad),
        catch: (e) => new CorruptMediaError({ message: `the stored Gemini answer ${previous.answerKey} could not be decoded: ${e instanceof Error ? e.message : String(e)}` })
      })
      return { params: previous, rendered: yield* photo.renderEdited(edited) }
    }
    const edit = editor.edit
    if (edit === undefined) {
      return yield* Effect.die(new Error(`round ${event.round} of ${event.fileId} continues a Gemini edit, but this worker has no Gemini PhotoEditor (no key)`))
    }
    const ai = yield* photo.aiImage
    const made = basis === null
      ? yield* edit({ image: ai.bytes, width: ai.width, height: ai.height, previous: null }).pipe(Effect.map((r): PhotoEditResult | null => r), keepOfflineEditOnNoImage(event))
      : yield* Effect.gen(function* () {
          const current = basis.current as GeminiPhotoEdit
          const modelTurn = current.turnKey === undefined ? null : yield* storedTurn(current.turnKey)
          return yield* edit({ image: ai.bytes, width: ai.width, height: ai.height, previous: { conversation: current, answer: yield* blobs.get(current.answerKey), modelTurn, feedback } })
        }).pipe(Effect.map((r): PhotoEditResult | null => r), keepOfflineEditOnNoImage(event))
    if (made === null) {
      const offline = yield* editor.analyze({ stats: yield* photo.statistics })
      const adjustments = basis === null ? offline : (yield* editor.applyFeedback(offline, feedback)).params
      return { params: adjustments as PhotoRoundParams, rendered: yield* photo.render(adjustments) }
    }
    const result: PhotoEditResult = made
    const answerKey = geminiAnswerKey(event.sessionId, event.fileId, event.round, result.answerMimeType)
    const turnKey = geminiTurnKey(event.sessionId, event.fileId, event.round)
    yield* blobs.put(answerKey, result.answer, result.answerMimeType)
    yield* blobs.put(turnKey, new TextEncoder().encode(JSON.stringify(result.modelTurn)), "application/json")
    const rendered = yield* photo.renderEdited(result.edited)
    const params: GeminiPhotoEdit = { editor: "gemini", ...result.conversation, answerKey, turnKey, transfer: rendered.method, lutFitError: Math.round(rendered.lutFitError * 1000) / 1000 }
    yield* Effect.logInfo("Gemini photo round").pipe(
      Effect.annotateLogs({ fileId: event.fileId, round: event.round, transfer: rendered.method, lutFitError: params.lutFitError, passes: params.passes, totalTokens: params.totalTokens })
    )
    return { params, rendered: rendered as RenderedPhoto }
  })

/** An image model that made no image (AiNoImageError): null, logged, so the round keeps the offline edit. */
const keepOfflineEditOnNoImage = (event: PhotoEnhanceTaskEvent) => <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A | null, E, R>) =>
  effect.pipe(
    Effect.catchIf((e): e is Extract<E, AiNoImageError> => e._tag === "AiNoImageError", (e) =>
      Effect.logWarning(`Gemini made no image for ${event.fileId} round ${event.round}; keeping the offline edit`).pipe(Effect.annotateLogs({ error: e.message }), Effect.as(null))
    )
  )

/** A stored model turn (`GeminiPhotoEdit.turnKey`), parsed; a blob that is not a turn is CorruptMediaError. */
const storedTurn = (key: string) =>
  Effect.gen(function* () {
    const bytes = yield* (yield* BlobStore).get(key)
    return yield* Effect.try({
      try: () => {
        const turn = JSON.parse(new TextDecoder().decode(bytes)) as Content
        if (turn.role !== "model" || !Array.isArray(turn.parts) || turn.parts.length === 0) throw new Error("not a model turn")
        return turn
      },
      catch: (e) => new CorruptMediaError({ message: `the stored Gemini turn ${key} could not be read: ${e instanceof Error ? e.message : String(e)}` })
    })
  })

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/enhancement-worker) and the local stack both wrap exactly this with
 * `makeTaskHandler`, so the two homes run the same code.
 */
export const photoEnhancementTask = {
  event: PhotoEnhanceTaskEvent,
  result: PhotoEnhanceTaskResult,
  /** The program, its Gemini calls metered against the session's token quota (SessionTokenMeter). */
  program: (event: PhotoEnhanceTaskEvent) => runPhotoEnhancementTask(event).pipe(meteredFor(event.sessionId))
} as const
