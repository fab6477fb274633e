/**
 * The offline captioner's writing: facts gathered from a post (its label, the
 * trip context, its items' capture dates, places and cameras, their scene
 * labels), then a caption, hashtags and a location tag composed from them in a
 * {@link CaptionStyle}. Pure and deterministic: the same facts and style give
 * the same text.
 *
 * - Places: each item's GPS fix through the offline reverse geocoder
 *   (reverseGeocode.ts); cities ordered by how many items they name, then by
 *   carousel order; the first is the location tag ("Lisbon, Portugal").
 * - Dates: the local calendar dates of the capture times (the wall clock where
 *   the picture was taken: `captureTime.local`, whatever the UTC offset),
 *   phrased as a natural range ("on 14 June 2025", "from 28 June to 2 July
 *   2025"); a single day whose items share a part of the day names it
 *   ("on the evening of 14 June 2025": morning 05-12 h, afternoon 12-17 h,
 *   evening 17-21 h, night 21-05 h).
 * - Scene labels count only when they hold words (the offline selection names
 *   scenes by time and coordinates, which a caption does not repeat).
 * - Hashtags, in this order, deduplicated: places (cities, then countries), the
 *   post label and the scene labels as CamelCase tags, the label's words, the
 *   trip context's words, the scene labels' words (single words only when they
 *   have 4+ letters and are not vague: "Old", "Long"), then place-derived and
 *   general travel tags to fill a larger count.
 */
import type { MediaItem } from "@curator/contracts"
import { camelHashtag, normaliseHashtags } from "./captionDraft.js"
import { type CaptionStyle, hashtagCount } from "./captionFeedback.js"
import { NO_LOCATION } from "./offlineSelection.js"
import { type Place, reverseGeocode } from "./reverseGeocode.js"

/** One item of a post as the captioner sees it: metadata and its scene label (null when unknown). */
export interface FactItem {
  readonly item: MediaItem
  readonly scene: string | null
}

/** What a caption is written from. */
export interface CaptionFacts {
  /** The post label, trimmed; null when empty. */
  readonly label: string | null
  /** Distinct places, most items first. */
  readonly places: ReadonlyArray<Place>
  /** The place of each item, in carousel order (null without GPS or far from any city). */
  readonly itemPlaces: ReadonlyArray<Place | null>
  /** First and last local capture date (`YYYY-MM-DD`); null when no item has a capture time. */
  readonly dates: { readonly first: string; readonly last: string } | null
  /** The part of the day shared by every timed item of a single-day post, else null. */
  readonly partOfDay: "morning" | "afternoon" | "evening" | "night" | null
  readonly photos: number
  readonly videos: number
  /** Scene labels that hold words, unique, in carousel order. */
  readonly scenes: ReadonlyArray<string>
  /** The camera most items were taken with ("Apple iPhone 5"); null when unknown. */
  readonly camera: string | null
  /** The trip context's first sentence, tidied; null when there is none. */
  readonly tripSentence: string | null
  /** Significant words of the trip context (for hashtags). */
  readonly tripWords: ReadonlyArray<string>
  /** Lower-cased words of the label, scenes and trip context (for the emoji). */
  readonly keywords: ReadonlyArray<string>
}

/** Words too common to make a hashtag or count as a label's word. */
const STOPWORDS = new Set(
  (
    "a about after again all also am an and any are around as at back be been before being best both but by can could day days did do does " +
    "during each even every few first for from get got had has have her here him his how i if in into is it its just last later like made make " +
    "many me more most my near new next no not now of off on one only or other our out over own photo photos picture pictures please really " +
    "same see she should show so some still such than that the their them then there these they this those through time to too trip two under " +
    "up us very video videos want was we week weekend were what when where which while who why will with would you your undated location"
  ).split(" ")
)

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

/** `YYYY-MM-DD` -> its parts. */
const ymd = (date: string) => ({ y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) })

/** "14 June 2025" (or without the year). */
const formatDay = (date: string, withYear = true) => {
  const { y, m, d } = ymd(date)
  return `${d} ${MONTHS[m - 1] ?? "?"}${withYear ? ` ${y}` : ""}`
}

/** Compact range: "14 June 2025", "14–16 June 2025", "28 June – 2 July 2025", "30 December 2024 – 2 January 2025". */
export const compactDateRange = (first: string, last: string): string => {
  const a = ymd(first)
  const b = ymd(last)
  if (first === last) return formatDay(first)
  if (a.y === b.y && a.m === b.m) return `${a.d}–${b.d} ${MONTHS[a.m - 1]} ${a.y}`
  if (a.y === b.y) return `${formatDay(first, false)} – ${formatDay(last)}`
  return `${formatDay(first)} – ${formatDay(last)}`
}

/** Prose range: "on 14 June 2025", "from 14 to 16 June 2025", "from 28 June to 2 July 2025", "from 30 December 2024 to 2 January 2025". */
export const proseDateRange = (first: string, last: string, partOfDay: CaptionFacts["partOfDay"] = null): string => {
  const a = ymd(first)
  const b = ymd(last)
  if (first === last) return partOfDay === null ? `on ${formatDay(first)}` : `on the ${partOfDay} of ${formatDay(first)}`
  if (a.y === b.y && a.m === b.m) return `from ${a.d} to ${b.d} ${MONTHS[a.m - 1]} ${a.y}`
  if (a.y === b.y) return `from ${formatDay(first, false)} to ${formatDay(last)}`
  return `from ${formatDay(first)} to ${formatDay(last)}`
}

const partOfDayOf = (local: string): NonNullable<CaptionFacts["partOfDay"]> => {
  const hour = Number(local.slice(11, 13))
  if (hour >= 5 && hour < 12) return "morning"
  if (hour >= 12 && hour < 17) return "afternoon"
  if (hour >= 17 && hour < 21) return "evening"
  return "night"
}

/** Words of a text (letters, digits, apostrophes inside words). */
const words = (text: string) => text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? []
const significant = (text: string) => words(text).filter((w) => w.length >= 3 && /\p{L}/u.test(w) && !STOPWORDS.has(w.toLowerCase()))
/** Words too vague to stand alone as a hashtag (they still count inside a CamelCase label tag). */
const VAGUE = new Set("old new long short big small little good great nice lovely beautiful amazing awesome happy fun full half late early".split(" "))
/** Significant words that can stand alone as a hashtag: 4+ characters, not vague. */
const tagWords = (text: string) => significant(text).filter((w) => w.length >= 4 && !VAGUE.has(w.toLowerCase()))

/** Month and weekday names, full and abbreviated, lower case: calendar words, not a description. */
const CALENDAR_WORDS = new Set(
  (
    "january february march april may june july august september october november december " +
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday undated"
  ).split(" ")
)

/** Words that join a place and a date in a title ("Paris in June", "Lisbon on 3 May"). */
const CONNECTORS = new Set("in at on of the and to from".split(" "))

/** A scene label worth repeating: it holds at least one significant word. */
const meaningfulScene = (label: string | null): label is string => label !== null && significant(label).length > 0

/** The camera of an item, the make not repeated ("Canon" + "Canon EOS 5D" -> "Canon EOS 5D"). */
const cameraOf = (item: MediaItem): string | null => {
  const make = item.make?.trim() ?? ""
  const model = item.model?.trim() ?? ""
  if (model === "") return make === "" ? null : make
  if (make === "" || model.toLowerCase().startsWith(make.split(/\s+/)[0]!.toLowerCase())) return model
  return `${make} ${model}`
}

/** The first sentence of the trip context, at most 160 characters at a word boundary, capitalised, ending with punctuation. */
const firstSentence = (text: string): string | null => {
  const flat = text.replace(/\s+/g, " ").trim()
  if (flat === "") return null
  let sentence = flat.split(/(?<=[.!?])\s/)[0]!.trim()
  if (Array.from(sentence).length > 160) {
    const cut = Array.from(sentence).slice(0, 160).join("")
    sentence = cut.slice(0, Math.max(cut.lastIndexOf(" "), 80)).replace(/[,;:\s]+$/, "")
  }
  sentence = sentence.charAt(0).toUpperCase() + sentence.slice(1)
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`
}

/** The most frequent value (ties: the first seen). */
const mostFrequent = (values: ReadonlyArray<string>): string | null => {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  let best: string | null = null
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v
  return best
}

/** Gathers the facts of a post (reverse-geocodes its GPS fixes). */
export const gatherFacts = async (input: { readonly tripContext: string; readonly label: string; readonly items: ReadonlyArray<FactItem> }): Promise<CaptionFacts> => {
  const { items } = input
  const placeTally = new Map<string, { place: Place; count: number; first: number }>()
  const itemPlaces: Array<Place | null> = []
  for (const [n, { item }] of items.entries()) {
    const place = item.gps === null ? null : await reverseGeocode(item.gps)
    itemPlaces.push(place)
    if (place === null) continue
    const key = `${place.city}|${place.countryCode}`
    const seen = placeTally.get(key)
    if (seen === undefined) placeTally.set(key, { place, count: 1, first: n })
    else seen.count += 1
  }
  const places = [...placeTally.values()].sort((a, b) => b.count - a.count || a.first - b.first).map((p) => p.place)
  const timed = items.flatMap(({ item }) => (item.captureTime === null ? [] : [item.captureTime.local]))
  const dates = timed.map((t) => t.slice(0, 10)).sort()
  const single = dates.length > 0 && dates[0] === dates[dates.length - 1]
  const parts = new Set(timed.filter((t) => t.length >= 13).map(partOfDayOf))
  // A label or scene name that only restates the post's places and dates ("Paris, France · 1 Jun 2024",
  // the offline selection's "2024-06-01 09:00 · Paris, France") adds nothing the caption does not say.
  const placeWords = new Set(places.flatMap((p) => [...words(p.city), ...words(p.country)]).map((w) => w.toLowerCase()))
  // The offline scene names' placeholders ("Undated", "no location", "#2") say nothing either.
  const descriptive = (text: string) =>
    words(text.replaceAll(NO_LOCATION, " ")).some((w) => /\p{L}/u.test(w) && !placeWords.has(w.toLowerCase()) && !CALENDAR_WORDS.has(w.toLowerCase()) && !CONNECTORS.has(w.toLowerCase()))
  const scenes = [...new Set(items.map((i) => i.scene?.trim() ?? null).filter(meaningfulScene))].filter(descriptive)
  const tidyLabel = input.label.replace(/\s+/g, " ").trim().replace(/[.,;:!?…]+$/u, "")
  const label = tidyLabel === "" || !descriptive(tidyLabel) ? null : tidyLabel
  const tripWords = [...new Set(tagWords(input.tripContext).map((w) => w.toLowerCase()))].slice(0, 8)
  return {
    label,
    places,
    itemPlaces,
    dates: dates.length === 0 ? null : { first: dates[0]!, last: dates[dates.length - 1]! },
    partOfDay: single && parts.size === 1 ? [...parts][0]! : null,
    photos: items.filter((i) => i.item.kind === "photo").length,
    videos: items.filter((i) => i.item.kind === "video").length,
    scenes,
    camera: mostFrequent(items.flatMap(({ item }) => { const c = cameraOf(item); return c === null ? [] : [c] })),
    tripSentence: firstSentence(input.tripContext),
    tripWords,
    keywords: [label ?? "", ...scenes, input.tripContext].flatMap((t) => words(t.toLowerCase()))
  }
}

/** "A", "A and B", "A, B and C". */
const list = (parts: ReadonlyArray<string>) => (parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`)

/** Places as prose, at most three cities: "Lisbon and Sintra, Portugal"; "Lisbon, Portugal and Seville, Spain"; cities only when `citiesOnly`. */
export const placesText = (places: ReadonlyArray<Place>, citiesOnly = false): string | null => {
  const shown = places.slice(0, 3)
  if (shown.length === 0) return null
  if (citiesOnly) return list(shown.map((p) => p.city))
  const countries = [...new Set(shown.map((p) => p.countryCode))]
  const withCountry = (cities: ReadonlyArray<Place>) => {
    const country = cities[0]!.country
    const names = list(cities.map((c) => c.city))
    return cities.length === 1 && cities[0]!.city === country ? names : `${names}, ${country}`
  }
  if (countries.length === 1) return withCountry(shown)
  return list(countries.map((code) => withCountry(shown.filter((p) => p.countryCode === code))))
}

/** The location tag: the first place, "City, Country" (just the name for a city-state such as Singapore); null without GPS. */
export const locationTagOf = (facts: CaptionFacts): string | null => {
  const place = facts.places[0]
  if (place === undefined) return null
  return place.city === place.country ? place.city : `${place.city}, ${place.country}`
}

/** Emoji by keyword, first match wins; the fallback is ✈️ for a trip over several days or countries, else 📸. */
const EMOJI_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(sunsets?|sunrises?|dusk|dawn|golden)$/, "🌅"],
  [/^(beach(es)?|sea|seaside|ocean|coast|surf(ing)?|waves?|bay|island)$/, "🌊"],
  [/^(snow|ski(ing)?|winter|glaciers?)$/, "❄️"],
  [/^(mountains?|hik(e|es|ing)|alps|peaks?|trails?|summit|trek(king)?)$/, "⛰️"],
  [/^(food|dinner|lunch|breakfast|restaurants?|markets?|tapas|pasta|pizza|wine)$/, "🍽️"],
  [/^(boats?|sail(ing)?|harbou?r|ferry|port)$/, "⛵"],
  [/^(forests?|parks?|gardens?|woods|nature)$/, "🌿"],
  [/^(night|nights|stars|moon)$/, "🌙"],
  [/^(city|streets?|town|old ?town|architecture|skyline)$/, "🏙️"],
  [/^(birthday|party|wedding|celebration|festival)$/, "🎉"]
]

/** The post's emoji (see {@link EMOJI_RULES}). */
export const emojiOf = (facts: CaptionFacts): string => {
  for (const [re, emoji] of EMOJI_RULES) if (facts.keywords.some((k) => re.test(k))) return emoji
  const countries = new Set(facts.places.map((p) => p.countryCode))
  const multiDay = facts.dates !== null && facts.dates.first !== facts.dates.last
  return multiDay || countries.size > 1 ? "✈️" : "📸"
}

/** Emoji and other pictographs (Unicode Extended_Pictographic, with their variation selectors and joiners). */
const EMOJI = /\s*(?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:\uFE0F|\u200D|\p{Extended_Pictographic}|\p{Emoji_Modifier})*/gu

/** True when the text holds an emoji. */
export const hasEmoji = (text: string) => new RegExp(EMOJI.source, "u").test(text)

/** The text without emoji (spaces tidied). */
export const stripEmoji = (text: string) => text.replace(EMOJI, "").replace(/[ \t]{2,}/g, " ").replace(/ +([.,!?;:])/g, "$1").trim()

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** "12 photos and 2 videos" (formal: "photographs"). */
const countsText = (facts: CaptionFacts, formal: boolean) => {
  const parts: Array<string> = []
  if (facts.photos > 0) parts.push(plural(facts.photos, formal ? "photograph" : "photo", formal ? "photographs" : "photos"))
  if (facts.videos > 0) parts.push(plural(facts.videos, "video", "videos"))
  return list(parts)
}

/** A scene label in running text: lower-case first letter unless it looks like a name ("Sunset walk" -> "sunset walk", "Belém Tower" kept). */
const inline = (label: string) => (/^\p{Lu}\p{Ll}+\s+\p{Ll}/u.test(label) || /^\p{Lu}\p{Ll}+$/u.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label)

/** The caption text (no hashtags) for the facts in a style. */
export const composeCaption = (facts: CaptionFacts, style: CaptionStyle): string => {
  const short = style.length === "short"
  const places = placesText(facts.places, short || style.tone === "casual")
  const subject = facts.label ?? facts.scenes[0] ?? null
  const sentences: Array<string> = []
  const range = facts.dates === null ? null : short ? compactDateRange(facts.dates.first, facts.dates.last) : proseDateRange(facts.dates.first, facts.dates.last, facts.partOfDay)
  // A label that already names a city reads "Lisbon weekend — Lisbon and Sintra", never "Lisbon weekend in Lisbon".
  const fold = (t: string) => t.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase()
  const namesCity = subject !== null && facts.places.some((p) => fold(subject).includes(fold(p.city)))
  const what = subject !== null && places !== null
    ? `${subject}${namesCity ? " — " : " in "}${places}`
    : subject ?? places ?? (facts.videos > 0 && facts.photos === 0 ? "Clips from the trip" : "Moments from the trip")
  switch (style.tone) {
    case "casual": {
      const multiDay = facts.dates !== null && facts.dates.first !== facts.dates.last
      sentences.push(`${what}${range === null ? "" : `, ${range}`}!`)
      if (!short) sentences.push(multiDay ? "What a trip." : "What a day.")
      break
    }
    case "formal":
      sentences.push(subject !== null && places !== null ? `${subject}: ${places}${range === null ? "" : `, ${range}`}.` : `${what}${range === null ? "" : `, ${range}`}.`)
      break
    case "neutral":
      sentences.push(`${what}${range === null ? "" : `, ${range}`}.`)
  }
  if (!short && facts.tripSentence !== null) sentences.push(facts.tripSentence)
  if (style.length === "long") {
    const scenes = facts.scenes.filter((s) => s !== subject).slice(0, 4).map(inline)
    const counts = countsText(facts, style.tone === "formal")
    if (style.tone === "casual") {
      if (scenes.length > 0) sentences.push(`Featuring ${list(scenes)}.`)
      if (counts !== "") sentences.push(`Swipe through ${counts}.`)
    } else if (style.tone === "formal") {
      if (counts !== "") sentences.push(`A selection of ${counts}${scenes.length > 0 ? `, featuring ${list(scenes)}` : ""}.`)
    } else {
      if (scenes.length > 0) sentences.push(`Scenes: ${list(scenes)}.`)
      if (counts !== "") sentences.push(`${counts.charAt(0).toUpperCase()}${counts.slice(1)}.`)
    }
    if (facts.camera !== null) sentences.push(style.tone === "formal" ? `Photographed with a ${facts.camera}.` : `Shot on ${facts.camera}.`)
  }
  const text = sentences.join(" ")
  return style.emoji ? `${text} ${emojiOf(facts)}` : text
}

/** General travel tags used last, to fill a larger hashtag count. */
const GENERAL_TAGS = ["Travel", "TravelPhotography", "Wanderlust", "TravelGram", "InstaTravel", "Explore", "Adventure", "Holiday", "Memories", "PhotoOfTheDay", "Journey", "Vacation", "TravelDiaries", "SeeTheWorld", "TravelTheWorld"]

/** A label as one CamelCase tag of its significant words (when it has 1..4 of them). */
const wholeTag = (label: string): Array<string> => {
  const sig = significant(label)
  const whole = sig.length >= 1 && sig.length <= 4 ? camelHashtag(sig.join(" ")) : null
  return whole === null ? [] : [whole]
}

/** The words of a label that stand alone as tags. */
const wordTags = (label: string): Array<string> => tagWords(label).flatMap((w) => camelHashtag(w) ?? [])

/** Every hashtag the facts offer, best first, valid and unique (see the module doc). */
export const candidateHashtags = (facts: CaptionFacts): Array<string> => {
  const cities = facts.places.flatMap((p) => camelHashtag(p.city) ?? [])
  const countries = [...new Set(facts.places.map((p) => p.country))].flatMap((c) => camelHashtag(c) ?? [])
  const derived = [
    ...countries.flatMap((c) => [`${c}Travel`, `Visit${c}`]),
    ...cities.slice(0, 1).flatMap((c) => [`${c}Trip`]),
    ...(facts.dates === null ? [] : [`Travel${facts.dates.first.slice(0, 4)}`])
  ]
  return normaliseHashtags(
    [
      ...cities,
      ...countries,
      ...(facts.label === null ? [] : wholeTag(facts.label)),
      ...facts.scenes.flatMap(wholeTag),
      ...(facts.label === null ? [] : wordTags(facts.label)),
      ...facts.tripWords.flatMap((w) => camelHashtag(w) ?? []),
      ...facts.scenes.flatMap(wordTags),
      ...derived,
      ...GENERAL_TAGS
    ],
    Number.MAX_SAFE_INTEGER
  )
}

/** The hashtags of a first caption in a style: the first `hashtagCount(style)` candidates. */
export const composeHashtags = (facts: CaptionFacts, style: CaptionStyle): Array<string> => candidateHashtags(facts).slice(0, hashtagCount(style))
