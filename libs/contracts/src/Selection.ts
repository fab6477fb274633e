/**
 * The selection result: which items were picked (in rank order, with a
 * justification) and why every other item was left out, grouped into scenes.
 * Every input item appears exactly once across `selected` and `excluded`;
 * files that could not be processed are excluded with category `unprocessable`.
 */
import { Schema } from "effect"
import { GpsPosition, MediaKind } from "./MediaItem.js"

/** Why an item was excluded. */
export const ExclusionCategory = Schema.Literals([
  "near-duplicate",
  "quality-issue",
  "content-mismatch",
  "redundant-scene",
  "unprocessable"
])
export type ExclusionCategory = typeof ExclusionCategory.Type

/** One picked item; `rank` starts at 1. `scene` names its scene group. */
export const SelectedItem = Schema.Struct({
  rank: Schema.Int,
  fileId: Schema.String,
  kind: MediaKind,
  scene: Schema.String,
  justification: Schema.String,
  comparisonNote: Schema.String
})
export type SelectedItem = typeof SelectedItem.Type

/** One left-out item; `duplicateOf` is the fileId it duplicates (near-duplicate only). */
export const ExcludedItem = Schema.Struct({
  fileId: Schema.String,
  reason: Schema.String,
  category: ExclusionCategory,
  duplicateOf: Schema.NullOr(Schema.String)
})
export type ExcludedItem = typeof ExcludedItem.Type

/** A scene: items close in time and place. `timeRange` holds ISO 8601 instants or local times. */
export const SceneGroup = Schema.Struct({
  name: Schema.String,
  gps: Schema.NullOr(GpsPosition),
  timeRange: Schema.NullOr(Schema.Struct({ start: Schema.String, end: Schema.String })),
  items: Schema.Array(Schema.String)
})
export type SceneGroup = typeof SceneGroup.Type

/**
 * The result of one selection job. `model` says which SelectionModel made it ("offline" or a Gemini
 * model name). `tokensUsed`: the AI tokens the selection used (prompt + output + thinking, every
 * call of the session's selection); `costUsd`: their estimated cost in US dollars (libs/ai
 * GeminiPrices.ts); both absent for the offline model.
 */
export const SelectionResult = Schema.Struct({
  model: Schema.String,
  selected: Schema.Array(SelectedItem),
  excluded: Schema.Array(ExcludedItem),
  sceneGroups: Schema.Array(SceneGroup),
  tokensUsed: Schema.optional(Schema.Int),
  costUsd: Schema.optional(Schema.Finite)
})
export type SelectionResult = typeof SelectionResult.Type
