/**
 * Step 3: review the pick (useReview). Selected items in rank order
 * (thumbnail, justification, comparison note), excluded items with reason,
 * category and duplicate-of, files that could not be processed, the files of
 * the pick that were never sent (not a photo or video, refused: "Not taken
 * in"), and the scene groups. A switch per item includes or excludes it; each change is
 * stored at once through the overrides route, so a reload or another tab
 * shows it. Confirm closes the review; then "Enhance N kept items" starts (or
 * reopens) the enhancement of the kept items and moves to its step. Photos
 * open full size in an overlay, videos in a player.
 *
 * A confirmed review can be changed again ("Change selection": `POST
 * /selection/:jobId/reopen`, which bumps the session generation). When later
 * work exists (posts, captions, a download) a <dialog> first says what it
 * discards (FlowModel `discardedByReopen`); after confirming again the
 * person goes on to the posts, where excluded items are gone from their posts.
 */
import { StepFrame, StepPending } from "../../shared/StepFrame.js"
import { Viewer } from "../../shared/Viewer.js"
import { ReopenDialog } from "./ReopenDialog.js"
import { ReviewActions } from "./ReviewActions.js"
import { selectionModelLabel, tokensLabel } from "./ReviewModel.js"
import { NotTakenIn, Scenes, Unreadable } from "./ReviewSections.js"
import { ExcludedTile, SelectedTile } from "./ReviewTiles.js"
import { useReview } from "./useReview.js"

export const ReviewStep = (props: { sessionId: string; jobId: string }) => {
  const r = useReview(props.sessionId, props.jobId)
  if (r.loaded === null) {
    return <StepPending loading="Loading the selection…" failure={r.loadError === null ? null : { title: "This review could not be opened", message: r.loadError }} />
  }
  const { status, result, review } = r.loaded
  const { session, split, included } = r
  const confirmed = review.confirmed

  return (
    <StepFrame
      title={
        <>
          Your pick: {result.selected.length} of {status.files.length}
        </>
      }
      lede="In rank order, with why each was chosen. Switch any item in or out; changes are saved as you go."
      aside={
        <span class="badge badge-model" data-testid="model" title={`Selection model: ${result.model}`}>
          {selectionModelLabel(result.model)}
          {session !== null && session.tokensUsed > 0 ? ` · ${tokensLabel(session.tokensUsed, session.costUsd)}` : null}
        </span>
      }
    >
      <div class="counts card" data-testid="summary">
        <div>
          <strong data-testid="selected-count">{result.selected.length}</strong>
          <span class="muted small">selected</span>
        </div>
        <div>
          <strong data-testid="excluded-count">{split.considered.length}</strong>
          <span class="muted small">left out</span>
        </div>
        <div>
          <strong data-testid="failed-count">{split.unprocessable.length}</strong>
          <span class="muted small">could not be read</span>
        </div>
        <div>
          <strong>{result.sceneGroups.length}</strong>
          <span class="muted small">scenes</span>
        </div>
      </div>

      {confirmed ? (
        <div class="notice notice-ok" role="status" data-testid="confirmed">
          <div>
            <strong>Review confirmed{review.confirmedAt ? ` on ${new Date(review.confirmedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}` : ""}.</strong>
            {included} item{included === 1 ? "" : "s"} go on to enhancement.
          </div>
        </div>
      ) : null}
      {r.actionError !== null ? (
        <div class="notice notice-bad" role="alert">
          <div>{r.actionError}</div>
        </div>
      ) : null}

      <section aria-labelledby="sel-title" style="display:grid;gap:14px">
        <h2 id="sel-title">Selected</h2>
        <div class="grid">
          {result.selected.map((s) => (
            <SelectedTile key={s.fileId} review={r} confirmed={confirmed} item={s} />
          ))}
        </div>
      </section>

      {split.considered.length > 0 ? (
        <section aria-labelledby="exc-title" style="display:grid;gap:14px">
          <h2 id="exc-title">Left out</h2>
          <div class="grid">
            {split.considered.map((e) => (
              <ExcludedTile key={e.fileId} review={r} confirmed={confirmed} item={e} />
            ))}
          </div>
        </section>
      ) : null}

      {split.unprocessable.length > 0 ? <Unreadable review={r} items={split.unprocessable} /> : null}
      {r.notTaken.length > 0 ? <NotTakenIn files={r.notTaken} /> : null}
      {result.sceneGroups.length > 0 ? <Scenes review={r} groups={result.sceneGroups} /> : null}

      <ReviewActions review={r} state={review} sessionId={props.sessionId} />

      {r.viewer !== null ? <Viewer item={r.viewer} onClose={r.closeViewer} /> : null}
      {r.asking ? <ReopenDialog lines={r.laterWork} busy={r.reopen.busy} onConfirm={() => void r.reopen.run()} onCancel={() => r.setAsking(false)} /> : null}
    </StepFrame>
  )
}
