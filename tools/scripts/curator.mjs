// `npm start [-- <command> ...]`: bundles the CLI (esbuild, well under a second)
// and runs it on the pinned Node 24. With no arguments it runs the main job
// on the sample trip that tools/fixtures/generate-sample generates.
import { spawnSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bundle } from "./bundle.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const out = path.join(root, "dist/apps/cli/main.mjs")
await bundle(path.join(root, "apps/cli/src/main.ts"), out)
const args = process.argv.slice(2)
const argv = args.length > 0 ? args : ["run", "--sample"]
const r = spawnSync(process.execPath, ["--enable-source-maps", out, ...argv], { stdio: "inherit", cwd: process.env.INIT_CWD ?? process.cwd() })
process.exit(r.status ?? 1)
