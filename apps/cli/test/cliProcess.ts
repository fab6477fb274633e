/**
 * Runs the bundled CLI in a fresh Node process, as a person runs it, for the
 * end-to-end tests: bundled with the same script `npm start` uses, optionally
 * as an unprivileged user (the machine's tests run as root, which may read any
 * file: `setpriv` drops to `nobody` so a mode-000 file really fails open()
 * with EACCES, as it does for a normal user).
 */
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"

export const root = path.resolve(import.meta.dirname, "../../..")
export const fixtures = path.resolve(root, "../shared/fixtures/media")

/** Bundles apps/cli/src/main.ts to `out` with tools/scripts/bundle.mjs (what `npm start` runs). */
export const bundleCli = async (out: string): Promise<void> => {
  const { bundle } = (await import(pathToFileURL(path.join(root, "tools/scripts/bundle.mjs")).href)) as {
    bundle: (entry: string, out: string) => Promise<unknown>
  }
  await bundle(path.join(root, "apps/cli/src/main.ts"), out)
}

/**
 * The environment of a CLI child: this process's, without colours (`NO_COLOR`) and `extra` on top.
 * `FORCE_COLOR` (set by Nx for its tasks) is left out: next to NO_COLOR it makes Node print a
 * warning on stderr, which is not the CLI's output.
 */
export const cliEnv = (extra: Record<string, string> = {}): Record<string, string | undefined> => {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...extra }
  delete env["FORCE_COLOR"]
  return env
}

/** The uid/gid of `nobody` (Debian: 65534), used when the tests run as root. */
const NOBODY = 65534

/** True when the tests run as root, where file permissions do not stop reads. */
export const runningAsRoot = (): boolean => process.getuid?.() === 0

/**
 * Runs `node <cli> ...args`. `unprivileged`: as root, through `setpriv` as nobody (the files it
 * must write go in folders from {@link worldWritableDir}); as a normal user, directly.
 */
export const runCliProcess = (cli: string, args: ReadonlyArray<string>, options: { readonly unprivileged?: boolean; readonly env?: Record<string, string> } = {}) => {
  const env = cliEnv(options.env)
  const drop = options.unprivileged === true && runningAsRoot()
  const command = drop ? "/usr/bin/setpriv" : process.execPath
  const argv = drop ? [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, cli, ...args] : [cli, ...args]
  return spawnSync(command, argv, { encoding: "utf8", timeout: 300_000, env })
}

/** A fresh temp folder every user may write (for a CLI run as nobody). */
export const worldWritableDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.chmodSync(dir, 0o777)
  return dir
}
