/**
 * The Gemini SelectionModel: ONE comparative `generateContent` call over all
 * items, structured output (`responseJsonSchema`), answer mapped back to the
 * contract's `SelectionResult`.
 *
 * Request: system instruction = `prompts/selection.md` (target count filled in);
 * one user turn = the trip context, then per item a text line with its number
 * and metadata (kind, local time with UTC offset, place, camera, size, video
 * duration and audio, and what follows it) followed by its pictures: a photo's
 * thumbnail as an `inlineData` JPEG part; a video's thumbnail and its AI preview
 * (H.264 + AAC MP4 from `AiPreviewEncoder`: inline when small, else through the
 * Files API as a `fileData` part; Gemini samples it at its default 1 fps), or
 * its frames as inline JPEGs when it has no preview or the Files API could not
 * process the preview (FAILED: that item only). `generationConfig` sets
 * `mediaResolution` LOW and the thinking level (GeminiModels.ts `ROLE_SETTINGS`).
 *
 * Large sessions ({@link planBatches}): each request is budgeted by its
 * ESTIMATED input tokens (GeminiModels.ts: per thumbnail, per sampled video
 * frame and per second of sound, by the model's generation and the media
 * resolution) under the model's context window with headroom, by inline bytes,
 * by items, and by video parts (at most 10 per request). Past a limit the items
 * are split in capture-time order into consecutive batches, each batch gets a share of the target
 * proportional to its size ({@link proportionalQuotas}, largest remainder) and
 * is selected on its own; the results are merged ({@link mergeBatchResults}:
 * picks batch after batch in their own rank order). Every item is still
 * accounted for exactly once.
 *
 * Tokens: `usageMetadata` of every call (repair turns included) is summed per
 * session; past `config.sessionTokenQuota` the selection fails with
 * QuotaExceededError (terminal; logged with the count) before the next batch is
 * sent. The total is logged and returned as `tokensUsed`.
 *
 * Answer rule (see README): items are addressed by their 0-based number. An
 * answer that is not the schema's shape, names a number out of range, names an
 * item twice or points `duplicateOfIndex` out of range is REJECTED: one repair
 * turn with the exact problem, then AiBadResponseError. Items the answer does
 * not mention at all are not an error: they are appended to `excluded` as
 * `redundant-scene` with a reason saying the model passed over them. Picks past
 * `targetCount` move to `excluded` (`redundant-scene`, "ranked below the target").
 */
import {
  cameraLabel,
  type ExcludedItem,
  ExclusionCategory,
  type MediaItem,
  QuotaExceededError,
  type SceneGroup,
  type SelectedItem,
  type SelectionResult
} from "@curator/contracts"
import { AI_PREVIEW_MIME } from "@curator/media"
import type { Part } from "@google/genai"
import { Effect, Layer, Schema } from "effect"
import { contextWindowOf, type DecodeResult, GeminiClient } from "./GeminiClient.js"
import {
  CONTEXT_HEADROOM,
  imageTokens,
  MAX_VIDEO_PARTS_PER_REQUEST,
  type MediaResolution,
  type ModelGeneration,
  modelFacts,
  ROLE_SETTINGS,
  SELECTION_OUTPUT_TOKENS_PER_ITEM,
  textTokens,
  videoTokens
} from "./GeminiModels.js"
import { PROMPTS } from "./prompts.generated.js"
import { decodeSelectionInput, type SelectionCandidate, type SelectionInput, SelectionModel } from "./SelectionModel.js"

/** The answer's shape as Gemini returns it (numbers are the 0-based item numbers of the request). */
const GeminiSelectionAnswer = Schema.Struct({
  scenes: Schema.Array(Schema.Struct({ name: Schema.String, items: Schema.Array(Schema.Number) })),
  selected: Schema.Array(Schema.Struct({ index: Schema.Number, scene: Schema.String, justification: Schema.String, comparisonNote: Schema.String })),
  excluded: Schema.Array(
    Schema.Struct({
      index: Schema.Number,
      category: ExclusionCategory,
      reason: Schema.String,
      duplicateOfIndex: Schema.NullOr(Schema.Number)
    })
  )
})
type GeminiSelectionAnswer = typeof GeminiSelectionAnswer.Type

/** The JSON Schema sent as `generationConfig.responseJsonSchema` (mirrors {@link GeminiSelectionAnswer}). */
export const SELECTION_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    scenes: {
      type: "array",
      items: {
        type: "object",
        properties: { name: { type: "string" }, items: { type: "array", items: { type: "integer" } } },
        required: ["name", "items"]
      }
    },
    selected: {
      type: "array",
      items: {
        type: "object",
        properties: {
          index: { type: "integer" },
          scene: { type: "string" },
          justification: { type: "string" },
          comparisonNote: { type: "string" }
        },
        required: ["index", "scene", "justification", "comparisonNote"]
      }
    },
    excluded: {
      type: "array",
      items: {
        type: "object",
        properties: {
          index: { type: "integer" },
          category: { type: "string", enum: ["near-duplicate", "quality-issue", "content-mismatch", "redundant-scene"] },
          reason: { type: "string" },
          duplicateOfIndex: { type: ["integer", "null"] }
        },
        required: ["index", "category", "reason", "duplicateOfIndex"]
      }
    }
  },
  required: ["scenes", "selected", "excluded"]
}

const pad2 = (n: number) => String(n).padStart(2, "0")
/** `+02:00` / `-05:30` for an offset in minutes. */
const formatOffset = (minutes: number) => `${minutes < 0 ? "-" : "+"}${pad2(Math.floor(Math.abs(minutes) / 60))}:${pad2(Math.abs(minutes) % 60)}`

/** One item's metadata line of the prompt. */
export const describeItem = (index: number, item: MediaItem): string => {
  const time = item.captureTime === null
    ? "time unknown"
    : item.captureTime.offsetMinutes !== null
    ? `${item.captureTime.local}${formatOffset(item.captureTime.offsetMinutes)}`
    : item.captureTime.utc !== null
    ? `${item.captureTime.local} local (UTC ${item.captureTime.utc})`
    : `${item.captureTime.local} local (UTC offset unknown)`
  const place = item.gps === null ? "place unknown" : `at ${item.gps.lat.toFixed(5)}, ${item.gps.lon.toFixed(5)}`
  const camera = cameraLabel(item.make, item.model) ?? "camera unknown"
  const video = item.kind === "video"
    ? `, ${item.durationSeconds === null ? "duration unknown" : `${item.durationSeconds.toFixed(1)} s`}, ${item.hasAudio === null ? "audio unknown" : item.hasAudio ? "with sound" : "no sound"}`
    : ""
  return `item ${index}: ${item.kind}, ${time}, ${place}, ${camera}, ${item.width}x${item.height}${video}`
}

/**
 * Checks a parsed answer against `count` items: shape, every number an integer
 * in 0..count-1, no item twice, `duplicateOfIndex` in range. The message of a
 * failure goes back to the model in the repair turn.
 */
export const checkSelectionAnswer = (json: unknown, count: number): DecodeResult<GeminiSelectionAnswer> => {
  let answer: GeminiSelectionAnswer
  try {
    answer = Schema.decodeUnknownSync(GeminiSelectionAnswer)(json)
  } catch (e) {
    return { ok: false, error: `the answer does not match the schema (${e instanceof Error ? e.message : String(e)})` }
  }
  const inRange = (n: number) => Number.isInteger(n) && n >= 0 && n < count
  const range = `item numbers are 0..${count - 1}`
  const seen = new Set<number>()
  for (const n of [...answer.selected.map((s) => s.index), ...answer.excluded.map((e) => e.index)]) {
    if (!inRange(n)) return { ok: false, error: `item number ${n} does not exist (${range})` }
    if (seen.has(n)) return { ok: false, error: `item ${n} appears more than once across selected and excluded` }
    seen.add(n)
  }
  for (const e of answer.excluded) {
    if (e.duplicateOfIndex !== null && !inRange(e.duplicateOfIndex)) return { ok: false, error: `duplicateOfIndex ${e.duplicateOfIndex} of item ${e.index} does not exist (${range})` }
  }
  for (const s of answer.scenes) {
    const bad = s.items.find((n) => !inRange(n))
    if (bad !== undefined) return { ok: false, error: `scene "${s.name}" lists item number ${bad}, which does not exist (${range})` }
  }
  return { ok: true, value: answer }
}

/** Maps a checked answer to the contract's result (numbers -> fileIds, missing items and overflow -> excluded). */
export const toSelectionResult = (answer: GeminiSelectionAnswer, items: ReadonlyArray<MediaItem>, targetCount: number, model: string): SelectionResult => {
  const id = (n: number) => items[n]!.fileId
  const kept = answer.selected.slice(0, targetCount)
  const selected: Array<SelectedItem> = kept.map((s, k) => ({
    rank: k + 1,
    fileId: id(s.index),
    kind: items[s.index]!.kind,
    scene: s.scene,
    justification: s.justification,
    comparisonNote: s.comparisonNote
  }))
  const excluded: Array<ExcludedItem> = [
    ...answer.selected.slice(targetCount).map((s): ExcludedItem => ({
      fileId: id(s.index),
      reason: `Ranked below the target of ${targetCount}: ${s.justification}`,
      category: "redundant-scene",
      duplicateOf: null
    })),
    ...answer.excluded.map((e): ExcludedItem => ({
      fileId: id(e.index),
      reason: e.reason,
      category: e.category,
      duplicateOf: e.category === "near-duplicate" && e.duplicateOfIndex !== null ? id(e.duplicateOfIndex) : null
    }))
  ]
  const mentioned = new Set([...answer.selected.map((s) => s.index), ...answer.excluded.map((e) => e.index)])
  items.forEach((item, n) => {
    if (!mentioned.has(n)) {
      excluded.push({ fileId: item.fileId, reason: "Not picked: the model passed over this item without comment.", category: "redundant-scene", duplicateOf: null })
    }
  })
  const sceneGroups: Array<SceneGroup> = answer.scenes.map((s) => {
    const members = [...new Set(s.items)].map((n) => items[n]!)
    const withGps = members.find((m) => m.gps !== null)
    const times = members.flatMap((m) => (m.captureTime === null ? [] : [m.captureTime.utc ?? m.captureTime.local])).sort()
    return {
      name: s.name,
      gps: withGps?.gps ?? null,
      timeRange: times.length === 0 ? null : { start: times[0]!, end: times[times.length - 1]! },
      items: members.map((m) => m.fileId)
    }
  })
  return { model, selected, excluded, sceneGroups }
}

const jpeg = (bytes: Uint8Array): Part => ({ inlineData: { mimeType: "image/jpeg", data: Buffer.from(bytes).toString("base64") } })

/** Longest edge of a selection thumbnail, px (ThumbnailRenderer's 400 px JPEG). */
const THUMBNAIL_EDGE = 400

/** Size in px of `item`'s thumbnail: its displayed size scaled to a longest edge of {@link THUMBNAIL_EDGE}. */
const thumbnailSize = (item: MediaItem) => {
  const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(1, item.width, item.height))
  return { width: Math.round(item.width * scale), height: Math.round(item.height * scale) }
}

/** What one candidate adds to a request: estimated input tokens, inline bytes (before base64), video parts. */
export interface CandidateLoad {
  readonly tokens: number
  readonly inlineBytes: number
  readonly videoParts: number
}

/**
 * The load of a candidate on a model of `generation` at `resolution` (GeminiModels.ts figures):
 * its metadata line; its thumbnail; a video's preview (sampled frames + sound, inline bytes when
 * it goes inline: up to `inlineVideoBytes`) or, without a preview, its frames.
 */
export const candidateLoad = (c: SelectionCandidate, generation: ModelGeneration, resolution: MediaResolution | null, inlineVideoBytes: number): CandidateLoad => {
  const thumb = thumbnailSize(c.item)
  const thumbTokens = imageTokens(generation, resolution, thumb.width, thumb.height)
  const line = textTokens(describeItem(0, c.item)) + 20
  if (c.item.kind !== "video") return { tokens: line + thumbTokens, inlineBytes: c.thumbnail.length, videoParts: 0 }
  if (c.preview !== undefined) {
    const preview = videoTokens(generation, resolution, { durationSeconds: c.item.durationSeconds ?? 0, hasAudio: c.item.hasAudio ?? true })
    return { tokens: line + thumbTokens + preview, inlineBytes: c.thumbnail.length + (c.preview.length <= inlineVideoBytes ? c.preview.length : 0), videoParts: 1 }
  }
  const frames = c.frames.length * imageTokens(generation, resolution, thumb.width, thumb.height)
  return { tokens: line + thumbTokens + frames, inlineBytes: c.thumbnail.length + c.frames.reduce((n, f) => n + f.length, 0), videoParts: 0 }
}

/** Limits of one request: items, inline bytes, estimated input tokens of the items, video parts. */
export interface BatchLimits {
  readonly items: number
  readonly bytes: number
  readonly tokens: number
  readonly videoParts: number
}

const timeKey = (c: SelectionCandidate) => c.item.captureTime === null ? "\uffff" : (c.item.captureTime.utc ?? c.item.captureTime.local)

/**
 * Splits a session into requests within `limits`: candidates in capture-time order (unknown times
 * last, stable; UTC when known, else local), cut into consecutive batches that stay within every
 * limit by `load` — consecutive, so a scene stays in one request as far as possible. One batch
 * when everything fits (the usual case: one comparative call). A candidate over a limit on its own
 * gets a batch of its own.
 */
export const planBatches = <C extends SelectionCandidate>(candidates: ReadonlyArray<C>, limits: BatchLimits, load: (c: C) => CandidateLoad): ReadonlyArray<ReadonlyArray<C>> => {
  const loads = new Map(candidates.map((c) => [c, load(c)]))
  const fits = (n: number, total: CandidateLoad) => n <= limits.items && total.inlineBytes <= limits.bytes && total.tokens <= limits.tokens && total.videoParts <= limits.videoParts
  const sum = (a: CandidateLoad, b: CandidateLoad): CandidateLoad => ({ tokens: a.tokens + b.tokens, inlineBytes: a.inlineBytes + b.inlineBytes, videoParts: a.videoParts + b.videoParts })
  const none: CandidateLoad = { tokens: 0, inlineBytes: 0, videoParts: 0 }
  if (fits(candidates.length, candidates.reduce((t, c) => sum(t, loads.get(c)!), none))) return [candidates]
  const ordered = candidates.map((c, i) => ({ c, i })).sort((a, b) => (timeKey(a.c) < timeKey(b.c) ? -1 : timeKey(a.c) > timeKey(b.c) ? 1 : a.i - b.i)).map((x) => x.c)
  const batches: Array<Array<C>> = []
  let current: Array<C> = []
  let total = none
  for (const c of ordered) {
    const next = sum(total, loads.get(c)!)
    if (current.length > 0 && !fits(current.length + 1, next)) {
      batches.push(current)
      current = []
      total = none
    }
    current.push(c)
    total = sum(total, loads.get(c)!)
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/**
 * Each batch's share of `targetCount`, proportional to its size by the largest-remainder method (the
 * shares sum to `targetCount` exactly, or to the item count when that is smaller; no share exceeds
 * its batch).
 */
export const proportionalQuotas = (targetCount: number, sizes: ReadonlyArray<number>): ReadonlyArray<number> => {
  const total = sizes.reduce((a, b) => a + b, 0)
  const target = Math.min(targetCount, total)
  if (total === 0) return sizes.map(() => 0)
  const exact = sizes.map((n) => (target * n) / total)
  const quotas = exact.map((x, i) => Math.min(sizes[i]!, Math.floor(x)))
  let left = target - quotas.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i)
  while (left > 0) {
    let gave = false
    for (const { i } of order) {
      if (left === 0) break
      if (quotas[i]! < sizes[i]!) {
        quotas[i]! += 1
        left--
        gave = true
      }
    }
    if (!gave) break
  }
  return quotas
}

/**
 * Merges per-batch results (batches in capture-time order): selected items keep their batch's rank
 * order, batch after batch, and are renumbered 1..n; exclusions and scenes are concatenated.
 */
export const mergeBatchResults = (results: ReadonlyArray<SelectionResult>, model: string): SelectionResult => ({
  model,
  selected: results.flatMap((r) => r.selected).map((s, k) => ({ ...s, rank: k + 1 })),
  excluded: results.flatMap((r) => r.excluded),
  sceneGroups: results.flatMap((r) => r.sceneGroups)
})

/** What follows an item's line in the request, said in the line itself so the prompt stays true to what is sent. */
const followedBy = (c: SelectionCandidate, sent: "thumbnail" | "preview" | "frames"): string =>
  sent === "thumbnail"
    ? "its thumbnail follows"
    : sent === "preview"
    ? "its thumbnail and its preview clip (the whole video, reduced size and frame rate, with its sound if any) follow"
    : `its thumbnail and ${c.frames.length} frame${c.frames.length === 1 ? "" : "s"} taken across it follow`

const selectGemini = Effect.fn("SelectionModel.select.gemini")(function*(input: SelectionInput) {
  const client = yield* GeminiClient
  const config = client.config
  const { items, targetCount, tripContext } = yield* decodeSelectionInput(input)
  const model = config.models.selection
  if (items.length === 0) return { model, selected: [], excluded: [], sceneGroups: [], tokensUsed: 0, costUsd: 0 } satisfies SelectionResult
  const quota = config.sessionTokenQuota
  const { generation } = modelFacts(model)
  const resolution = ROLE_SETTINGS.selection.mediaResolution
  const load = (c: SelectionCandidate) => candidateLoad(c, generation, resolution, config.inlineVideoBytes)
  // The request's own text (system instruction, trip context, the batch line) comes off the token budget first.
  const baseTokens = textTokens(PROMPTS.selection) + textTokens(tripContext) + 200
  const itemTokens = (config.selectionBatch.tokens ?? Math.floor(contextWindowOf(config, model) * CONTEXT_HEADROOM)) - baseTokens
  // A preview too long for a request of its own goes as its frames.
  const candidates = items.map((c) => (c.preview !== undefined && load(c).tokens > itemTokens ? { ...c, preview: undefined } : c))
  const batches = planBatches(candidates, { items: config.selectionBatch.items, bytes: config.selectionBatch.bytes, tokens: itemTokens, videoParts: MAX_VIDEO_PARTS_PER_REQUEST }, load)
  const quotas = proportionalQuotas(targetCount, batches.map((b) => b.length))
  let tokensUsed = 0
  let costUsd = 0
  const results: Array<SelectionResult> = []
  for (const [b, batch] of batches.entries()) {
    const batchTarget = quotas[b]!
    if (batchTarget === 0) {
      // Only when the target is smaller than the number of batches: nothing to pick here.
      results.push({ model, selected: [], excluded: batch.map((c) => ({ fileId: c.item.fileId, reason: `Not picked: its part of the session had no share of the ${targetCount} picks.`, category: "redundant-scene" as const, duplicateOf: null })), sceneGroups: [] })
      continue
    }
    // Video previews: inline when small, else through the Files API (bounded wait for ACTIVE); a
    // preview the Files API cannot process (FAILED) falls back to that item's frames.
    const previews = yield* Effect.forEach(
      batch,
      (c) =>
        c.item.kind === "video" && c.preview !== undefined
          ? client.videoPart({ bytes: c.preview, mimeType: AI_PREVIEW_MIME, displayName: `${c.item.fileId}.mp4` }).pipe(
            Effect.map((v): Part | null => v.part),
            Effect.catchTag("AiFileFailedError", (e) =>
              Effect.logWarning(`the preview of video ${c.item.fileId} could not be processed by Gemini; its frames go instead`).pipe(Effect.annotateLogs({ error: e.message }), Effect.as(null))
            )
          )
          : Effect.succeed(null),
      { concurrency: 4 }
    )
    const part = batches.length === 1 ? "" : `\nThis is part ${b + 1} of ${batches.length} of the session (in time order); pick at most ${batchTarget} of its ${batch.length} items.`
    const parts: Array<Part> = [
      { text: `Trip context: ${tripContext.trim() === "" ? "(none given)" : tripContext.trim()}\nPick at most ${batchTarget} of these ${batch.length} items.${part}` }
    ]
    batch.forEach((c, n) => {
      const preview = previews[n] ?? null
      const sent = c.item.kind !== "video" ? "thumbnail" : preview !== null ? "preview" : c.frames.length > 0 ? "frames" : "thumbnail"
      parts.push({ text: `${describeItem(n, c.item)}; ${followedBy(c, sent)}` }, jpeg(c.thumbnail))
      if (preview !== null) parts.push(preview)
      else if (sent === "frames") for (const f of c.frames) parts.push(jpeg(f))
    })
    const { usage, value } = yield* client.generateJson({
      what: batches.length === 1 ? "selection" : `selection (part ${b + 1} of ${batches.length})`,
      role: "selection",
      model,
      systemInstruction: PROMPTS.selection.replaceAll("TARGET_COUNT", String(batchTarget)),
      parts,
      responseJsonSchema: SELECTION_RESPONSE_SCHEMA,
      decode: (json) => checkSelectionAnswer(json, batch.length),
      maxOutputTokens: ROLE_SETTINGS.selection.maxOutputTokens + SELECTION_OUTPUT_TOKENS_PER_ITEM * batch.length
    })
    tokensUsed += usage.totalTokens
    costUsd += usage.costUsd
    yield* Effect.logInfo("Gemini selection").pipe(
      Effect.annotateLogs({
        model, batch: b + 1, batches: batches.length, items: batch.length, promptTokens: usage.promptTokens, outputTokens: usage.outputTokens,
        thoughtsTokens: usage.thoughtsTokens, costUsd: usage.costUsd, sessionTokens: tokensUsed, quota
      })
    )
    if (tokensUsed > quota) {
      yield* Effect.logWarning("Gemini selection over the session's token quota").pipe(Effect.annotateLogs({ sessionTokens: tokensUsed, quota }))
      return yield* new QuotaExceededError({
        message: `the selection used ${tokensUsed} Gemini tokens after ${b + 1} of ${batches.length} request(s), over the session quota of ${quota} (CURATOR_GEMINI_SESSION_TOKEN_QUOTA)`
      })
    }
    if (costUsd > config.sessionBudgetUsd) {
      yield* Effect.logWarning("Gemini selection over the session's budget").pipe(Effect.annotateLogs({ costUsd, budgetUsd: config.sessionBudgetUsd }))
      return yield* new QuotaExceededError({
        message: `the selection spent an estimated $${costUsd.toFixed(4)} on Gemini after ${b + 1} of ${batches.length} request(s), over the session budget of $${config.sessionBudgetUsd} (CURATOR_GEMINI_SESSION_BUDGET_USD)`
      })
    }
    results.push(toSelectionResult(value, batch.map((c) => c.item), batchTarget, model))
  }
  yield* Effect.logInfo("Gemini selection done").pipe(Effect.annotateLogs({ model, items: items.length, batches: batches.length, tokensUsed, costUsd, quota }))
  return { ...mergeBatchResults(results, model), tokensUsed, costUsd: Math.round(costUsd * 1e6) / 1e6 } satisfies SelectionResult
})

/**
 * The Gemini SelectionModel layer (needs a {@link GeminiClient}). Model name in
 * the result: `config.models.selection`.
 */
export const SelectionModelGemini: Layer.Layer<SelectionModel, never, GeminiClient> = Layer.effect(
  SelectionModel,
  Effect.gen(function*() {
    const client = yield* GeminiClient
    return SelectionModel.of({ select: (input) => selectGemini(input).pipe(Effect.provideService(GeminiClient, client)), videoPreviews: true })
  })
)
