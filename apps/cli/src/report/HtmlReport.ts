/**
 * `report.html`: a small static page a person opens in a browser after a run.
 * Self-contained (inline CSS, no script, no external asset); thumbnails are
 * referenced through `thumbnailHref` (e.g. `thumbs/<fileId>.jpg` next to the
 * page). All text — file names, reasons, the model's words — is HTML-escaped;
 * a Content-Security-Policy forbids scripts in case anything slipped through.
 */
import { cameraLabel, type ExclusionCategory, formatCaptureTime, type SkippedInput } from "@curator/contracts"
import { buildReportView, type ReportEntry, type ReportView, type SceneView } from "./internal/ReportView.js"
import { categoryColor, palette } from "./internal/theme.js"
import { escapeMarkup as esc, formatDateTime, formatGps, formatTimeRange, plural } from "./internal/text.js"
import type { ReportInput, ReportPost } from "./ReportInput.js"

/** How the page links a file's thumbnail (a relative URL or path; escaped by the renderer). */
export interface HtmlReportOptions {
  readonly thumbnailHref: (fileId: string) => string
}

const CATEGORY_LABEL: Readonly<Record<ExclusionCategory, string>> = {
  "near-duplicate": "Near-duplicate",
  "quality-issue": "Quality issue",
  "content-mismatch": "Content mismatch",
  "redundant-scene": "Redundant scene",
  unprocessable: "Could not be processed"
}

/** An id usable in an HTML `id` attribute and a `#fragment` (fileIds are random, but never trust that). */
const anchor = (fileId: string): string => `file-${fileId.replace(/[^A-Za-z0-9_-]/g, "_")}`

const STYLE = `
:root{--page:${palette.page};--card:${palette.card};--stroke:${palette.cardStroke};--well:${palette.well};--text:${palette.text};
--text2:${palette.textSecondary};--text3:${palette.textTertiary};--accent:${palette.accent};--accent-text:${palette.accentText};--failed:${palette.failed}}
*{box-sizing:border-box}
body{margin:0;background:var(--page);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1400px;margin:0 auto;padding:40px 32px 64px}
header h1{font-size:30px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
.meta{color:var(--text2);margin:0}
.context{color:var(--text2);font-style:italic;margin:8px 0 0}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:28px 0 8px;padding:0;list-style:none}
.stats li{background:var(--card);border:1px solid var(--stroke);border-radius:12px;padding:14px 16px}
.stats b{display:block;font-size:28px;line-height:1.1}
.stats span{color:var(--text2);font-size:13px}
.stats .sel b{color:var(--accent)} .stats .fail b{color:var(--failed)}
.bycat{color:var(--text3);font-size:13px;margin:0 0 8px}
section{margin-top:44px}
section>h2{font-size:22px;margin:0;padding-left:14px;border-left:4px solid var(--accent)}
section.failed>h2{border-left-color:var(--failed)}
section>.meta{padding-left:18px;margin-top:2px;font-size:14px}
h3{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:var(--text3);margin:22px 0 10px}
h3.sel{color:var(--accent)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:16px}
.card{background:var(--card);border:1px solid var(--stroke);border-radius:12px;overflow:hidden;display:flex;flex-direction:column}
.card.selected{border-color:color-mix(in srgb,var(--accent) 55%,transparent)}
.well{position:relative;aspect-ratio:1;overflow:hidden;background:var(--well)}
.well img{position:absolute;inset:0;width:100%;height:100%;object-fit:contain;display:block}
.card.excluded .well img{opacity:.45;filter:saturate(.6)}
.rank{position:absolute;top:8px;left:8px;min-width:32px;height:32px;padding:0 9px;border-radius:16px;background:var(--accent);color:var(--accent-text);font-weight:700;display:flex;align-items:center;justify-content:center}
.pill{display:inline-block;border-radius:999px;padding:2px 10px;font-size:12px;font-weight:700;color:#111114}
.well .pill{position:absolute;top:8px;left:8px}
.kind{position:absolute;bottom:8px;left:8px;background:rgba(0,0,0,.6);color:#fff;border-radius:999px;padding:1px 9px;font-size:12px}
.placeholder{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;padding:16px;gap:6px;
background:repeating-linear-gradient(45deg,#221a1c 0 7px,#2b1f22 7px 12px);color:#fecaca;font-weight:700}
.placeholder small{color:var(--text2);font-weight:400}
.body{padding:12px 14px 14px;display:flex;flex-direction:column;gap:6px}
.name{font-weight:700;overflow-wrap:anywhere;margin:0}
.facts{color:var(--text3);font-size:12px;margin:0}
.why{margin:0}
.note{color:var(--text2);font-size:13px;margin:0}
.card.excluded .name{color:var(--text2)}
.reason{color:var(--text2);font-size:13px;margin:0}
.dup a{color:var(--text);}
.error{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;color:#fca5a5;margin:0}
footer{margin-top:56px;color:var(--text3);font-size:13px;border-top:1px solid var(--stroke);padding-top:14px}
.posts .post{background:var(--card);border:1px solid var(--stroke);border-radius:12px;padding:16px 18px;margin-top:16px}
.post h3{font-size:18px;letter-spacing:0;text-transform:none;color:var(--text);margin:0 0 10px}
.strip{display:flex;flex-wrap:wrap;gap:8px}
.strip figure{margin:0;width:120px}
.strip .well{border-radius:8px}
.strip figcaption{color:var(--text3);font-size:11px;overflow-wrap:anywhere;margin-top:2px}
.caption{margin:12px 0 4px;white-space:pre-wrap}
.skips{list-style:none;padding:0 0 0 18px;margin:12px 0 0;display:flex;flex-direction:column;gap:6px}
.skips .name{display:inline}
.tags{color:var(--accent);margin:0;overflow-wrap:anywhere}
.post .facts a{color:var(--text)}
:target{outline:2px solid var(--accent);outline-offset:2px}
@media (prefers-color-scheme: light){
:root{--page:#f6f6f7;--card:#fff;--stroke:#e4e4e7;--well:#e9e9ec;--text:#18181b;--text2:#52525b;--text3:#71717a;--accent:#c98a00;--accent-text:#fff}
.error{color:#b91c1c}}
`

/** Human facts about a file: kind, size in px, capture time (with its UTC offset, or "UTC" when only the instant is known), camera. */
const facts = (e: ReportEntry): string => {
  const i = e.item
  if (i === null) return ""
  const parts = [i.kind === "video" && i.durationSeconds !== null ? `video · ${i.durationSeconds.toFixed(1)} s` : i.kind, `${i.width}×${i.height}`]
  if (i.captureTime !== null) parts.push(formatDateTime(formatCaptureTime(i.captureTime)))
  const camera = cameraLabel(i.make, i.model)
  if (camera !== null) parts.push(camera)
  return `<p class="facts">${esc(parts.join(" · "))}</p>`
}

const well = (e: ReportEntry, options: HtmlReportOptions, badge: string): string => {
  if (e.thumbnail === null || e.status === "failed") {
    const reason = e.failure?.message ?? e.excluded?.reason ?? "No thumbnail was made for this file."
    return `<div class="well"><div class="placeholder"><span aria-hidden="true">⚠</span>could not be processed<small>${esc(reason)}</small></div></div>`
  }
  const kind = e.kind === "video" ? `<span class="kind">▶ video</span>` : ""
  return `<div class="well"><img src="${esc(options.thumbnailHref(e.fileId))}" alt="${esc(e.fileName)}" loading="lazy">${badge}${kind}</div>`
}

const selectedCard = (e: ReportEntry, options: HtmlReportOptions): string => {
  const s = e.selected
  if (s === null) return ""
  const note = s.comparisonNote.trim() === "" ? "" : `<p class="note">${esc(s.comparisonNote)}</p>`
  return (
    `<article class="card selected" id="${anchor(e.fileId)}">` +
    well(e, options, `<span class="rank" title="Rank">${e.rank ?? s.rank}</span>`) +
    `<div class="body"><p class="name">${esc(e.fileName)}</p>${facts(e)}<p class="why">${esc(s.justification)}</p>${note}</div></article>`
  )
}

const excludedCard = (e: ReportEntry, options: HtmlReportOptions, view: ReportView): string => {
  const x = e.excluded
  if (x === null) return ""
  const color = categoryColor[x.category]
  const dup =
    x.duplicateOf === null
      ? ""
      : `<p class="reason dup">Duplicate of <a href="#${anchor(x.duplicateOf)}">${esc(view.nameOf(x.duplicateOf))}</a></p>`
  return (
    `<article class="card excluded" id="${anchor(e.fileId)}">` +
    well(e, options, `<span class="pill" style="background:${color}">${esc(CATEGORY_LABEL[x.category])}</span>`) +
    `<div class="body"><p class="name">${esc(e.fileName)}</p>${facts(e)}<p class="reason">${esc(x.reason)}</p>${dup}</div></article>`
  )
}

const failedCard = (e: ReportEntry, options: HtmlReportOptions): string => {
  const error = e.failure === null ? "" : `<p class="error">${esc(e.failure.tag)}</p>`
  const reason = e.failure?.message ?? e.excluded?.reason ?? ""
  return (
    `<article class="card failed" id="${anchor(e.fileId)}">` +
    well(e, options, "") +
    `<div class="body"><p class="name">${esc(e.fileName)}</p>${error}<p class="reason">${esc(reason)}</p></div></article>`
  )
}

const skippedRow = (s: SkippedInput): string =>
  `<li><span class="name">${esc(s.fileName)}</span> <span class="pill" style="background:var(--text3)">${esc(s.status)}</span> <span class="reason">${esc(s.reason)}</span></li>`

/** The inputs not taken in (symbolic links, files that are not photos or videos), each with its status. */
const skippedSection = (skipped: ReadonlyArray<SkippedInput>): string =>
  skipped.length === 0
    ? ""
    : `<section class="skipped"><h2>Not taken in</h2><p class="meta">${esc(plural(skipped.length, "input", "inputs"))} of the folder Curator did not read, each with why</p>` +
      `<ul class="skips">${skipped.map(skippedRow).join("")}</ul></section>`

const sceneSection = (scene: SceneView, options: HtmlReportOptions, view: ReportView): string => {
  const meta: Array<string> = []
  if (scene.synthetic) meta.push("Processed files the selection placed in no scene")
  if (scene.timeRange !== null) meta.push(formatTimeRange(scene.timeRange))
  if (scene.gps !== null) meta.push(formatGps(scene.gps))
  meta.push(`${scene.selected.length} selected · ${scene.excluded.length} excluded`)
  const selected =
    scene.selected.length === 0
      ? ""
      : `<h3 class="sel">Selected · ${scene.selected.length}</h3><div class="grid">${scene.selected.map((e) => selectedCard(e, options)).join("")}</div>`
  const excluded =
    scene.excluded.length === 0
      ? ""
      : `<h3>Excluded · ${scene.excluded.length}</h3><div class="grid">${scene.excluded.map((e) => excludedCard(e, options, view)).join("")}</div>`
  return `<section class="scene"><h2>${esc(scene.name)}</h2><p class="meta">${esc(meta.join(" · "))}</p>${selected}${excluded}</section>`
}

/** "12.3 MB" (decimal megabytes, as file managers show sizes). */
const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`

const postCard = (post: ReportPost, index: number, options: HtmlReportOptions, view: ReportView): string => {
  const strip = post.fileIds
    .map((fileId, i) => {
      const name = view.nameOf(fileId)
      return `<figure><div class="well"><img src="${esc(options.thumbnailHref(fileId))}" alt="${esc(name)}" loading="lazy"><span class="rank">${i + 1}</span></div><figcaption>${esc(name)}</figcaption></figure>`
    })
    .join("")
  const caption =
    post.caption === null
      ? `<p class="error">No caption: ${esc(post.captionError ?? "the caption job failed")}</p>`
      : `<p class="caption">${esc(post.caption)}</p>`
  const tags = post.hashtags.length === 0 ? "" : `<p class="tags">${esc(post.hashtags.map((h) => `#${h}`).join(" "))}</p>`
  const facts = [
    plural(post.fileIds.length, "item", "items"),
    ...(post.locationTag === null ? [] : [`📍 ${post.locationTag}`]),
    ...(post.model === null ? [] : [`caption: ${post.model === "offline" ? "offline" : `Gemini, ${post.model}`}`])
  ]
  const bundles =
    post.bundles.length === 0
      ? `<p class="facts">No ZIP was written for this post.</p>`
      : `<p class="facts">Download: ${post.bundles.map((b) => `<a href="${esc(b.href)}" download>${esc(b.name)}.zip</a> (${esc(megabytes(b.bytes))})`).join(" · ")}</p>`
  return `<article class="post"><h3>${index + 1}. ${esc(post.label === "" ? "Untitled post" : post.label)}</h3><div class="strip">${strip}</div>${caption}${tags}<p class="facts">${esc(facts.join(" · "))}</p>${bundles}</article>`
}

const postsSection = (posts: ReadonlyArray<ReportPost>, options: HtmlReportOptions, view: ReportView): string =>
  `<section class="posts"><h2>Posts</h2><p class="meta">${esc(plural(posts.length, "carousel post", "carousel posts"))} · items in carousel order · accepted captions · ZIP bundles</p>` +
  posts.map((p, i) => postCard(p, i, options, view)).join("") +
  `</section>`

/**
 * The HTML page of `input` (pure; UTF-8 text). With `input.posts` (a
 * whole-flow run) a "Posts" section comes first: per post its thumbnails in
 * carousel order, caption, hashtags, location tag and links to its ZIPs. Shows summary counts, each
 * scene with its picks in rank order (thumbnail, justification, comparison
 * note) and its exclusions (reason, category, duplicate-of link), then the
 * files that could not be processed with their error tag and reason, then the
 * inputs not taken in with their status (`skipped: symlink`, `skipped: unsupported type`).
 */
export const renderHtmlReport = (input: ReportInput, options: HtmlReportOptions): string => {
  const view = buildReportView(input)
  const c = view.counts
  const skipped = input.skipped ?? []
  const byCategory = (Object.entries(c.byCategory) as Array<[ExclusionCategory, number]>)
    .filter(([, n]) => n > 0)
    .map(([cat, n]) => `${n} ${CATEGORY_LABEL[cat].toLowerCase()}`)
    .join(" · ")
  const stats =
    `<ul class="stats">` +
    `<li><b>${c.files}</b><span>${c.files === 1 ? "file" : "files"}</span></li>` +
    `<li class="sel"><b>${c.selected}</b><span>selected</span></li>` +
    `<li><b>${c.excluded}</b><span>excluded</span></li>` +
    `<li class="fail"><b>${c.unprocessable}</b><span>could not be processed</span></li>` +
    (skipped.length === 0 ? "" : `<li><b>${skipped.length}</b><span>not taken in</span></li>`) +
    `<li><b>${c.scenes}</b><span>${c.scenes === 1 ? "scene" : "scenes"}</span></li></ul>`
  const context = view.tripContext.trim() === "" ? "" : `<p class="context">“${esc(view.tripContext.trim())}”</p>`
  const failed =
    view.failed.length === 0
      ? ""
      : `<section class="failed"><h2>Could not be processed</h2><p class="meta">${esc(plural(view.failed.length, "file", "files"))} · each with the reason it failed</p>` +
        `<div class="grid" style="margin-top:16px">${view.failed.map((e) => failedCard(e, options)).join("")}</div></section>`
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'">` +
    `<title>${esc(view.title)}</title><style>${STYLE}</style></head><body><main>` +
    `<header><h1>${esc(view.title)}</h1><p class="meta">Selection model: ${esc(view.model)} · generated ${esc(formatDateTime(view.generatedAt))}</p>${context}</header>` +
    stats +
    (byCategory === "" ? "" : `<p class="bycat">Excluded by category: ${esc(byCategory)}</p>`) +
    (input.posts === undefined ? "" : postsSection(input.posts, options, view)) +
    view.scenes.map((s) => sceneSection(s, options, view)).join("") +
    failed +
    skippedSection(skipped) +
    `<footer>Made by Curator. Every input of the run is listed once: selected, excluded with its reason, not processable, or not taken in. The same data is in selection.json.</footer>` +
    `</main></body></html>\n`
  )
}
