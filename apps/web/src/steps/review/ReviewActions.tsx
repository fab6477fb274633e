/**
 * The review's sticky bar: how many items are in the pick, and its buttons.
 * Before confirming: "Confirm N items". After: "Change selection" (through
 * the reopen dialog when later work exists; disabled until the session is
 * known, so a quick click never reopens without asking) and "Enhance N kept items" (or
 * "Open the enhancement"); once posts exist, "Continue to posts" leads.
 */
import type { ReviewState } from "@curator/contracts"
import { useNavigate } from "../../router/Router.js"
import { Spinner } from "../../shared/StepFrame.js"
import type { Review } from "./useReview.js"

export const ReviewActions = (props: { review: Review; state: ReviewState; sessionId: string }) => {
  const { review } = props
  const navigate = useNavigate()
  const { included } = review
  const overrides = props.state.overrides
  const enhanceLabel =
    review.enhancement !== null && review.enhancement.status !== "failed" ? "Open the enhancement" : `Enhance ${included} kept item${included === 1 ? "" : "s"}`
  const enhanceDisabled = review.enhance.busy || included === 0
  return (
    <div class="sticky-actions">
      <span aria-live="polite">
        <strong data-testid="included-count">{included}</strong> in the pick
        {overrides.length > 0 ? <span class="muted"> · {overrides.length} changed by you</span> : null}
      </span>
      {props.state.confirmed ? (
        <div class="actions">
          <button
            type="button"
            class="btn"
            // Until the session is known, the later work a reopen discards is unknown: no reopen without asking.
            disabled={review.reopen.busy || review.session === null}
            data-testid="change-selection"
            onClick={() => (review.laterWork.length > 0 ? review.setAsking(true) : void review.reopen.run())}
          >
            Change selection
          </button>
          {review.hasPosts ? (
            <>
              <button type="button" class="btn" disabled={enhanceDisabled} onClick={() => void review.enhance.run()} data-testid="start-enhance">
                {enhanceLabel}
              </button>
              <button type="button" class="btn btn-primary btn-large" onClick={() => navigate({ step: "group", sessionId: props.sessionId })} data-testid="continue-posts">
                Continue to posts →
              </button>
            </>
          ) : (
            <button type="button" class="btn btn-primary btn-large" disabled={enhanceDisabled} onClick={() => void review.enhance.run()} data-testid="start-enhance">
              {review.enhance.busy ? <Spinner /> : null}
              {enhanceLabel}
            </button>
          )}
        </div>
      ) : (
        <button
          type="button"
          class="btn btn-primary btn-large"
          disabled={review.confirm.busy || review.toggle.busy}
          onClick={() => void review.confirm.run()}
          data-testid="confirm"
        >
          {review.confirm.busy ? <Spinner /> : null}
          {`Confirm ${included} item${included === 1 ? "" : "s"}`}
        </button>
      )}
    </div>
  )
}
