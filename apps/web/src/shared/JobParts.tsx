/**
 * The parts the job steps (select, enhance, download) share: the job badge,
 * the notices of a poll (it gave up after its cap; the connection fails), the
 * failed-job notice with its retry, and the card of counts with the total bar.
 */
import type { ComponentChildren } from "preact"
import { finishedOf, type JobState, jobLabel, jobTone } from "./Jobs.js"
import { ProgressBar } from "./ProgressBar.js"
import { Spinner } from "./StepFrame.js"
import type { Poll } from "./usePoll.js"

/** The job's status as a coloured badge. */
export const JobBadge = (props: { status: JobState; testid: string }) => (
  <span class={`badge badge-${props.status}`} data-testid={props.testid}>
    {jobLabel(props.status)}
  </span>
)

/** Shown when the poll stopped after `maxPolls` while the job still `moving`: "Check again" wakes it. */
export const GaveUpNotice = (props: { poll: Pick<Poll<unknown>, "gaveUp" | "wake">; moving: boolean; what: string }) =>
  props.poll.gaveUp && props.moving ? (
    <div class="notice notice-warn" role="status">
      <div>
        <strong>{props.what}</strong> This page stopped checking after a long while.
      </div>
      <button type="button" class="btn" onClick={props.poll.wake}>
        Check again
      </button>
    </div>
  ) : null

/** The poll's last failure; `trying` while the poll goes on. */
export const ConnectionNotice = (props: { error: string | null; trying: boolean }) =>
  props.error !== null ? (
    <div class="notice notice-warn" role="status">
      <div>
        <strong>Connection trouble{props.trying ? ", still trying" : ""}.</strong> {props.error}
      </div>
    </div>
  ) : null

/** A failed job: its error tag and message (or the fallbacks), `detail` under them, and "Retry with a new job". */
export const JobFailedNotice = (props: {
  error: { readonly tag: string; readonly message: string } | null
  fallback: { readonly tag: string; readonly message: string }
  retry: { readonly busy: boolean; readonly run: () => unknown }
  detail?: ComponentChildren
}) => (
  <div class="notice notice-bad" role="alert" data-testid="job-error">
    <div>
      <strong>{props.error?.tag ?? props.fallback.tag}</strong>
      {props.error?.message ?? props.fallback.message}
      {props.detail}
    </div>
    <button type="button" class="btn btn-primary" onClick={() => void props.retry.run()} disabled={props.retry.busy} data-testid="retry">
      {props.retry.busy ? <Spinner /> : null}
      Retry with a new job
    </button>
  </div>
)

/** Counts of a job's items by status (SelectionStatus / EnhancementStatus `counts`). */
export interface JobCounts {
  readonly total: number
  readonly pending: number
  readonly processing: number
  readonly done: number
  readonly failed: number
}

/**
 * The progress card: "n of N <noun>", the badge, the total bar and the counts
 * (done, `words.processing`, waiting, `words.failed`; each with
 * `data-testid="count-<status>"`).
 */
export const JobCountsCard = (props: {
  status: JobState
  counts: JobCounts
  noun: string
  barLabel: string
  words: { readonly processing: string; readonly failed: string }
  testid?: string
}) => {
  const { counts } = props
  const { finished, fraction } = finishedOf(counts)
  return (
    <section class="card" aria-labelledby="progress-title">
      <div class="card-head">
        <h2 id="progress-title">
          {finished} of {counts.total} {props.noun}
        </h2>
        <JobBadge status={props.status} testid="job-status" />
      </div>
      <ProgressBar value={fraction} label={props.barLabel} size="large" tone={jobTone(props.status, finished, counts.total)} />
      <div class="counts" style="margin-top:14px" aria-live="polite" data-testid={props.testid}>
        <div>
          <strong data-testid="count-done">{counts.done}</strong>
          <span class="muted small">done</span>
        </div>
        <div>
          <strong data-testid="count-processing">{counts.processing}</strong>
          <span class="muted small">{props.words.processing}</span>
        </div>
        <div>
          <strong data-testid="count-pending">{counts.pending}</strong>
          <span class="muted small">waiting</span>
        </div>
        <div>
          <strong data-testid="count-failed" style={counts.failed > 0 ? "color:var(--bad)" : undefined}>
            {counts.failed}
          </strong>
          <span class="muted small">{props.words.failed}</span>
        </div>
      </div>
    </section>
  )
}
