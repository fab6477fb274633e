/**
 * The Group step's state and work: the posts (PostsState) read from the API,
 * and every change as one request (GroupModel `planMove` for moves), shown at
 * once and saved with the post's revision; the answer (the whole PostsState)
 * replaces what is shown. A 409 (the post changed elsewhere) reloads the
 * posts and says so; any failure reloads them. One change is saved at a time:
 * the controls wait while `busy`. A load that fails finds the session's
 * review, where the person can go instead.
 */
import type { Post, PostsState } from "@curator/contracts"
import { useEffect, useMemo, useState } from "preact/hooks"
import { ApiFailure, call, messageOf } from "../../api/ApiClient.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { postTitle } from "../../shared/Posts.js"
import { SignedUrlCache } from "../../shared/SignedUrls.js"
import { useAction } from "../../shared/useAction.js"
import { type MovePlan, planMove } from "./GroupModel.js"

/** A line over the posts: a refused move (warn), a change that was not saved (warn on 409, else bad). */
export interface GroupNotice {
  readonly tone: "bad" | "warn"
  readonly text: string
}

export const useGroup = (sessionId: string) => {
  const [state, setState] = useState<PostsState | null>(null)
  const [loadError, setLoadError] = useState<{ message: string; conflict: boolean } | null>(null)
  const [reviewJob, setReviewJob] = useState<string | null>(null)
  const [notice, setNotice] = useState<GroupNotice | null>(null)
  const urls = useMemo(() => new SignedUrlCache(), [sessionId])

  const load = async (signal?: AbortSignal) => {
    try {
      const s = await call((api) => api.posts.list({ params: { sessionId } }), signal)
      if (!signal?.aborted) {
        setState(s)
        setLoadError(null)
      }
    } catch (e) {
      if (signal?.aborted) return
      setLoadError({ message: messageOf(e), conflict: e instanceof ApiFailure && e.status === 409 })
      // Where to go instead: the session's review.
      call((api) => api.sessions.get({ params: { sessionId } }))
        .then((s) => setReviewJob(s.selection?.jobId ?? null))
        .catch(() => undefined)
    }
  }
  useEffect(() => {
    const controller = new AbortController()
    void load(controller.signal)
    return () => controller.abort()
  }, [sessionId])

  /** One change: shows `shown` at once (when given), sends `request`, shows the answer; a failure says why (`what` was not saved) and reloads. */
  const save = useAction(
    async (shown: PostsState | null, request: () => Promise<PostsState>, _what: string) => {
      if (shown !== null) setState(shown)
      setState(await request())
      notifySessionChanged()
    },
    {
      report: setNotice,
      describe: (e, _shown, _request, what): GroupNotice =>
        e instanceof ApiFailure && e.status === 409
          ? { tone: "warn", text: `${what} was not saved: the posts changed meanwhile (in another tab?). They were reloaded; please try again.` }
          : { tone: "bad", text: `${what} was not saved: ${messageOf(e)}` },
      recover: () => load()
    }
  )

  const run = (plan: MovePlan, what: string) => {
    if (plan.kind === "none") return
    if (plan.kind === "refused") return setNotice({ tone: "warn", text: plan.reason })
    if (plan.kind === "create") {
      void save.run(plan.shown, () => call((api) => api.posts.create({ params: { sessionId }, payload: { fileIds: [...plan.fileIds] } })), what)
      return
    }
    const payload = { label: plan.label, fileIds: [...plan.fileIds], revision: plan.revision }
    void save.run(plan.shown, () => call((api) => api.posts.update({ params: { sessionId, postId: plan.postId }, payload })), what)
  }
  const nameOf = (fileId: string) => state?.items.find((i) => i.fileId === fileId)?.name ?? "The item"

  return {
    state,
    loadError,
    reviewJob,
    notice,
    dismiss: () => setNotice(null),
    urls,
    busy: save.busy,
    /** Moves `fileId` to `index` of container `to` (POOL, NEW_POST or a postId). */
    move: (fileId: string, to: string, index: number) => {
      if (state !== null) run(planMove(state, fileId, to, index), `Moving ${nameOf(fileId)}`)
    },
    label: (post: Post, label: string) =>
      void save.run(
        null,
        () => call((api) => api.posts.update({ params: { sessionId, postId: post.postId }, payload: { label, fileIds: [...post.fileIds], revision: post.revision } })),
        "The label"
      ),
    remove: (post: Post) => void save.run(null, () => call((api) => api.posts.remove({ params: { sessionId, postId: post.postId } })), `Deleting ${postTitle(post)}`),
    create: () => void save.run(null, () => call((api) => api.posts.create({ params: { sessionId }, payload: {} })), "The new post")
  }
}
