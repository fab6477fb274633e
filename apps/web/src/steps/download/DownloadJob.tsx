/**
 * `/download/<jobId>`: one download job (useDownloadJob): each post's
 * progress, then one button per bundle, its size and entries. A job made
 * before the posts or the review changed is `stale`: shown as such with
 * "Build again"; a finished job offers another download with other settings.
 */
import { Link } from "../../router/Router.js"
import { finishedOf, jobTone } from "../../shared/Jobs.js"
import { ConnectionNotice, GaveUpNotice, JobBadge } from "../../shared/JobParts.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { StepFrame, StepPending } from "../../shared/StepFrame.js"
import { PostProgress, StartForm } from "./DownloadParts.js"
import { formatBytes, keepPolling, postBytes } from "./DownloadModel.js"
import { useDownloadJob } from "./useDownload.js"

export const DownloadJob = (props: { sessionId: string; jobId: string }) => {
  const { sessionId, jobId } = props
  const poll = useDownloadJob(sessionId, jobId)
  const status = poll.data
  if (status === null) {
    const action = (
      <Link class="btn btn-primary" to={{ step: "download", sessionId, jobId: null }}>
        Prepare a download
      </Link>
    )
    return <StepPending loading="Loading the download…" failure={poll.error === null ? null : { title: "This download could not be opened", message: poll.error, action }} />
  }
  const moving = keepPolling(status)
  const { counts } = status
  const { finished, fraction } = finishedOf(counts)
  const totalBytes = status.posts.reduce((n, p) => n + postBytes(p), 0)
  const title = moving ? "Packing your posts…" : status.status === "failed" ? "The download stopped" : status.stale ? "An out-of-date download" : "Your download is ready"
  return (
    <StepFrame
      title={title}
      lede={
        <>
          One ZIP per post (split above {formatBytes(status.bundleBytes)}), files named in carousel order.{" "}
          {status.keepGps ? "GPS locations are kept in the files." : "GPS locations were removed from the files."}
        </>
      }
      aside={
        <Link class="btn btn-ghost" to={{ step: "caption", sessionId, postId: null }}>
          ← Captions
        </Link>
      }
    >
      {status.stale ? (
        <div class="notice notice-warn" role="status" data-testid="download-stale">
          <div>
            <strong>This download is out of date.</strong> The posts or the selection changed after it was made.
          </div>
          <StartForm sessionId={sessionId} keepGps={status.keepGps} bundleBytes={status.bundleBytes} label="Build again" primary={true} />
        </div>
      ) : null}
      {status.status === "failed" ? (
        <div class="notice notice-bad" role="alert" data-testid="download-error">
          <div>
            <strong>{status.error?.tag ?? "Download failed"}</strong> {status.error?.message ?? ""}
          </div>
        </div>
      ) : null}
      <ConnectionNotice error={poll.error} trying={moving} />
      <GaveUpNotice poll={poll} moving={moving} what="Still packing." />

      <section class="card" aria-labelledby="dl-progress" data-testid="download" data-job-id={status.jobId} data-status={status.status} data-keep-gps={String(status.keepGps)}>
        <div class="card-head">
          <h2 id="dl-progress">
            {finished} of {counts.total} posts packed
          </h2>
          <span class="muted small">{totalBytes > 0 ? `${formatBytes(totalBytes)} in all` : ""}</span>
          <JobBadge status={status.status} testid="download-status" />
        </div>
        <ProgressBar value={fraction} label="Posts packed" size="large" tone={jobTone(status.status, finished, counts.total)} />
        <ul class="dl-post-list">
          {[...status.posts]
            .sort((a, b) => a.index - b.index)
            .map((p) => (
              <PostProgress key={p.postId} sessionId={sessionId} jobId={jobId} post={p} />
            ))}
        </ul>
      </section>

      {!status.stale && !moving ? (
        <section class="card" aria-labelledby="dl-again">
          <div class="card-head">
            <h2 id="dl-again">Another download</h2>
            <span class="muted small">With other settings; this one stays available.</span>
          </div>
          <StartForm sessionId={sessionId} keepGps={status.keepGps} bundleBytes={status.bundleBytes} label="Build a new download" primary={false} />
        </section>
      ) : null}
    </StepFrame>
  )
}
