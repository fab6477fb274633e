/**
 * Step 3: review the pick. Selected items in rank order (thumbnail,
 * justification, comparison note), excluded items with reason, category and
 * duplicate-of, files that could not be processed, the files of the pick that
 * were never sent (SkippedFiles: not a photo or video, refused), and the scene groups. A
 * switch per item includes or excludes it; each change is stored at once
 * through the overrides route, so a reload or another tab shows it. Confirm
 * closes the review; then "Enhance N kept items" starts (or reopens) the
 * enhancement of the kept items and moves to its step. Photos open full size
 * in an overlay, videos in a player.
 *
 * A confirmed review can be changed again ("Change selection": `POST
 * /selection/:jobId/reopen`, which bumps the session generation). When later
 * work exists (posts, captions, a download) a <dialog> first says what it
 * discards (FlowModel `discardedByReopen`); after confirming again the
 * person goes on to the posts, where excluded items are gone from their posts.
 */
import type { EnhancementJobSummary, ReviewState, SceneGroup, SelectedItem, SelectionStatus, SessionState } from "@curator/contracts"
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import { call, messageOf } from "../ApiClient.js"
import type { Navigate } from "../App.js"
import { Viewer, type ViewerItem } from "../components/Viewer.js"
import { discardedByReopen } from "../FlowModel.js"
import { notifySessionChanged } from "../SessionEvents.js"
import { browserStorage, skippedFilesOf } from "../SkippedFiles.js"
import { runPool } from "../Pool.js"
import { categoryLabel, formatTimeRange, includedCount, isIncluded, overrideFor, selectedByModel, selectionModelLabel, splitExcluded, tokensLabel } from "../ReviewModel.js"

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

/** A scene's time range and place unless its name already says them, and its size. */
const sceneDetail = (g: SceneGroup): string => {
  const range = formatTimeRange(g.timeRange)
  const place = g.gps ? `${g.gps.lat.toFixed(4)}, ${g.gps.lon.toFixed(4)}` : null
  const size = `${g.items.length} item${g.items.length === 1 ? "" : "s"}`
  return [range !== null && !g.name.includes(range) ? range : null, place !== null && !g.name.includes(place) ? place : null, size]
    .filter((x) => x !== null)
    .join(" · ")
}

/** The confirmation before reopening a confirmed review: what it discards, then "Change selection" or "Cancel" (Escape). */
const ReopenDialog = (props: { lines: ReadonlyArray<string>; busy: boolean; onConfirm: () => void; onCancel: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog !== null && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      class="confirm-dialog"
      aria-labelledby="reopen-title"
      aria-describedby="reopen-body"
      data-testid="reopen-dialog"
      onCancel={(e) => {
        e.preventDefault()
        props.onCancel()
      }}
    >
      <h2 id="reopen-title">Change the selection?</h2>
      <div id="reopen-body">
        <p>You can switch items in or out again, then confirm. What comes after the review changes with it:</p>
        <ul data-testid="reopen-discards">
          {props.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      <div class="actions dialog-actions">
        <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy} data-testid="cancel-reopen">
          Cancel
        </button>
        <button type="button" class="btn btn-primary" onClick={props.onConfirm} disabled={props.busy} data-testid="confirm-reopen">
          {props.busy ? <span class="spinner" aria-hidden="true" /> : null}
          Change selection
        </button>
      </div>
    </dialog>
  )
}

const Switch = (props: { on: boolean; busy: boolean; disabled: boolean; label: string; onToggle: () => void }) => (
  <label class="toggle">
    <span>{props.on ? "In the pick" : "Left out"}</span>
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={props.on}
      aria-label={props.label}
      aria-busy={props.busy}
      disabled={props.disabled || props.busy}
      data-testid="toggle"
      onClick={props.onToggle}
    />
  </label>
)

export const ReviewStep = (props: { sessionId: string; jobId: string; navigate: Navigate }) => {
  const { sessionId, jobId, navigate } = props
  const [status, setStatus] = useState<SelectionStatus | null>(null)
  const [review, setReview] = useState<ReviewState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set())
  const [actionError, setActionError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [viewer, setViewer] = useState<ViewerItem | null>(null)
  const [session, setSession] = useState<SessionState | null>(null)
  const [sessionNonce, setSessionNonce] = useState(0)
  const [starting, setStarting] = useState(false)
  const [asking, setAsking] = useState(false)
  const [reopening, setReopening] = useState(false)

  useEffect(() => {
    // The session: its latest enhancement (when it is this selection's, the button reopens it) and the later work a reopen discards.
    const controller = new AbortController()
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then(setSession)
      .catch(() => undefined)
    return () => controller.abort()
  }, [sessionId, jobId, sessionNonce])
  const enhancement: EnhancementJobSummary | null = session?.enhancement?.selectionJobId === jobId ? session.enhancement : null
  const laterWork = session !== null && session.selection?.jobId === jobId ? discardedByReopen(session) : []
  const hasPosts = session !== null && session.selection?.jobId === jobId && session.postCount > 0

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

  const result = status?.result ?? null
  const names = useMemo(() => new Map(status?.files.map((f) => [f.fileId, f.name]) ?? []), [status])
  const kinds = useMemo(() => new Map(status?.files.map((f) => [f.fileId, f.item?.kind ?? (f.type.startsWith("video/") ? "video" : "photo")]) ?? []), [status])
  const failures = useMemo(() => new Map(status?.files.filter((f) => f.reason).map((f) => [f.fileId, f.reason]) ?? []), [status])
  const pick = useMemo(() => (result ? selectedByModel(result) : new Set<string>()), [result])
  const split = useMemo(() => (result ? splitExcluded(result.excluded) : { considered: [], unprocessable: [] }), [result])
  const shown = useMemo(() => (result ? [...result.selected.map((s) => s.fileId), ...split.considered.map((e) => e.fileId)] : []), [result, split])
  const thumbs = useThumbnails(sessionId, shown)
  const notTaken = useMemo(() => skippedFilesOf(browserStorage(), sessionId), [sessionId])

  if (loadError !== null) {
    return (
      <div class="center">
        <h1>This review could not be opened</h1>
        <p class="muted">{loadError}</p>
        <a class="btn btn-primary" href="/">
          Start a new trip
        </a>
      </div>
    )
  }
  if (status === null || result === null || review === null) {
    return (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the selection…
      </div>
    )
  }

  const overrides = review.overrides
  const confirmed = review.confirmed
  const nameOf = (fileId: string) => names.get(fileId) ?? fileId

  const toggle = async (fileId: string) => {
    const include = !isIncluded(fileId, pick, overrides)
    setSaving((s) => new Set(s).add(fileId))
    setActionError(null)
    try {
      const next = await call((api) =>
        api.selection.override({ params: { sessionId, jobId }, payload: { fileId, action: overrideFor(fileId, include, pick) } })
      )
      setReview(next)
    } catch (e) {
      setActionError(`${nameOf(fileId)}: ${messageOf(e)}`)
    } finally {
      setSaving((s) => {
        const n = new Set(s)
        n.delete(fileId)
        return n
      })
    }
  }

  const confirm = async () => {
    setConfirming(true)
    setActionError(null)
    try {
      setReview(await call((api) => api.selection.confirm({ params: { sessionId, jobId } })))
      setSessionNonce((n) => n + 1)
      notifySessionChanged()
    } catch (e) {
      setActionError(messageOf(e))
    } finally {
      setConfirming(false)
    }
  }

  const reopen = async () => {
    setReopening(true)
    setActionError(null)
    try {
      setReview(await call((api) => api.posts.reopenReview({ params: { sessionId, jobId } })))
      setAsking(false)
      setSessionNonce((n) => n + 1)
      notifySessionChanged()
    } catch (e) {
      setActionError(`The selection could not be reopened: ${messageOf(e)}`)
      setAsking(false)
    } finally {
      setReopening(false)
    }
  }

  const enhance = async () => {
    setStarting(true)
    setActionError(null)
    try {
      const started = await call((api) => api.enhancement.start({ params: { sessionId }, payload: { selectionJobId: jobId } }))
      navigate({ step: "enhance", sessionId, jobId: started.jobId })
    } catch (e) {
      setActionError(messageOf(e))
      setStarting(false)
    }
  }

  const open = async (fileId: string, caption: string) => {
    try {
      const media = await call((api) => api.media.previewUrl({ params: { sessionId, fileId } }))
      const kind = kinds.get(fileId) === "video" ? "video" : "photo"
      setViewer({
        kind,
        url: media.url,
        title: nameOf(fileId),
        caption: media.variant === "thumbnail" && kind === "photo" ? `${caption} (preview: this browser cannot show the original format)` : caption
      })
    } catch (e) {
      setActionError(`${nameOf(fileId)}: ${messageOf(e)}`)
    }
  }

  const Media = (p: { fileId: string; rank?: number; caption: string }) => {
    const url = thumbs.get(p.fileId)
    const video = kinds.get(p.fileId) === "video"
    return (
      <button type="button" class="tile-media" onClick={() => void open(p.fileId, p.caption)} aria-label={`View ${nameOf(p.fileId)} full size`}>
        {url ? <img src={url} alt="" loading="lazy" /> : <span class="placeholder">Loading…</span>}
        {p.rank !== undefined ? <span class="rank">#{p.rank}</span> : null}
        {video ? <span class="video-chip">▶ Video</span> : null}
      </button>
    )
  }

  const included = includedCount(result, overrides)
  const selectedTile = (s: SelectedItem) => {
    const on = isIncluded(s.fileId, pick, overrides)
    return (
      <article key={s.fileId} class={`tile ${on ? "on" : "off"}`} data-testid="selected-item" data-file-id={s.fileId} data-included={String(on)}>
        <Media fileId={s.fileId} rank={s.rank} caption={s.justification} />
        <div class="tile-body">
          <div class="tile-title" title={nameOf(s.fileId)}>
            {nameOf(s.fileId)}
          </div>
          <div class="tile-meta">
            <span class="chip">{s.scene}</span>
          </div>
          <p class="justify">{s.justification}</p>
          {s.comparisonNote ? <p class="note">{s.comparisonNote}</p> : null}
          <Switch on={on} busy={saving.has(s.fileId)} disabled={confirmed} label={`Include ${nameOf(s.fileId)}`} onToggle={() => void toggle(s.fileId)} />
        </div>
      </article>
    )
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>
            Your pick: {result.selected.length} of {status.files.length}
          </h1>
          <p class="muted">In rank order, with why each was chosen. Switch any item in or out; changes are saved as you go.</p>
        </div>
        <span class="badge badge-model" data-testid="model" title={`Selection model: ${result.model}`}>
          {selectionModelLabel(result.model)}
          {session !== null && session.tokensUsed > 0 ? ` · ${tokensLabel(session.tokensUsed)}` : null}
        </span>
      </div>

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
      {actionError !== null ? (
        <div class="notice notice-bad" role="alert">
          <div>{actionError}</div>
        </div>
      ) : null}

      <section aria-labelledby="sel-title" style="display:grid;gap:14px">
        <h2 id="sel-title">Selected</h2>
        <div class="grid">{result.selected.map(selectedTile)}</div>
      </section>

      {split.considered.length > 0 ? (
        <section aria-labelledby="exc-title" style="display:grid;gap:14px">
          <h2 id="exc-title">Left out</h2>
          <div class="grid">
            {split.considered.map((e) => {
              const on = isIncluded(e.fileId, pick, overrides)
              return (
                <article key={e.fileId} class={`tile ${on ? "on" : "off"}`} data-testid="excluded-item" data-file-id={e.fileId} data-included={String(on)}>
                  <Media fileId={e.fileId} caption={e.reason} />
                  <div class="tile-body">
                    <div class="tile-title" title={nameOf(e.fileId)}>
                      {nameOf(e.fileId)}
                    </div>
                    <div class="tile-meta">
                      <span class="chip chip-cat">{categoryLabel(e.category)}</span>
                      {e.duplicateOf !== null ? <span class="chip">Duplicate of {nameOf(e.duplicateOf)}</span> : null}
                    </div>
                    <p class="justify">{e.reason}</p>
                    <Switch on={on} busy={saving.has(e.fileId)} disabled={confirmed} label={`Include ${nameOf(e.fileId)}`} onToggle={() => void toggle(e.fileId)} />
                  </div>
                </article>
              )
            })}
          </div>
        </section>
      ) : null}

      {split.unprocessable.length > 0 ? (
        <section class="card" aria-labelledby="bad-title">
          <div class="card-head">
            <h2 id="bad-title">Could not be read</h2>
            <span class="muted small">These files are damaged or not supported; the rest went on without them.</span>
          </div>
          <ul class="file-list">
            {split.unprocessable.map((e) => (
              <li class="file-row" key={e.fileId} data-testid="failed-item" data-status="failed">
                <span class="kind-icon" aria-hidden="true">
                  !
                </span>
                <span class="file-name">{nameOf(e.fileId)}</span>
                <span class="bar-cell" />
                <span class="badge badge-failed">{failures.get(e.fileId)?.tag ?? "Failed"}</span>
                <span class="file-reason">{failures.get(e.fileId)?.message ?? e.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {notTaken.length > 0 ? (
        <section class="card" aria-labelledby="skipped-title">
          <div class="card-head">
            <h2 id="skipped-title">Not taken in</h2>
            <span class="muted small">Files of your pick that were not sent: not a photo or video, or refused.</span>
          </div>
          <ul class="file-list">
            {notTaken.map((f) => (
              <li class="file-row" key={f.path} data-testid="skipped-item" data-status={f.status}>
                <span class="kind-icon" aria-hidden="true">
                  –
                </span>
                <span class="file-name">{f.path}</span>
                <span class="bar-cell" />
                <span class="badge">{f.status}</span>
                <span class="file-reason">{f.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {result.sceneGroups.length > 0 ? (
        <section class="card" aria-labelledby="scenes-title">
          <div class="card-head">
            <h2 id="scenes-title">Scenes</h2>
            <span class="muted small">Shots close in time and place; the pick spreads across them.</span>
          </div>
          <div class="scenes">
            {result.sceneGroups.map((g) => (
              <div class="scene" key={g.name} data-testid="scene">
                <div>
                  <strong>{g.name}</strong>
                  <p class="muted small">{sceneDetail(g)}</p>
                </div>
                <div class="scene-strip">
                  {g.items.map((id) => {
                    const url = thumbs.get(id)
                    const cls = isIncluded(id, pick, overrides) ? "sel" : undefined
                    return url ? (
                      <img key={id} src={url} alt={nameOf(id)} title={nameOf(id)} class={cls} loading="lazy" />
                    ) : (
                      <span key={id} class={`thumb-fallback ${cls ?? ""}`} title={nameOf(id)} />
                    )
                  })}
                </div>
              </div>
            ))}
          </div>
        </section>
      ) : null}

      <div class="sticky-actions">
        <span aria-live="polite">
          <strong data-testid="included-count">{included}</strong> in the pick
          {overrides.length > 0 ? <span class="muted"> · {overrides.length} changed by you</span> : null}
        </span>
        {confirmed ? (
          <div class="actions">
            <button
              type="button"
              class="btn"
              disabled={reopening}
              data-testid="change-selection"
              onClick={() => (laterWork.length > 0 ? setAsking(true) : void reopen())}
            >
              Change selection
            </button>
            {hasPosts ? (
              <>
                <button type="button" class="btn" disabled={starting || included === 0} onClick={() => void enhance()} data-testid="start-enhance">
                  {enhancement !== null && enhancement.status !== "failed" ? "Open the enhancement" : `Enhance ${included} kept item${included === 1 ? "" : "s"}`}
                </button>
                <button type="button" class="btn btn-primary btn-large" onClick={() => navigate({ step: "group", sessionId })} data-testid="continue-posts">
                  Continue to posts →
                </button>
              </>
            ) : (
              <button type="button" class="btn btn-primary btn-large" disabled={starting || included === 0} onClick={() => void enhance()} data-testid="start-enhance">
                {starting ? <span class="spinner" aria-hidden="true" /> : null}
                {enhancement !== null && enhancement.status !== "failed"
                  ? "Open the enhancement"
                  : `Enhance ${included} kept item${included === 1 ? "" : "s"}`}
              </button>
            )}
          </div>
        ) : (
          <button type="button" class="btn btn-primary btn-large" disabled={confirming || saving.size > 0} onClick={() => void confirm()} data-testid="confirm">
            {confirming ? <span class="spinner" aria-hidden="true" /> : null}
            {`Confirm ${included} item${included === 1 ? "" : "s"}`}
          </button>
        )}
      </div>

      {viewer !== null ? <Viewer item={viewer} onClose={() => setViewer(null)} /> : null}
      {asking ? <ReopenDialog lines={laterWork} busy={reopening} onConfirm={() => void reopen()} onCancel={() => setAsking(false)} /> : null}
    </>
  )
}
