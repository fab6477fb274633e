/**
 * Runs a Lambda bundle the way its image does, in a FRESH Node process (the
 * pinned Node 24 of this workspace, `process.execPath`): the bundle is copied
 * into a temporary task root next to a node_modules holding only sharp (the
 * one package the bundles leave external, docker/README.md), so any other
 * unbundled import fails here as it would in the image.
 */
import { spawn } from "node:child_process"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"

const root = path.resolve(import.meta.dirname, "../..")

/** The bundle `nx run <app>:bundle` writes. */
export const bundlePath = (app: string) => path.join(root, "dist/apps", app, "lambda.mjs")

/** One invocation's outcome: the handler's value, or the thrown Error's name and message. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly name: string; readonly message: string }

/** What the child process reports: module-init time (ms, `import()` of the bundle) and one outcome per event. */
export interface TaskRun {
  readonly initMs: number
  readonly outcomes: ReadonlyArray<Outcome>
}

/**
 * A task root for `app`'s bundle, as the image lays it out: every file of dist/apps/<app>/ but the
 * esbuild metafile (`lambda.mjs` and its data files, e.g. `cities.pbf`) + `node_modules/sharp`,
 * `node_modules/@img`; removed by the caller.
 */
export const makeTaskRoot = async (app: string): Promise<string> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `task-${app}-`))
  const built = path.dirname(bundlePath(app))
  for (const file of await fs.readdir(built)) {
    if (!file.endsWith(".meta.json")) await fs.copyFile(path.join(built, file), path.join(dir, file))
  }
  await fs.mkdir(path.join(dir, "node_modules"))
  for (const pkg of ["sharp", "@img"]) await fs.symlink(path.join(root, "node_modules", pkg), path.join(dir, "node_modules", pkg))
  return dir
}

// The child: import the bundle (timed), call `handler` on each event in turn, print one JSON line.
const CHILD = `
const { performance } = await import("node:perf_hooks")
const t0 = performance.now()
const mod = await import(process.env.SMOKE_BUNDLE_URL)
const initMs = performance.now() - t0
const outcomes = []
for (const event of JSON.parse(process.env.SMOKE_EVENTS)) {
  try { outcomes.push({ ok: true, value: await mod[process.env.SMOKE_HANDLER](event, {}) }) }
  catch (e) { outcomes.push({ ok: false, name: e?.name ?? typeof e, message: e?.message ?? String(e) }) }
}
process.stdout.write("\\nSMOKE " + JSON.stringify({ initMs, outcomes }) + "\\n")
process.exit(0)
`

/**
 * Loads `taskRoot`/lambda.mjs in a fresh process with exactly `env` (plus PATH, HOME) and
 * invokes its export `handlerName` (default `handler`, what the image's CMD names; a CMD
 * override such as `lambda.bundleHandler` names another) on `events` in order. Rejects when
 * the process fails to report.
 */
export const runTask = (
  taskRoot: string,
  env: Readonly<Record<string, string>>,
  events: ReadonlyArray<unknown>,
  handlerName = "handler"
): Promise<TaskRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...env,
        SMOKE_BUNDLE_URL: new URL(`file://${path.join(taskRoot, "lambda.mjs")}`).href,
        SMOKE_EVENTS: JSON.stringify(events),
        SMOKE_HANDLER: handlerName
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.on("error", reject)
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("SMOKE "))
      if (line === undefined) reject(new Error(`the bundle did not report (exit ${code}):\n${err.slice(-4000)}`))
      else resolve(JSON.parse(line.slice("SMOKE ".length)) as TaskRun)
    })
  })
