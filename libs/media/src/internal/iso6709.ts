/**
 * ISO 6709 point strings as QuickTime and MP4 store them (`location`,
 * `com.apple.quicktime.location.ISO6709`, udta `©xyz`): `±DD.D±DDD.D[±A.A][CRS...]/`.
 * Latitude/longitude may also be in the DDMM(.M) or DDMMSS(.S) forms of ISO 6709 Annex H;
 * the number of integer digits tells them apart (2/4/6 for latitude, 3/5/7 for longitude).
 */
import type { GpsPosition } from "@curator/contracts"

const POINT = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?\/?$/

const toDegrees = (value: string, degreeDigits: number): number => {
  const sign = value.startsWith("-") ? -1 : 1
  const [intPart = "", fraction = ""] = value.slice(1).split(".")
  const tail = fraction === "" ? 0 : Number(`0.${fraction}`)
  const extra = intPart.length - degreeDigits
  if (extra <= 0) return sign * (Number(intPart) + tail)
  const degrees = Number(intPart.slice(0, degreeDigits))
  if (extra === 2) return sign * (degrees + (Number(intPart.slice(degreeDigits)) + tail) / 60)
  const minutes = Number(intPart.slice(degreeDigits, degreeDigits + 2))
  const seconds = Number(intPart.slice(degreeDigits + 2)) + tail
  return sign * (degrees + minutes / 60 + seconds / 3600)
}

/**
 * Parses an ISO 6709 point. Returns `null` for anything malformed, out of range, or exactly
 * 0,0 ("null island": recorders write it when they had no fix).
 */
export const parseIso6709 = (text: string): GpsPosition | null => {
  const match = POINT.exec(text.trim())
  if (match === null) return null
  const [, latText = "", lonText = "", altText] = match
  const lat = toDegrees(latText, 2)
  const lon = toDegrees(lonText, 3)
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null
  if (lat === 0 && lon === 0) return null
  return { lat, lon, alt: altText === undefined ? null : Number(altText) }
}
