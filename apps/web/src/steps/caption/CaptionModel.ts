/**
 * The Caption step's rules as pure functions: when its poll stops, which
 * version is shown, how hashtags typed by a person are cleaned (the
 * contract's CaptionDraft rule: without `#`, letters/digits/underscore, no
 * duplicates ignoring case, at most PostLimits.hashtags), what "Copy" puts
 * on the clipboard, how a version is named, and which post comes next.
 */
import type { CaptionDraft, CaptionState, CaptionVersion, Post } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"

/** The feedback buttons: their label and the words sent (the offline Captioner's vocabulary; Gemini reads them as they are). */
export const CAPTION_FEEDBACK = [
  { label: "Shorter", words: "shorter" },
  { label: "More casual", words: "more casual" }
] as const

/** Whether the caption job still moves: a round runs (status `running`). A complete or failed job does not. */
export const keepPolling = (state: Pick<CaptionState, "status">): boolean => state.status === "running"

/** A fingerprint of what the page shows of a caption job; the poll's backoff restarts when it changes. */
export const captionSignature = (state: CaptionState): string =>
  [state.status, state.versions.length, state.acceptedRound ?? "", state.stale ? "stale" : ""].join("|")

/**
 * One hashtag as typed ("#Lisbon", "sunset ", "#Café-2026") cleaned to the
 * stored form the API accepts: no leading `#`, NFC, only letters, digits
 * (any script: `\p{L}`, `\p{N}`) and `_` (other characters dropped, as
 * Instagram ends a hashtag at them), at most 100 characters. Null when
 * nothing is left.
 */
export const cleanHashtag = (raw: string): string | null => {
  const tag = [
    ...raw
      .trim()
      .replace(/^#+/, "")
      .normalize("NFC")
      .replace(/[^\p{L}\p{N}_]/gu, "")
  ]
    .slice(0, 100)
    .join("")
  return tag.length === 0 ? null : tag
}

/**
 * Hashtags after adding what was typed (one or several, separated by spaces,
 * commas or `#`): cleaned, duplicates ignoring case dropped (the first
 * spelling stays), at most {@link PostLimits.hashtags}.
 */
export const addHashtags = (tags: ReadonlyArray<string>, typed: string): Array<string> => {
  const next = [...tags]
  const seen = new Set(tags.map((t) => t.toLowerCase()))
  for (const part of typed.split(/[\s,#]+/)) {
    const tag = cleanHashtag(part)
    if (tag === null || seen.has(tag.toLowerCase()) || next.length >= PostLimits.hashtags) continue
    seen.add(tag.toLowerCase())
    next.push(tag)
  }
  return next
}

/** What "Copy" puts on the clipboard: the caption, a blank line, the hashtags each with `#` (no blank line when there are none). */
export const clipboardText = (draft: Pick<CaptionDraft, "caption" | "hashtags">): string => {
  const tags = draft.hashtags.map((t) => `#${t}`).join(" ")
  const caption = draft.caption.trim()
  return tags.length === 0 ? caption : caption.length === 0 ? tags : `${caption}\n\n${tags}`
}

/** Whether two drafts say the same (the edit has nothing new to store). */
export const sameDraft = (a: CaptionDraft, b: CaptionDraft): boolean =>
  a.caption === b.caption && a.locationTag === b.locationTag && a.hashtags.length === b.hashtags.length && a.hashtags.every((t, i) => t === b.hashtags[i])

/** A version's name in the history: round 0 "First draft", a feedback round its words, an edit "Your edit". */
export const captionVersionLabel = (version: Pick<CaptionVersion, "round" | "source" | "feedback">): string =>
  version.source === "edited" ? "Your edit" : version.feedback !== null ? `“${version.feedback}”` : version.round === 0 ? "First draft" : `Round ${version.round}`

/**
 * The version shown after a new state arrived: the person's pick while it
 * exists and no new version came since `previousCount` versions; else the
 * job's `current` (accepted, else latest). Null while there is none.
 */
export const shownRound = (state: Pick<CaptionState, "versions" | "current">, picked: number | null, previousCount: number): number | null => {
  if (picked !== null && state.versions.length === previousCount && state.versions.some((v) => v.round === picked)) return picked
  return state.current?.round ?? state.versions.at(-1)?.round ?? null
}

/** The post after `postId` in index order, or null when it is the last (non-empty posts only: empty posts get no caption). */
export const nextPost = (posts: ReadonlyArray<Pick<Post, "postId" | "index" | "fileIds">>, postId: string): string | null => {
  const ordered = [...posts].filter((p) => p.fileIds.length > 0).sort((a, b) => a.index - b.index)
  const at = ordered.findIndex((p) => p.postId === postId)
  return at < 0 ? (ordered[0]?.postId ?? null) : (ordered[at + 1]?.postId ?? null)
}

/** A caption's length as Instagram counts it against its limit: "123 / 2200" (UTF-16 code units, as the API checks). */
export const captionLengthLabel = (caption: string): string => `${caption.length} / ${PostLimits.captionLength}`
