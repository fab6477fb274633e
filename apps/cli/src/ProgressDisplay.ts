/**
 * Live progress for the CLI: a cli-progress bar on a TTY (finished / total,
 * with failed ones counted), plain periodic lines otherwise (CI logs).
 * Progress is derived from records (a Query), never from counters: the
 * selection's item records, the enhancement status's items, ...
 */
import type { SelectionItemRecord } from "@curator/contracts"
import cliProgress from "cli-progress"
import { Duration, Effect, Fiber, Schedule } from "effect"

/** Progress at one poll: `finished` counts done and failed items. */
export interface ProgressCounts {
  readonly finished: number
  readonly failed: number
  readonly processing: number
}

interface FollowOptions<E1, R1, E2, R2> {
  /** Total files in the job. */
  readonly total: number
  /** Reads the job's item records. */
  readonly poll: Effect.Effect<ReadonlyArray<SelectionItemRecord>, E1, R1>
  /** Completes when the job's execution has ended. */
  readonly done: Effect.Effect<unknown, E2, R2>
}

interface FollowCountsOptions<E1, R1, E2, R2> {
  /** Total items of the step. */
  readonly total: number
  /** What the items are ("files", "items", "posts"). */
  readonly unit: string
  /** Reads the progress. */
  readonly poll: Effect.Effect<ProgressCounts, E1, R1>
  /** The phase shown after the counts, from the progress. */
  readonly phase: (progress: ProgressCounts) => string
  /** Completes when the step's execution has ended. */
  readonly done: Effect.Effect<unknown, E2, R2>
}

const selectionCounts = (records: ReadonlyArray<SelectionItemRecord>): ProgressCounts => {
  const done = records.filter((r) => r.status === "done").length
  const failed = records.filter((r) => r.status === "failed").length
  return { finished: done + failed, failed, processing: records.filter((r) => r.status === "processing").length }
}

/** Shows `opts.poll`'s progress until `opts.done` completes, then a final line. */
const followCounts = <E1, R1, E2, R2>(opts: FollowCountsOptions<E1, R1, E2, R2>) =>
  Effect.gen(function* () {
    const tty = process.stderr.isTTY === true
    const bar = tty
      ? new cliProgress.SingleBar(
          { format: `  {bar} {value}/{total} ${opts.unit} | {failed} failed | {processing} in progress | {phase}`, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic
        )
      : null
    bar?.start(opts.total, 0, { failed: 0, processing: 0, phase: opts.phase({ finished: 0, failed: 0, processing: 0 }) })
    let lastLine = ""
    const render = (c: ProgressCounts) =>
      Effect.sync(() => {
        const phase = opts.phase(c)
        if (bar) bar.update(c.finished, { failed: c.failed, processing: c.processing, phase })
        else {
          const line = `  ${c.finished}/${opts.total} ${opts.unit} finished (${c.failed} failed) — ${phase}`
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

/** Live progress displays. */
export const ProgressDisplay = {
  /** The selection: files thumbnailed (done or failed), then "selecting". */
  follow: <E1, R1, E2, R2>(opts: FollowOptions<E1, R1, E2, R2>) =>
    followCounts({
      total: opts.total,
      unit: "files",
      poll: opts.poll.pipe(Effect.map(selectionCounts)),
      phase: (c) => (c.finished >= opts.total ? "selecting" : "thumbnails"),
      done: opts.done
    }),
  /** Any step whose progress is counted by `poll` (enhancement: one bar tick per item). */
  followCounts
}
