/**
 * The offline reverse geocoder on landmarks whose city is known: a big city a
 * few km away wins over the small suburb next door, a town of its own keeps
 * its name, the fixtures' GPS fixes name their cities, and open sea names nothing.
 */
import { describe, expect, it } from "vitest"
import { countryName, PLACE_RADIUS_KM, reverseGeocode } from "../../src/internal/reverseGeocode.js"

const at = (lat: number, lon: number) => reverseGeocode({ lat, lon, alt: null })
const named = async (lat: number, lon: number) => {
  const place = await at(lat, lon)
  return place === null ? null : `${place.city}, ${place.country}`
}

describe("reverseGeocode", () => {
  it("names the big city over a nearer small suburb", async () => {
    // Eiffel Tower: Neuilly-sur-Seine (61 k) is 3.4 km away, Paris (2.1 M) 4.0 km.
    expect(await named(48.8584, 2.2945)).toBe("Paris, France")
    // Golden Gate Bridge: Sausalito (7 k) 4.4 km, San Francisco (0.86 M) 7.2 km.
    expect(await named(37.8199, -122.4783)).toBe("San Francisco, United States")
    // Statue of Liberty: Jersey City (0.26 M) and sections of Manhattan are nearer than New York City's point.
    expect(await named(40.6892, -74.0445)).toBe("New York City, United States")
    // Belém tower: Algés (19 k) 1.7 km, Lisbon (0.5 M) about 8 km.
    expect(await named(38.6916, -9.216)).toBe("Lisbon, Portugal")
    // Brandenburg Gate and Sagrada Família: city sections (PPLX) never name a place.
    expect(await named(52.5163, 13.3777)).toBe("Berlin, Germany")
    expect(await named(41.4036, 2.1744)).toBe("Barcelona, Spain")
    expect(await named(41.8902, 12.4922)).toBe("Rome, Italy")
    expect(await named(35.6595, 139.7005)).toBe("Tokyo, Japan")
    expect(await named(51.5081, -0.0759)).toBe("London, United Kingdom")
  })

  it("keeps a town's own name next to a big city", async () => {
    // Château de Versailles: Versailles (85 k) 1 km, Paris 17 km.
    expect(await named(48.8049, 2.1204)).toBe("Versailles, France")
    // GoPro fixture (+33.1268-117.3273): Carlsbad (113 k) 4 km, Oceanside (176 k) 9 km.
    expect(await named(33.1268, -117.3273)).toBe("Carlsbad, United States")
  })

  it("names the fixtures' places", async () => {
    expect(await named(47.62717, -122.33733)).toBe("Seattle, United States") // iPhone 5 JPEG
    expect(await named(43.46745, 11.88513)).toBe("Arezzo, Italy") // Nikon P6000 JPEG
    expect(await named(45.50067, 9.11033)).toBe("Milan, Italy") // HTC Desire WebP
  })

  it("names nothing far from any city, and reports the distance", async () => {
    expect(await at(30, -40)).toBeNull() // mid-Atlantic
    const paris = await at(48.8584, 2.2945)
    expect(paris?.distanceKm).toBeGreaterThan(3.5)
    expect(paris?.distanceKm).toBeLessThan(PLACE_RADIUS_KM)
    expect(paris?.countryCode).toBe("FR")
  })

  it("names countries in English", () => {
    expect([countryName("PT"), countryName("gb"), countryName("US"), countryName("ZZ")]).toEqual(["Portugal", "United Kingdom", "United States", "Unknown Region"])
  })
})
