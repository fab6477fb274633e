/**
 * Shared vitest settings: forks pool sized for the 2-core CI machine, long
 * timeouts for real media work, and a JSON report per project that
 * tools/scripts/test.mjs sums into the closing "N passed, N failed" line.
 */
import path from "node:path"
import { defineConfig } from "vitest/config"

export const preset = (projectDir: string) => {
  const name = path.basename(projectDir)
  return defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      pool: "forks",
      maxWorkers: 2,
      reporters: ["default", ["json", { outputFile: path.resolve(projectDir, "../../test-output/vitest", `${name}.json`) }]]
    }
  })
}
