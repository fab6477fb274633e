/**
 * The closing summary of `curator run`: how many items were picked, why the
 * others were left out (by category), which files could not be processed and
 * why, and where the outputs are.
 */
import path from "node:path"
import type { SelectionResult, SessionMeta, SkippedInput } from "@curator/contracts"
import { formatUsd } from "@curator/local"
import { Console, Effect } from "effect"
import type { FlowOutcome } from "./Flow.js"
import { plural } from "./report/internal/text.js"
import type { ReportPaths } from "./report/ReportWriter.js"
import type { ReportInput } from "./report/ReportInput.js"

/** "offline selection" for the offline model, "Gemini selection, <model>" otherwise. */
export const selectionLabel = (model: string): string => (model === "offline" ? "offline selection" : `Gemini selection, ${model}`)

/** The report's files as summary lines: kind -> path (the contact sheet's pages as "first … last (N pages)"). */
export const reportOutputs = (paths: ReportPaths): Record<string, string> => {
  const sheets = paths.contactSheets
  const contactSheet = sheets.length <= 1 ? (sheets[0] ?? "") : `${sheets[0]} … ${path.basename(sheets[sheets.length - 1]!)} (${sheets.length} pages)`
  return { selectionJson: paths.selectionJson, contactSheet, htmlReport: paths.htmlReport, thumbnails: paths.thumbnails }
}

/**
 * Prints the summary to stdout. `written` maps output kinds to file paths; `skipped` lists the
 * inputs not taken in (each printed with its status). Files that failed before the selection
 * (e.g. UnreadableFileError at ingest) are printed with their error tag.
 */
export const printSummary = (
  result: SelectionResult,
  items: ReportInput["items"],
  written: Readonly<Record<string, string>>,
  skipped: ReadonlyArray<SkippedInput> = []
) =>
  Effect.gen(function* () {
    const name = new Map(items.map((i) => [i.fileId, i.fileName]))
    const byCategory = new Map<string, number>()
    for (const e of result.excluded) byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + 1)
    const lines: Array<string> = []
    lines.push("")
    lines.push(`Selected ${result.selected.length} of ${plural(items.length, "file", "files")} in ${plural(result.sceneGroups.length, "scene", "scenes")} (${selectionLabel(result.model)}):`)
    for (const s of result.selected) lines.push(`  ${String(s.rank).padStart(2)}. ${name.get(s.fileId)}  [${s.scene}] ${s.justification}`)
    if (result.tokensUsed !== undefined) lines.push(`Gemini used by the selection: ${tokensAndCost(result.tokensUsed, result.costUsd)}`)
    if (result.excluded.length > 0) {
      lines.push(`Excluded ${result.excluded.length}: ${[...byCategory].map(([c, n]) => `${n} ${c}`).join(", ")}`)
      for (const e of result.excluded) {
        const dup = e.duplicateOf ? ` (duplicate of ${name.get(e.duplicateOf) ?? e.duplicateOf})` : ""
        lines.push(`  - ${name.get(e.fileId)}: ${e.category}${dup} — ${e.reason}`)
      }
    }
    const inResult = new Set([...result.selected, ...result.excluded].map((e) => e.fileId))
    const notRead = items.filter((i) => i.failure !== null && !inResult.has(i.fileId))
    if (notRead.length > 0) {
      lines.push(`Could not be read ${notRead.length}:`)
      for (const i of notRead) lines.push(`  - ${i.fileName}: unprocessable — ${i.failure?.message} (${i.failure?.tag})`)
    }
    if (skipped.length > 0) {
      lines.push(`Not taken in ${skipped.length}:`)
      for (const s of skipped) lines.push(`  - ${s.fileName}: ${s.status} — ${s.reason}`)
    }
    if (Object.keys(written).length > 0) {
      lines.push("")
      for (const [kind, p] of Object.entries(written)) lines.push(`  ${kind.padEnd(14)} ${p}`)
    }
    yield* Console.log(lines.join("\n"))
  })

/** "12,345 tokens, about $0.0123 (estimate)": tokens and, when known, their estimated cost (libs/ai GeminiPrices.ts). */
export const tokensAndCost = (tokens: number, costUsd: number | undefined): string =>
  `${tokens.toLocaleString("en-US")} tokens${costUsd === undefined ? "" : `, about ${formatUsd(costUsd)} (estimate)`}`

/** Prints the session's Gemini totals (every call: selection, edits, video analysis, captions), when it used Gemini. */
export const printSessionUsage = (meta: SessionMeta) =>
  (meta.tokensUsed ?? 0) === 0
    ? Effect.void
    : Console.log(`Gemini for the whole session: ${tokensAndCost(meta.tokensUsed ?? 0, (meta.costMicroUsd ?? 0) / 1_000_000)}`)

/** "3.4 MB" (decimal megabytes). */
const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`

/**
 * The summary of the steps after the selection: one line per step
 * (enhanced N of M with the failed items and why; posts P with their labels
 * and captions; bundles B with their sizes), then where the outputs are.
 */
export const printFlowSummary = (flow: FlowOutcome, outputs: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const lines: Array<string> = [""]
    const e = flow.enhancement
    const enhanced = e.items.filter((i) => i.file !== null)
    const failed = e.items.filter((i) => i.file === null)
    lines.push(`Enhanced ${enhanced.length} of ${e.items.length} kept items${e.error === null ? "" : ` (the enhancement job failed: ${e.error})`}.`)
    for (const i of failed) lines.push(`  - ${i.fileName}: not enhanced (${i.failure?.tag ?? "unknown"}) — ${i.failure?.message ?? ""}; its original is used`)
    const posts = flow.posts
    if (posts !== null) {
      const models = [...new Set(posts.posts.flatMap((p) => (p.caption === null ? [] : [p.caption.model])))]
      lines.push(`Posts ${posts.posts.length}${models.length === 0 ? "" : ` (captions: ${models.map((m) => (m === "offline" ? "offline" : `Gemini, ${m}`)).join(", ")})`}:`)
      for (const p of posts.posts) {
        const caption = p.caption === null ? `no caption (${p.captionError ?? "failed"})` : p.caption.caption.replace(/\s+/g, " ")
        lines.push(`  ${String(p.number).padStart(2)}. ${p.label || "Untitled post"} (${p.fileIds.length} item${p.fileIds.length === 1 ? "" : "s"}) — ${caption.length > 90 ? `${caption.slice(0, 89)}…` : caption}`)
      }
      const bundles = posts.posts.flatMap((p) => p.bundles)
      const total = bundles.reduce((n, b) => n + b.bytes, 0)
      lines.push(
        `Bundles ${bundles.length} (${mb(total)} in all; GPS ${posts.keepGps ? "kept" : "stripped"}; at most ${Math.round(posts.bundleBytes / 1024 / 1024)} MiB each)${posts.downloadError === null ? "" : ` — the download failed: ${posts.downloadError}`}:`
      )
      for (const b of bundles) lines.push(`  ${path.basename(b.file)}  ${mb(b.bytes)}  (${b.entries.length} file${b.entries.length === 1 ? "" : "s"})`)
    }
    lines.push("")
    for (const [kind, p] of Object.entries(outputs)) lines.push(`  ${kind.padEnd(14)} ${p}`)
    yield* Console.log(lines.join("\n"))
  })
