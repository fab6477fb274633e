/**
 * The closing summary of `curator run`: how many items were picked, why the
 * others were left out (by category), which files could not be processed and
 * why, and where the outputs are.
 */
import type { SelectionResult } from "@curator/contracts"
import { Console, Effect } from "effect"
import type { ReportInput } from "./report/ReportInput.js"

/** "offline selection" for the offline model, "Gemini selection, <model>" otherwise. */
export const selectionLabel = (model: string): string => (model === "offline" ? "offline selection" : `Gemini selection, ${model}`)

/** Prints the summary to stdout. `written` maps output kinds to file paths. */
export const printSummary = (result: SelectionResult, items: ReportInput["items"], written: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const name = new Map(items.map((i) => [i.fileId, i.fileName]))
    const byCategory = new Map<string, number>()
    for (const e of result.excluded) byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + 1)
    const lines: Array<string> = []
    lines.push("")
    lines.push(`Selected ${result.selected.length} of ${items.length} files in ${result.sceneGroups.length} scene(s) (${selectionLabel(result.model)}):`)
    for (const s of result.selected) lines.push(`  ${String(s.rank).padStart(2)}. ${name.get(s.fileId)}  [${s.scene}] ${s.justification}`)
    if (result.excluded.length > 0) {
      lines.push(`Excluded ${result.excluded.length}: ${[...byCategory].map(([c, n]) => `${n} ${c}`).join(", ")}`)
      for (const e of result.excluded) {
        const dup = e.duplicateOf ? ` (duplicate of ${name.get(e.duplicateOf) ?? e.duplicateOf})` : ""
        lines.push(`  - ${name.get(e.fileId)}: ${e.category}${dup} — ${e.reason}`)
      }
    }
    lines.push("")
    for (const [kind, p] of Object.entries(written)) lines.push(`  ${kind.padEnd(14)} ${p}`)
    yield* Console.log(lines.join("\n"))
  })
