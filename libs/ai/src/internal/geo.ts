/**
 * Great-circle distance and centroid of GPS fixes (decimal degrees, WGS 84).
 *
 * Distance: the haversine formula (R. W. Sinnott, "Virtues of the Haversine",
 * Sky and Telescope 68(2):159, 1984) on a sphere of the IUGG mean Earth radius
 * 6371.0088 km (H. Moritz, "Geodetic Reference System 1980"). The spherical error
 * (< 0.5 %) is far below the 1 km scene threshold's resolution.
 */
import type { GpsPosition } from "@curator/contracts"

/** IUGG mean Earth radius R1, km. */
export const EARTH_RADIUS_KM = 6371.0088

const toRadians = (degrees: number) => (degrees * Math.PI) / 180

/** Haversine distance between two fixes, in km. */
export const haversineKm = (a: GpsPosition, b: GpsPosition): number => {
  const dLat = toRadians(b.lat - a.lat)
  const dLon = toRadians(b.lon - a.lon)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Centroid of fixes: the mean of their unit vectors projected back to the sphere,
 * so a scene straddling the antimeridian is not averaged to the far side of the
 * globe. Altitude is the mean of the fixes that record one (null if none). Returns
 * null for an empty list.
 */
export const centroid = (points: ReadonlyArray<GpsPosition>): GpsPosition | null => {
  if (points.length === 0) return null
  let x = 0
  let y = 0
  let z = 0
  const altitudes: Array<number> = []
  for (const p of points) {
    const lat = toRadians(p.lat)
    const lon = toRadians(p.lon)
    x += Math.cos(lat) * Math.cos(lon)
    y += Math.cos(lat) * Math.sin(lon)
    z += Math.sin(lat)
    if (p.alt !== null) altitudes.push(p.alt)
  }
  const lon = Math.atan2(y, x)
  const lat = Math.atan2(z, Math.hypot(x, y))
  const round = (v: number) => Math.round(v * 1e6) / 1e6
  return {
    lat: round((lat * 180) / Math.PI),
    lon: round((lon * 180) / Math.PI),
    alt: altitudes.length === 0 ? null : Math.round((altitudes.reduce((s, v) => s + v, 0) / altitudes.length) * 10) / 10
  }
}
