/**
 * The offline caption feedback: a phrase table like the photo/video one
 * (feedbackPhrases.ts), for the style of a caption instead of pixels.
 *
 * Free text is split into clauses (commas, semicolons, full stops, "and",
 * "but", "then", "also"); each clause takes the FIRST rule that matches, and
 * rules are listed most specific first, so "too long" reads as shorter before
 * "long" could read as longer, and "less formal" as more casual. Several
 * clauses apply in order ("shorter and more casual, no emoji").
 *
 * The style is a small state — length (short / medium / long), tone (casual /
 * neutral / formal), hashtag count (one of {@link HASHTAG_LEVELS}) and emoji
 * on or off — replayed from every feedback of a caption's history, so the
 * same history always gives the same style.
 */

/** What a caption looks like. */
export interface CaptionStyle {
  readonly length: "short" | "medium" | "long"
  readonly tone: "casual" | "neutral" | "formal"
  /** Index into {@link HASHTAG_LEVELS}. */
  readonly hashtagLevel: number
  readonly emoji: boolean
}

/**
 * Hashtag counts a caption steps through with "more hashtags" / "fewer
 * hashtags". Default 10: about a third of Instagram's 30, enough for places,
 * scenes and the label without the spam look; "no hashtags" goes to 0.
 */
export const HASHTAG_LEVELS = [0, 3, 5, 10, 15, 20, 30] as const
const DEFAULT_HASHTAG_LEVEL = 3

/** The style of a first caption: medium length, neutral tone, 10 hashtags, one emoji. */
export const DEFAULT_STYLE: CaptionStyle = { length: "medium", tone: "neutral", hashtagLevel: DEFAULT_HASHTAG_LEVEL, emoji: true }

/** The phrase families the offline captioner follows; keys are the labels shown back to the person. */
export type CaptionPhrase = "shorter" | "longer" | "more casual" | "more formal" | "more hashtags" | "fewer hashtags" | "no hashtags" | "no emoji" | "add emoji"

const TAGS = String.raw`(hash ?tags?|tags)`
const EMOJI = String.raw`(emojis?|emoticons?|smileys?|emoji icons?)`

/** The rules, most specific first: [phrase, pattern on one lower-cased clause]. */
export const CAPTION_RULES: ReadonlyArray<readonly [CaptionPhrase, RegExp]> = [
  ["no hashtags", new RegExp(String.raw`\b(no|without|remove all( the)?|drop all( the)?|zero) ${TAGS}\b`)],
  ["fewer hashtags", new RegExp(String.raw`\b(fewer|less|remove some|drop some|not so many|cut( the)?) ${TAGS}\b|\btoo many ${TAGS}\b`)],
  ["more hashtags", new RegExp(String.raw`\b(more|add|extra|additional|add more|some more) ${TAGS}\b|\b(too few|not enough) ${TAGS}\b`)],
  ["no emoji", new RegExp(String.raw`\b(no|remove( the)?|without|drop( the)?|lose the|fewer|less|delete( the)?) ${EMOJI}\b|\btoo many ${EMOJI}\b`)],
  ["add emoji", new RegExp(String.raw`\b(add( an?| some)?|more|with( an?| some)?|some|an?) ${EMOJI}\b|\b${EMOJI} please\b`)],
  ["longer", /\btoo (short|brief|terse)\b|\bnot long enough\b/],
  ["shorter", /\btoo (long|wordy|verbose)\b|\b(shorter|concise|brief(er)?|tighter|snappier|less text|fewer words|trim( it)?|cut it down|one line|shorten)\b|\bshort\b/],
  ["longer", /\b(longer|more (detail\w*|text|words|descriptive)|expand( it)?|elaborate|lengthen)\b|\blong\b/],
  ["more formal", /\b(less|not so|too) (casual|informal|chatty|playful|silly)\b/],
  ["more casual", /\b(less|not so|too) (formal|stiff|serious|professional)\b/],
  ["more casual", /\b(casual|informal|relaxed|chatty|playful|fun|friendl(y|ier)|laid[- ]back)\b/],
  ["more formal", /\b(formal|professional|serious|polished|elegant)\b/]
]

/** Every phrase the offline captioner follows, for the "not understood" note. */
export const UNDERSTOOD_CAPTION_PHRASES: ReadonlyArray<CaptionPhrase> = [
  "shorter", "longer", "more casual", "more formal", "more hashtags", "fewer hashtags", "no hashtags", "no emoji", "add emoji"
]

const LENGTHS = ["short", "medium", "long"] as const
const TONES = ["casual", "neutral", "formal"] as const

const step = <T>(values: ReadonlyArray<T>, current: T, by: number): T =>
  values[Math.max(0, Math.min(values.length - 1, values.indexOf(current) + by))]!

/** One phrase applied to a style. */
export const applyPhrase = (style: CaptionStyle, phrase: CaptionPhrase): CaptionStyle => {
  switch (phrase) {
    case "shorter":
      return { ...style, length: step(LENGTHS, style.length, -1) }
    case "longer":
      return { ...style, length: step(LENGTHS, style.length, 1) }
    case "more casual":
      return { ...style, tone: step(TONES, style.tone, -1) }
    case "more formal":
      return { ...style, tone: step(TONES, style.tone, 1) }
    case "more hashtags":
      return { ...style, hashtagLevel: Math.min(HASHTAG_LEVELS.length - 1, style.hashtagLevel + 1) }
    case "fewer hashtags":
      return { ...style, hashtagLevel: Math.max(0, style.hashtagLevel - 1) }
    case "no hashtags":
      return { ...style, hashtagLevel: 0 }
    case "no emoji":
      return { ...style, emoji: false }
    case "add emoji":
      return { ...style, emoji: true }
  }
}

/** Feedback read into phrases: those applied in order, and the clauses no rule matched. */
export interface CaptionFeedbackReading {
  readonly phrases: ReadonlyArray<CaptionPhrase>
  readonly ignored: ReadonlyArray<string>
}

/** Splits free text into clauses and reads each with {@link CAPTION_RULES}. */
export const readCaptionFeedback = (text: string): CaptionFeedbackReading => {
  const clauses = text
    .toLowerCase()
    .split(/[,;.!?]|\band\b|\bbut\b|\bthen\b|\balso\b|\bplus\b/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
  const phrases: Array<CaptionPhrase> = []
  const ignored: Array<string> = []
  for (const clause of clauses) {
    const rule = CAPTION_RULES.find(([, re]) => re.test(clause))
    if (rule === undefined) ignored.push(clause)
    else phrases.push(rule[0])
  }
  return { phrases, ignored }
}

/** The number of hashtags a style asks for. */
export const hashtagCount = (style: CaptionStyle): number => HASHTAG_LEVELS[style.hashtagLevel] ?? HASHTAG_LEVELS[DEFAULT_HASHTAG_LEVEL]
