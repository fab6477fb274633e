/**
 * Live progress for the CLI: a cli-progress bar on a TTY (processed / total,
 * with failed files counted), plain periodic lines otherwise (CI logs).
 * Progress is derived from the item records (a Query), never from counters.
 */
import type { SelectionItemRecord } from "@curator/contracts"
import cliProgress from "cli-progress"
import { Duration, Effect, Fiber, Schedule } from "effect"

interface FollowOptions<E1, R1, E2, R2> {
  /** Total files in the job. */
  readonly total: number
  /** Reads the job's item records. */
  readonly poll: Effect.Effect<ReadonlyArray<SelectionItemRecord>, E1, R1>
  /** Completes when the job's execution has ended. */
  readonly done: Effect.Effect<unknown, E2, R2>
}

const counts = (records: ReadonlyArray<SelectionItemRecord>) => ({
  done: records.filter((r) => r.status === "done").length,
  failed: records.filter((r) => r.status === "failed").length,
  processing: records.filter((r) => r.status === "processing").length
})

/** Shows progress until `done` completes, then a final line. */
export const ProgressDisplay = {
  follow: <E1, R1, E2, R2>(opts: FollowOptions<E1, R1, E2, R2>) =>
    Effect.gen(function* () {
      const tty = process.stderr.isTTY === true
      const bar = tty
        ? new cliProgress.SingleBar(
            { format: "  {bar} {value}/{total} files | {failed} failed | {processing} in progress | {phase}", hideCursor: true, clearOnComplete: false },
            cliProgress.Presets.shades_classic
          )
        : null
      bar?.start(opts.total, 0, { failed: 0, processing: 0, phase: "thumbnails" })
      let lastLine = ""
      const render = (records: ReadonlyArray<SelectionItemRecord>) =>
        Effect.sync(() => {
          const c = counts(records)
          const finished = c.done + c.failed
          const phase = finished >= opts.total ? "selecting" : "thumbnails"
          if (bar) bar.update(finished, { failed: c.failed, processing: c.processing, phase })
          else {
            const line = `  ${finished}/${opts.total} files processed (${c.failed} failed) — ${phase}`
            if (line !== lastLine) process.stderr.write(`${line}\n`)
            lastLine = line
          }
        })
      const poller = yield* opts.poll.pipe(
        Effect.flatMap(render),
        Effect.ignore,
        Effect.repeat(Schedule.spaced(Duration.millis(tty ? 150 : 1000))),
        Effect.forkChild
      )
      yield* opts.done.pipe(Effect.ensuring(Fiber.interrupt(poller)))
      yield* opts.poll.pipe(Effect.flatMap(render), Effect.ignore)
      bar?.stop()
    })
}
