/**
 * Step 6: a caption per post, one post at a time (`/caption/<postId>`; the
 * posts are tabs). Opening a post reads its caption job (the post's
 * `caption` in PostsState) or starts one (`POST /posts/:postId/captions`),
 * and polls it with backoff while a round runs (CaptionModel `keepPolling`).
 *
 * Shown: the post's pictures (its exported versions, carousel order), the
 * caption in an editor (text; hashtags as removable chips with an input to
 * add; the location tag), "Copy" (caption + hashtags to the clipboard),
 * feedback ("Shorter", "More casual", or free words) as new rounds, the
 * version history (each version with its feedback; an earlier one can be
 * picked), and "Accept & next post" (an edited text is stored as an
 * `edited` version first). A caption written before its post changed is
 * `stale`: shown as such, with "Rewrite" (a new job); a failed job shows its
 * error and "Try again".
 */
import type { CaptionDraft, CaptionState, PostsState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { useEffect, useMemo, useState } from "preact/hooks"
import { ApiFailure, call, messageOf } from "../../api/ApiClient.js"
import type { Navigate } from "../../App.js"
import { postsPolicy } from "../../shared/Backoff.js"
import {
  addHashtags,
  CAPTION_FEEDBACK,
  captionLengthLabel,
  captionSignature,
  captionVersionLabel,
  clipboardText,
  keepPolling,
  nextPost,
  sameDraft,
  shownRound
} from "./CaptionModel.js"
import { ItemPicture } from "../../shared/ItemPicture.js"
import { postTitle } from "../group/GroupModel.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { SignedUrlCache } from "../../shared/SignedUrls.js"
import { usePoll } from "../../shared/usePoll.js"

/** An error of one call as people read it: the server's message, with the HTTP status for conflicts and refusals. */
const failureText = (e: unknown): string => (e instanceof ApiFailure && e.status >= 400 ? `${e.message} (${e.status} ${e.tag})` : messageOf(e))

const EMPTY: CaptionDraft = { caption: "", hashtags: [], locationTag: null }

export const CaptionStep = (props: { sessionId: string; postId: string | null; navigate: Navigate }) => {
  const { sessionId, postId, navigate } = props
  const [posts, setPosts] = useState<PostsState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [jobId, setJobId] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const [acting, setActing] = useState<string | null>(null)
  // The person's pick of a version, with the job and its version count at that moment (a new version ends the pick).
  const [pick, setPick] = useState<{ jobId: string; round: number; count: number } | null>(null)
  // The person's edit of the shown version, for the version it was made on (`key`): another version shows its own draft.
  const [edit, setEdit] = useState<{ key: string; draft: CaptionDraft } | null>(null)
  const [tagInput, setTagInput] = useState("")
  const [feedbackText, setFeedbackText] = useState("")
  const [copied, setCopied] = useState<string | null>(null)
  const urls = useMemo(() => new SignedUrlCache(), [sessionId])

  const post = posts?.posts.find((p) => p.postId === postId) ?? null

  /** Starts (or reopens: the route returns a running or current job) the post's caption job. */
  const start = async (pid: string) => {
    setStarting(true)
    setActionError(null)
    try {
      const s = await call((api) => api.captions.start({ params: { sessionId, postId: pid } }))
      setJobId(s.jobId)
      poll.show(s)
      notifySessionChanged()
    } catch (e) {
      setActionError(`The caption could not be started: ${failureText(e)}`)
    } finally {
      setStarting(false)
    }
  }

  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.posts.list({ params: { sessionId } }), controller.signal)
      .then((s) => {
        if (controller.signal.aborted) return
        setPosts(s)
        const open = s.posts.filter((p) => p.fileIds.length > 0).sort((a, b) => a.index - b.index)
        const target = open.find((p) => p.postId === postId)
        if (target === undefined) {
          // No post chosen (or not one with items): the first post with items.
          const first = open[0]
          if (first !== undefined) navigate({ step: "caption", sessionId, postId: first.postId }, { replace: true })
          else setLoadError("There is no post with items to caption yet. Group your items into posts first.")
          return
        }
        // A job that exists is shown as it is (stale or failed included); otherwise one is started.
        if (target.caption !== null) setJobId(target.caption.jobId)
        else void start(target.postId)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setLoadError(messageOf(e))
      })
    return () => controller.abort()
  }, [sessionId, postId])

  const poll = usePoll<CaptionState>(
    jobId,
    (signal) => call((api) => api.captions.status({ params: { sessionId, jobId: jobId ?? "" } }), signal),
    keepPolling,
    captionSignature,
    postsPolicy
  )
  const job = poll.data

  // The shown version follows the job (CaptionModel `shownRound`); the editor shows its draft until the person edits it.
  const ownPick = pick !== null && job !== null && pick.jobId === job.jobId ? pick : null
  const picked = job === null ? null : shownRound(job, ownPick?.round ?? null, ownPick?.count ?? -1)
  const shown = job?.versions.find((v) => v.round === picked) ?? null
  const draftKey = `${job?.jobId ?? ""}/${picked ?? ""}/${job?.versions.length ?? 0}`
  const draft = edit !== null && edit.key === draftKey ? edit.draft : (shown?.draft ?? EMPTY)
  const setDraft = (next: CaptionDraft | ((d: CaptionDraft) => CaptionDraft)) =>
    setEdit({ key: draftKey, draft: typeof next === "function" ? next(draft) : next })
  const setPicked = (round: number | null) => setPick(round === null || job === null ? null : { jobId: job.jobId, round, count: job.versions.length })

  if (loadError !== null) {
    return (
      <div class="center">
        <h1>No captions yet</h1>
        <p class="muted">{loadError}</p>
        <a
          class="btn btn-primary"
          href={`/s/${sessionId}/group`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "group", sessionId })
          }}
        >
          Group into posts
        </a>
      </div>
    )
  }
  if (posts === null || post === null) {
    return (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the posts…
      </div>
    )
  }

  const items = new Map(posts.items.map((i) => [i.fileId, i]))
  const open = posts.posts.filter((p) => p.fileIds.length > 0).sort((a, b) => a.index - b.index)
  const running = job !== null && keepPolling(job)
  const stale = job?.stale === true
  const failed = job?.status === "failed"
  const locked = job === null || running || stale || acting !== null
  const dirty = shown !== null && !sameDraft(draft, shown.draft)
  const next = nextPost(posts.posts, post.postId)
  const tooLong = draft.caption.length > PostLimits.captionLength

  const act = async (what: string, f: () => Promise<CaptionState>): Promise<CaptionState | null> => {
    setActing(what)
    setActionError(null)
    try {
      const s = await f()
      poll.show(s)
      return s
    } catch (e) {
      setActionError(`${what}: ${failureText(e)}`)
      return null
    } finally {
      setActing(null)
    }
  }

  const feedback = async (words: string) => {
    const trimmed = words.trim()
    if (job === null || trimmed.length === 0) return
    // Feedback rewrites the latest version: the shown pick gives way to the new round.
    setPicked(null)
    const s = await act(`“${trimmed}” was not sent`, () => call((api) => api.captions.feedback({ params: { sessionId, jobId: job.jobId }, payload: { feedback: trimmed } })))
    if (s !== null) setFeedbackText("")
  }

  const saveEdit = async (): Promise<CaptionState | null> => {
    if (job === null) return null
    return act("The edit was not saved", () => call((api) => api.captions.edit({ params: { sessionId, jobId: job.jobId }, payload: draft })))
  }

  const acceptAndNext = async () => {
    if (job === null || shown === null) return
    let round = shown.round
    if (dirty) {
      const saved = await saveEdit()
      const latest = saved?.versions.at(-1)
      if (saved === null || latest === undefined) return
      round = latest.round
    }
    const accepted = await act("The caption was not accepted", () => call((api) => api.captions.accept({ params: { sessionId, jobId: job.jobId }, payload: { round } })))
    if (accepted === null) return
    notifySessionChanged()
    if (next !== null) navigate({ step: "caption", sessionId, postId: next })
    else navigate({ step: "download", sessionId, jobId: null })
  }

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(clipboardText(draft))
      setCopied("Copied caption and hashtags.")
    } catch (e) {
      setCopied(`Could not copy: ${messageOf(e)}`)
    }
  }

  const addTags = () => {
    if (tagInput.trim() === "") return
    setDraft((d) => ({ ...d, hashtags: addHashtags(d.hashtags, tagInput) }))
    setTagInput("")
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Captions</h1>
          <p class="muted">
            A caption for each post, from your trip's words, the post's label, dates and places. Ask for changes, edit it, copy it; accept it to go on
            to the next post.
          </p>
        </div>
        <a
          class="btn btn-ghost"
          href={`/s/${sessionId}/group`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "group", sessionId })
          }}
        >
          ← Posts
        </a>
      </div>

      <nav class="post-tabs" aria-label="Posts">
        {open.map((p) => (
          <a
            key={p.postId}
            href={`/s/${sessionId}/caption/${p.postId}`}
            class={`post-tab${p.postId === post.postId ? " on" : ""}`}
            aria-current={p.postId === post.postId ? "page" : undefined}
            data-testid="post-tab"
            data-post-id={p.postId}
            onClick={(e) => {
              e.preventDefault()
              navigate({ step: "caption", sessionId, postId: p.postId })
            }}
          >
            {postTitle(p)}
            {p.caption !== null ? (
              <span class="tab-state">{p.caption.stale ? " · out of date" : p.caption.acceptedRound !== null ? " · ✓" : ""}</span>
            ) : null}
          </a>
        ))}
      </nav>

      <section class="card caption-card" data-testid="caption" data-post-id={post.postId} data-job-id={job?.jobId ?? ""} data-status={job?.status ?? ""} data-stale={String(stale)}>
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
                <ItemPicture sessionId={sessionId} urls={urls} item={item} alt={item.name} />
              </li>
            )
          })}
        </ol>

        {stale ? (
          <div class="notice notice-warn" role="status" data-testid="caption-stale">
            <div>
              <strong>This caption is out of date.</strong> The post changed after it was written.
            </div>
            <button type="button" class="btn btn-primary" disabled={starting} onClick={() => void start(post.postId)} data-testid="rewrite">
              {starting ? <span class="spinner" aria-hidden="true" /> : null}
              Rewrite
            </button>
          </div>
        ) : null}
        {failed ? (
          <div class="notice notice-bad" role="alert" data-testid="caption-error">
            <div>
              <strong>{job?.error?.tag ?? "The caption failed"}</strong> {job?.error?.message ?? ""}
            </div>
            <button type="button" class="btn btn-primary" disabled={starting} onClick={() => void start(post.postId)} data-testid="caption-retry">
              Try again
            </button>
          </div>
        ) : null}
        {running ? (
          <div class="caption-progress" role="status" data-testid="caption-running">
            <span class="spinner" aria-hidden="true" /> {job?.pendingFeedback ? `Applying “${job.pendingFeedback}”…` : "Writing the caption…"}
            <progress class="bar" aria-label="Caption in progress" />
          </div>
        ) : null}
        {job === null && !failed ? (
          <div class="caption-progress" role="status">
            <span class="spinner" aria-hidden="true" /> {starting ? "Starting…" : "Loading the caption…"}
          </div>
        ) : null}
        {poll.error !== null ? (
          <p class="item-error" role="alert">
            {poll.error}
          </p>
        ) : null}

        {shown !== null ? (
          <div class="caption-body">
            <div class="caption-editor">
              <label class="field">
                <span>Caption</span>
                <textarea
                  rows={6}
                  value={draft.caption}
                  disabled={locked}
                  data-testid="caption-text"
                  onInput={(e) => {
                    const caption = (e.currentTarget as HTMLTextAreaElement).value
                    setDraft((d) => ({ ...d, caption }))
                  }}
                />
                <span class={`hint${tooLong ? " too-long" : ""}`} data-testid="caption-length">
                  {captionLengthLabel(draft.caption)}
                </span>
              </label>
              <div class="field">
                <span id="tags-label">Hashtags</span>
                <ul class="tag-chips" aria-labelledby="tags-label" data-testid="hashtags">
                  {draft.hashtags.map((tag) => (
                    <li key={tag} class="tag-chip" data-testid="hashtag" data-tag={tag}>
                      #{tag}
                      <button
                        type="button"
                        class="tag-remove"
                        aria-label={`Remove #${tag}`}
                        disabled={locked}
                        onClick={() => setDraft((d) => ({ ...d, hashtags: d.hashtags.filter((t) => t !== tag) }))}
                      >
                        ✕
                      </button>
                    </li>
                  ))}
                </ul>
                <div class="feedback-row">
                  <input
                    type="text"
                    placeholder="Add hashtags, e.g. #sunset travel"
                    aria-label="Add hashtags"
                    value={tagInput}
                    disabled={locked || draft.hashtags.length >= PostLimits.hashtags}
                    data-testid="hashtag-input"
                    onInput={(e) => setTagInput((e.currentTarget as HTMLInputElement).value)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault()
                        addTags()
                      }
                    }}
                  />
                  <button type="button" class="btn" disabled={locked || tagInput.trim() === ""} onClick={addTags} data-testid="hashtag-add">
                    Add
                  </button>
                </div>
                <span class="hint">
                  {draft.hashtags.length} / {PostLimits.hashtags}
                </span>
              </div>
              <label class="field">
                <span>Location tag</span>
                <input
                  type="text"
                  value={draft.locationTag ?? ""}
                  placeholder="No place (the items have no location)"
                  disabled={locked}
                  data-testid="location-tag"
                  onInput={(e) => {
                    const v = (e.currentTarget as HTMLInputElement).value
                    setDraft((d) => ({ ...d, locationTag: v.trim() === "" ? null : v }))
                  }}
                />
              </label>
              <div class="actions">
                <button type="button" class="btn" onClick={() => void copy()} data-testid="copy">
                  Copy
                </button>
                <button type="button" class="btn" disabled={locked || !dirty || tooLong} onClick={() => void saveEdit()} data-testid="save-edit">
                  Save edit
                </button>
                {dirty ? (
                  <button type="button" class="btn btn-ghost" disabled={locked} onClick={() => setDraft(shown.draft)}>
                    Undo changes
                  </button>
                ) : null}
                <span class="muted small" role="status" data-testid="copied">
                  {copied ?? ""}
                </span>
              </div>
            </div>

            <div class="caption-side">
              <form
                class="feedback"
                onSubmit={(e) => {
                  e.preventDefault()
                  void feedback(feedbackText)
                }}
              >
                <span class="field-title">Ask for a change</span>
                <div class="chips" role="group" aria-label="Quick feedback">
                  {CAPTION_FEEDBACK.map((f) => (
                    <button key={f.words} type="button" class="chip-btn" disabled={locked} data-testid="caption-feedback-chip" data-words={f.words} onClick={() => void feedback(f.words)}>
                      {f.label}
                    </button>
                  ))}
                </div>
                <div class="feedback-row">
                  <input
                    type="text"
                    aria-label="What should change in the caption?"
                    placeholder="e.g. mention the food"
                    maxLength={PostLimits.feedbackLength}
                    value={feedbackText}
                    disabled={locked}
                    data-testid="caption-feedback-input"
                    onInput={(e) => setFeedbackText((e.currentTarget as HTMLInputElement).value)}
                  />
                  <button type="submit" class="btn" disabled={locked || feedbackText.trim() === ""} data-testid="caption-feedback-send">
                    Send
                  </button>
                </div>
              </form>

              <fieldset class="versions" data-testid="caption-versions">
                <legend>Versions</legend>
                {job?.versions.map((v) => (
                  <label key={v.round} class={`version${v.round === picked ? " on" : ""}`} data-testid="caption-version" data-round={v.round} data-source={v.source}>
                    <input type="radio" name={`caption-${job.jobId}`} checked={v.round === picked} disabled={running} onChange={() => setPicked(v.round)} />
                    <span class="version-round">{v.round}</span>
                    <span class="version-label">
                      {captionVersionLabel(v)}
                      {job.acceptedRound === v.round ? <span class="badge badge-complete"> accepted</span> : null}
                    </span>
                  </label>
                ))}
              </fieldset>
            </div>
          </div>
        ) : null}

        {actionError !== null ? (
          <p class="item-error" role="alert" data-testid="caption-action-error">
            {actionError}
          </p>
        ) : null}
      </section>

      <div class="sticky-actions">
        <span aria-live="polite">
          {job?.acceptedRound !== null && job?.acceptedRound !== undefined ? (
            <span data-testid="caption-accepted">Accepted: version {job.acceptedRound}</span>
          ) : running ? (
            "Waiting for the caption…"
          ) : (
            <span class="muted">Post {open.findIndex((p) => p.postId === post.postId) + 1} of {open.length}</span>
          )}
        </span>
        <div class="actions">
          {next === null ? (
            <button type="button" class="btn" onClick={() => navigate({ step: "download", sessionId, jobId: null })} data-testid="go-download">
              Download →
            </button>
          ) : null}
          <button
            type="button"
            class="btn btn-primary btn-large"
            disabled={locked || shown === null || tooLong}
            onClick={() => void acceptAndNext()}
            data-testid="accept-next"
          >
            {acting !== null ? <span class="spinner" aria-hidden="true" /> : null}
            {next !== null ? "Accept & next post" : "Accept & download"}
          </button>
        </div>
      </div>
    </>
  )
}
