import { defineConfig, mergeConfig } from "vitest/config"
import { preset } from "../../vitest.preset.js"

// One browser and one server for the whole file: tests run in order and share them.
export default mergeConfig(preset(import.meta.dirname), defineConfig({ test: { fileParallelism: false, testTimeout: 180_000, hookTimeout: 120_000 } }))
