import path from "node:path"
import { preset } from "../vitest.preset.js"

// The shared preset places its JSON report two folders up (apps/<x>, libs/<x>); docker/ is one deep.
const config = preset(import.meta.dirname)
config.test = {
  ...config.test,
  reporters: ["default", ["json", { outputFile: path.resolve(import.meta.dirname, "../test-output/vitest/docker.json") }]]
}

export default config
