// Screenshots and graphics among photos (issue 12 item 9; docs/performance.md "Issue 12:
// screenshots and graphics"): `npx nx run tools:bench-nonphotos` (= `node tools/bench/nonphotos.mjs`
// from the workspace root, on the pinned Node 24). Bundles tools/bench/src/nonPhotos.ts and runs it;
// see that file for the sets. Options (environment): BENCH_NONPHOTO_PHOTOS and
// BENCH_NONPHOTO_GRAPHICS (comma-separated folders added to the photo and non-photo sets).
import { spawnSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { bundle } from "../scripts/bundle.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const entry = path.join(root, "dist/bench/nonphotos.mjs")
await bundle(path.join(root, "tools/bench/src/nonPhotos.ts"), entry)
const r = spawnSync(process.execPath, [entry], { cwd: root, stdio: "inherit" })
process.exit(r.status ?? 1)
