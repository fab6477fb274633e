/**
 * Step 4: enhancement of the kept items (useEnhance). Per-item progress
 * (waiting, enhancing, done, failed with the reason) with counts and a total
 * bar; per item its media, versions, parameters and feedback (ItemCard);
 * accept keeps the chosen version of every item, then "Group into posts"
 * goes on. The poll stops when nothing moves, when the step is left, and
 * after `maxPolls`. Media comes from short-lived signed URLs fetched when an
 * item nears the viewport and renewed when they expire or fail to load.
 */
import { Link, useNavigate } from "../../router/Router.js"
import { ConnectionNotice, GaveUpNotice, JobCountsCard, JobFailedNotice } from "../../shared/JobParts.js"
import { Spinner, StepFrame, StepPending } from "../../shared/StepFrame.js"
import { Viewer } from "../../shared/Viewer.js"
import { acceptedMatches, keepPolling } from "./EnhanceModel.js"
import { ItemCard } from "./ItemCard.js"
import type { ItemContext } from "./ItemMedia.js"
import { useEnhance } from "./useEnhance.js"

const formatDate = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })

export const EnhanceStep = (props: { sessionId: string; jobId: string }) => {
  const { sessionId, jobId } = props
  const navigate = useNavigate()
  const e = useEnhance(sessionId, jobId)
  const { status, poll, choices, items } = e
  if (status === null) {
    return <StepPending loading="Loading the enhancement…" failure={poll.error === null ? null : { title: "This enhancement could not be opened", message: poll.error }} />
  }

  const ctx: ItemContext = { sessionId, jobId, urls: e.urls, accepted: status.acceptedAt !== null, running: status.status === "running" }
  const { counts } = status
  const moving = keepPolling(status)
  const acceptedNow = status.acceptedAt !== null && acceptedMatches(items, choices)
  const waiting = counts.processing + counts.pending
  const title =
    status.status === "failed"
      ? "The enhancement stopped"
      : status.status === "running"
        ? `Enhancing ${counts.total} item${counts.total === 1 ? "" : "s"}…`
        : status.acceptedAt !== null
          ? "Your enhanced items"
          : "Compare and refine"

  return (
    <StepFrame
      title={title}
      lede="Every kept photo and video is enhanced at once. Compare each with its original, ask for changes in your own words, then accept the versions you like. You can leave this page and come back with its link."
      aside={
        <Link class="btn btn-ghost" to={{ step: "review", sessionId, jobId: status.selectionJobId }}>
          ← Review
        </Link>
      }
    >
      {status.status === "failed" ? (
        <JobFailedNotice error={status.error} fallback={{ tag: "Enhancement failed", message: "The job ended without finishing." }} retry={e.retry} />
      ) : null}
      <GaveUpNotice poll={poll} moving={moving} what="Still running." />
      <ConnectionNotice error={poll.error} trying={moving} />

      {status.acceptedAt !== null ? (
        <div class="notice notice-ok" role="status" data-testid="accepted">
          <div>
            <strong>Accepted on {formatDate(status.acceptedAt)}.</strong>
            The chosen version of each item is kept.
          </div>
        </div>
      ) : null}

      <JobCountsCard
        status={status.status}
        counts={counts}
        noun="items enhanced"
        barLabel="Items enhanced"
        words={{ processing: "enhancing", failed: "failed" }}
        testid="enhance-counts"
      />

      {e.actionError !== null ? (
        <div class="notice notice-bad" role="alert" data-testid="action-error">
          <div>{e.actionError}</div>
        </div>
      ) : null}

      <section class="enhance-list" aria-label="Items" data-testid="enhance-list">
        {items.map((item) => (
          <ItemCard
            key={item.fileId}
            ctx={ctx}
            item={item}
            round={e.roundOf(item.fileId)}
            onSelect={(round) => e.select(item.fileId, round)}
            onFeedback={(words) => e.feedback.run(item, words)}
            onOpen={(round) => void e.open.run(item, round)}
            sending={e.feedback.isBusy(item.fileId)}
            error={e.itemErrors.get(item.fileId) ?? null}
          />
        ))}
      </section>

      <div class="sticky-actions">
        <span aria-live="polite">
          {moving ? (
            <>
              <Spinner /> Waiting for {waiting} item
              {waiting === 1 ? "" : "s"}…
            </>
          ) : (
            <>
              <strong data-testid="choice-count">{choices.length}</strong> version{choices.length === 1 ? "" : "s"} chosen
            </>
          )}
        </span>
        <div class="actions">
          <button
            type="button"
            class={`btn btn-large${acceptedNow ? "" : " btn-primary"}`}
            data-testid="accept"
            disabled={moving || e.accept.busy || choices.length === 0 || acceptedNow || e.feedback.busy}
            onClick={() => void e.accept.run()}
          >
            {e.accept.busy ? <Spinner /> : null}
            {acceptedNow
              ? "Accepted"
              : moving
                ? "Accept (after enhancing)"
                : status.acceptedAt !== null
                  ? "Accept the changed choice"
                  : `Accept ${choices.length} version${choices.length === 1 ? "" : "s"}`}
          </button>
          {status.acceptedAt !== null ? (
            <button type="button" class="btn btn-primary btn-large" disabled={!acceptedNow} onClick={() => navigate({ step: "group", sessionId })} data-testid="group-posts">
              Group into posts →
            </button>
          ) : null}
        </div>
      </div>

      {e.viewer !== null ? <Viewer item={e.viewer} onClose={e.closeViewer} /> : null}
    </StepFrame>
  )
}
