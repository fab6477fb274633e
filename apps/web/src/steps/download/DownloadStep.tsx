/**
 * Step 7: take the files away. `/download` shows the settings ("Keep GPS
 * location in files", off by default; the bundle size) and starts a download
 * job; when the session already has one it opens it. `/download/<jobId>`
 * polls the job with backoff while it runs (DownloadModel `keepPolling`) and
 * shows each post's progress, then one button per bundle (a signed GET with
 * `Content-Disposition: attachment`, fetched when clicked), its size and its
 * entries in carousel order. A job made before the posts or the review
 * changed is `stale`: shown as such with "Build again".
 */
import type { DownloadStatus, PostsState } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { ApiFailure, call, messageOf } from "../../api/ApiClient.js"
import type { Navigate } from "../../App.js"
import { postsPolicy } from "../../shared/Backoff.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { DEFAULT_BUNDLE_SIZE, downloadSignature, formatBytes, keepPolling, postBytes } from "./DownloadModel.js"
import { postTitle } from "../group/GroupModel.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { usePoll } from "../../shared/usePoll.js"

const LABEL = { pending: "Waiting", processing: "Packing", done: "Ready", failed: "Failed" } as const

/** An error of one call as people read it: the server's message, with the HTTP status for conflicts and refusals. */
const failureText = (e: unknown): string => (e instanceof ApiFailure && e.status >= 400 ? `${e.message} (${e.status} ${e.tag})` : messageOf(e))

/** The settings and the start button; used before the first job and to build again. */
const StartForm = (props: { sessionId: string; navigate: Navigate; keepGps: boolean; bundleBytes: number; label: string; primary: boolean }) => {
  const [keepGps, setKeepGps] = useState(props.keepGps)
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setKeepGps(props.keepGps), [props.keepGps])
  const start = async () => {
    setStarting(true)
    setError(null)
    try {
      const { jobId } = await call((api) => api.downloads.start({ params: { sessionId: props.sessionId }, payload: { keepGps } }))
      notifySessionChanged()
      props.navigate({ step: "download", sessionId: props.sessionId, jobId })
    } catch (e) {
      setError(`The download was not started: ${failureText(e)}`)
    } finally {
      setStarting(false)
    }
  }
  return (
    <div class="download-form" data-testid="download-form">
      <label class="check">
        <input type="checkbox" checked={keepGps} onChange={(e) => setKeepGps((e.currentTarget as HTMLInputElement).checked)} data-testid="keep-gps" />
        <span>
          <strong>Keep GPS location in files</strong>
          <span class="muted small" data-testid="keep-gps-hint">
            {keepGps
              ? " On: every photo and video keeps the place where it was taken."
              : " Off: the location is removed from every photo and video (the pictures themselves are not changed)."}
          </span>
        </span>
      </label>
      <p class="muted small" data-testid="bundle-size">
        Each post is one ZIP file; a post larger than {formatBytes(props.bundleBytes)} is split into several.
      </p>
      <div class="actions">
        <button type="button" class={`btn ${props.primary ? "btn-primary btn-large" : ""}`} disabled={starting} onClick={() => void start()} data-testid="start-download">
          {starting ? <span class="spinner" aria-hidden="true" /> : null}
          {props.label}
        </button>
      </div>
      {error !== null ? (
        <p class="item-error" role="alert" data-testid="download-start-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** `/download`: the settings before a job, or straight to the session's latest job. */
const DownloadSettings = (props: { sessionId: string; navigate: Navigate }) => {
  const { sessionId, navigate } = props
  const [posts, setPosts] = useState<PostsState | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then(async (session) => {
        if (session.download !== null) return navigate({ step: "download", sessionId, jobId: session.download.jobId }, { replace: true })
        const p = await call((api) => api.posts.list({ params: { sessionId } }), controller.signal)
        if (!controller.signal.aborted) setPosts(p)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setError(messageOf(e))
      })
    return () => controller.abort()
  }, [sessionId])
  if (error !== null) {
    return (
      <div class="center">
        <h1>The download could not be opened</h1>
        <p class="muted">{error}</p>
      </div>
    )
  }
  if (posts === null) {
    return (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading…
      </div>
    )
  }
  const open = posts.posts.filter((p) => p.fileIds.length > 0)
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Download</h1>
          <p class="muted">Your posts as ZIP files of their photos and videos, named in carousel order, ready to post.</p>
        </div>
      </div>
      <section class="card" aria-labelledby="dl-title">
        <div class="card-head">
          <h2 id="dl-title">
            {open.length} post{open.length === 1 ? "" : "s"}, {open.reduce((n, p) => n + p.fileIds.length, 0)} items
          </h2>
        </div>
        <ul class="dl-posts">
          {open.map((p) => (
            <li key={p.postId}>
              {postTitle(p)} <span class="muted small">· {p.fileIds.length} items</span>
            </li>
          ))}
        </ul>
        {open.length > 0 ? (
          <StartForm sessionId={sessionId} navigate={navigate} keepGps={false} bundleBytes={DEFAULT_BUNDLE_SIZE} label="Prepare the download" primary={true} />
        ) : (
          <p class="muted">No post has items yet: group your items into posts first.</p>
        )}
      </section>
    </>
  )
}

/** Fetches a bundle's signed URL and follows it (the answer is an attachment: the browser saves it). */
const BundleButton = (props: { sessionId: string; jobId: string; name: string; bytes: number }) => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const get = async () => {
    setBusy(true)
    setError(null)
    try {
      const media = await call((api) => api.downloads.bundleUrl({ params: { sessionId: props.sessionId, jobId: props.jobId, name: props.name } }))
      const a = document.createElement("a")
      a.href = media.url
      a.download = `${props.name}.zip`
      a.rel = "noopener"
      document.body.appendChild(a)
      a.click()
      a.remove()
    } catch (e) {
      setError(failureText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void get()} data-testid="bundle-download" data-name={props.name}>
        {busy ? <span class="spinner" aria-hidden="true" /> : "↓"} {props.name}.zip
        <span class="muted-inverse">({formatBytes(props.bytes)})</span>
      </button>
      {error !== null ? (
        <span class="item-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  )
}

/** `/download/<jobId>`: one job's progress and bundles. */
const DownloadJob = (props: { sessionId: string; jobId: string; navigate: Navigate }) => {
  const { sessionId, jobId, navigate } = props
  const poll = usePoll<DownloadStatus>(
    jobId,
    (signal) => call((api) => api.downloads.status({ params: { sessionId, jobId } }), signal),
    keepPolling,
    downloadSignature,
    postsPolicy
  )
  const status = poll.data
  if (status === null) {
    return poll.error === null ? (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the download…
      </div>
    ) : (
      <div class="center">
        <h1>This download could not be opened</h1>
        <p class="muted">{poll.error}</p>
        <a
          class="btn btn-primary"
          href={`/s/${sessionId}/download`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "download", sessionId, jobId: null })
          }}
        >
          Prepare a download
        </a>
      </div>
    )
  }
  const moving = keepPolling(status)
  const { counts } = status
  const finished = counts.done + counts.failed
  const totalBytes = status.posts.reduce((n, p) => n + postBytes(p), 0)
  return (
    <>
      <div class="page-head">
        <div>
          <h1>
            {moving ? "Packing your posts…" : status.status === "failed" ? "The download stopped" : status.stale ? "An out-of-date download" : "Your download is ready"}
          </h1>
          <p class="muted">
            One ZIP per post (split above {formatBytes(status.bundleBytes)}), files named in carousel order.{" "}
            {status.keepGps ? "GPS locations are kept in the files." : "GPS locations were removed from the files."}
          </p>
        </div>
        <a
          class="btn btn-ghost"
          href={`/s/${sessionId}/caption`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "caption", sessionId, postId: null })
          }}
        >
          ← Captions
        </a>
      </div>

      {status.stale ? (
        <div class="notice notice-warn" role="status" data-testid="download-stale">
          <div>
            <strong>This download is out of date.</strong> The posts or the selection changed after it was made.
          </div>
          <StartForm sessionId={sessionId} navigate={navigate} keepGps={status.keepGps} bundleBytes={status.bundleBytes} label="Build again" primary={true} />
        </div>
      ) : null}
      {status.status === "failed" ? (
        <div class="notice notice-bad" role="alert" data-testid="download-error">
          <div>
            <strong>{status.error?.tag ?? "Download failed"}</strong> {status.error?.message ?? ""}
          </div>
        </div>
      ) : null}
      {poll.error !== null ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Connection trouble{moving ? ", still trying" : ""}.</strong> {poll.error}
          </div>
        </div>
      ) : null}
      {poll.gaveUp && moving ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Still packing.</strong> This page stopped checking after a long while.
          </div>
          <button type="button" class="btn" onClick={poll.wake}>
            Check again
          </button>
        </div>
      ) : null}

      <section class="card" aria-labelledby="dl-progress" data-testid="download" data-job-id={status.jobId} data-status={status.status} data-keep-gps={String(status.keepGps)}>
        <div class="card-head">
          <h2 id="dl-progress">
            {finished} of {counts.total} posts packed
          </h2>
          <span class="muted small">{totalBytes > 0 ? `${formatBytes(totalBytes)} in all` : ""}</span>
          <span class={`badge badge-${status.status}`} data-testid="download-status">
            {status.status === "running" ? "Running" : status.status === "complete" ? "Complete" : "Failed"}
          </span>
        </div>
        <ProgressBar
          value={counts.total === 0 ? 0 : finished / counts.total}
          label="Posts packed"
          size="large"
          tone={status.status === "failed" ? "failed" : finished === counts.total && counts.total > 0 ? "done" : "normal"}
        />
        <ul class="dl-post-list">
          {[...status.posts]
            .sort((a, b) => a.index - b.index)
            .map((p) => (
              <li key={p.postId} class="dl-post" data-testid="download-post" data-post-id={p.postId} data-status={p.status}>
                <div class="dl-post-head">
                  <strong>{postTitle(p)}</strong>
                  <span class="muted small">
                    {p.entries.length} file{p.entries.length === 1 ? "" : "s"}
                  </span>
                  <span class="bar-cell">
                    <ProgressBar
                      value={p.status === "pending" ? 0 : p.status === "processing" ? 0.5 : 1}
                      label={`${postTitle(p)}: ${LABEL[p.status]}`}
                      tone={p.status === "failed" ? "failed" : p.status === "done" ? "done" : "normal"}
                    />
                  </span>
                  <span class={`badge badge-${p.status}`}>{LABEL[p.status]}</span>
                </div>
                {p.reason !== null ? (
                  <p class="item-error">
                    <strong>{p.reason.tag}</strong> {p.reason.message}
                  </p>
                ) : null}
                {p.bundles.map((b) => (
                  <div key={b.name} class="bundle" data-testid="bundle" data-name={b.name} data-bytes={b.bytes}>
                    <BundleButton sessionId={sessionId} jobId={jobId} name={b.name} bytes={b.bytes} />
                    <details>
                      <summary>
                        {b.entries.length} file{b.entries.length === 1 ? "" : "s"}
                      </summary>
                      <ol class="bundle-entries" data-testid="bundle-entries">
                        {b.entries.map((e) => (
                          <li key={e}>{e}</li>
                        ))}
                      </ol>
                    </details>
                  </div>
                ))}
              </li>
            ))}
        </ul>
      </section>

      {!status.stale && !moving ? (
        <section class="card" aria-labelledby="dl-again">
          <div class="card-head">
            <h2 id="dl-again">Another download</h2>
            <span class="muted small">With other settings; this one stays available.</span>
          </div>
          <StartForm sessionId={sessionId} navigate={navigate} keepGps={status.keepGps} bundleBytes={status.bundleBytes} label="Build a new download" primary={false} />
        </section>
      ) : null}
    </>
  )
}

export const DownloadStep = (props: { sessionId: string; jobId: string | null; navigate: Navigate }) =>
  props.jobId === null ? (
    <DownloadSettings sessionId={props.sessionId} navigate={props.navigate} />
  ) : (
    <DownloadJob sessionId={props.sessionId} jobId={props.jobId} navigate={props.navigate} />
  )
