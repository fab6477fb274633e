import { builtinModules } from "node:module"
import base from "../../eslint.config.mjs"

export default [
  ...base,
  {
    // The app runs in the browser: Node built-ins are refused here too (the Nx boundary rule's `node:*`
    // ban only sees npm packages in the project graph, not built-in modules).
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: builtinModules.map((name) => ({ name, message: "browser code: no Node built-ins" })), patterns: [{ group: ["node:*"], message: "browser code: no Node built-ins" }] }
      ]
    }
  }
]
