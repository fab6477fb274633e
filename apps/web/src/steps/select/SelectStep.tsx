/**
 * Step 2: the selection job with live per-file progress. The job status is
 * polled with backoff (useSelectionJob); the poll stops when the job ends,
 * when the page leaves the step (the pending request and timer are
 * cancelled), on a 404, and after `maxPolls`. A finished job moves on to the
 * review; a failed job shows its terminal error and offers a retry, which
 * starts a NEW job.
 */
import { Link } from "../../router/Router.js"
import { FileRow } from "../../shared/FileRow.js"
import { itemFraction } from "../../shared/Jobs.js"
import { ConnectionNotice, GaveUpNotice, JobCountsCard, JobFailedNotice } from "../../shared/JobParts.js"
import { StepFrame, StepPending } from "../../shared/StepFrame.js"
import { FILE_LABEL, selectionTitle } from "./SelectModel.js"
import { useSelectionJob } from "./useSelectionJob.js"

export const SelectStep = (props: { sessionId: string; jobId: string }) => {
  const { sessionId } = props
  const { poll, status, retry } = useSelectionJob(sessionId, props.jobId)
  if (status === null) {
    return <StepPending loading="Loading the selection…" failure={poll.error === null ? null : { title: "This selection could not be opened", message: poll.error }} />
  }

  return (
    <StepFrame
      title={selectionTitle(status)}
      lede="Each file is checked, its metadata read and a thumbnail made; then the selection compares them all. You can leave this page and come back with its link."
      aside={
        <Link class="btn btn-ghost" to={{ step: "upload", sessionId }}>
          ← Files
        </Link>
      }
    >
      {status.status === "failed" ? (
        <JobFailedNotice
          error={status.error}
          fallback={{ tag: "Selection failed", message: "The job ended without a result." }}
          retry={retry}
          detail={retry.error !== null ? <p>{retry.error}</p> : null}
        />
      ) : null}
      <GaveUpNotice poll={poll} moving={status.status === "running"} what="Still running." />
      <ConnectionNotice error={poll.error} trying />

      <JobCountsCard
        status={status.status}
        counts={status.counts}
        noun="files processed"
        barLabel="Files processed"
        words={{ processing: "processing", failed: "could not be read" }}
      />

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
              statusLabel={FILE_LABEL[f.status]}
              progress={itemFraction(f.status)}
              reason={f.reason ? f.reason.message : null}
            />
          ))}
        </ul>
      </section>
    </StepFrame>
  )
}
