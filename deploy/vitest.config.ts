/**
 * The shared preset, with the JSON report moved to the workspace's
 * test-output/vitest/ (the preset assumes a project two levels deep; deploy/ is one).
 */
import path from "node:path"
import { defineConfig } from "vitest/config"
import { preset } from "../vitest.preset.js"

const base = preset(import.meta.dirname)

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    reporters: ["default", ["json", { outputFile: path.resolve(import.meta.dirname, "../test-output/vitest/infra.json") }]]
  }
})
