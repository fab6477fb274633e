/**
 * The offline feedback interpreter shared by photos (photoFeedback.ts) and videos
 * (videoFeedback.ts): free text ("brighter", "a bit less saturated, warmer", "undo") is split into
 * clauses (commas, semicolons, "and", "but", "then", "also"); each clause takes the FIRST rule that
 * matches (rules are listed most specific first, so "less contrast" is not read as "softer").
 * Intensity words scale a step: "much", "a lot", "way", "very", "far", "significantly" x2;
 * "slightly", "a bit", "a little", "a touch", "a tad", "somewhat" x0.5. "undo" alone (or
 * "revert", "go back", "previous version") asks the caller to restore the previous version.
 *
 * Each kind supplies only its changes per phrase family; the phrases themselves live here.
 */

/** The phrase families, as the person may say them. Keys are the labels shown back to the person. */
export const PHRASES = {
  "less contrast": /\b(less|lower|reduce|softer) contrast\b|\btoo (contrasty|harsh)\b/,
  "more contrast": /\b(more|higher|increase|stronger) contrast\b|\b(flat|washed[- ]out|punchy)\b/,
  "less saturated": /\btoo (saturated|vivid|colou?rful)\b|\bless (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(desaturate\w*|muted)\b/,
  "more saturated": /\btoo (dull|grey|gray)\b|\bmore (saturat\w*|vivid|colou?r\w*|vibrant)\b|\b(saturate|vibrant|vivid|colou?rful)\b/,
  darker: /\btoo (bright|light|overexposed)\b|\bless (bright\w*|light|exposure)\b|\b(darker|darken|dimmer)\b/,
  brighter: /\btoo (dark|dim|underexposed)\b|\bmore (light|exposure|bright\w*)\b|\b(brighter|brighten|lighter|lighten)\b/,
  cooler: /\btoo (warm|yellow|orange)\b|\bmore (blue|cool)\b|\b(cooler|colder)\b/,
  warmer: /\btoo (cool|cold|blue)\b|\bmore (warm|warmth|yellow|orange)\b|\bwarmer\b/,
  "no stabilisation": /\b(no|less|don'?t|stop|without) (stabili[sz]\w*|stable|steady\w*)\b|\b(unstabili[sz]\w*|too (stable|floaty|wobbly warp\w*))\b/,
  "more stable": /\b(more|too) (stable|steady|shaky|jittery|wobbly)\b|\b(stabili[sz]\w*|steadier|less (shaky|shake|jitter\w*|wobbl\w*))\b/,
  "less noise": /\btoo (noisy|grainy)\b|\bless (noise|grain|grainy|noisy)\b|\b(denoise|smoother|cleaner)\b/,
  softer: /\btoo sharp\b|\bless sharp\w*\b|\bsofter\b/,
  sharper: /\btoo (soft|blurry)\b|\bmore (detail|sharp\w*)\b|\b(sharper|sharpen|crisper)\b/
} as const

/** One phrase family's label. */
export type Phrase = keyof typeof PHRASES

/** A change of parameters `P` for one phrase; `scale` is the intensity (0.5, 1 or 2). */
export type FeedbackChange<P> = (params: P, scale: number) => P

/** What a kind does for each phrase family it understands, most specific first. */
export type FeedbackRules<P> = ReadonlyArray<readonly [Phrase, FeedbackChange<P>]>

/**
 * The result of {@link interpretFeedbackWith}. `undo`: the caller restores the previous version's
 * parameters (`params` is returned unchanged). `understood`: at least one phrase applied (or
 * undo). `note`: what was applied and ignored, for the person.
 */
export interface FeedbackInterpretationOf<P> {
  readonly params: P
  readonly understood: boolean
  readonly undo: boolean
  readonly note: string
}

const UNDO = /^\s*(undo|revert|go back|back|previous( version)?|undo (that|the last( change)?))\s*[.!]*\s*$/i
const STRONG = /\b(much|a lot|lots|way|very|far|significantly)\b/
const WEAK = /\b(slightly|a bit|a little|a touch|a tad|bit|little|somewhat)\b/

/** The labels a rule table understands, plus "undo", for the "not understood" note. */
export const understoodPhrases = <P>(rules: FeedbackRules<P>): ReadonlyArray<string> => [...rules.map(([phrase]) => phrase), "undo"]

/** Applies free-text feedback to `params` with `rules` (see the module doc). */
export const interpretFeedbackWith = <P>(rules: FeedbackRules<P>, params: P, text: string): FeedbackInterpretationOf<P> => {
  if (UNDO.test(text)) return { params, understood: true, undo: true, note: "undo: the previous version's adjustments are restored" }
  const clauses = text.toLowerCase().split(/[,;.!]|\band\b|\bbut\b|\bthen\b|\balso\b/).map((c) => c.trim()).filter((c) => c.length > 0)
  const applied: Array<string> = []
  const ignored: Array<string> = []
  let next = params
  for (const clause of clauses) {
    const rule = rules.find(([phrase]) => PHRASES[phrase].test(clause))
    if (rule === undefined) {
      ignored.push(clause)
      continue
    }
    const [label, change] = rule
    const scale = STRONG.test(clause) ? 2 : WEAK.test(clause) ? 0.5 : 1
    next = change(next, scale)
    applied.push(scale === 1 ? label : `${label} (x${scale})`)
  }
  const hint = `understood phrases: ${understoodPhrases(rules).join(", ")}`
  if (applied.length === 0) {
    return { params, understood: false, undo: false, note: `not understood: "${text.trim()}"; nothing changed (${hint})` }
  }
  const note = ignored.length === 0
    ? `applied: ${applied.join(", ")}`
    : `applied: ${applied.join(", ")}; ignored: ${ignored.map((c) => `"${c}"`).join(", ")} (${hint})`
  return { params: next, understood: true, undo: false, note }
}
