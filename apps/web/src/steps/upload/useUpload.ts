/**
 * The Upload step's state and work. A session is created on the first upload
 * (it carries the trip context) and the URL moves to it (replaced); its URL
 * then resumes: files uploaded earlier are read from the session store.
 * Files are declared 100 per request (UploadLimits.filesPerRequest), sent
 * straight to blob storage 4 at a time (UPLOAD_CONCURRENCY), each confirmed
 * with `complete`; then the selection job starts and the page moves to its
 * URL. Leaving the step aborts the uploads. What the pick does not send (not
 * a photo or video, refused) is kept for the review (shared/SkippedFiles).
 */
import { type SessionState, UploadLimits } from "@curator/contracts"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, messageOf } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { runPool, UPLOAD_CONCURRENCY } from "../../shared/Pool.js"
import { browserStorage, rememberSkipped } from "../../shared/SkippedFiles.js"
import { useAction } from "../../shared/useAction.js"
import { putBlob } from "./BlobUpload.js"
import { partitionMedia } from "./MediaFiles.js"
import { canStart, chunksOf, entriesFor, skippedOfPick, totalsOf, type UploadEntry, type UploadPhase, updateEntry } from "./UploadModel.js"

/** The session of the URL (null on `/`): the trip context and what was uploaded before. */
const useSession = (sessionId: string | null, created: { readonly current: string | null }) => {
  const [session, setSession] = useState<SessionState | null>(null)
  const [loading, setLoading] = useState(sessionId !== null)
  const [loadError, setLoadError] = useState<string | null>(null)
  useEffect(() => {
    // The session this page created: its URL change must not reload what the page already holds.
    if (sessionId === null || sessionId === created.current) return
    const controller = new AbortController()
    setLoading(true)
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then((state) => {
        setSession(state)
        setLoadError(null)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setLoadError(messageOf(e))
      })
      .finally(() => setLoading(false))
    return () => controller.abort()
  }, [sessionId])
  return { session, loading, loadError }
}

export const useUpload = (sessionId: string | null) => {
  const navigate = useNavigate()
  const created = useRef<string | null>(null)
  const { session, loading, loadError } = useSession(sessionId, created)
  const [tripContext, setTripContext] = useState("")
  const [targetCount, setTargetCount] = useState(20)
  const [entries, setEntries] = useState<Array<UploadEntry>>([])
  const [skipped, setSkipped] = useState<Array<string>>([])
  const [phase, setPhase] = useState<UploadPhase>("picking")
  const [error, setError] = useState<string | null>(null)
  const nextKey = useRef(0)
  const abort = useRef<AbortController | null>(null)

  useEffect(() => () => abort.current?.abort(), [])
  useEffect(() => {
    if (session !== null) setTripContext(session.session.tripContext)
  }, [session])

  const add = (files: ReadonlyArray<File>) => {
    const { media, skipped: notMedia } = partitionMedia(files)
    setEntries((prev) => [...prev, ...entriesFor(media, nextKey.current)])
    nextKey.current += media.length
    setSkipped((prev) => [...prev, ...notMedia])
  }
  const update = (key: string, f: (e: UploadEntry) => UploadEntry) => setEntries((prev) => updateEntry(prev, key, f))

  const uploadedBefore = session?.uploads.filter((u) => u.status === "uploaded") ?? []
  const totals = totalsOf(entries)
  const toSend = entries.filter((e) => e.status === "ready" || e.status === "failed")

  const startSelection = async (sid: string) => {
    setPhase("starting")
    const { jobId } = await call((api) => api.selection.start({ params: { sessionId: sid }, payload: { targetCount } }))
    navigate({ step: "select", sessionId: sid, jobId })
  }

  /** Declares `batch` in chunks, then sends each file and confirms it; rejects when any failed (each row says why). */
  const send = async (sid: string, batch: ReadonlyArray<UploadEntry>, signal: AbortSignal) => {
    for (const e of batch) update(e.key, (x) => ({ ...x, status: "queued", loaded: 0, reason: null }))
    // Targets come back in request order.
    const targets = new Map<string, Parameters<typeof putBlob>[0]>()
    for (const chunk of chunksOf(batch, UploadLimits.filesPerRequest)) {
      const { uploads } = await call((api) =>
        api.uploads.create({ params: { sessionId: sid }, payload: { files: chunk.map((e) => ({ name: e.name, type: e.mime, size: e.size })) } })
      )
      chunk.forEach((e, i) => {
        const target = uploads[i]
        if (target) targets.set(e.key, target)
      })
    }
    const results = await runPool(
      batch,
      UPLOAD_CONCURRENCY,
      async (e) => {
        const target = targets.get(e.key)
        try {
          if (!target || !e.file) throw new Error("no upload target was issued for this file")
          update(e.key, (x) => ({ ...x, status: "uploading", fileId: target.fileId }))
          await putBlob(target, e.file, (loaded) => update(e.key, (x) => ({ ...x, loaded })), signal)
          await call((api) => api.uploads.complete({ params: { sessionId: sid, fileId: target.fileId } }), signal)
          update(e.key, (x) => ({ ...x, status: "uploaded", loaded: x.size }))
        } catch (err) {
          update(e.key, (x) => ({ ...x, status: "failed", reason: messageOf(err) }))
          throw err
        }
      },
      signal
    )
    const failed = results.filter((r) => !r.ok).length
    if (failed > 0) throw new Error(`${failed} of ${results.length} uploads failed. Retry them, or go on without them.`)
  }

  const stopped = { report: setError, recover: () => setPhase("stopped") }
  /** Creates the session if needed, sends what is ready (or failed before), then starts the selection. */
  const run = useAction(async () => {
    const controller = new AbortController()
    abort.current = controller
    let sid = sessionId
    if (sid === null) {
      setPhase("uploading")
      const info = await call((api) => api.sessions.create({ payload: { tripContext: tripContext.trim() } }))
      sid = info.sessionId
      created.current = sid
      navigate({ step: "upload", sessionId: sid }, { replace: true })
    }
    // What this pick does not send is listed in the review ("skipped: unsupported type", "refused").
    rememberSkipped(browserStorage(), sid, skippedOfPick(skipped, entries))
    const batch = toSend.filter((e) => e.file !== null)
    if (batch.length > 0) {
      setPhase("uploading")
      await send(sid, batch, controller.signal)
    }
    await startSelection(sid)
  }, stopped)
  /** After failed uploads: starts the selection with the files that made it. */
  const goOnWithout = useAction(async () => {
    if (sessionId !== null) await startSelection(sessionId)
  }, stopped)

  return {
    session,
    loading,
    loadError,
    tripContext,
    setTripContext,
    targetCount,
    setTargetCount,
    entries,
    skipped,
    phase,
    error,
    add,
    run,
    goOnWithout,
    totals,
    toSend,
    uploadedBefore,
    busy: phase === "uploading" || phase === "starting",
    canStart: canStart({ phase, toSend, uploadedBefore: uploadedBefore.length, totals })
  }
}
