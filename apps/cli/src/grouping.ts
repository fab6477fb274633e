/**
 * How `curator run` groups the kept items into carousel posts (pure).
 *
 * Rule:
 * 1. one post per scene group of the selection; a kept item belongs to the
 *    scene the selection gave it (`selected[].scene`), else to the scene
 *    group listing it, else to a catch-all "More moments" scene;
 * 2. posts in rank order: a scene's post comes where its best-ranked kept
 *    item comes; items inside a post in rank order too (the best one is the
 *    cover, carousel position 1);
 * 3. a scene with more than {@link PostLimits.itemsPerPost} (20) items is
 *    split into consecutive posts of at most 20, in rank order, labelled
 *    "<scene> (1/2)", "<scene> (2/2)", ...;
 * 4. label = the scene's name as a person would title a post
 *    ({@link postLabelOf}: the offline "2024-06-01 09:00–10:30 · Paris,
 *    France" reads "Paris, France · 1 Jun 2024", the time added when two
 *    posts would share a label), cut to {@link PostLimits.labelLength};
 * 5. a post with a single item stays on its own. Merging it into a
 *    neighbour would put it under another scene's label and caption (the
 *    caption is written from the label, the dates and the places of the
 *    post's items), which reads worse than a one-item post — a normal post
 *    on every platform.
 */
import { PostLimits, type SelectionResult } from "@curator/contracts"

/** The catch-all scene of kept items the selection placed in no scene (an `include` override, say). */
export const UNSCENED_LABEL = "More moments"

/** One planned post: its label and its fileIds in carousel order. */
export interface PlannedPost {
  readonly label: string
  readonly fileIds: ReadonlyArray<string>
}

const cut = (label: string): string => {
  const chars = Array.from(label.trim())
  return chars.length <= PostLimits.labelLength ? chars.join("") : `${chars.slice(0, PostLimits.labelLength - 1).join("").trimEnd()}…`
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const

/** "2024-06-01" -> "1 Jun 2024". */
const dayOf = (iso: string): string => `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1] ?? iso.slice(5, 7)} ${iso.slice(0, 4)}`

/** An offline scene name: `<YYYY-MM-DD HH:MM[–HH:MM | – YYYY-MM-DD HH:MM]> · <place>`, `Undated · <place>` or `Undated`, optional ` #n`. */
const OFFLINE_SCENE = /^(?:(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(?:–\d{2}:\d{2}| – (\d{4}-\d{2}-\d{2}) \d{2}:\d{2})? · (.+?)|Undated(?: · (.+?))?)(?: #\d+)?$/

/** The title of a post with neither a date nor a named place. */
const UNDATED_LABEL = "Undated"

/** Coordinates or "no location" in a scene name: no place a person would name. */
const UNNAMED_PLACE = /^(no location|-?\d+\.\d+, -?\d+\.\d+)$/

/**
 * A post title for a scene name: the offline selection's "2024-06-01 09:00–10:30 · Paris, France"
 * -> "Paris, France · 1 Jun 2024" (a multi-day scene "1 Jun 2024 – 3 Jun 2024"; no place name ->
 * the date alone; undated -> the place alone, or "Undated" without one); with `withTime`, the start time is added
 * ("Paris, France · 1 Jun 2024, 09:00"). Any other name (a Gemini scene: "Sunset at the harbour")
 * is returned as it is.
 */
export const postLabelOf = (scene: string, withTime = false): string => {
  const m = OFFLINE_SCENE.exec(scene.trim())
  if (m === null) return scene.trim()
  const [, firstDay, time, lastDay, datedPlace, undatedPlace] = m
  const placeText = datedPlace ?? undatedPlace
  const place = placeText !== undefined && !UNNAMED_PLACE.test(placeText) ? placeText : null
  const when =
    firstDay === undefined
      ? null
      : `${dayOf(firstDay)}${lastDay !== undefined && lastDay !== firstDay ? ` – ${dayOf(lastDay)}` : ""}${withTime && time !== undefined ? `, ${time}` : ""}`
  const label = [place, when].filter((part): part is string => part !== null).join(" · ")
  return label !== "" ? label : firstDay === undefined ? UNDATED_LABEL : scene.trim()
}

/**
 * Plans the posts of `keptInRankOrder` (the kept fileIds, best first, as the
 * API's pool lists them) from the selection `result`. Every kept item ends
 * in exactly one post; no post has more than 20 items; no post is empty.
 */
export const planPosts = (keptInRankOrder: ReadonlyArray<string>, result: SelectionResult): ReadonlyArray<PlannedPost> => {
  const sceneOfSelected = new Map(result.selected.map((s) => [s.fileId, s.scene]))
  const sceneOfGroup = new Map(result.sceneGroups.flatMap((g) => g.items.map((f) => [f, g.name] as const)))
  const scenes = new Map<string, Array<string>>()
  for (const fileId of new Set(keptInRankOrder)) {
    const scene = sceneOfSelected.get(fileId) ?? sceneOfGroup.get(fileId) ?? UNSCENED_LABEL
    const name = scene.trim() === "" ? UNSCENED_LABEL : scene
    const items = scenes.get(name) ?? []
    items.push(fileId)
    scenes.set(name, items)
  }
  // Titles: with the start time only where two scenes would read the same.
  const titles = new Map([...scenes.keys()].map((scene) => [scene, postLabelOf(scene)]))
  const clashes = new Set([...titles.values()].filter((title, i, all) => all.indexOf(title) !== i))
  for (const [scene, title] of titles) if (clashes.has(title)) titles.set(scene, postLabelOf(scene, true))
  // Map iteration order = first insertion = the scene's best-ranked item.
  const posts: Array<PlannedPost> = []
  for (const [scene, items] of scenes) {
    const parts = Math.ceil(items.length / PostLimits.itemsPerPost)
    for (let p = 0; p < parts; p++) {
      const suffix = parts === 1 ? "" : ` (${p + 1}/${parts})`
      const base = cut(titles.get(scene) ?? scene)
      const label = suffix === "" ? base : `${cut(Array.from(base).slice(0, PostLimits.labelLength - suffix.length).join(""))}${suffix}`
      posts.push({ label, fileIds: items.slice(p * PostLimits.itemsPerPost, (p + 1) * PostLimits.itemsPerPost) })
    }
  }
  return posts
}
