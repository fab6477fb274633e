/**
 * Step 1: pick files or a whole folder (or drop them), describe the trip, and
 * upload (useUpload: the session, the uploads, the selection start). A
 * session's URL resumes: its uploaded files are listed, and an earlier
 * selection (and its enhancement) is linked.
 */
import { UploadLimits } from "@curator/contracts"
import { Link } from "../../router/Router.js"
import { Spinner, StepFrame, StepPending } from "../../shared/StepFrame.js"
import { Dropzone } from "./Dropzone.js"
import { buttonLabel, statusLine } from "./UploadModel.js"
import { UploadList } from "./UploadList.js"
import { useUpload } from "./useUpload.js"

export const UploadStep = (props: { sessionId: string | null }) => {
  const { sessionId } = props
  const u = useUpload(sessionId)
  if (u.loading || u.loadError !== null) {
    return <StepPending loading="Loading your trip…" failure={u.loading || u.loadError === null ? null : { title: "This trip could not be opened", message: u.loadError }} />
  }

  const earlier = u.session?.selection ?? null
  const enhancement = earlier !== null && u.session?.enhancement?.selectionJobId === earlier.jobId ? u.session.enhancement : null
  const uploaded = u.totals.counts.uploaded + u.uploadedBefore.length
  const progress = { phase: u.phase, toSend: u.toSend, uploadedBefore: u.uploadedBefore.length, totals: u.totals }

  return (
    <StepFrame title="Add your trip's photos and videos" lede="Curator checks every file, reads when and where it was taken, and picks the best, most varied shots.">
      {earlier !== null && sessionId !== null ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>This trip already has a selection ({earlier.status}).</strong>
            Adding files here starts a new one.
          </div>
          <Link class="btn" to={{ step: earlier.status === "complete" ? "review" : "select", sessionId, jobId: earlier.jobId }}>
            Open it
          </Link>
          {enhancement !== null ? (
            <Link class="btn" to={{ step: "enhance", sessionId, jobId: enhancement.jobId }}>
              Open its enhancement
            </Link>
          ) : null}
        </div>
      ) : null}

      <Dropzone busy={u.busy} add={u.add} />

      <section class="card">
        <div class="form-row">
          <label class="field">
            What was the trip?
            <span class="hint">Optional. A sentence helps the pick: places, people, what mattered.</span>
            <textarea
              rows={2}
              maxLength={UploadLimits.tripContextLength}
              value={u.tripContext}
              placeholder="A long weekend in Lisbon with Ana: trams, tiles and the sunset at Miradouro da Graça"
              disabled={u.busy || sessionId !== null}
              onInput={(e) => u.setTripContext(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            Items to pick
            <span class="hint">1 to {UploadLimits.maxTargetCount}</span>
            <input
              type="text"
              inputMode="numeric"
              value={String(u.targetCount)}
              disabled={u.busy}
              onInput={(e) => {
                const n = Number.parseInt(e.currentTarget.value, 10)
                if (Number.isFinite(n)) u.setTargetCount(Math.max(1, Math.min(UploadLimits.maxTargetCount, n)))
              }}
            />
          </label>
        </div>
      </section>

      {u.entries.length > 0 || u.uploadedBefore.length > 0 ? (
        <UploadList entries={u.entries} uploadedBefore={u.uploadedBefore} totals={u.totals} phase={u.phase} skipped={u.skipped} />
      ) : null}

      {u.error !== null ? (
        <div class="notice notice-bad" role="alert">
          <div>
            <strong>Upload stopped</strong>
            {u.error}
          </div>
          {sessionId !== null && uploaded > 0 ? (
            <button type="button" class="btn" onClick={() => void u.goOnWithout.run()}>
              Go on with {uploaded} uploaded
            </button>
          ) : null}
        </div>
      ) : null}

      <div class="sticky-actions">
        <span class="muted" aria-live="polite">
          {statusLine(progress)}
        </span>
        <button type="button" class="btn btn-primary btn-large" disabled={!u.canStart} onClick={() => void u.run.run()} data-testid="start-upload">
          {u.busy ? <Spinner /> : null}
          {buttonLabel(u.phase, u.toSend.length)}
        </button>
      </div>
    </StepFrame>
  )
}
