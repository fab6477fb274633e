/**
 * The Review step's state and work: the job's result and review (a job that
 * is not complete goes back to its select step), the session (its latest
 * enhancement and the later work a reopen discards), thumbnails, the files of
 * the pick that were never sent (shared/SkippedFiles), and the
 * actions: switch an item in or out (stored at once through the overrides
 * route), confirm, reopen, start (or reopen) the enhancement, open an item
 * full size. Failures show in one line.
 */
import type { ReviewState, SelectionStatus, SessionState } from "@curator/contracts"
import { useEffect, useMemo, useState } from "preact/hooks"
import { call, messageOf } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { discardedByReopen } from "../../shared/FlowModel.js"
import { runPool } from "../../shared/Pool.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { browserStorage, skippedFilesOf } from "../../shared/SkippedFiles.js"
import { useAction } from "../../shared/useAction.js"
import type { ViewerItem } from "../../shared/Viewer.js"
import { includedCount, isIncluded, overrideFor, selectedByModel, splitExcluded } from "./ReviewModel.js"

/** Thumbnail URLs by fileId, fetched 6 at a time (the browser's per-host connection limit). */
const useThumbnails = (sessionId: string, fileIds: ReadonlyArray<string>) => {
  const [urls, setUrls] = useState<ReadonlyMap<string, string>>(new Map())
  const key = fileIds.join(",")
  useEffect(() => {
    const controller = new AbortController()
    void runPool(
      fileIds,
      6,
      async (fileId) => {
        const media = await call((api) => api.media.thumbnailUrl({ params: { sessionId, fileId } }), controller.signal)
        if (!controller.signal.aborted) setUrls((prev) => new Map(prev).set(fileId, media.url))
      },
      controller.signal
    )
    return () => controller.abort()
  }, [sessionId, key])
  return urls
}

/** The session, re-read after this step changed it (`refresh`); null until it answered. */
const useSession = (sessionId: string, jobId: string) => {
  const [session, setSession] = useState<SessionState | null>(null)
  const [nonce, setNonce] = useState(0)
  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then(setSession)
      .catch(() => undefined)
    return () => controller.abort()
  }, [sessionId, jobId, nonce])
  return { session, refresh: () => setNonce((n) => n + 1) }
}

/** The job's status and review; a job that has no result yet sends the page back to its select step. */
const useSelection = (sessionId: string, jobId: string) => {
  const navigate = useNavigate()
  const [status, setStatus] = useState<SelectionStatus | null>(null)
  const [review, setReview] = useState<ReviewState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.selection.status({ params: { sessionId, jobId } }), controller.signal)
      .then((s) => {
        if (s.status !== "complete" || s.result === null) {
          navigate({ step: "select", sessionId, jobId }, { replace: true })
          return
        }
        setStatus(s)
        setReview(s.review)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setLoadError(messageOf(e))
      })
    return () => controller.abort()
  }, [sessionId, jobId, navigate])
  return { status, review, setReview, loadError }
}

export const useReview = (sessionId: string, jobId: string) => {
  const navigate = useNavigate()
  // The session is asked first, as before the split: its answer (the later work a reopen discards) then
  // usually arrives before the review shows "Change selection".
  const { session, refresh } = useSession(sessionId, jobId)
  const { status, review, setReview, loadError } = useSelection(sessionId, jobId)
  const [actionError, setActionError] = useState<string | null>(null)
  const [viewer, setViewer] = useState<ViewerItem | null>(null)
  const [asking, setAsking] = useState(false)

  const result = status?.result ?? null
  const names = useMemo(() => new Map(status?.files.map((f) => [f.fileId, f.name]) ?? []), [status])
  const kinds = useMemo(() => new Map(status?.files.map((f) => [f.fileId, f.item?.kind ?? (f.type.startsWith("video/") ? "video" : "photo")]) ?? []), [status])
  const failures = useMemo(() => new Map(status?.files.filter((f) => f.reason).map((f) => [f.fileId, f.reason]) ?? []), [status])
  const pick = useMemo(() => (result ? selectedByModel(result) : new Set<string>()), [result])
  const split = useMemo(() => (result ? splitExcluded(result.excluded) : { considered: [], unprocessable: [] }), [result])
  const shown = useMemo(() => (result ? [...result.selected.map((s) => s.fileId), ...split.considered.map((e) => e.fileId)] : []), [result, split])
  const thumbs = useThumbnails(sessionId, shown)
  // The files of the pick that were never sent (kept by the upload step in this browser).
  const notTaken = useMemo(() => skippedFilesOf(browserStorage(), sessionId), [sessionId])
  const overrides = review?.overrides ?? []
  const nameOf = (fileId: string) => names.get(fileId) ?? fileId
  const isOn = (fileId: string) => isIncluded(fileId, pick, overrides)
  /** This step changed the session: re-read it here and in the header. */
  const changed = () => {
    refresh()
    notifySessionChanged()
  }
  const ofItem = (e: unknown, fileId: string) => `${nameOf(fileId)}: ${messageOf(e)}`

  const toggle = useAction(
    async (fileId: string) => {
      const action = overrideFor(fileId, !isOn(fileId), pick)
      setReview(await call((api) => api.selection.override({ params: { sessionId, jobId }, payload: { fileId, action } })))
    },
    { key: (fileId) => fileId, report: setActionError, describe: ofItem }
  )
  const confirm = useAction(
    async () => {
      setReview(await call((api) => api.selection.confirm({ params: { sessionId, jobId } })))
      changed()
    },
    { report: setActionError }
  )
  const reopen = useAction(
    async () => {
      setReview(await call((api) => api.posts.reopenReview({ params: { sessionId, jobId } })))
      setAsking(false)
      changed()
    },
    { report: setActionError, describe: (e) => `The selection could not be reopened: ${messageOf(e)}`, recover: () => setAsking(false) }
  )
  const enhance = useAction(
    async () => {
      const started = await call((api) => api.enhancement.start({ params: { sessionId }, payload: { selectionJobId: jobId } }))
      navigate({ step: "enhance", sessionId, jobId: started.jobId })
    },
    { report: setActionError }
  )
  /** Opens an item full size: the original (HEIC falls back to the thumbnail: browsers cannot show it), or the video. */
  const open = useAction(
    async (fileId: string, caption: string) => {
      const media = await call((api) => api.media.previewUrl({ params: { sessionId, fileId } }))
      const kind = kinds.get(fileId) === "video" ? "video" : "photo"
      setViewer({
        kind,
        url: media.url,
        title: nameOf(fileId),
        caption: media.variant === "thumbnail" && kind === "photo" ? `${caption} (preview: this browser cannot show the original format)` : caption
      })
    },
    // Opening leaves an earlier failure on show.
    { report: (failure) => failure !== null && setActionError(failure), describe: ofItem }
  )

  const ownSelection = session !== null && session.selection?.jobId === jobId
  return {
    loaded: status !== null && result !== null && review !== null ? { status, result, review } : null,
    loadError,
    session,
    // The session's latest enhancement, when it is this selection's: the button reopens it.
    enhancement: session?.enhancement?.selectionJobId === jobId ? session.enhancement : null,
    laterWork: ownSelection ? discardedByReopen(session) : [],
    hasPosts: ownSelection && session.postCount > 0,
    included: result !== null ? includedCount(result, overrides) : 0,
    split,
    notTaken,
    thumbs,
    kinds,
    failures,
    nameOf,
    isOn,
    actionError,
    viewer,
    closeViewer: () => setViewer(null),
    asking,
    setAsking,
    toggle,
    confirm,
    reopen,
    enhance,
    open
  }
}

/** What the Review step's parts get from {@link useReview}. */
export type Review = ReturnType<typeof useReview>
