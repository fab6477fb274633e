/**
 * The web app's import graph, read by madge (TypeScript resolution, type-only
 * imports included: a cycle through a type is still a cycle a reader must
 * follow). README "Source" gives the layers:
 *
 *   main.tsx, App.tsx   the shell: the only modules that import a step
 *   steps/<step>/       one folder per step: view, hook, model; imports api/, router/, shared/ and its own folder
 *   shared/             what several steps use; imports api/ and router/
 *   router/, api/       the URL <-> step model and navigation; the typed API client, sign-in and mode
 */
import madge from "madge"
import path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"

const app = path.resolve(import.meta.dirname, "..")
let graph: Record<string, Array<string>>
let cycles: Array<Array<string>>
let skipped: Array<string>

beforeAll(async () => {
  const result = await madge(path.join(app, "src"), {
    fileExtensions: ["ts", "tsx"],
    tsConfig: path.join(app, "tsconfig.json"),
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } }
  })
  graph = result.obj()
  cycles = result.circular()
  skipped = result.warnings().skipped
}, 120_000)

/** The layer of a source file: `steps/<step>` for a step, else its top folder, or `shell` for the files at the top. */
const layerOf = (file: string): string => {
  const parts = file.split("/")
  if (parts.length === 1) return "shell"
  return parts[0] === "steps" ? `steps/${parts[1]}` : (parts[0] ?? "shell")
}

/** What each layer may import besides itself (`*`: anything). A step is `steps/<step>`; it never imports another step. */
const allowed = (layer: string): ReadonlyArray<string> => {
  if (layer === "shell") return ["*"]
  if (layer.startsWith("steps/")) return ["api", "router", "shared"]
  if (layer === "shared") return ["api", "router"]
  return [] // api, router
}

describe("apps/web import graph", () => {
  it("every relative import resolves to a source file (an unresolved one would hide its edges)", () => {
    expect(skipped.filter((s) => s.startsWith("."))).toEqual([])
    expect(Object.keys(graph)).toContain("main.tsx")
    expect(graph["main.tsx"]).toContain("App.tsx")
  })

  it("has no import cycle (the App <-> steps cycle of issue 13 included)", () => {
    expect(cycles).toEqual([])
  })

  it("keeps the layers: a step imports no other step, only the shell imports steps, shared/ and router/ and api/ stay below them", () => {
    const wrong: Array<string> = []
    for (const [file, imports] of Object.entries(graph)) {
      const from = layerOf(file)
      for (const target of imports) {
        if (target.endsWith(".css")) continue
        const to = layerOf(target)
        const ok = to === from || allowed(from).includes("*") || allowed(from).includes(to)
        if (!ok) wrong.push(`${file} -> ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })
})
