/**
 * Offline feedback: free text ("brighter", "a bit less saturated, warmer", "undo") mapped to
 * changes of PhotoAdjustments. The text is split into clauses (commas, "and", "but"); each
 * clause takes the FIRST rule that matches (specific phrases first, so "less contrast" is not
 * read as "softer"). Intensity words scale a step: "much", "a lot", "way", "very" x2;
 * "slightly", "a bit", "a little", "a touch" x0.5.
 *
 * Step sizes are one noticeable increment each (roughly a third of a stop for exposure):
 * gamma x1.25, contrast +-0.1, saturation x1.2, white balance red/blue x1.06 in opposite
 * directions, sharpening +-0.5 px sigma, denoise one median size up.
 */
import type { PhotoAdjustments } from "@curator/contracts"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

type Change = (params: PhotoAdjustments, scale: number) => PhotoAdjustments

interface Rule {
  readonly pattern: RegExp
  readonly label: string
  readonly change: Change
}

const gammaBy = (factor: number): Change => (p, s) => ({ ...p, gamma: clamp(p.gamma * Math.pow(factor, s), 1 / 3, 3) })
const contrastBy = (delta: number): Change => (p, s) => ({ ...p, contrast: clamp(p.contrast + delta * s, 0.5, 1.5) })
const saturationBy = (factor: number): Change => (p, s) => ({ ...p, saturation: clamp(p.saturation * Math.pow(factor, s), 0, 2) })
const warmthBy = (factor: number): Change => (p, s) => ({
  ...p,
  whiteBalance: {
    red: clamp(p.whiteBalance.red * Math.pow(factor, s), 0.5, 2),
    green: p.whiteBalance.green,
    blue: clamp(p.whiteBalance.blue / Math.pow(factor, s), 0.5, 2)
  }
})
const sharpenBy = (delta: number): Change => (p, s) => ({ ...p, sharpenSigma: clamp(p.sharpenSigma + delta * s, 0, 3) })
const denoiseMore: Change = (p) => ({ ...p, denoise: p.denoise === 0 ? 3 : 5 })

/** The rules, most specific first. */
const RULES: ReadonlyArray<Rule> = [
  { label: "less contrast", pattern: /\b(less|lower|reduce|softer) contrast\b|\btoo (contrasty|harsh)\b/, change: contrastBy(-0.1) },
  { label: "more contrast", pattern: /\b(more|higher|increase|stronger) contrast\b|\b(flat|washed[- ]out|punchy)\b/, change: contrastBy(0.1) },
  { label: "less saturated", pattern: /\btoo (saturated|vivid|colou?rful)\b|\bless (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(desaturate\w*|muted)\b/, change: saturationBy(1 / 1.2) },
  { label: "more saturated", pattern: /\btoo (dull|grey|gray)\b|\bmore (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(saturate|vibrant|vivid|colou?rful)\b/, change: saturationBy(1.2) },
  { label: "darker", pattern: /\btoo (bright|light|overexposed)\b|\bless (bright\w*|light|exposure)\b|\b(darker|darken|dimmer)\b/, change: gammaBy(1 / 1.25) },
  { label: "brighter", pattern: /\btoo (dark|dim|underexposed)\b|\bmore (light|exposure|bright\w*)\b|\b(brighter|brighten|lighter|lighten)\b/, change: gammaBy(1.25) },
  { label: "cooler", pattern: /\btoo (warm|yellow|orange)\b|\bmore (blue|cool)\b|\b(cooler|colder)\b/, change: warmthBy(1 / 1.06) },
  { label: "warmer", pattern: /\btoo (cool|cold|blue)\b|\bmore (warm|warmth|yellow|orange)\b|\bwarmer\b/, change: warmthBy(1.06) },
  { label: "less noise", pattern: /\btoo (noisy|grainy)\b|\bless (noise|grain|grainy|noisy)\b|\b(denoise|smoother)\b/, change: denoiseMore },
  { label: "softer", pattern: /\btoo sharp\b|\bless sharp\w*\b|\bsofter\b/, change: sharpenBy(-0.5) },
  { label: "sharper", pattern: /\btoo (soft|blurry)\b|\bmore (detail|sharp\w*)\b|\b(sharper|sharpen|crisper)\b/, change: sharpenBy(0.5) }
]

const UNDO = /^\s*(undo|revert|go back|back|previous( version)?|undo (that|the last( change)?))\s*[.!]*\s*$/i
const STRONG = /\b(much|a lot|lots|way|very|far|significantly)\b/
const WEAK = /\b(slightly|a bit|a little|a touch|a tad|bit|little|somewhat)\b/

/** Every phrase family understood, for the "not understood" note. */
export const UNDERSTOOD_PHRASES = [...RULES.map((r) => r.label), "undo"] as const

/** The result of {@link interpretFeedback}. `undo`: the caller restores the previous round's params (params are returned unchanged). */
export interface FeedbackInterpretation {
  readonly params: PhotoAdjustments
  readonly understood: boolean
  readonly undo: boolean
  readonly note: string
}

/** Applies free-text feedback to `params` (see the module doc). */
export const interpretFeedback = (params: PhotoAdjustments, text: string): FeedbackInterpretation => {
  if (UNDO.test(text)) return { params, understood: true, undo: true, note: "undo: the previous version's adjustments are restored" }
  const clauses = text.toLowerCase().split(/[,;.!]|\band\b|\bbut\b|\bthen\b|\balso\b/).map((c) => c.trim()).filter((c) => c.length > 0)
  const applied: Array<string> = []
  const ignored: Array<string> = []
  let next = params
  for (const clause of clauses) {
    const rule = RULES.find((r) => r.pattern.test(clause))
    if (rule === undefined) {
      ignored.push(clause)
      continue
    }
    const scale = STRONG.test(clause) ? 2 : WEAK.test(clause) ? 0.5 : 1
    next = rule.change(next, scale)
    applied.push(scale === 1 ? rule.label : `${rule.label} (x${scale})`)
  }
  const hint = `understood phrases: ${UNDERSTOOD_PHRASES.join(", ")}`
  if (applied.length === 0) {
    return { params, understood: false, undo: false, note: `not understood: "${text.trim()}"; nothing changed (${hint})` }
  }
  const note = ignored.length === 0
    ? `applied: ${applied.join(", ")}`
    : `applied: ${applied.join(", ")}; ignored: ${ignored.map((c) => `"${c}"`).join(", ")} (${hint})`
  return { params: next, understood: true, undo: false, note }
}
