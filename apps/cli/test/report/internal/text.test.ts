import { describe, expect, it } from "vitest"
import { escapeMarkup, formatGps, formatTimeRange, truncateMiddle, wrapText } from "../../../src/report/internal/text.js"

describe("report text helpers", () => {
  it("escapes markup and replaces characters XML cannot carry", () => {
    expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    expect(escapeMarkup("a\u0000b\u001Fc\uD800d")).toBe("a\uFFFDb\uFFFDc\uFFFDd")
    expect(escapeMarkup("tab\tok 😀")).toBe("tab\tok 😀")
  })

  it("cuts long names in the middle, keeping the extension and whole emoji", () => {
    expect(truncateMiddle("short.jpg", 20)).toBe("short.jpg")
    const cut = truncateMiddle("IMG_20190321_140211_very_long_name.jpg", 16)
    expect(Array.from(cut)).toHaveLength(16)
    expect(cut.startsWith("IMG_")).toBe(true)
    expect(cut.endsWith("e.jpg")).toBe(true)
    expect(truncateMiddle("😀😀😀😀😀😀😀😀", 5)).toBe("😀😀…😀😀")
  })

  it("wraps words into at most N lines, marking the cut", () => {
    expect(wrapText("one two three four five six", 9, 2)).toEqual(["one two", "three fo…"])
    expect(wrapText("one two", 20, 2)).toEqual(["one two"])
    expect(wrapText("Supercalifragilistic", 8, 2)).toEqual(["Superca…"])
  })

  it("formats time ranges to the minute and GPS with hemispheres", () => {
    expect(formatTimeRange({ start: "2019-03-21T06:58:00", end: "2019-03-21T07:40:12" })).toBe("2019-03-21 06:58 – 07:40")
    expect(formatTimeRange({ start: "2019-03-21T22:10:00Z", end: "2019-03-22T01:30:00Z" })).toBe("2019-03-21 22:10 – 2019-03-22 01:30 UTC")
    expect(formatTimeRange({ start: "2019-03-21T10:00:00+01:00", end: "2019-03-21T10:00:00+01:00" })).toBe("2019-03-21 10:00 +01:00")
    expect(formatTimeRange({ start: "yesterday", end: "today" })).toBe("yesterday – today")
    expect(formatGps({ lat: -33.8568, lon: 151.2153, alt: null })).toBe("33.85680° S, 151.21530° E")
  })
})
