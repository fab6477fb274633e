/**
 * The offline Captioner as the caption task calls it: a first caption from the
 * trip context, label, dates and places (offline reverse geocoding), its
 * hashtags and location tag; feedback rounds replayed from the history; free
 * text it cannot follow keeps the previous draft and says so; the same input
 * gives the same output.
 */
import type { CaptionVersion, MediaItem } from "@curator/contracts"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { describe, expect, it } from "vitest"
import { type CaptionInput, type CaptionItem, Captioner, type CaptionOutput } from "../src/index.js"
import { mediaItem } from "./support/images.js"

const iphone = (item: MediaItem): MediaItem => ({ ...item, make: "Apple", model: "iPhone 15 Pro" })
const items: ReadonlyArray<CaptionItem> = [
  // Belém tower (Lisbon), Lisbon centre, then Sintra; local times at UTC+1.
  { item: iphone(mediaItem("a", { local: "2025-06-14T18:10:00", offsetMinutes: 60, gps: { lat: 38.6916, lon: -9.216 } })), scene: "Sunset at Belém Tower", thumbnail: null },
  { item: iphone(mediaItem("b", { local: "2025-06-15T10:00:00", offsetMinutes: 60, gps: { lat: 38.7139, lon: -9.1394 } })), scene: "2025-06-15 10:00 · 38.7139, -9.1394", thumbnail: null },
  { item: mediaItem("c", { kind: "video", local: "2025-06-16T19:00:00", offsetMinutes: 60, gps: { lat: 38.8, lon: -9.38 } }), scene: "Old town trams", thumbnail: null }
]
const first: CaptionInput = {
  tripContext: "A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea",
  label: "Lisbon weekend",
  items,
  history: [],
  feedback: null
}

const write = (input: CaptionInput) => runWith(Captioner.use((c) => c.write(input)), Captioner.layerOffline)
const version = (round: number, out: CaptionOutput, feedback: string | null): CaptionVersion => ({
  round, source: "generated", feedback, draft: out.draft, model: out.model, postRevision: 0, createdAt: "2025-06-20T10:00:00.000Z", note: out.note
})
/** Runs feedback rounds one after another, each on the history so far; returns every output. */
const rounds = async (feedbacks: ReadonlyArray<string>, input: CaptionInput = first) => {
  const out0 = await write(input)
  const history: Array<CaptionVersion> = [version(0, out0, null)]
  const outs = [out0]
  for (const feedback of feedbacks) {
    const out = await write({ ...input, history, feedback })
    history.push(version(history.length, out, feedback))
    outs.push(out)
  }
  return outs
}
const emoji = /\p{Extended_Pictographic}/u

describe("Captioner.layerOffline", () => {
  it("writes a first caption from the label, places, natural dates and the trip context", async () => {
    const out = await write(first)
    expect(out.model).toBe("offline")
    expect(out.note).toBeNull()
    expect(out.draft.caption).toBe(
      "Lisbon weekend — Lisbon and Sintra, Portugal, from 14 to 16 June 2025. A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea. 🌅"
    )
    expect(out.draft.locationTag).toBe("Lisbon, Portugal")
    // Places first, then label/scene CamelCase tags (the offline selection's time-and-coordinates scene name gives none), then words.
    expect(out.draft.hashtags).toEqual(["Lisbon", "Sintra", "Portugal", "SunsetBelemTower", "OldTownTrams", "Sister", "Trams", "Pasteis", "Nata", "Sunset"])
    for (const tag of out.draft.hashtags) expect(tag).toMatch(/^[A-Za-z0-9_]+$/)
    expect(await write(first)).toEqual(out)
  })

  it("names a single day's part of the day, and does without GPS, dates or label", async () => {
    const evening = await write({
      ...first,
      label: "Sunset walk",
      tripContext: "",
      items: [items[0]!, { ...items[0]!, item: { ...items[0]!.item, fileId: "a2", captureTime: { local: "2025-06-14T19:40:00", offsetMinutes: 60, utc: null, source: "exif" } } }]
    })
    expect(evening.draft.caption).toBe("Sunset walk in Lisbon, Portugal, on the evening of 14 June 2025. 🌅")
    const bare = await write({ tripContext: "", label: "", items: [{ item: mediaItem("z", { local: null }), scene: null, thumbnail: null }], history: [], feedback: null })
    expect(bare.draft).toEqual({
      caption: "Moments from the trip. 📸",
      hashtags: ["Travel", "TravelPhotography", "Wanderlust", "TravelGram", "InstaTravel", "Explore", "Adventure", "Holiday", "Memories", "PhotoOfTheDay"],
      locationTag: null
    })
  })

  it("does not repeat a label or scene name that only restates the post's places and dates", async () => {
    const eiffel = mediaItem("e", { local: "2024-06-01T09:00:00", offsetMinutes: 120, gps: { lat: 48.8584, lon: 2.2945 } })
    const out = await write({
      tripContext: "",
      label: "Paris, France · 1 Jun 2024",
      items: [{ item: eiffel, scene: "2024-06-01 09:00 · Paris, France", thumbnail: null }],
      history: [],
      feedback: null
    })
    expect(out.draft.caption).toMatch(/^Paris, France, on the morning of 1 June 2024\./)
    expect(out.draft.caption).not.toContain("·")
    // No tag made of the title's words ("ParisFranceJun").
    expect(out.draft.hashtags.filter((h) => /jun/i.test(h))).toEqual([])
    // A label with words of its own is still used.
    const named = await write({ tripContext: "", label: "Eiffel Tower at dawn", items: [{ item: eiffel, scene: "2024-06-01 09:00 · Paris, France", thumbnail: null }], history: [], feedback: null })
    expect(named.draft.caption).toContain("Eiffel Tower at dawn")
  })

  it("the caption for an undated, placeless post does not read \"Undated · no location\"", async () => {
    // The labels and scene names the offline selection and `curator run` give such a post, old and new.
    const undated = mediaItem("u", { local: null })
    for (const [label, scene] of [["Undated · no location", "Undated · no location"], ["Undated", "Undated"], ["Undated · no location #2", "Undated · no location #2"]]) {
      const out = await write({ tripContext: "", label: label!, items: [{ item: undated, scene: scene!, thumbnail: null }], history: [], feedback: null })
      expect(out.draft.caption).toBe("Moments from the trip. 📸")
      expect(out.draft.hashtags.filter((h) => /undated|location/i.test(h))).toEqual([])
    }
  })

  it("follows the phrase table round after round, replaying the style from the history", async () => {
    const [r0, shorter, casual, longer, tags, fewer] = await rounds(["shorter", "more casual and no emoji", "longer, longer", "more hashtags", "fewer hashtags"])
    expect(shorter!.draft.caption).toBe("Lisbon weekend — Lisbon and Sintra, 14–16 June 2025. 🌅")
    expect(shorter!.draft.caption.length).toBeLessThan(r0!.draft.caption.length)
    expect(shorter!.note).toBe("Applied: shorter.")
    expect(casual!.draft.caption).toBe("Lisbon weekend — Lisbon and Sintra, 14–16 June 2025!")
    expect(casual!.draft.caption).not.toMatch(emoji)
    // Still casual and without emoji (replayed), now long: scenes, counts and the camera.
    expect(longer!.draft.caption).toBe(
      "Lisbon weekend — Lisbon and Sintra, from 14 to 16 June 2025! What a trip. A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea. Featuring sunset at Belém Tower and old town trams. Swipe through 2 photos and 1 video. Shot on Apple iPhone 15 Pro."
    )
    expect(longer!.draft.hashtags).toEqual(r0!.draft.hashtags)
    expect(tags!.draft.caption).toBe(longer!.draft.caption)
    expect(tags!.draft.hashtags).toHaveLength(15)
    expect(tags!.draft.hashtags.slice(0, 10)).toEqual(r0!.draft.hashtags)
    expect(fewer!.draft.hashtags).toEqual(r0!.draft.hashtags)
    expect(fewer!.draft.caption).toBe(longer!.draft.caption)
  })

  it("keeps the previous draft and says so for free text it cannot follow; applies what it can of mixed feedback", async () => {
    const [r0, poetic, mixed] = await rounds(["make it more poetic", "more formal but mention grandma"])
    expect(poetic!.draft).toEqual(r0!.draft)
    expect(poetic!.note).toContain('Not followed: "make it more poetic"')
    expect(poetic!.note).toContain("The previous caption is kept unchanged")
    expect(poetic!.note).toContain("shorter, longer, more casual, more formal")
    expect(mixed!.draft.caption).toBe("Lisbon weekend: Lisbon and Sintra, Portugal, from 14 to 16 June 2025. A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea. 🌅")
    expect(mixed!.note).toMatch(/^Applied: more formal\. Not followed: "mention grandma"/)
  })

  it("says when a phrase is at its limit, and keeps a person's edited hashtags first", async () => {
    const out0 = await write(first)
    const edited: CaptionVersion = {
      round: 1, source: "edited", feedback: null, model: "offline", postRevision: 0, createdAt: "2025-06-20T10:01:00.000Z",
      draft: { caption: "Our Lisbon 🌅", hashtags: ["MySister", "Lisbon"], locationTag: "Belém, Portugal" }
    }
    const history = [version(0, out0, null), edited]
    const more = await write({ ...first, history, feedback: "more hashtags" })
    expect(more.draft.caption).toBe("Our Lisbon 🌅")
    expect(more.draft.locationTag).toBe("Belém, Portugal")
    expect(more.draft.hashtags.slice(0, 3)).toEqual(["MySister", "Lisbon", "Sintra"])
    expect(more.draft.hashtags).toHaveLength(15)
    const noEmoji = await write({ ...first, history, feedback: "no emoji" })
    expect(noEmoji.draft.caption).toBe("Our Lisbon")
    const shorter = await write({ ...first, history, feedback: "shorter" })
    expect(shorter.note).toContain("your edits to the text were replaced")
    const [, , , atLimit] = await rounds(["shorter", "shorter", "shorter"])
    expect(atLimit!.note).toBe("Applied: shorter. shorter: already the shortest offline caption.")
  })

  it("refuses a feedback round without feedback, and feedback without a caption", async () => {
    const out0 = await write(first)
    const noFeedback = failureOf(await runExit(Captioner.use((c) => c.write({ ...first, history: [version(0, out0, null)], feedback: "  " })), Captioner.layerOffline))
    expect(noFeedback).toMatchObject({ _tag: "InvalidInputError", message: "caption round 1 has no feedback" })
    const noHistory = failureOf(await runExit(Captioner.use((c) => c.write({ ...first, feedback: "shorter" })), Captioner.layerOffline))
    expect(noHistory).toMatchObject({ _tag: "InvalidInputError" })
  })
})
