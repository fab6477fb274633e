/**
 * Offline video feedback: free text ("brighter", "less saturated, warmer", "more stable",
 * "undo") mapped to changes of VideoAdjustments, through the interpreter and phrase families
 * shared with photos (feedbackPhrases.ts: clauses, first matching rule, intensity words, undo).
 *
 * Step sizes are one noticeable increment of ffmpeg's filters: eq brightness +-0.04 (about 10
 * 8-bit code values) with eq gamma x1.15, contrast +-0.1, saturation x1.2, colorbalance warmth
 * +-0.06, unsharp amount +-0.3, hqdn3d strength +2; stabilisation switches on or off.
 */
import type { VideoAdjustments } from "@curator/contracts"
import { type FeedbackChange, type FeedbackInterpretationOf, type FeedbackRules, interpretFeedbackWith, understoodPhrases } from "./feedbackPhrases.js"

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

type Change = FeedbackChange<VideoAdjustments>

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

/** The video changes per phrase family, most specific first. */
const RULES: FeedbackRules<VideoAdjustments> = [
  ["less contrast", contrastBy(-0.1)],
  ["more contrast", contrastBy(0.1)],
  ["less saturated", saturationBy(1 / 1.2)],
  ["more saturated", saturationBy(1.2)],
  ["darker", exposureBy(-0.04, 1 / 1.15)],
  ["brighter", exposureBy(0.04, 1.15)],
  ["cooler", warmthBy(-0.06)],
  ["warmer", warmthBy(0.06)],
  ["no stabilisation", stabilise(false)],
  ["more stable", stabilise(true)],
  ["less noise", denoiseBy(2)],
  ["softer", sharpenBy(-0.3)],
  ["sharper", sharpenBy(0.3)]
]

/** Every phrase family understood, for the "not understood" note. */
export const VIDEO_FEEDBACK_PHRASES = understoodPhrases(RULES)

/**
 * The result of {@link interpretVideoFeedback}. `undo`: the caller restores the previous round's
 * adjustments (`params` is returned unchanged). `understood`: at least one phrase applied (or undo).
 * `note`: what was applied and ignored, for the person.
 */
export type VideoFeedbackInterpretation = FeedbackInterpretationOf<VideoAdjustments>

/** Applies free-text feedback to `params` (see the module doc). */
export const interpretVideoFeedback = (params: VideoAdjustments, text: string): VideoFeedbackInterpretation =>
  interpretFeedbackWith(RULES, params, text)
