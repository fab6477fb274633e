/**
 * Step 1: pick files or a whole folder (or drop them), describe the trip, and
 * upload. Files go straight to blob storage (UploadTarget PUTs), 4 at a time,
 * each confirmed with `complete`; then the selection job starts and the page
 * moves to its URL. A session is created on the first upload (it carries the
 * trip context); its URL then resumes: uploaded files are listed from the
 * session store, and an earlier selection is linked.
 */
import { type SessionState, UploadLimits } from "@curator/contracts"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, messageOf } from "../ApiClient.js"
import type { Navigate } from "../App.js"
import { putBlob } from "../BlobUpload.js"
import { FileRow } from "../components/FileRow.js"
import { ProgressBar } from "../components/ProgressBar.js"
import { filesOfDrop } from "../DroppedFiles.js"
import { formatBytes, partitionMedia } from "../MediaFiles.js"
import { runPool, UPLOAD_CONCURRENCY } from "../Pool.js"
import { browserStorage, rememberSkipped, skippedOfPick } from "../SkippedFiles.js"
import { chunksOf, entriesFor, totalsOf, type UploadEntry, updateEntry } from "../UploadModel.js"

type Phase = "picking" | "uploading" | "starting" | "stopped"

const STATUS_LABEL: Record<UploadEntry["status"], string> = {
  ready: "Ready",
  refused: "Not accepted",
  queued: "Queued",
  uploading: "Uploading",
  uploaded: "Uploaded",
  failed: "Failed"
}

const kindOf = (mime: string) => (mime.startsWith("video/") ? "video" : mime.startsWith("image/") ? "photo" : "other")

export const UploadStep = (props: { sessionId: string | null; navigate: Navigate }) => {
  const { navigate } = props
  const [session, setSession] = useState<SessionState | null>(null)
  const [loading, setLoading] = useState(props.sessionId !== null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [tripContext, setTripContext] = useState("")
  const [targetCount, setTargetCount] = useState(20)
  const [entries, setEntries] = useState<Array<UploadEntry>>([])
  const [skipped, setSkipped] = useState<Array<string>>([])
  const [phase, setPhase] = useState<Phase>("picking")
  const [error, setError] = useState<string | null>(null)
  const [over, setOver] = useState(false)
  const nextKey = useRef(0)
  // The session this page created: its URL change must not reload what the page already holds.
  const created = useRef<string | null>(null)
  const abort = useRef<AbortController | null>(null)

  useEffect(() => () => abort.current?.abort(), [])

  useEffect(() => {
    const id = props.sessionId
    if (id === null || id === created.current) return
    const controller = new AbortController()
    setLoading(true)
    call((api) => api.sessions.get({ params: { sessionId: id } }), controller.signal)
      .then((state) => {
        setSession(state)
        setTripContext(state.session.tripContext)
        setLoadError(null)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setLoadError(messageOf(e))
      })
      .finally(() => setLoading(false))
    return () => controller.abort()
  }, [props.sessionId])

  const add = (files: ReadonlyArray<File>) => {
    const { media, skipped: notMedia } = partitionMedia(files)
    setEntries((prev) => [...prev, ...entriesFor(media, nextKey.current)])
    nextKey.current += media.length
    setSkipped((prev) => [...prev, ...notMedia])
  }

  const uploadedBefore = session?.uploads.filter((u) => u.status === "uploaded") ?? []
  const totals = totalsOf(entries)
  const toSend = entries.filter((e) => e.status === "ready" || e.status === "failed")
  const busy = phase === "uploading" || phase === "starting"
  const uploadedNow = totals.counts.uploaded

  const startSelection = async (sessionId: string) => {
    setPhase("starting")
    const { jobId } = await call((api) => api.selection.start({ params: { sessionId }, payload: { targetCount } }))
    navigate({ step: "select", sessionId, jobId })
  }

  const run = async () => {
    setError(null)
    const controller = new AbortController()
    abort.current = controller
    try {
      let sessionId = props.sessionId
      if (sessionId === null) {
        setPhase("uploading")
        const info = await call((api) => api.sessions.create({ payload: { tripContext: tripContext.trim() } }))
        sessionId = info.sessionId
        created.current = sessionId
        navigate({ step: "upload", sessionId }, { replace: true })
      }
      const sid = sessionId
      // What this pick does not send is listed in the review ("skipped: unsupported type", "refused").
      rememberSkipped(browserStorage(), sid, skippedOfPick(skipped, entries))
      const batch = toSend.filter((e) => e.file !== null)
      if (batch.length > 0) {
        setPhase("uploading")
        for (const e of batch) setEntries((prev) => updateEntry(prev, e.key, (x) => ({ ...x, status: "queued", loaded: 0, reason: null })))
        // Declare in chunks (the API takes at most filesPerRequest files per call); targets come back in request order.
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
        await runPool(
          batch,
          UPLOAD_CONCURRENCY,
          async (e) => {
            const target = targets.get(e.key)
            try {
              if (!target || !e.file) throw new Error("no upload target was issued for this file")
              setEntries((prev) => updateEntry(prev, e.key, (x) => ({ ...x, status: "uploading", fileId: target.fileId })))
              await putBlob(
                target,
                e.file,
                (loaded) => setEntries((prev) => updateEntry(prev, e.key, (x) => ({ ...x, loaded }))),
                controller.signal
              )
              await call((api) => api.uploads.complete({ params: { sessionId: sid, fileId: target.fileId } }), controller.signal)
              setEntries((prev) => updateEntry(prev, e.key, (x) => ({ ...x, status: "uploaded", loaded: x.size })))
            } catch (err) {
              setEntries((prev) => updateEntry(prev, e.key, (x) => ({ ...x, status: "failed", reason: messageOf(err) })))
              throw err
            }
          },
          controller.signal
        ).then((results) => {
          const failed = results.filter((r) => !r.ok).length
          if (failed > 0) throw new Error(`${failed} of ${results.length} uploads failed. Retry them, or go on without them.`)
        })
      }
      await startSelection(sid)
    } catch (e) {
      if (!controller.signal.aborted) {
        setError(messageOf(e))
        setPhase("stopped")
      }
    }
  }

  const goOnWithout = async () => {
    const sid = props.sessionId
    if (sid === null) return
    setError(null)
    try {
      await startSelection(sid)
    } catch (e) {
      setError(messageOf(e))
      setPhase("stopped")
    }
  }

  if (loading) {
    return (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading your trip…
      </div>
    )
  }
  if (loadError !== null) {
    return (
      <div class="center">
        <h1>This trip could not be opened</h1>
        <p class="muted">{loadError}</p>
        <a class="btn btn-primary" href="/">
          Start a new trip
        </a>
      </div>
    )
  }

  const canStart = !busy && (toSend.length > 0 || (uploadedBefore.length + uploadedNow > 0 && phase !== "picking") || uploadedBefore.length > 0)
  const earlier = session?.selection ?? null
  const enhancement = earlier !== null && session?.enhancement?.selectionJobId === earlier.jobId ? session.enhancement : null
  const sendCount = toSend.length

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Add your trip's photos and videos</h1>
          <p class="muted">Curator checks every file, reads when and where it was taken, and picks the best, most varied shots.</p>
        </div>
      </div>

      {earlier !== null && props.sessionId !== null ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>This trip already has a selection ({earlier.status}).</strong>
            Adding files here starts a new one.
          </div>
          <a
            class="btn"
            href={`/s/${props.sessionId}/${earlier.status === "complete" ? "review" : "select"}/${earlier.jobId}`}
            onClick={(ev) => {
              ev.preventDefault()
              navigate({ step: earlier.status === "complete" ? "review" : "select", sessionId: props.sessionId ?? "", jobId: earlier.jobId })
            }}
          >
            Open it
          </a>
          {enhancement !== null ? (
            <a
              class="btn"
              href={`/s/${props.sessionId}/enhance/${enhancement.jobId}`}
              onClick={(ev) => {
                ev.preventDefault()
                navigate({ step: "enhance", sessionId: props.sessionId ?? "", jobId: enhancement.jobId })
              }}
            >
              Open its enhancement
            </a>
          ) : null}
        </div>
      ) : null}

      <section class="card" aria-labelledby="pick-title">
        <h2 id="pick-title" class="visually-hidden">
          Choose files
        </h2>
        <div
          class={`dropzone${over ? " over" : ""}`}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault()
            if (e.dataTransfer) e.dataTransfer.dropEffect = "copy"
            setOver(true)
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault()
            setOver(false)
            if (!busy && e.dataTransfer) void filesOfDrop(e.dataTransfer).then(add)
          }}
        >
          <span class="dropzone-icon" aria-hidden="true">
            <svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
              <path d="M12 16V4M7 9l5-5 5 5M4 17v3h16v-3" />
            </svg>
          </span>
          <div>
            <strong>Drop photos, videos or a whole folder here</strong>
            <p class="muted small">
              JPEG, HEIC, PNG, WebP, AVIF · MOV, MP4 · up to {formatBytes(UploadLimits.photoBytes)} per photo, {formatBytes(UploadLimits.videoBytes)} per
              video
            </p>
          </div>
          <div class="actions">
            <input
              id="pick-files"
              class="file-input"
              type="file"
              multiple
              accept="image/*,video/*,.heic,.heif,.avif,.mov"
              disabled={busy}
              data-testid="file-input"
              onChange={(e) => {
                const input = e.currentTarget
                add(Array.from(input.files ?? []))
                input.value = ""
              }}
            />
            <label for="pick-files" class="btn btn-primary">
              Choose files
            </label>
            <input
              id="pick-folder"
              class="file-input"
              type="file"
              multiple
              // @ts-expect-error webkitdirectory is a standard-track attribute missing from Preact's JSX types
              webkitdirectory
              disabled={busy}
              data-testid="folder-input"
              onChange={(e) => {
                const input = e.currentTarget
                add(Array.from(input.files ?? []))
                input.value = ""
              }}
            />
            <label for="pick-folder" class="btn">
              Choose a folder
            </label>
          </div>
        </div>
      </section>

      <section class="card">
        <div class="form-row">
          <label class="field">
            What was the trip?
            <span class="hint">Optional. A sentence helps the pick: places, people, what mattered.</span>
            <textarea
              rows={2}
              maxLength={UploadLimits.tripContextLength}
              value={tripContext}
              placeholder="A long weekend in Lisbon with Ana: trams, tiles and the sunset at Miradouro da Graça"
              disabled={busy || props.sessionId !== null}
              onInput={(e) => setTripContext(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            Items to pick
            <span class="hint">1 to {UploadLimits.maxTargetCount}</span>
            <input
              type="text"
              inputMode="numeric"
              value={String(targetCount)}
              disabled={busy}
              onInput={(e) => {
                const n = Number.parseInt(e.currentTarget.value, 10)
                if (Number.isFinite(n)) setTargetCount(Math.max(1, Math.min(UploadLimits.maxTargetCount, n)))
              }}
            />
          </label>
        </div>
      </section>

      {entries.length > 0 || uploadedBefore.length > 0 ? (
        <section class="card" aria-labelledby="files-title">
          <div class="card-head">
            <h2 id="files-title">
              {entries.length + uploadedBefore.length} file{entries.length + uploadedBefore.length === 1 ? "" : "s"}
            </h2>
            {entries.length > 0 ? (
              <span class="muted small">
                {formatBytes(totals.bytes)}
                {totals.counts.refused > 0 ? ` · ${totals.counts.refused} not accepted` : ""}
              </span>
            ) : null}
          </div>
          {entries.length > 0 && phase !== "picking" ? (
            <div class="total" style="margin-bottom:14px">
              <div class="total-line" aria-live="polite">
                <span>
                  <strong data-testid="uploaded-count">{uploadedNow}</strong> of {entries.length - totals.counts.refused} uploaded
                </span>
                <span class="muted">
                  {formatBytes(totals.loaded)} of {formatBytes(totals.bytes)}
                </span>
              </div>
              <ProgressBar value={totals.fraction} label="Total upload progress" size="large" tone={totals.fraction >= 1 ? "done" : "normal"} />
            </div>
          ) : null}
          <ul class="file-list" data-testid="upload-list">
            {uploadedBefore.map((u) => (
              <FileRow key={u.fileId} name={u.name} detail={formatBytes(u.size)} kind={kindOf(u.type)} status="uploaded" statusLabel="Uploaded" progress={1} />
            ))}
            {entries.map((e) => (
              <FileRow
                key={e.key}
                name={e.name}
                detail={e.path !== e.name ? `${formatBytes(e.size)} · in ${e.path.slice(0, e.path.length - e.name.length - 1)}` : formatBytes(e.size)}
                kind={kindOf(e.mime)}
                status={e.status}
                statusLabel={e.status === "uploading" && e.size > 0 ? `${Math.floor((100 * e.loaded) / e.size)} %` : STATUS_LABEL[e.status]}
                progress={e.status === "ready" || e.status === "refused" || e.status === "queued" ? null : e.size === 0 ? 1 : e.loaded / e.size}
                reason={e.reason}
              />
            ))}
          </ul>
          {skipped.length > 0 ? (
            <p class="muted small" style="margin-top:10px">
              Skipped {skipped.length} file{skipped.length === 1 ? "" : "s"} that {skipped.length === 1 ? "is" : "are"} not a photo or video:{" "}
              {skipped.slice(0, 5).join(", ")}
              {skipped.length > 5 ? ` and ${skipped.length - 5} more` : ""}.
            </p>
          ) : null}
        </section>
      ) : null}

      {error !== null ? (
        <div class="notice notice-bad" role="alert">
          <div>
            <strong>Upload stopped</strong>
            {error}
          </div>
          {props.sessionId !== null && uploadedNow + uploadedBefore.length > 0 ? (
            <button type="button" class="btn" onClick={() => void goOnWithout()}>
              Go on with {uploadedNow + uploadedBefore.length} uploaded
            </button>
          ) : null}
        </div>
      ) : null}

      <div class="sticky-actions">
        <span class="muted" aria-live="polite">
          {phase === "starting"
            ? "Starting the selection…"
            : phase === "uploading"
              ? `${totals.counts.uploading} uploading (up to ${UPLOAD_CONCURRENCY} at once), ${totals.counts.queued} queued`
              : sendCount > 0
                ? `${sendCount} file${sendCount === 1 ? "" : "s"} ready · ${formatBytes(toSend.reduce((n, e) => n + e.size, 0))}`
                : uploadedBefore.length > 0
                  ? `${uploadedBefore.length} file${uploadedBefore.length === 1 ? "" : "s"} uploaded`
                  : "No files yet"}
        </span>
        <button type="button" class="btn btn-primary btn-large" disabled={!canStart} onClick={() => void run()} data-testid="start-upload">
          {busy ? <span class="spinner" aria-hidden="true" /> : null}
          {phase === "uploading"
            ? "Uploading…"
            : phase === "starting"
              ? "Starting…"
              : sendCount > 0
                ? phase === "stopped"
                  ? `Retry ${sendCount} failed`
                  : `Upload ${sendCount} and pick the best`
                : "Pick the best"}
        </button>
      </div>
    </>
  )
}
