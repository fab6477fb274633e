/**
 * Normalising a caption draft, whoever wrote it (the offline captioner, Gemini):
 * hashtags made valid Instagram hashtags, duplicates removed, counts and
 * lengths capped at the contract's {@link PostLimits}.
 *
 * - Hashtag: the leading `#`s are dropped, emoji dropped, the text transliterated
 *   to ASCII by `any-ascii` ("São Paulo" -> "SaoPaulo", "Rødberg" -> "Rodberg",
 *   "Москва" -> "Moskva"), and the text is
 *   split at every character outside `[A-Za-z0-9_]`; several pieces are joined
 *   CamelCase ("sunset beach" -> "SunsetBeach"), a single piece is kept as
 *   written. Empty, all-digit (Instagram does not link them) and longer than
 *   {@link HASHTAG_MAX_LENGTH} results are dropped; duplicates are compared
 *   case-insensitively and the first spelling wins; at most
 *   `PostLimits.hashtags` (30, Instagram's limit) are kept.
 * - Caption: whitespace trimmed, runs of blank lines collapsed to one blank
 *   line, hashtags the text itself carries are left alone (the person may want
 *   them), and the text is cut at a word boundary (with "…") so that the copied
 *   post — caption, a blank line, then the hashtags — fits Instagram's 2,200
 *   characters (`PostLimits.captionLength`, counted in Unicode code points).
 * - Location tag: whitespace collapsed, at most {@link LOCATION_TAG_MAX_LENGTH}
 *   characters; empty -> null.
 */
import { type CaptionDraft, PostLimits } from "@curator/contracts"
import anyAscii from "any-ascii"

/** Longest hashtag kept, characters (Instagram has no documented limit; longer ones are unreadable). */
export const HASHTAG_MAX_LENGTH = 50
/** Longest location tag, characters ("Llanfairpwllgwyngyll, United Kingdom" fits). */
export const LOCATION_TAG_MAX_LENGTH = 100

/** Text as ASCII letters (`any-ascii`: "São Paulo" -> "Sao Paulo", "Þórshöfn" -> "Thorshofn", "Москва" -> "Moskva"); emoji dropped. */
const foldAccents = (s: string) => anyAscii(s.replace(/\p{Extended_Pictographic}|\p{Regional_Indicator}/gu, " "))

/** Upper-cases the first letter of a word, leaving the rest as written ("iPhone" -> "IPhone", "NYC" stays). */
const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

/** One raw hashtag -> its valid form (see the module doc), or null when nothing valid is left. */
export const toHashtag = (raw: string): string | null => {
  const pieces = foldAccents(raw.trim().replace(/^#+/, "")).split(/[^A-Za-z0-9_]+/).filter((p) => p.length > 0)
  if (pieces.length === 0) return null
  const tag = pieces.length === 1 ? pieces[0]! : pieces.map(capitalise).join("")
  if (/^[0-9_]+$/.test(tag) || tag.length > HASHTAG_MAX_LENGTH) return null
  return tag
}

/** Words -> one CamelCase hashtag ("old town" -> "OldTown"); null when nothing valid is left. */
export const camelHashtag = (words: string): string | null => {
  const pieces = foldAccents(words).split(/[^A-Za-z0-9_]+/).filter((p) => p.length > 0)
  return pieces.length === 0 ? null : toHashtag(pieces.map(capitalise).join(""))
}

/** Valid, unique (case-insensitive, first spelling wins) hashtags, at most `limit` (default 30). */
export const normaliseHashtags = (raw: ReadonlyArray<string>, limit: number = PostLimits.hashtags): Array<string> => {
  const seen = new Set<string>()
  const out: Array<string> = []
  for (const r of raw) {
    const tag = toHashtag(r)
    if (tag === null || seen.has(tag.toLowerCase())) continue
    seen.add(tag.toLowerCase())
    out.push(tag)
    if (out.length >= limit) break
  }
  return out
}

/** The hashtag block as copied under the caption: `#a #b #c`. */
export const hashtagBlock = (hashtags: ReadonlyArray<string>) => hashtags.map((h) => `#${h}`).join(" ")

/** Code points of a string (an emoji counts once, never split). */
const codePoints = (s: string) => Array.from(s)

/** Cuts `text` to at most `max` code points at a word boundary, ending with "…" when cut. */
export const truncateText = (text: string, max: number): string => {
  const chars = codePoints(text)
  if (chars.length <= max) return text
  if (max <= 1) return chars.slice(0, Math.max(0, max)).join("")
  const head = chars.slice(0, max - 1).join("")
  const space = head.search(/\s\S*$/)
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`
}

/** The draft made valid (see the module doc). */
export const normaliseDraft = (draft: { readonly caption: string; readonly hashtags: ReadonlyArray<string>; readonly locationTag: string | null }): CaptionDraft => {
  const hashtags = normaliseHashtags(draft.hashtags)
  const block = hashtags.length === 0 ? 0 : codePoints(hashtagBlock(hashtags)).length + 2
  const caption = truncateText(
    draft.caption.replace(/\r\n?/g, "\n").replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim(),
    PostLimits.captionLength - block
  )
  const location = (draft.locationTag ?? "").replace(/\s+/g, " ").trim()
  return { caption, hashtags, locationTag: location === "" ? null : truncateText(location, LOCATION_TAG_MAX_LENGTH) }
}
