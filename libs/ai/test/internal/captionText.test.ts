/**
 * The pure parts of the captioner: hashtag and draft normalisation, the
 * feedback phrase table, and the natural date ranges.
 */
import { PostLimits } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { hashtagBlock, normaliseDraft, normaliseHashtags, toHashtag, truncateText } from "../../src/internal/captionDraft.js"
import { applyPhrase, DEFAULT_STYLE, hashtagCount, readCaptionFeedback } from "../../src/internal/captionFeedback.js"
import { compactDateRange, hasEmoji, proseDateRange, stripEmoji } from "../../src/internal/offlineCaption.js"

describe("hashtags", () => {
  it("drops the #, folds accents, joins words CamelCase and refuses what Instagram would not link", () => {
    expect(["#Lisbon", "##sunset", "São Paulo", "old town", "Crème brûlée!", "straße", "iPhone", "#2025", "  ", "#", "a_b", "Kraków"].map(toHashtag)).toEqual([
      "Lisbon", "sunset", "SaoPaulo", "OldTown", "CremeBrulee", "strasse", "iPhone", null, null, null, "a_b", "Krakow"
    ])
    expect(toHashtag("x".repeat(51))).toBeNull()
    // Transliterated, not just stripped of accents: every script gives a hashtag.
    expect(["Rødberg", "Þórshöfn", "Москва", "Αθήνα", "🌅 Sunset"].map(toHashtag)).toEqual(["Rodberg", "Thorshofn", "Moskva", "Athina", "Sunset"])
  })

  it("dedupes case-insensitively (first spelling wins) and caps at 30", () => {
    expect(normaliseHashtags(["Lisbon", "#lisbon", "LISBON", "Porto", "#porto "])).toEqual(["Lisbon", "Porto"])
    const many = Array.from({ length: 40 }, (_, i) => `tag${i}`)
    expect(normaliseHashtags(many)).toHaveLength(PostLimits.hashtags)
    expect(hashtagBlock(["a", "B"])).toBe("#a #B")
  })
})

describe("normaliseDraft", () => {
  it("keeps caption plus hashtag block within Instagram's 2,200 characters, cut at a word boundary", () => {
    const hashtags = Array.from({ length: 30 }, (_, i) => `Hashtag${i}`)
    const caption = "word ".repeat(600)
    const draft = normaliseDraft({ caption, hashtags, locationTag: "  Lisbon,   Portugal " })
    const copied = `${draft.caption}\n\n${hashtagBlock(draft.hashtags)}`
    expect(Array.from(copied).length).toBeLessThanOrEqual(PostLimits.captionLength)
    expect(Array.from(copied).length).toBeGreaterThan(PostLimits.captionLength - 10)
    expect(draft.caption.endsWith("word…")).toBe(true)
    expect(draft.locationTag).toBe("Lisbon, Portugal")
    expect(normaliseDraft({ caption: " a\r\n\n\n\nb ", hashtags: [], locationTag: " " })).toEqual({ caption: "a\n\nb", hashtags: [], locationTag: null })
  })

  it("never splits an emoji when cutting", () => {
    expect(truncateText("🌅🌅🌅🌅", 3)).toBe("🌅🌅…")
    expect(truncateText("short", 10)).toBe("short")
  })
})

describe("caption feedback phrases", () => {
  it("reads each clause with the most specific rule first", () => {
    const read = (t: string) => readCaptionFeedback(t).phrases
    expect(read("shorter")).toEqual(["shorter"])
    expect(read("too long")).toEqual(["shorter"])
    expect(read("too short")).toEqual(["longer"])
    expect(read("Longer, more hashtags and no emoji")).toEqual(["longer", "more hashtags", "no emoji"])
    expect(read("less formal")).toEqual(["more casual"])
    expect(read("less casual")).toEqual(["more formal"])
    expect(read("more professional")).toEqual(["more formal"])
    expect(read("too many hashtags")).toEqual(["fewer hashtags"])
    expect(read("no hashtags")).toEqual(["no hashtags"])
    expect(read("add an emoji")).toEqual(["add emoji"])
    expect(read("remove the emojis")).toEqual(["no emoji"])
    expect(readCaptionFeedback("shorter but mention grandma")).toEqual({ phrases: ["shorter"], ignored: ["mention grandma"] })
    expect(readCaptionFeedback("make it poetic")).toEqual({ phrases: [], ignored: ["make it poetic"] })
  })

  it("steps the style within its bounds", () => {
    const twice = (p: Parameters<typeof applyPhrase>[1]) => applyPhrase(applyPhrase(DEFAULT_STYLE, p), p)
    expect(twice("shorter").length).toBe("short")
    expect(applyPhrase(twice("shorter"), "shorter").length).toBe("short")
    expect(twice("more formal").tone).toBe("formal")
    expect(hashtagCount(DEFAULT_STYLE)).toBe(10)
    expect(hashtagCount(applyPhrase(DEFAULT_STYLE, "more hashtags"))).toBe(15)
    expect(hashtagCount(applyPhrase(DEFAULT_STYLE, "fewer hashtags"))).toBe(5)
    expect(hashtagCount(applyPhrase(DEFAULT_STYLE, "no hashtags"))).toBe(0)
    const max = Array.from({ length: 10 }).reduce<typeof DEFAULT_STYLE>((s) => applyPhrase(s, "more hashtags"), DEFAULT_STYLE)
    expect(hashtagCount(max)).toBe(30)
  })
})

describe("date ranges", () => {
  it("phrases a range naturally, across months and years", () => {
    expect(compactDateRange("2025-06-14", "2025-06-14")).toBe("14 June 2025")
    expect(compactDateRange("2025-06-14", "2025-06-16")).toBe("14–16 June 2025")
    expect(compactDateRange("2025-06-28", "2025-07-02")).toBe("28 June – 2 July 2025")
    expect(compactDateRange("2024-12-30", "2025-01-02")).toBe("30 December 2024 – 2 January 2025")
    expect(proseDateRange("2025-06-14", "2025-06-14", "evening")).toBe("on the evening of 14 June 2025")
    expect(proseDateRange("2025-06-14", "2025-06-16")).toBe("from 14 to 16 June 2025")
    expect(proseDateRange("2025-06-28", "2025-07-02")).toBe("from 28 June to 2 July 2025")
    expect(proseDateRange("2024-12-30", "2025-01-02")).toBe("from 30 December 2024 to 2 January 2025")
  })

  it("finds and strips emoji, flags and ZWJ sequences included", () => {
    expect(stripEmoji("Lisbon 🌅 at dusk ✈️! 👩‍👩‍👧 🇵🇹")).toBe("Lisbon at dusk!")
    expect([hasEmoji("plain."), hasEmoji("with ⛰️")]).toEqual([false, true])
  })
})
