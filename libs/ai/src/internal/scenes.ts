/**
 * Scene splitting: items close in time, place and look form one scene.
 *
 * Timed items are ordered by capture instant (captureTime.ts, i.e. with their UTC
 * offsets) and a new scene starts at the first item that is
 * - >= {@link SCENE_TIME_GAP_MS} (2 h) after the previous item, or
 * - >= {@link SCENE_DISTANCE_KM} (1 km, haversine) from the scene's last GPS fix, or
 * - a visual break: colour-histogram distance > {@link VISUAL_BREAK_DISTANCE} from the
 *   previous usable item.
 * Unusable items (very poor quality) never cause a visual break: a black frame inside a
 * burst must not cut the burst in two. Items without a capture time come after all timed
 * scenes and are never merged into one: those with GPS grouped by place (within
 * {@link SCENE_DISTANCE_KM} of a group's first fix), those without GPS all in one "Undated" group.
 */
import type { GpsPosition } from "@curator/contracts"
import { histogramDistance } from "./colorHistogram.js"
import { haversineKm } from "./geo.js"

/** Time gap that starts a new scene: 2 h (ARCHITECTURE.md "Local and cloud layers"). */
export const SCENE_TIME_GAP_MS = 2 * 60 * 60 * 1000
/** GPS gap that starts a new scene: 1 km (ARCHITECTURE.md). */
export const SCENE_DISTANCE_KM = 1
/**
 * Histogram-intersection distance above which consecutive items are a visual break.
 * Measured on the 10 still-image fixtures (unrelated photos): pairwise distances 0.37..0.85,
 * median about 0.6; shots of one subject stay well under 0.3. 0.65 splits only on a clear
 * change of colours, since time and GPS are the primary signals.
 */
export const VISUAL_BREAK_DISTANCE = 0.65

/** One item as the splitter sees it; `id` is any stable index (input order). */
export interface SceneEntry {
  readonly id: number
  readonly instantMs: number | null
  readonly gps: GpsPosition | null
  readonly histogram: Float64Array
  /** False for items already judged unusable (quality issue): they follow, never split. */
  readonly usable: boolean
}

/** A scene: member ids in capture order; `timed` is false for the scenes of undated items. */
export interface SceneSplit {
  readonly members: ReadonlyArray<number>
  readonly timed: boolean
}

/** Why a timed item starts a new scene, or null if it continues the current one. */
export const breakReason = (
  previous: SceneEntry,
  lastUsable: SceneEntry | undefined,
  lastGps: GpsPosition | null,
  current: SceneEntry
): "time" | "gps" | "visual" | null => {
  if (current.instantMs !== null && previous.instantMs !== null && current.instantMs - previous.instantMs >= SCENE_TIME_GAP_MS) return "time"
  if (current.gps !== null && lastGps !== null && haversineKm(lastGps, current.gps) >= SCENE_DISTANCE_KM) return "gps"
  if (current.usable && lastUsable !== undefined && histogramDistance(lastUsable.histogram, current.histogram) > VISUAL_BREAK_DISTANCE) return "visual"
  return null
}

/** Splits entries into scenes (see module doc). Deterministic: ties in time keep input (`id`) order. */
export const splitScenes = (entries: ReadonlyArray<SceneEntry>): Array<SceneSplit> => {
  const timed = entries.filter((e) => e.instantMs !== null).sort((a, b) => a.instantMs! - b.instantMs! || a.id - b.id)
  const scenes: Array<SceneSplit> = []
  let members: Array<number> = []
  let previous: SceneEntry | undefined
  let lastUsable: SceneEntry | undefined
  let lastGps: GpsPosition | null = null
  for (const entry of timed) {
    if (previous !== undefined && breakReason(previous, lastUsable, lastGps, entry) !== null) {
      scenes.push({ members, timed: true })
      members = []
      lastUsable = undefined
      lastGps = null
    }
    members.push(entry.id)
    previous = entry
    if (entry.usable) lastUsable = entry
    if (entry.gps !== null) lastGps = entry.gps
  }
  if (members.length > 0) scenes.push({ members, timed: true })

  // Undated: grouped by place only, never by look (colour says nothing about when or where a picture was
  // taken); the ones with no place either form one group, after the placed ones.
  const placed: Array<{ gps: GpsPosition; members: Array<number> }> = []
  const unplaced: Array<number> = []
  for (const entry of entries.filter((e) => e.instantMs === null).sort((a, b) => a.id - b.id)) {
    if (entry.gps === null) {
      unplaced.push(entry.id)
      continue
    }
    const gps = entry.gps
    const home = placed.find((s) => haversineKm(s.gps, gps) < SCENE_DISTANCE_KM)
    if (home === undefined) placed.push({ gps, members: [entry.id] })
    else home.members.push(entry.id)
  }
  for (const s of placed) scenes.push({ members: s.members, timed: false })
  if (unplaced.length > 0) scenes.push({ members: unplaced, timed: false })
  return scenes
}
