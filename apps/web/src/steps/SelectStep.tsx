/**
 * Step 2: the selection job with live per-file progress. The job status is
 * polled with backoff (Backoff.ts); the poll stops when the job ends, when
 * the page leaves the step (its AbortController cancels the pending request
 * and timer), and after `maxPolls`. A finished job moves on to the review; a
 * failed job shows its terminal error and offers a retry, which starts a NEW
 * job (a closed execution name is never reused).
 */
import type { SelectionStatus } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { call, messageOf } from "../ApiClient.js"
import type { Navigate } from "../App.js"
import { nextDelay, selectionPolicy } from "../Backoff.js"
import { FileRow } from "../components/FileRow.js"
import { ProgressBar } from "../components/ProgressBar.js"

const LABEL = { pending: "Waiting", processing: "Processing", done: "Done", failed: "Failed" } as const

/** A change worth following closely: any file moved on, or the job ended. */
const signature = (s: SelectionStatus) => `${s.status}:${s.counts.pending}:${s.counts.processing}:${s.counts.done}:${s.counts.failed}`

export const SelectStep = (props: { sessionId: string; jobId: string; navigate: Navigate }) => {
  const { sessionId, jobId, navigate } = props
  const [status, setStatus] = useState<SelectionStatus | null>(null)
  const [pollError, setPollError] = useState<string | null>(null)
  const [gaveUp, setGaveUp] = useState(false)
  const [round, setRound] = useState(0)
  const [retrying, setRetrying] = useState(false)
  const [retryError, setRetryError] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    let polls = 0
    let idle = 0
    let last = ""
    const poll = async () => {
      polls++
      try {
        const s = await call((api) => api.selection.status({ params: { sessionId, jobId } }), controller.signal)
        if (controller.signal.aborted) return
        setStatus(s)
        setPollError(null)
        const sig = signature(s)
        idle = sig === last ? idle + 1 : 0
        last = sig
        if (s.status === "complete") {
          navigate({ step: "review", sessionId, jobId }, { replace: true })
          return
        }
        if (s.status === "failed") return
      } catch (e) {
        if (controller.signal.aborted) return
        setPollError(messageOf(e))
        idle++
      }
      if (polls >= selectionPolicy.maxPolls) {
        setGaveUp(true)
        return
      }
      timer = setTimeout(() => void poll(), nextDelay(selectionPolicy, idle, Math.random()))
    }
    void poll()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [sessionId, jobId, round, navigate])

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
            onClick={() => {
              setGaveUp(false)
              setRound((n) => n + 1)
            }}
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
