/**
 * The offline selection, from analysed items to a SelectionResult. Pure and
 * deterministic: the same items, in any order, give the same result (the items
 * are put in canonical order first, exactCopies.ts, so every tie breaks alike).
 * Exact copies are folded out before (exactCopies.ts): every item here has its own bytes.
 *
 * Order of work: unprocessable items -> screenshots and graphics (nonPhoto.ts) -> very
 * poor quality -> scenes (time with UTC offsets, GPS, visual break) -> quality
 * score -> near-duplicate clusters within each scene (best kept) -> round-robin
 * pick across scenes up to the target -> wording. Every input item ends up in
 * exactly one of `selected` and `excluded`.
 */
import type { ExcludedItem, GpsPosition, MediaItem, SceneGroup, SelectedItem, SelectionResult } from "@curator/contracts"
import { captureInstantMs, dominantOffsetMinutes, formatCaptureIso } from "./captureTime.js"
import { clusterNearDuplicates, type NearDuplicateCluster } from "./duplicates.js"
import { canonicalOrder } from "./exactCopies.js"
import { centroid } from "./geo.js"
import { type MediaAnalysis, type MediaStats, median } from "./imageAnalysis.js"
import { nonPhotoReason } from "./nonPhoto.js"
import { diversePick, type Pick } from "./pick.js"
import { describeExposure, megapixels, type QualityScore, qualityIssue, qualityScore } from "./quality.js"
import { splitScenes } from "./scenes.js"

/** The name of the scene of items with neither a capture time nor GPS (and the prefix of undated scenes with a place). */
export const UNDATED_SCENE = "Undated"

/** The place part of a dated scene name when no item has GPS ("2024-06-01 10:00 · no location"). */
export const NO_LOCATION = "no location"

/** Model name reported by the offline SelectionModel. */
export const OFFLINE_MODEL = "offline"

/** One input item with its analysis. */
export interface AnalysedItem {
  readonly item: MediaItem
  readonly analysis: MediaAnalysis
}

interface Scene {
  readonly name: string
  readonly members: ReadonlyArray<number>
  /** Usable members, best quality first. */
  readonly bestFirst: ReadonlyArray<number>
  readonly clusters: ReadonlyArray<NearDuplicateCluster>
}

const fixed2 = (v: number) => v.toFixed(3)
const ordinal = (n: number) => (n === 1 ? "" : n === 2 ? "2nd " : n === 3 ? "3rd " : `${n}th `)

/** HH:MM of a local ISO time. */
const clock = (local: string) => local.slice(11, 16)

/**
 * Names a GPS fix for a scene ("Lisbon, Portugal"), or null when there is no place name for it;
 * the caller then shows the coordinates. Offline: the reverse geocoder of internal/reverseGeocode.ts.
 */
export type PlaceNamer = (gps: GpsPosition) => string | null

/**
 * Human-readable scene name: date and time span (local wall clock), then the place — its name
 * from `placeName` when it has one, else the centroid's coordinates — or "no location"; undated scenes read
 * "Undated · <place>", or just "Undated" when they have no place either.
 */
const sceneName = (items: ReadonlyArray<MediaItem>, timedOrder: ReadonlyArray<MediaItem>, timed: boolean, placeName: PlaceNamer): string => {
  const gps = centroid(items.flatMap((i) => (i.gps === null ? [] : [i.gps])))
  const place = gps === null ? NO_LOCATION : (placeName(gps) ?? `${gps.lat.toFixed(4)}, ${gps.lon.toFixed(4)}`)
  const first = timedOrder[0]?.captureTime
  const last = timedOrder[timedOrder.length - 1]?.captureTime
  if (!timed || first == null || last == null) return gps === null ? UNDATED_SCENE : `${UNDATED_SCENE} · ${place}`
  const [firstDate, lastDate] = [first.local.slice(0, 10), last.local.slice(0, 10)]
  const span =
    firstDate !== lastDate
      ? `${firstDate} ${clock(first.local)} – ${lastDate} ${clock(last.local)}`
      : clock(first.local) === clock(last.local)
        ? `${firstDate} ${clock(first.local)}`
        : `${firstDate} ${clock(first.local)}–${clock(last.local)}`
  return `${span} · ${place}`
}

/** Where a scene is, in a justification: "at 2024-06-01 10:00 · Lisbon, Portugal", "at Lisbon, Portugal (undated)", "with no date or place". */
const sceneAt = (name: string): string => {
  const undated = new RegExp(`^${UNDATED_SCENE}(?: · (.+?))?( #\\d+)?$`).exec(name)
  if (undated === null) return `at ${name}`
  return undated[1] === undefined ? `with no date or place${undated[2] ?? ""}` : `at ${undated[1]} (undated)${undated[2] ?? ""}`
}

/**
 * Runs the offline selection over analysed items (see module doc). `targetCount` >= 1;
 * `placeName` names scene places (default: none, coordinates are shown).
 * Returns the contract's SelectionResult with model "offline".
 */
export const selectOffline = (input: ReadonlyArray<AnalysedItem>, targetCount: number, placeName: PlaceNamer = () => null): SelectionResult => {
  const items = canonicalOrder(input)
  const excluded = new Map<number, ExcludedItem>()
  const exclude = (index: number, category: ExcludedItem["category"], reason: string, duplicateOf: number | null = null) =>
    excluded.set(index, { fileId: items[index]!.item.fileId, category, reason, duplicateOf: duplicateOf === null ? null : items[duplicateOf]!.item.fileId })
  const name = (index: number) => items[index]!.item.fileName

  // 1. Unprocessable items.
  const stats = new Map<number, MediaStats>()
  items.forEach((entry, index) => {
    if (entry.analysis._tag === "Unprocessable") exclude(index, "unprocessable", `Thumbnail could not be analysed: ${entry.analysis.message}`)
    else stats.set(index, entry.analysis.stats)
  })

  // 2. Screenshots and graphics (content-mismatch), then very poor quality, judged against the batch
  //    median sharpness of the photos and videos (a chart's crisp text must not raise the bar).
  const analysed = [...stats.keys()]
  const photos: Array<number> = []
  for (const index of analysed) {
    const reason = nonPhotoReason(items[index]!.item, stats.get(index)!.lineArt)
    if (reason === null) photos.push(index)
    else exclude(index, "content-mismatch", reason)
  }
  const batchMedian = median(photos.map((i) => stats.get(i)!.laplacianVariance))
  const usable = new Set<number>()
  for (const index of photos) {
    const issue = qualityIssue(stats.get(index)!, batchMedian, photos.length)
    if (issue === null) usable.add(index)
    else exclude(index, "quality-issue", issue)
  }
  const quality = new Map<number, QualityScore>()
  for (const index of usable) {
    const item = items[index]!.item
    quality.set(index, qualityScore(stats.get(index)!, batchMedian, megapixels(item.width, item.height)))
  }
  const q = (index: number) => quality.get(index)?.total ?? 0
  const variance = (index: number) => Math.round(stats.get(index)!.laplacianVariance)

  // 3. Scenes over analysed items; near-duplicate clusters among each scene's usable members.
  const fallbackOffset = dominantOffsetMinutes(items.map((i) => i.item.captureTime))
  const instants = new Map(analysed.map((i) => [i, captureInstantMs(items[i]!.item.captureTime, fallbackOffset)]))
  const splits = splitScenes(
    analysed.map((id) => ({ id, instantMs: instants.get(id)!, gps: items[id]!.item.gps, histogram: stats.get(id)!.histogram, usable: usable.has(id) }))
  )
  const usedNames = new Set<string>()
  const scenes: Array<Scene> = splits.map((split) => {
    const memberItems = split.members.map((i) => items[i]!.item)
    const base = sceneName(memberItems, split.timed ? memberItems.filter((m, k) => instants.get(split.members[k]!) !== null) : [], split.timed, placeName)
    let unique = base
    for (let n = 2; usedNames.has(unique); n++) unique = `${base} #${n}`
    usedNames.add(unique)
    const bestFirst = split.members.filter((i) => usable.has(i)).sort((a, b) => q(b) - q(a) || split.members.indexOf(a) - split.members.indexOf(b))
    const clusters = clusterNearDuplicates(
      bestFirst.map((id) => ({ id, hash: stats.get(id)!.dHash, instantMs: instants.get(id) ?? null, histogram: stats.get(id)!.histogram }))
    )
    return { name: unique, members: split.members, bestFirst, clusters }
  })
  const sceneOf = new Map<number, number>()
  scenes.forEach((s, k) => s.members.forEach((i) => sceneOf.set(i, k)))
  const clusterOf = new Map<number, NearDuplicateCluster>()
  for (const s of scenes) for (const c of s.clusters) for (const i of [c.leader, ...c.others.map((o) => o.id)]) clusterOf.set(i, c)

  for (const s of scenes) {
    for (const c of s.clusters) {
      for (const o of c.others) {
        exclude(
          o.id,
          "near-duplicate",
          `Near-duplicate of ${name(c.leader)} (perceptual hash distance ${o.distance} of 64), which scored higher: quality ${fixed2(q(c.leader))} vs ${fixed2(q(o.id))}, Laplacian variance ${variance(c.leader)} vs ${variance(o.id)}`,
          c.leader
        )
      }
    }
  }

  // 4. Round-robin pick over the cluster leaders.
  const leaders = scenes.map((s, scene) => ({ scene, bestFirst: s.clusters.map((c) => ({ id: c.leader, quality: q(c.leader) })) }))
  const picks = diversePick(leaders, targetCount)
  const pickOf = new Map<number, Pick>(picks.map((p) => [p.id, p]))

  // 5. Wording.
  const selected: Array<SelectedItem> = picks.map((p) => {
    const scene = scenes[p.scene]!
    const item = items[p.id]!.item
    const s = stats.get(p.id)!
    const cluster = clusterOf.get(p.id)!
    const n = scene.bestFirst.length
    const lead =
      cluster.others.length > 0
        ? `Best of ${cluster.others.length + 1} near-identical shots ${sceneAt(scene.name)}`
        : n > 1
          ? `${ordinal(scene.bestFirst.indexOf(p.id) + 1)}best of ${n} shots ${sceneAt(scene.name)}`.replace(/^b/, "B")
          : `Only usable shot ${sceneAt(scene.name)}`
    const sharpestInScene = n > 1 && scene.bestFirst.every((o) => o === p.id || stats.get(o)!.laplacianVariance <= s.laplacianVariance)
    const sharpness = `${sharpestInScene ? "sharpest in the scene, " : ""}Laplacian variance ${variance(p.id)} (batch median ${Math.round(batchMedian)})`
    const size =
      item.kind === "video"
        ? `video${item.durationSeconds === null ? "" : ` ${item.durationSeconds.toFixed(1)} s`}, scored on ${s.frameCount} frame${s.frameCount === 1 ? "" : "s"}, ${megapixels(item.width, item.height).toFixed(1)} MP`
        : `${megapixels(item.width, item.height).toFixed(1)} MP`
    const justification = [lead, sharpness, describeExposure(s), size].join("; ")

    let comparisonNote: string
    const runnerUp = [...cluster.others].sort((a, b) => q(b.id) - q(a.id))[0]
    const otherLeader = scene.clusters.map((c) => c.leader).find((l) => l !== p.id)
    if (runnerUp !== undefined) {
      comparisonNote = `Kept over ${cluster.others.length} near-duplicate${cluster.others.length === 1 ? "" : "s"}; runner-up ${name(runnerUp.id)}: quality ${fixed2(q(p.id))} vs ${fixed2(q(runnerUp.id))}, Laplacian variance ${variance(p.id)} vs ${variance(runnerUp.id)}`
    } else if (otherLeader === undefined) {
      comparisonNote = "No other usable shot in this scene"
    } else if (q(otherLeader) > q(p.id) || (q(otherLeader) === q(p.id) && scene.bestFirst.indexOf(otherLeader) < scene.bestFirst.indexOf(p.id))) {
      const other = pickOf.get(otherLeader)
      comparisonNote = `Second view of this scene after ${name(otherLeader)}${other ? ` (rank ${other.rank})` : ""}: quality ${fixed2(q(p.id))} vs ${fixed2(q(otherLeader))}, picked for variety`
    } else {
      comparisonNote = `Scene runner-up ${name(otherLeader)}: quality ${fixed2(q(p.id))} vs ${fixed2(q(otherLeader))}, Laplacian variance ${variance(p.id)} vs ${variance(otherLeader)}`
    }
    return { rank: p.rank, fileId: item.fileId, kind: item.kind, scene: scene.name, justification, comparisonNote }
  })

  // 6. Leaders not picked: redundant in their scene.
  const lowestPick = picks.length === 0 ? 0 : Math.min(...picks.map((p) => q(p.id)))
  for (const [k, scene] of scenes.entries()) {
    const scenePick = picks.find((p) => p.scene === k)
    for (const c of scene.clusters) {
      if (pickOf.has(c.leader)) continue
      exclude(
        c.leader,
        "redundant-scene",
        scenePick !== undefined
          ? `Same scene as ${name(scenePick.id)} (rank ${scenePick.rank}), which scored higher: quality ${fixed2(q(scenePick.id))} vs ${fixed2(q(c.leader))}; the target of ${targetCount} picks is reached`
          : `No pick from this scene: the target of ${targetCount} picks went to the best shots of other scenes (quality ${fixed2(q(c.leader))} vs lowest pick ${fixed2(lowestPick)})`
      )
    }
  }

  // Scene groups list members in capture order.
  const sceneGroups: Array<SceneGroup> = scenes.map((scene) => {
    const timed = scene.members.filter((i) => instants.get(i) !== null)
    const first = timed[0]
    const last = timed[timed.length - 1]
    return {
      name: scene.name,
      gps: centroid(scene.members.flatMap((i) => (items[i]!.item.gps === null ? [] : [items[i]!.item.gps!]))),
      timeRange:
        first === undefined || last === undefined
          ? null
          : { start: formatCaptureIso(items[first]!.item.captureTime!), end: formatCaptureIso(items[last]!.item.captureTime!) },
      items: scene.members.map((i) => items[i]!.item.fileId)
    }
  })

  return {
    model: OFFLINE_MODEL,
    selected,
    excluded: items.flatMap((_, index) => {
      const e = excluded.get(index)
      return e === undefined ? [] : [e]
    }),
    sceneGroups
  }
}
