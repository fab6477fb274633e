import { preset } from "../../tools/vitest.preset.js"

export default preset(import.meta.dirname)
