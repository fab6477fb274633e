// `npm run smoke:gemini`: the real Gemini smoke test (issue 16; not part of `npm test`).
// Without GEMINI_API_KEY it says so and exits 0. With it, it bundles tools/smoke/gemini.ts with the
// same esbuild setup as the CLI (tools/scripts/bundle.mjs) into dist/smoke/gemini.mjs and runs it on
// this Node: models.get on every configured model, a selection of 2 photos + 1 clip from the
// fixtures, one photo edit with its review, one video analysis and one caption, printing each step's
// model, tokens and estimated cost (target: under $0.10 in all). Exit status: the run's.
import { spawnSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bundle } from "./bundle.mjs"

if ((process.env.GEMINI_API_KEY ?? "").trim() === "") {
  console.log("GEMINI_API_KEY is not set: the Gemini smoke test needs a real key, skipped (exit 0).")
  process.exit(0)
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const out = path.join(root, "dist/smoke/gemini.mjs")
await bundle(path.join(root, "tools/smoke/gemini.ts"), out)
const result = spawnSync(process.execPath, [out], { stdio: "inherit", env: process.env })
process.exit(result.status ?? 1)
