/**
 * The review's rules as pure functions: whether an item is in the final pick
 * given the selection and the person's overrides, which override a toggle
 * stores, and how results are split and described for display.
 */
import { type ExcludedItem, formatUsd, type Override, type OverrideAction, type SceneGroup, type SelectionResult } from "@curator/contracts"

/** The pick before any override: selected items are in, everything else out. */
export const selectedByModel = (result: SelectionResult): ReadonlySet<string> => new Set(result.selected.map((s) => s.fileId))

/** Whether `fileId` is in the final pick: its override when there is one, else the model's choice. */
export const isIncluded = (fileId: string, modelPick: ReadonlySet<string>, overrides: ReadonlyArray<Override>): boolean => {
  const o = overrides.find((x) => x.fileId === fileId)
  return o ? o.action === "include" : modelPick.has(fileId)
}

/**
 * The override request for switching `fileId` to `include`: `reset` when that
 * is what the model chose anyway (so the stored overrides list only real
 * departures from the model), else `include` / `exclude`.
 */
export const overrideFor = (fileId: string, include: boolean, modelPick: ReadonlySet<string>): OverrideAction | "reset" =>
  include === modelPick.has(fileId) ? "reset" : include ? "include" : "exclude"

/** Excluded items split into those that were looked at and those that could not be processed (category `unprocessable`). */
export const splitExcluded = (excluded: ReadonlyArray<ExcludedItem>) => ({
  considered: excluded.filter((e) => e.category !== "unprocessable"),
  unprocessable: excluded.filter((e) => e.category === "unprocessable")
})

/** The final pick's size: model picks plus includes minus excludes. */
export const includedCount = (result: SelectionResult, overrides: ReadonlyArray<Override>): number => {
  const pick = selectedByModel(result)
  const all = [...result.selected.map((s) => s.fileId), ...result.excluded.map((e) => e.fileId)]
  return all.filter((id) => isIncluded(id, pick, overrides)).length
}

/** Readable label of an exclusion category: "near-duplicate" -> "Near duplicate". */
export const categoryLabel = (category: string): string => {
  const words = category.replace(/-/g, " ")
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * A time range for people: ISO 8601 instants or local times (`2019-03-21T14:02:11`,
 * optionally with `Z` or an offset) shown as `2019-03-21 14:02`; the end drops
 * the date when it is the same day (`2019-03-21 14:02 – 15:10`).
 */
export const formatTimeRange = (range: { readonly start: string; readonly end: string } | null): string | null => {
  if (range === null) return null
  const short = (s: string) => s.replace("T", " ").slice(0, 16)
  const start = short(range.start)
  const end = short(range.end)
  if (start === end) return start
  return start.slice(0, 10) === end.slice(0, 10) ? `${start} – ${end.slice(11)}` : `${start} – ${end}`
}

/** A scene's line under its name: its time range and place unless the name already says them (places as `lat, lon` to 4 decimals), and its size. */
export const sceneDetail = (g: Pick<SceneGroup, "name" | "timeRange" | "gps" | "items">): string => {
  const range = formatTimeRange(g.timeRange)
  const place = g.gps ? `${g.gps.lat.toFixed(4)}, ${g.gps.lon.toFixed(4)}` : null
  const size = `${g.items.length} item${g.items.length === 1 ? "" : "s"}`
  return [range !== null && !g.name.includes(range) ? range : null, place !== null && !g.name.includes(place) ? place : null, size]
    .filter((x) => x !== null)
    .join(" · ")
}

/**
 * The session's Gemini token count for the model badge, with its estimated cost when the server
 * gives one: "12,345 Gemini tokens used, about $0.0123" (en-US grouping, so it reads the same everywhere).
 */
export const tokensLabel = (tokens: number, costUsd?: number): string =>
  `${Math.max(0, Math.round(tokens)).toLocaleString("en-US")} Gemini tokens used${costUsd === undefined ? "" : `, about ${formatUsd(costUsd)}`}`

/**
 * The Review step's provenance label for `SelectionResult.model`: "offline"
 * (the offline SelectionModel) -> "Offline selection"; anything else is the
 * Gemini model's name (e.g. "gemini-2.5-flash") -> "Gemini selection (gemini-2.5-flash)".
 * A blank name (not produced today) reads "Gemini selection".
 */
export const selectionModelLabel = (model: string): string => {
  const name = model.trim()
  if (name === "offline") return "Offline selection"
  return name === "" ? "Gemini selection" : `Gemini selection (${name})`
}
