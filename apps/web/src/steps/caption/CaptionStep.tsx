/**
 * Step 6: a caption per post, one post at a time (`/caption/<postId>`; the
 * posts are tabs), from useCaption. Shown: the post's pictures (its exported
 * versions, carousel order), the caption in an editor (CaptionEditor), "Copy",
 * feedback as new rounds and the version history (CaptionSide), and "Accept &
 * next post". A caption written before its post changed is `stale`: shown as
 * such, with "Rewrite" (a new job); a failed job shows its error and "Try
 * again".
 */
import { Link, useNavigate } from "../../router/Router.js"
import { ItemPicture } from "../../shared/ItemPicture.js"
import { postTitle } from "../../shared/Posts.js"
import { Spinner, StepFrame, StepPending } from "../../shared/StepFrame.js"
import { CaptionEditor } from "./CaptionEditor.js"
import { CaptionSide } from "./CaptionSide.js"
import { useCaption } from "./useCaption.js"

export const CaptionStep = (props: { sessionId: string; postId: string | null }) => {
  const { sessionId } = props
  const navigate = useNavigate()
  const c = useCaption(sessionId, props.postId)
  const { posts, post, job, shown } = c
  if (posts === null || post === null || c.loadError !== null) {
    const action = (
      <Link class="btn btn-primary" to={{ step: "group", sessionId }}>
        Group into posts
      </Link>
    )
    return <StepPending loading="Loading the posts…" failure={c.loadError === null ? null : { title: "No captions yet", message: c.loadError, action }} />
  }
  const items = new Map(posts.items.map((i) => [i.fileId, i]))

  return (
    <StepFrame
      title="Captions"
      lede="A caption for each post, from your trip's words, the post's label, dates and places. Ask for changes, edit it, copy it; accept it to go on to the next post."
      aside={
        <Link class="btn btn-ghost" to={{ step: "group", sessionId }}>
          ← Posts
        </Link>
      }
    >
      <nav class="post-tabs" aria-label="Posts">
        {c.open.map((p) => (
          <Link
            key={p.postId}
            to={{ step: "caption", sessionId, postId: p.postId }}
            class={`post-tab${p.postId === post.postId ? " on" : ""}`}
            aria-current={p.postId === post.postId ? "page" : undefined}
            data-testid="post-tab"
            data-post-id={p.postId}
          >
            {postTitle(p)}
            {p.caption !== null ? <span class="tab-state">{p.caption.stale ? " · out of date" : p.caption.acceptedRound !== null ? " · ✓" : ""}</span> : null}
          </Link>
        ))}
      </nav>

      <section class="card caption-card" data-testid="caption" data-post-id={post.postId} data-job-id={job?.jobId ?? ""} data-status={job?.status ?? ""} data-stale={String(c.stale)}>
        <div class="card-head">
          <h2>{postTitle(post)}</h2>
          <span class="muted small">
            {post.fileIds.length} item{post.fileIds.length === 1 ? "" : "s"}
            {job !== null && shown !== null ? ` · written by ${shown.model === "offline" ? "the offline captioner" : shown.model}` : ""}
          </span>
        </div>
        <ol class="caption-strip" aria-label="The post's items in carousel order">
          {post.fileIds.map((fileId) => {
            const item = items.get(fileId)
            return item === undefined ? null : (
              <li key={fileId} title={item.name}>
                <ItemPicture sessionId={sessionId} urls={c.urls} item={item} alt={item.name} />
              </li>
            )
          })}
        </ol>

        {c.stale ? (
          <div class="notice notice-warn" role="status" data-testid="caption-stale">
            <div>
              <strong>This caption is out of date.</strong> The post changed after it was written.
            </div>
            <button type="button" class="btn btn-primary" disabled={c.start.busy} onClick={() => void c.start.run(post.postId)} data-testid="rewrite">
              {c.start.busy ? <Spinner /> : null}
              Rewrite
            </button>
          </div>
        ) : null}
        {c.failed ? (
          <div class="notice notice-bad" role="alert" data-testid="caption-error">
            <div>
              <strong>{job?.error?.tag ?? "The caption failed"}</strong> {job?.error?.message ?? ""}
            </div>
            <button type="button" class="btn btn-primary" disabled={c.start.busy} onClick={() => void c.start.run(post.postId)} data-testid="caption-retry">
              Try again
            </button>
          </div>
        ) : null}
        {c.running ? (
          <div class="caption-progress" role="status" data-testid="caption-running">
            <Spinner /> {job?.pendingFeedback ? `Applying “${job.pendingFeedback}”…` : "Writing the caption…"}
            <progress class="bar" aria-label="Caption in progress" />
          </div>
        ) : null}
        {job === null && !c.failed ? (
          <div class="caption-progress" role="status">
            <Spinner /> {c.start.busy ? "Starting…" : "Loading the caption…"}
          </div>
        ) : null}
        {c.pollError !== null ? (
          <p class="item-error" role="alert">
            {c.pollError}
          </p>
        ) : null}

        {shown !== null ? (
          <div class="caption-body">
            <CaptionEditor c={c} shown={shown} />
            <CaptionSide c={c} job={job} />
          </div>
        ) : null}

        {c.actionError !== null ? (
          <p class="item-error" role="alert" data-testid="caption-action-error">
            {c.actionError}
          </p>
        ) : null}
      </section>

      <div class="sticky-actions">
        <span aria-live="polite">
          {job?.acceptedRound !== null && job?.acceptedRound !== undefined ? (
            <span data-testid="caption-accepted">Accepted: version {job.acceptedRound}</span>
          ) : c.running ? (
            "Waiting for the caption…"
          ) : (
            <span class="muted">
              Post {c.open.findIndex((p) => p.postId === post.postId) + 1} of {c.open.length}
            </span>
          )}
        </span>
        <div class="actions">
          {c.next === null ? (
            <button type="button" class="btn" onClick={() => navigate({ step: "download", sessionId, jobId: null })} data-testid="go-download">
              Download →
            </button>
          ) : null}
          <button
            type="button"
            class="btn btn-primary btn-large"
            disabled={c.locked || shown === null || c.tooLong}
            onClick={() => void c.acceptAndNext()}
            data-testid="accept-next"
          >
            {c.acting ? <Spinner /> : null}
            {c.next !== null ? "Accept & next post" : "Accept & download"}
          </button>
        </div>
      </div>
    </StepFrame>
  )
}
