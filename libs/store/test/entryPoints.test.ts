/**
 * The entry-point split (ARCHITECTURE.md "Layout"): a bundle of
 * `@curator/store` (what a Lambda imports) never contains dynalite; only
 * `@curator/store/local` does. Checked on a real esbuild bundle's inputs.
 */
import path from "node:path"
import { build } from "esbuild"
import { describe, expect, it } from "vitest"

const bundledInputs = async (entry: string) => {
  const result = await build({
    entryPoints: [path.resolve(import.meta.dirname, "../src", entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "silent"
  })
  return Object.keys(result.metafile.inputs)
}

describe("entry points", () => {
  it("keeps dynalite out of the main entry and in the local one", async () => {
    const main = await bundledInputs("index.ts")
    const local = await bundledInputs("local.ts")
    expect(main.filter((p) => p.includes("node_modules/dynalite/"))).toEqual([])
    expect(main.some((p) => p.includes("@aws-sdk/lib-dynamodb"))).toBe(true)
    expect(local.some((p) => p.includes("node_modules/dynalite/"))).toBe(true)
  })
})
