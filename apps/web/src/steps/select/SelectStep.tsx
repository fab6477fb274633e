/**
 * Step 2: the selection job with live per-file progress. The job status is
 * polled with backoff (usePoll, Backoff.ts); the poll stops when the job ends,
 * when the page leaves the step (the pending request and timer are
 * cancelled), on a 404, and after `maxPolls`. A finished job moves on to the review; a
 * failed job shows its terminal error and offers a retry, which starts a NEW
 * job (a closed execution name is never reused).
 */
import type { SelectionStatus } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { call, messageOf } from "../../api/ApiClient.js"
import type { Navigate } from "../../App.js"
import { selectionPolicy } from "../../shared/Backoff.js"
import { FileRow } from "../../shared/FileRow.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { usePoll } from "../../shared/usePoll.js"

const LABEL = { pending: "Waiting", processing: "Processing", done: "Done", failed: "Failed" } as const

/** A change worth following closely: any file moved on, or the job ended. */
const signature = (s: SelectionStatus) => `${s.status}:${s.counts.pending}:${s.counts.processing}:${s.counts.done}:${s.counts.failed}`

export const SelectStep = (props: { sessionId: string; jobId: string; navigate: Navigate }) => {
  const { sessionId, jobId, navigate } = props
  const [retrying, setRetrying] = useState(false)
  const [retryError, setRetryError] = useState<string | null>(null)
  // Polled with backoff while the job runs (usePoll); a finished job moves on to the review.
  const poll = usePoll(
    `${sessionId}/${jobId}`,
    (signal) => call((api) => api.selection.status({ params: { sessionId, jobId } }), signal),
    (s) => s.status === "running",
    signature,
    selectionPolicy
  )
  const { data: status, error: pollError, gaveUp } = poll
  useEffect(() => {
    if (status?.status === "complete") navigate({ step: "review", sessionId, jobId }, { replace: true })
  }, [status?.status, sessionId, jobId, navigate])

  const retry = async () => {
    setRetrying(true)
    setRetryError(null)
    try {
      const { jobId: next } = await call((api) =>
        api.selection.start({ params: { sessionId }, payload: status ? { targetCount: status.targetCount } : {} })
      )
      navigate({ step: "select", sessionId, jobId: next })
    } catch (e) {
      setRetryError(messageOf(e))
    } finally {
      setRetrying(false)
    }
  }

  if (status === null) {
    return pollError === null ? (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the selection…
      </div>
    ) : (
      <div class="center">
        <h1>This selection could not be opened</h1>
        <p class="muted">{pollError}</p>
        <a class="btn btn-primary" href="/">
          Start a new trip
        </a>
      </div>
    )
  }

  const { counts } = status
  const finished = counts.done + counts.failed
  const fraction = counts.total === 0 ? 0 : finished / counts.total
  const allProcessed = counts.total > 0 && finished === counts.total

  return (
    <>
      <div class="page-head">
        <div>
          <h1>{status.status === "failed" ? "The selection stopped" : allProcessed ? "Choosing the best shots…" : "Processing your files…"}</h1>
          <p class="muted">
            Each file is checked, its metadata read and a thumbnail made; then the selection compares them all. You can leave this page and come back
            with its link.
          </p>
        </div>
        <a
          class="btn btn-ghost"
          href={`/s/${sessionId}/upload`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "upload", sessionId })
          }}
        >
          ← Files
        </a>
      </div>

      {status.status === "failed" ? (
        <div class="notice notice-bad" role="alert" data-testid="job-error">
          <div>
            <strong>{status.error?.tag ?? "Selection failed"}</strong>
            {status.error?.message ?? "The job ended without a result."}
            {retryError ? <p>{retryError}</p> : null}
          </div>
          <button type="button" class="btn btn-primary" onClick={() => void retry()} disabled={retrying} data-testid="retry">
            {retrying ? <span class="spinner" aria-hidden="true" /> : null}
            Retry with a new job
          </button>
        </div>
      ) : null}

      {gaveUp && status.status === "running" ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Still running.</strong> This page stopped checking after a long while.
          </div>
          <button
            type="button"
            class="btn"
            onClick={poll.wake}
          >
            Check again
          </button>
        </div>
      ) : null}

      {pollError !== null ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Connection trouble, still trying.</strong> {pollError}
          </div>
        </div>
      ) : null}

      <section class="card" aria-labelledby="progress-title">
        <div class="card-head">
          <h2 id="progress-title">
            {finished} of {counts.total} files processed
          </h2>
          <span class={`badge badge-${status.status}`} data-testid="job-status">
            {status.status === "running" ? "Running" : status.status === "complete" ? "Complete" : "Failed"}
          </span>
        </div>
        <ProgressBar value={fraction} label="Files processed" size="large" tone={status.status === "failed" ? "failed" : allProcessed ? "done" : "normal"} />
        <div class="counts" style="margin-top:14px" aria-live="polite">
          <div>
            <strong>{counts.done}</strong>
            <span class="muted small">done</span>
          </div>
          <div>
            <strong>{counts.processing}</strong>
            <span class="muted small">processing</span>
          </div>
          <div>
            <strong>{counts.pending}</strong>
            <span class="muted small">waiting</span>
          </div>
          <div>
            <strong style={counts.failed > 0 ? "color:var(--bad)" : undefined}>{counts.failed}</strong>
            <span class="muted small">could not be read</span>
          </div>
        </div>
      </section>

      <section class="card" aria-labelledby="files-title">
        <div class="card-head">
          <h2 id="files-title">Files</h2>
        </div>
        <ul class="file-list" data-testid="progress-list">
          {status.files.map((f) => (
            <FileRow
              key={f.fileId}
              name={f.name}
              kind={f.type.startsWith("video/") ? "video" : "photo"}
              status={f.status}
              statusLabel={LABEL[f.status]}
              progress={f.status === "pending" ? 0 : f.status === "processing" ? 0.5 : 1}
              reason={f.reason ? f.reason.message : null}
            />
          ))}
        </ul>
      </section>
    </>
  )
}
