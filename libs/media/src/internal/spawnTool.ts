/**
 * Runs one external tool as a child process inside Effect: stdin closed (no
 * interactive prompts), stdout collected up to a cap, stderr's tail kept for
 * error messages; interrupting the Effect (e.g. a timeout) SIGKILLs the
 * process and waits until it has exited.
 */
import { spawn } from "node:child_process"
import { Effect } from "effect"

/** What a finished process left behind. `code` is null when a signal ended it. */
export interface SpawnResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: Uint8Array
  readonly stderr: string
}

const STDERR_TAIL_BYTES = 16 * 1024

/**
 * Spawns `file args` (no shell) and resolves when it exits. Fails with a defect
 * only when the binary cannot be started (a deployment bug, not bad input).
 * `maxStdoutBytes` guards memory against a tool printing without end: past it the process is killed.
 */
export const spawnTool = (file: string, args: ReadonlyArray<string>, maxStdoutBytes = 64 * 1024 * 1024): Effect.Effect<SpawnResult> =>
  Effect.callback<SpawnResult>((resume) => {
    const child = spawn(file, [...args], { stdio: ["ignore", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    let outBytes = 0
    let err = ""
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()))
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > maxStdoutBytes) child.kill("SIGKILL")
      else out.push(chunk)
    })
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES)
    })
    child.once("error", (error) => resume(Effect.die(error)))
    child.once("close", (code, signal) =>
      resume(Effect.succeed({ code, signal, stdout: new Uint8Array(Buffer.concat(out)), stderr: err }))
    )
    return Effect.promise(() => {
      child.kill("SIGKILL")
      return exited
    })
  })

/** The last non-empty line of a tool's stderr, for a human-readable reason. */
export const lastLine = (stderr: string): string =>
  stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0).at(-1) ?? "no diagnostic output"
