/**
 * The Caption step's state and work. Opening a post reads its caption job
 * (the post's `caption` in PostsState) or starts one (`POST
 * /posts/:postId/captions`; it answers a running or current job instead of a
 * new one), and polls it with backoff while a round runs (CaptionModel
 * `keepPolling`). Without a post in the URL (or one with no items) the first
 * post with items opens.
 *
 * The shown version follows the job (CaptionModel `shownRound`) unless the
 * person picked one; the editor shows its draft until the person edits it.
 * Feedback, edits and acceptance answer the job's new state, shown at once.
 * "Accept & next post" stores an edited text as an `edited` version first.
 */
import type { CaptionDraft, CaptionState, PostsState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { useEffect, useMemo, useState } from "preact/hooks"
import { call, failureText, messageOf } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { postsPolicy } from "../../shared/Backoff.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { SignedUrlCache } from "../../shared/SignedUrls.js"
import { useAction } from "../../shared/useAction.js"
import { usePoll } from "../../shared/usePoll.js"
import { addHashtags, captionSignature, clipboardText, keepPolling, nextPost, sameDraft, shownRound } from "./CaptionModel.js"

const EMPTY: CaptionDraft = { caption: "", hashtags: [], locationTag: null }

/** The posts with items, in index order: the tabs. */
const openPosts = (posts: PostsState) => posts.posts.filter((p) => p.fileIds.length > 0).sort((a, b) => a.index - b.index)

export const useCaption = (sessionId: string, postId: string | null) => {
  const navigate = useNavigate()
  const [posts, setPosts] = useState<PostsState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [jobId, setJobId] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  // The person's pick of a version, with the job and its version count at that moment (a new version ends the pick).
  const [pick, setPick] = useState<{ jobId: string; round: number; count: number } | null>(null)
  // The person's edit of the shown version, for the version it was made on (`key`): another version shows its own draft.
  const [edit, setEdit] = useState<{ key: string; draft: CaptionDraft } | null>(null)
  const [copied, setCopied] = useState<string | null>(null)
  const [tagInput, setTagInput] = useState("")
  const [feedbackText, setFeedbackText] = useState("")
  const urls = useMemo(() => new SignedUrlCache(), [sessionId])

  const poll = usePoll<CaptionState>(
    jobId,
    (signal) => call((api) => api.captions.status({ params: { sessionId, jobId: jobId ?? "" } }), signal),
    keepPolling,
    captionSignature,
    postsPolicy
  )
  const job = poll.data

  /** Starts (or reopens) the post's caption job. */
  const start = useAction(
    async (pid: string) => {
      const s = await call((api) => api.captions.start({ params: { sessionId, postId: pid } }))
      setJobId(s.jobId)
      poll.show(s)
      notifySessionChanged()
    },
    { report: setActionError, describe: (e) => `The caption could not be started: ${failureText(e)}` }
  )

  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.posts.list({ params: { sessionId } }), controller.signal)
      .then((s) => {
        if (controller.signal.aborted) return
        setPosts(s)
        const open = openPosts(s)
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
        else void start.run(target.postId)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setLoadError(messageOf(e))
      })
    return () => controller.abort()
  }, [sessionId, postId])

  const post = posts?.posts.find((p) => p.postId === postId) ?? null
  const ownPick = pick !== null && job !== null && pick.jobId === job.jobId ? pick : null
  const picked = job === null ? null : shownRound(job, ownPick?.round ?? null, ownPick?.count ?? -1)
  const shown = job?.versions.find((v) => v.round === picked) ?? null
  const draftKey = `${job?.jobId ?? ""}/${picked ?? ""}/${job?.versions.length ?? 0}`
  const draft = edit !== null && edit.key === draftKey ? edit.draft : (shown?.draft ?? EMPTY)
  const setDraft = (next: CaptionDraft | ((d: CaptionDraft) => CaptionDraft)) => setEdit({ key: draftKey, draft: typeof next === "function" ? next(draft) : next })
  const setPicked = (round: number | null) => setPick(round === null || job === null ? null : { jobId: job.jobId, round, count: job.versions.length })

  /** One request that answers the job's new state (shown at once); a failure reads "`what`: why". */
  const act = useAction(
    async (_what: string, request: () => Promise<CaptionState>) => {
      const s = await request()
      poll.show(s)
      return s
    },
    { report: setActionError, describe: (e, what) => `${what}: ${failureText(e)}` }
  )
  const running = job !== null && keepPolling(job)
  const stale = job?.stale === true
  const dirty = shown !== null && !sameDraft(draft, shown.draft)
  const next = post === null ? null : nextPost(posts?.posts ?? [], post.postId)

  /** A feedback round on the latest version (the shown pick gives way to it); once sent the feedback box empties. */
  const feedback = async (words: string) => {
    const trimmed = words.trim()
    if (job === null || trimmed.length === 0) return
    setPicked(null)
    const s = await act.run(`“${trimmed}” was not sent`, () =>
      call((api) => api.captions.feedback({ params: { sessionId, jobId: job.jobId }, payload: { feedback: trimmed } }))
    )
    if (s !== undefined) setFeedbackText("")
  }
  const saveEdit = async (): Promise<CaptionState | undefined> =>
    job === null ? undefined : act.run("The edit was not saved", () => call((api) => api.captions.edit({ params: { sessionId, jobId: job.jobId }, payload: draft })))

  const acceptAndNext = async () => {
    if (job === null || shown === null) return
    let round = shown.round
    if (dirty) {
      const latest = (await saveEdit())?.versions.at(-1)
      if (latest === undefined) return
      round = latest.round
    }
    const accepted = await act.run("The caption was not accepted", () => call((api) => api.captions.accept({ params: { sessionId, jobId: job.jobId }, payload: { round } })))
    if (accepted === undefined) return
    notifySessionChanged()
    if (next !== null) navigate({ step: "caption", sessionId, postId: next })
    else navigate({ step: "download", sessionId, jobId: null })
  }

  /** Adds the typed hashtags to the draft (CaptionModel `addHashtags`: cleaned, no duplicates, at most 30). */
  const addTags = () => {
    if (tagInput.trim() === "") return
    setDraft((d) => ({ ...d, hashtags: addHashtags(d.hashtags, tagInput) }))
    setTagInput("")
  }

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(clipboardText(draft))
      setCopied("Copied caption and hashtags.")
    } catch (e) {
      setCopied(`Could not copy: ${messageOf(e)}`)
    }
  }

  return {
    posts,
    open: posts === null ? [] : openPosts(posts),
    post,
    loadError,
    urls,
    job,
    pollError: poll.error,
    shown,
    picked,
    setPicked,
    draft,
    setDraft,
    running,
    stale,
    failed: job?.status === "failed",
    locked: job === null || running || stale || act.busy,
    acting: act.busy,
    dirty,
    tooLong: draft.caption.length > PostLimits.captionLength,
    next,
    actionError,
    copied,
    tagInput,
    setTagInput,
    addTags,
    feedbackText,
    setFeedbackText,
    start,
    feedback,
    saveEdit,
    acceptAndNext,
    copy
  }
}

/** What the Caption step's parts get from {@link useCaption}. */
export type Caption = ReturnType<typeof useCaption>
