import { describe, expect, it } from "vitest"
import { parseIso6709 } from "../../src/index.js"

describe("parseIso6709", () => {
  it("parses decimal degrees with and without altitude", () => {
    expect(parseIso6709("+32.0929+034.8620+028.516/")).toEqual({ lat: 32.0929, lon: 34.862, alt: 28.516 })
    expect(parseIso6709("+33.1268-117.3273/")).toEqual({ lat: 33.1268, lon: -117.3273, alt: null })
  })

  it("parses the degrees-minutes(-seconds) forms of Annex H", () => {
    expect(parseIso6709("+4030-07400/")).toEqual({ lat: 40.5, lon: -74, alt: null })
    const dms = parseIso6709("+403000-0740030/")
    expect(dms?.lat).toBeCloseTo(40.5, 6)
    expect(dms?.lon).toBeCloseTo(-74.008333, 5)
  })

  it("treats 0,0 and malformed strings as no position", () => {
    expect(parseIso6709("+00.0000+000.0000/")).toBeNull()
    expect(parseIso6709("somewhere")).toBeNull()
    expect(parseIso6709("+95.0+010.0/")).toBeNull()
  })
})
