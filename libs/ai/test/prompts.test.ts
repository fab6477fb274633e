import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { PROMPTS } from "../src/index.js"

const dir = join(import.meta.dirname, "..", "prompts")

describe("prompts.generated.ts", () => {
  it("holds exactly the texts of prompts/*.md (run scripts/generate-prompts.mjs after editing a prompt)", () => {
    const files = Object.fromEntries(
      readdirSync(dir).filter((f) => f.endsWith(".md")).map((f) => [f.slice(0, -3), readFileSync(join(dir, f), "utf8")])
    )
    expect(PROMPTS).toEqual(files)
  })
})
