/**
 * Offline photo feedback: free text ("brighter", "a bit less saturated, warmer", "undo") mapped
 * to changes of PhotoAdjustments, through the interpreter and phrase families shared with videos
 * (feedbackPhrases.ts: clauses, first matching rule, intensity words, undo).
 *
 * Step sizes are one noticeable increment each (roughly a third of a stop for exposure):
 * gamma x1.25, contrast +-0.1, saturation x1.2, white balance red/blue x1.06 in opposite
 * directions, sharpening +-0.5 px sigma, denoise one median size up.
 */
import type { PhotoAdjustments } from "@curator/contracts"
import { type FeedbackChange, type FeedbackInterpretationOf, type FeedbackRules, interpretFeedbackWith, understoodPhrases } from "./feedbackPhrases.js"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

type Change = FeedbackChange<PhotoAdjustments>

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

/** The photo changes per phrase family, most specific first. */
const RULES: FeedbackRules<PhotoAdjustments> = [
  ["less contrast", contrastBy(-0.1)],
  ["more contrast", contrastBy(0.1)],
  ["less saturated", saturationBy(1 / 1.2)],
  ["more saturated", saturationBy(1.2)],
  ["darker", gammaBy(1 / 1.25)],
  ["brighter", gammaBy(1.25)],
  ["cooler", warmthBy(1 / 1.06)],
  ["warmer", warmthBy(1.06)],
  ["less noise", denoiseMore],
  ["softer", sharpenBy(-0.5)],
  ["sharper", sharpenBy(0.5)]
]

/** Every phrase family understood, for the "not understood" note. */
export const UNDERSTOOD_PHRASES = understoodPhrases(RULES)

/** The result of {@link interpretFeedback}. `undo`: the caller restores the previous round's params (params are returned unchanged). */
export type FeedbackInterpretation = FeedbackInterpretationOf<PhotoAdjustments>

/** Applies free-text feedback to `params` (see the module doc). */
export const interpretFeedback = (params: PhotoAdjustments, text: string): FeedbackInterpretation => interpretFeedbackWith(RULES, params, text)
