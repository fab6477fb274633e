/**
 * Offline video feedback: free text ("brighter", "less saturated, warmer", "more stable",
 * "undo") mapped to changes of VideoAdjustments — the same phrase families and clause rules as
 * the photo feedback (photoFeedback.ts): the text is split into clauses (commas, "and", "but");
 * each clause takes the FIRST rule that matches (specific phrases first); "much", "a lot",
 * "very" double a step, "slightly", "a bit" halve it.
 *
 * Step sizes are one noticeable increment of ffmpeg's filters: eq brightness +-0.04 (about 10
 * 8-bit code values) with eq gamma x1.15, contrast +-0.1, saturation x1.2, colorbalance warmth
 * +-0.06, unsharp amount +-0.3, hqdn3d strength +2; stabilisation switches on or off.
 */
import type { VideoAdjustments } from "@curator/contracts"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

type Change = (params: VideoAdjustments, scale: number) => VideoAdjustments

interface Rule {
  readonly pattern: RegExp
  readonly label: string
  readonly change: Change
}

const exposureBy = (brightness: number, gamma: number): Change => (p, s) => ({
  ...p,
  brightness: clamp(p.brightness + brightness * s, -0.3, 0.3),
  gamma: clamp(p.gamma * Math.pow(gamma, s), 0.5, 2)
})
const contrastBy = (delta: number): Change => (p, s) => ({ ...p, contrast: clamp(p.contrast + delta * s, 0.5, 2) })
const saturationBy = (factor: number): Change => (p, s) => ({ ...p, saturation: clamp(p.saturation * Math.pow(factor, s), 0, 2) })
const warmthBy = (delta: number): Change => (p, s) => ({ ...p, warmth: clamp(p.warmth + delta * s, -0.3, 0.3) })
const sharpenBy = (delta: number): Change => (p, s) => ({ ...p, sharpen: clamp(p.sharpen + delta * s, 0, 1.5) })
const denoiseBy = (delta: number): Change => (p, s) => ({ ...p, denoise: clamp(p.denoise + delta * s, 0, 10) })
const stabilise = (on: boolean): Change => (p) => ({ ...p, stabilise: on })

/** The rules, most specific first. */
const RULES: ReadonlyArray<Rule> = [
  { label: "less contrast", pattern: /\b(less|lower|reduce|softer) contrast\b|\btoo (contrasty|harsh)\b/, change: contrastBy(-0.1) },
  { label: "more contrast", pattern: /\b(more|higher|increase|stronger) contrast\b|\b(flat|washed[- ]out|punchy)\b/, change: contrastBy(0.1) },
  { label: "less saturated", pattern: /\btoo (saturated|vivid|colou?rful)\b|\bless (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(desaturate\w*|muted)\b/, change: saturationBy(1 / 1.2) },
  { label: "more saturated", pattern: /\btoo (dull|grey|gray)\b|\bmore (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(saturate|vibrant|vivid|colou?rful)\b/, change: saturationBy(1.2) },
  { label: "darker", pattern: /\btoo (bright|light|overexposed)\b|\bless (bright\w*|light|exposure)\b|\b(darker|darken|dimmer)\b/, change: exposureBy(-0.04, 1 / 1.15) },
  { label: "brighter", pattern: /\btoo (dark|dim|underexposed)\b|\bmore (light|exposure|bright\w*)\b|\b(brighter|brighten|lighter|lighten)\b/, change: exposureBy(0.04, 1.15) },
  { label: "cooler", pattern: /\btoo (warm|yellow|orange)\b|\bmore (blue|cool)\b|\b(cooler|colder)\b/, change: warmthBy(-0.06) },
  { label: "warmer", pattern: /\btoo (cool|cold|blue)\b|\bmore (warm|warmth|yellow|orange)\b|\bwarmer\b/, change: warmthBy(0.06) },
  { label: "no stabilisation", pattern: /\b(no|less|don'?t|stop|without) (stabili[sz]\w*|stable|steady\w*)\b|\b(unstabili[sz]\w*|too (stable|floaty|wobbly warp\w*))\b/, change: stabilise(false) },
  { label: "more stable", pattern: /\b(more|too) (stable|steady|shaky|jittery|wobbly)\b|\b(stabili[sz]\w*|steadier|less (shaky|shake|jitter\w*|wobbl\w*))\b/, change: stabilise(true) },
  { label: "less noise", pattern: /\btoo (noisy|grainy)\b|\bless (noise|grain|grainy|noisy)\b|\b(denoise|smoother|cleaner)\b/, change: denoiseBy(2) },
  { label: "softer", pattern: /\btoo sharp\b|\bless sharp\w*\b|\bsofter\b/, change: sharpenBy(-0.3) },
  { label: "sharper", pattern: /\btoo (soft|blurry)\b|\bmore (detail|sharp\w*)\b|\b(sharper|sharpen|crisper)\b/, change: sharpenBy(0.3) }
]

const UNDO = /^\s*(undo|revert|go back|back|previous( version)?|undo (that|the last( change)?))\s*[.!]*\s*$/i
const STRONG = /\b(much|a lot|lots|way|very|far|significantly)\b/
const WEAK = /\b(slightly|a bit|a little|a touch|a tad|bit|little|somewhat)\b/

/** Every phrase family understood, for the "not understood" note. */
export const VIDEO_FEEDBACK_PHRASES = [...RULES.map((r) => r.label), "undo"] as const

/**
 * The result of {@link interpretVideoFeedback}. `undo`: the caller restores the previous round's
 * adjustments (`params` is returned unchanged). `understood`: at least one phrase applied (or undo).
 * `note`: what was applied and ignored, for the person.
 */
export interface VideoFeedbackInterpretation {
  readonly params: VideoAdjustments
  readonly understood: boolean
  readonly undo: boolean
  readonly note: string
}

/** Applies free-text feedback to `params` (see the module doc). */
export const interpretVideoFeedback = (params: VideoAdjustments, text: string): VideoFeedbackInterpretation => {
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
  const hint = `understood phrases: ${VIDEO_FEEDBACK_PHRASES.join(", ")}`
  if (applied.length === 0) {
    return { params, understood: false, undo: false, note: `not understood: "${text.trim()}"; nothing changed (${hint})` }
  }
  const note = ignored.length === 0
    ? `applied: ${applied.join(", ")}`
    : `applied: ${applied.join(", ")}; ignored: ${ignored.map((c) => `"${c}"`).join(", ")} (${hint})`
  return { params: next, understood: true, undo: false, note }
}
