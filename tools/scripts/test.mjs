// `npm test`: typecheck, lint and test every project through Nx, then print
// one closing line summing the vitest JSON reports ("N passed, N failed").
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

const reports = path.resolve("test-output/vitest")
fs.rmSync(reports, { recursive: true, force: true })
const extra = process.argv.slice(2)
const r = spawnSync("nx", ["run-many", "-t", "typecheck", "lint", "test", "--output-style=stream", "--parallel=2", "--skip-nx-cache", ...extra], {
  stdio: "inherit",
  env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false" }
})
let passed = 0, failed = 0, skipped = 0
if (fs.existsSync(reports)) {
  for (const f of fs.readdirSync(reports).filter((f) => f.endsWith(".json"))) {
    const j = JSON.parse(fs.readFileSync(path.join(reports, f), "utf8"))
    passed += j.numPassedTests ?? 0
    failed += j.numFailedTests ?? 0
    skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0)
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(r.status ?? 1)
