/**
 * The enhance step's rules as pure functions: when its poll stops, which
 * version of each item is shown and accepted, how a version is named and its
 * parameters summarised, and the comparison slider's value math.
 */
import type { EnhancementChoice, EnhancementItemStatus, EnhancementStatus, EnhancementVersion } from "@curator/contracts"

// ---------------------------------------------------------------------------
// Polling
// ---------------------------------------------------------------------------

/**
 * Whether the status is still moving: the job runs, or an item's round runs
 * (a feedback round after the job completed). The contract's poll rule
 * (Api.ts `EnhancementStatus`): poll while `status = running` or any item is
 * `processing`; the server never leaves either state once its execution ended,
 * so this always turns false. A failed job's `pending` items stay pending
 * (nothing will run them) and do not keep the poll alive.
 */
export const keepPolling = (status: EnhancementStatus): boolean =>
  status.status === "running" || status.items.some((i) => i.status === "processing")

/**
 * A fingerprint of what the page shows: job status, acceptance, and each
 * item's status and latest round. The poll's backoff restarts from its
 * shortest delay whenever this changes (an active job is followed closely, a
 * long round is polled less and less).
 */
export const statusSignature = (status: EnhancementStatus): string =>
  [status.status, status.acceptedAt ?? "", ...status.items.map((i) => `${i.fileId}:${i.status}:${i.currentRound}`)].join("|")

/** The status with one item replaced (the feedback route answers the item alone), counts re-derived. */
export const withItem = (status: EnhancementStatus, item: EnhancementItemStatus): EnhancementStatus => {
  const items = status.items.map((i) => (i.fileId === item.fileId ? item : i))
  return { ...status, items, counts: countsOf(items) }
}

/** Counts of items by status (`total` = items), as the status route derives them. */
export const countsOf = (items: ReadonlyArray<EnhancementItemStatus>): EnhancementStatus["counts"] => ({
  total: items.length,
  pending: items.filter((i) => i.status === "pending").length,
  processing: items.filter((i) => i.status === "processing").length,
  done: items.filter((i) => i.status === "done").length,
  failed: items.filter((i) => i.status === "failed").length
})

// ---------------------------------------------------------------------------
// Versions and choices
// ---------------------------------------------------------------------------

/** The round shown per fileId. */
export type Selection = ReadonlyMap<string, number>

const hasRound = (item: EnhancementItemStatus, round: number) => item.versions.some((v) => v.round === round)

/**
 * The round each item shows after a new status arrived.
 * - An item whose latest round moved on since `previous` (a round ended)
 *   shows the new round: the person asked for it.
 * - Otherwise the person's earlier pick stays, while that round exists.
 * - Otherwise the accepted round (after acceptance), else the latest round.
 * Items with no stored version yet (`currentRound` -1) have no entry.
 */
export const reconcileSelection = (
  selected: Selection,
  previous: ReadonlyArray<EnhancementItemStatus> | null,
  items: ReadonlyArray<EnhancementItemStatus>
): Selection => {
  const before = new Map(previous?.map((i) => [i.fileId, i.currentRound]) ?? [])
  const next = new Map<string, number>()
  for (const item of items) {
    if (item.currentRound < 0 || item.versions.length === 0) continue
    const prevRound = before.get(item.fileId)
    const picked = selected.get(item.fileId)
    if (prevRound !== undefined && item.currentRound > prevRound) next.set(item.fileId, item.currentRound)
    else if (picked !== undefined && hasRound(item, picked)) next.set(item.fileId, picked)
    else if (item.accepted !== null && hasRound(item, item.accepted)) next.set(item.fileId, item.accepted)
    else next.set(item.fileId, hasRound(item, item.currentRound) ? item.currentRound : (item.versions.at(-1)?.round ?? 0))
  }
  return next
}

/**
 * The accept request's choices: one per item that has a stored version, the
 * shown round (when it exists) or else the latest. Items with no version
 * (failed before their first round) are left out: there is nothing to keep.
 * In the items' order.
 */
export const buildChoices = (items: ReadonlyArray<EnhancementItemStatus>, selected: Selection): Array<EnhancementChoice> =>
  items
    .filter((i) => i.versions.length > 0)
    .map((i) => {
      const picked = selected.get(i.fileId)
      const round = picked !== undefined && hasRound(i, picked) ? picked : hasRound(i, i.currentRound) ? i.currentRound : (i.versions.at(-1)?.round ?? 0)
      return { fileId: i.fileId, round }
    })

/** Whether the accepted rounds are exactly these choices (then "accept" has nothing new to store). */
export const acceptedMatches = (items: ReadonlyArray<EnhancementItemStatus>, choices: ReadonlyArray<EnhancementChoice>): boolean => {
  const accepted = new Map(items.map((i) => [i.fileId, i.accepted]))
  return choices.length > 0 && choices.every((c) => accepted.get(c.fileId) === c.round)
}

/** A version's name in the picker: round 0 is "Auto", each feedback round is its words. */
export const versionLabel = (version: Pick<EnhancementVersion, "round" | "feedback">): string =>
  version.round === 0 || version.feedback === null ? (version.round === 0 ? "Auto" : `Round ${version.round}`) : version.feedback

/** Suggested feedback words, sent as they are (the offline feedback mapper's vocabulary, libs/ai). */
export const FEEDBACK_SUGGESTIONS = ["brighter", "darker", "warmer", "cooler", "more saturated", "less saturated", "sharper", "undo"] as const

// ---------------------------------------------------------------------------
// Parameters, compactly
// ---------------------------------------------------------------------------

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null)
const fixed = (v: number, digits = 2) => v.toFixed(digits).replace(/\.?0+$/, "") || "0"
const signed = (v: number) => `${v > 0 ? "+" : v < 0 ? "−" : "±"}${fixed(Math.abs(v))}`

/**
 * A one-line summary of a version's parameters, only those that differ from
 * "no change" (the identity adjustments of Enhancement.ts): photos
 * (`PhotoAdjustments`) as levels, gamma, contrast, saturation, white balance
 * (red/blue gains), sharpening and denoise; videos (`VideoAdjustments`) as
 * brightness, contrast, gamma, saturation, warmth, denoise, stabilise,
 * sharpen and HDR tone mapping. "No change" when nothing differs. Unknown
 * shapes give the keys that are numbers.
 */
export const summarizeParams = (kind: "photo" | "video", params: Readonly<Record<string, unknown>>): string => {
  const parts: Array<string> = []
  const p = (key: string) => num(params[key])
  if (kind === "photo" && params["editor"] === "gemini") {
    // A Gemini round (libs/ai GeminiPhotoEditor): model, the review's professional score, passes, how it reached full resolution.
    const model = typeof params["model"] === "string" ? params["model"] : "Gemini"
    parts.push(`Gemini edit (${model})`)
    const review = params["review"]
    const score = typeof review === "object" && review !== null ? num((review as Record<string, unknown>)["professionalScore"]) : null
    if (score !== null) parts.push(`score ${score}/10`)
    const passes = p("passes")
    if (passes !== null && passes > 1) parts.push(`${passes} passes`)
    if (params["transfer"] === "lut") parts.push("full size by colour transfer")
    else if (params["transfer"] === "upscale") parts.push("full size by upscaling")
    return parts.join(" · ")
  }
  if (kind === "photo") {
    const black = p("blackPoint")
    const white = p("whitePoint")
    if (black !== null && white !== null && (black > 0.0005 || white < 0.9995)) parts.push(`levels ${fixed(black, 3)}–${fixed(white, 3)}`)
    const gamma = p("gamma")
    if (gamma !== null && Math.abs(gamma - 1) > 0.005) parts.push(`gamma ${fixed(gamma)}`)
    const contrast = p("contrast")
    if (contrast !== null && Math.abs(contrast - 1) > 0.005) parts.push(`contrast ${fixed(contrast)}`)
    const saturation = p("saturation")
    if (saturation !== null && Math.abs(saturation - 1) > 0.005) parts.push(`saturation ${fixed(saturation)}`)
    const wb = params["whiteBalance"]
    if (typeof wb === "object" && wb !== null) {
      const r = num((wb as Record<string, unknown>)["red"])
      const b = num((wb as Record<string, unknown>)["blue"])
      if (r !== null && b !== null && (Math.abs(r - 1) > 0.005 || Math.abs(b - 1) > 0.005)) parts.push(`WB R ${fixed(r)} B ${fixed(b)}`)
    }
    const sharpen = p("sharpenSigma")
    if (sharpen !== null && sharpen > 0) parts.push(`sharpen ${fixed(sharpen)} px`)
    const denoise = p("denoise")
    if (denoise !== null && denoise > 0) parts.push(`denoise ${denoise} px`)
  } else {
    const brightness = p("brightness")
    if (brightness !== null && Math.abs(brightness) > 0.0005) parts.push(`brightness ${signed(brightness)}`)
    for (const key of ["contrast", "gamma", "saturation"] as const) {
      const v = p(key)
      if (v !== null && Math.abs(v - 1) > 0.005) parts.push(`${key} ${fixed(v)}`)
    }
    const warmth = p("warmth")
    if (warmth !== null && Math.abs(warmth) > 0.0005) parts.push(`warmth ${signed(warmth)}`)
    const denoise = p("denoise")
    if (denoise !== null && denoise > 0) parts.push(`denoise ${fixed(denoise, 1)}`)
    if (params["stabilise"] === true) parts.push("stabilised")
    const sharpen = p("sharpen")
    if (sharpen !== null && sharpen > 0) parts.push(`sharpen ${fixed(sharpen)}`)
    const toneMap = params["toneMap"]
    if (toneMap === "hlg" || toneMap === "pq") parts.push(`${toneMap.toUpperCase()} → SDR`)
  }
  if (parts.length > 0) return parts.join(" · ")
  const known = kind === "photo" ? ["blackPoint", "gamma", "contrast", "saturation"] : ["brightness", "contrast", "saturation"]
  if (known.some((k) => k in params)) return "No change"
  return Object.entries(params)
    .filter(([, v]) => num(v) !== null)
    .map(([k, v]) => `${k} ${fixed(v as number)}`)
    .join(" · ")
}

// ---------------------------------------------------------------------------
// Comparison slider
// ---------------------------------------------------------------------------

/** The slider's range: the divider's position as a percentage of the width, 0 (all "after") .. 100 (all "before"). */
export const SLIDER_MIN = 0
export const SLIDER_MAX = 100
/** Arrow keys move the divider 2 %, Page Up / Page Down 10 % (the WAI-ARIA APG slider pattern's small and large steps). */
export const SLIDER_STEP = 2
export const SLIDER_PAGE_STEP = 10

/** `value` clamped to the slider's range and rounded to 0.1 %. */
export const clampPercent = (value: number): number =>
  Number.isFinite(value) ? Math.round(Math.min(SLIDER_MAX, Math.max(SLIDER_MIN, value)) * 10) / 10 : SLIDER_MIN

/**
 * The divider position for a pointer at `clientX` over a box starting at
 * `left` with `width` (all CSS px), as a percentage; 50 for an empty box.
 */
export const percentFromPointer = (clientX: number, left: number, width: number): number =>
  width > 0 ? clampPercent(((clientX - left) / width) * 100) : 50

/**
 * The divider position after a key press, or null when the key is not the
 * slider's (WAI-ARIA APG slider pattern): Arrow Left / Down one step less,
 * Arrow Right / Up one step more, Page Down / Page Up a large step, Home the
 * minimum, End the maximum.
 */
export const sliderKey = (value: number, key: string): number | null => {
  switch (key) {
    case "ArrowLeft":
    case "ArrowDown":
      return clampPercent(value - SLIDER_STEP)
    case "ArrowRight":
    case "ArrowUp":
      return clampPercent(value + SLIDER_STEP)
    case "PageDown":
      return clampPercent(value - SLIDER_PAGE_STEP)
    case "PageUp":
      return clampPercent(value + SLIDER_PAGE_STEP)
    case "Home":
      return SLIDER_MIN
    case "End":
      return SLIDER_MAX
    default:
      return null
  }
}

/** `aria-valuetext` of the slider: how much of the picture shows each version. */
export const sliderText = (value: number): string => {
  const before = Math.round(clampPercent(value))
  return `${before}% before, ${100 - before}% after`
}
