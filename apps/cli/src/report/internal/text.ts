/**
 * Text helpers shared by the SVG (contact sheet) and HTML renderers:
 * escaping untrusted text, shortening it to a character budget, and the
 * display formats of time ranges and GPS positions.
 */
import type { GpsPosition } from "@curator/contracts"

/**
 * Characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF)
 * and lone UTF-16 surrogates: librsvg rejects the whole SVG on any of them,
 * and a file name may contain them. Source: XML 1.0 §2.2 "Char".
 */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Replaces characters XML cannot carry with U+FFFD. */
export const toXmlChars = (text: string): string => text.replace(INVALID_XML_CHARS, "\uFFFD")

/**
 * Escapes text for XML/HTML element content and quoted attribute values
 * (`&`, `<`, `>`, `"`, `'`), after replacing characters XML cannot carry.
 * Safe for both SVG (librsvg) and HTML.
 */
export const escapeMarkup = (text: string): string =>
  toXmlChars(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")

/** Splits into user-perceived characters by code point, so a cut never halves a surrogate pair. */
const chars = (text: string): Array<string> => Array.from(text)

/**
 * Shortens `text` to at most `max` characters by cutting its middle
 * ("IMG_2019…_0042.jpg"), which keeps a file name's start and extension.
 */
export const truncateMiddle = (text: string, max: number): string => {
  const cs = chars(text)
  if (cs.length <= max) return text
  if (max <= 1) return "…"
  const tail = Math.floor((max - 1) / 2)
  const head = max - 1 - tail
  return cs.slice(0, head).join("") + "…" + cs.slice(cs.length - tail).join("")
}

/** Shortens `text` to at most `max` characters, ending with "…" when cut. */
export const truncateEnd = (text: string, max: number): string => {
  const cs = chars(text)
  if (cs.length <= max) return text
  return cs.slice(0, Math.max(0, max - 1)).join("").trimEnd() + "…"
}

/**
 * Greedy word wrap to lines of at most `maxChars` characters, at most
 * `maxLines` lines (the last one ends with "…" when text remains). Words
 * longer than a line are cut. Whitespace runs collapse to one space.
 */
export const wrapText = (text: string, maxChars: number, maxLines: number): ReadonlyArray<string> => {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0)
  const lines: Array<string> = []
  let line = ""
  let i = 0
  while (i < words.length && lines.length < maxLines) {
    const word = words[i] ?? ""
    const candidate = line === "" ? word : `${line} ${word}`
    if (chars(candidate).length <= maxChars) {
      line = candidate
      i++
    } else if (line === "") {
      lines.push(truncateEnd(word, maxChars))
      i++
    } else {
      lines.push(line)
      line = ""
    }
  }
  if (line !== "" && lines.length < maxLines) lines.push(line)
  if (i < words.length && lines.length > 0) {
    const last = lines.length - 1
    lines[last] = truncateEnd(`${lines[last] ?? ""} ${words.slice(i).join(" ")}`, maxChars)
  }
  return lines
}

/** `YYYY-MM-DD` and `HH:MM` of an ISO 8601 date-time (instant or local time), or null when it is not one. */
const dateAndTime = (iso: string): { readonly date: string; readonly time: string; readonly zone: string } | null => {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso.trim())
  if (m === null) return null
  const zone = m[3] === undefined ? "" : m[3] === "Z" ? " UTC" : ` ${m[3]}`
  return { date: m[1] ?? "", time: m[2] ?? "", zone }
}

/**
 * A scene's time range for display, to the minute: "2019-03-21 14:02 – 16:40"
 * on one day, "2019-03-21 22:10 – 2019-03-22 01:30" across days, one time when
 * start and end are equal. Instants keep their zone ("UTC", "+01:00"); a string
 * that is not ISO 8601 is shown as given.
 */
export const formatTimeRange = (range: { readonly start: string; readonly end: string }): string => {
  const a = dateAndTime(range.start)
  const b = dateAndTime(range.end)
  if (a === null || b === null) return range.start === range.end ? range.start : `${range.start} – ${range.end}`
  const start = `${a.date} ${a.time}${a.zone === b.zone ? "" : a.zone}`
  if (a.date === b.date && a.time === b.time) return `${a.date} ${a.time}${a.zone}`
  if (a.date === b.date) return `${start} – ${b.time}${b.zone}`
  return `${start} – ${b.date} ${b.time}${b.zone}`
}

/** One ISO 8601 date-time to the minute ("2019-03-21 14:02"), or the string as given. */
export const formatDateTime = (iso: string): string => {
  const d = dateAndTime(iso)
  return d === null ? iso : `${d.date} ${d.time}${d.zone}`
}

/** A GPS position as "48.85840° N, 2.29450° E" (5 decimals ≈ 1 m, enough to find the place). */
export const formatGps = (gps: GpsPosition): string => {
  const lat = `${Math.abs(gps.lat).toFixed(5)}° ${gps.lat < 0 ? "S" : "N"}`
  const lon = `${Math.abs(gps.lon).toFixed(5)}° ${gps.lon < 0 ? "W" : "E"}`
  return `${lat}, ${lon}`
}

/** "1 file" / "3 files". */
export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`
