/**
 * Step 4: enhancement of the kept items. Per-item progress (waiting,
 * enhancing, done, failed with the reason) with counts and a total bar; per
 * photo a before/after slider, per video the before and after clips side by
 * side; a version picker (round 0 "Auto", then each feedback round), the
 * version's parameters, and a feedback box with suggestion chips; accept
 * keeps the chosen version of every item.
 *
 * The job's status is polled with backoff (Backoff.ts) while it runs or any
 * item's round runs (EnhanceModel `keepPolling`), so the page waits for a
 * round to end rather than a fixed delay; the poll stops when nothing moves,
 * when the step is left, and after `maxPolls`. Sending feedback restarts it.
 * Media comes from short-lived signed URLs fetched when an item nears the
 * viewport and renewed when they expire or fail to load.
 */
import type { EnhancementItemStatus, EnhancementStatus, MediaUrl } from "@curator/contracts"
import { FEEDBACK_MAX_LENGTH } from "@curator/contracts"
import type { ComponentChildren } from "preact"
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import { ApiFailure, call, messageOf } from "../../api/ApiClient.js"
import type { Navigate } from "../../App.js"
import { enhancementPolicy } from "../../shared/Backoff.js"
import { CompareSlider } from "./CompareSlider.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { SyncedPlayers } from "./SyncedPlayers.js"
import { Viewer, type ViewerItem } from "../../shared/Viewer.js"
import {
  acceptedMatches,
  buildChoices,
  FEEDBACK_SUGGESTIONS,
  keepPolling,
  reconcileSelection,
  type Selection,
  statusSignature,
  summarizeParams,
  versionLabel,
  withItem
} from "./EnhanceModel.js"
import { SignedUrlCache, useNearViewport, useSignedUrl } from "../../shared/SignedUrls.js"
import { usePoll } from "../../shared/usePoll.js"

const LABEL = { pending: "Waiting", processing: "Enhancing", done: "Done", failed: "Failed" } as const

/** An error of one call as people read it: the server's message, with the HTTP status for conflicts and refusals. */
const failureText = (e: unknown): string => (e instanceof ApiFailure && e.status >= 400 ? `${e.message} (${e.status} ${e.tag})` : messageOf(e))

/** What the item card needs from the step. */
interface ItemContext {
  readonly sessionId: string
  readonly jobId: string
  readonly urls: SignedUrlCache
  readonly accepted: boolean
  /** The job's first pass still runs: feedback waits for it (the API answers 409 until then). */
  readonly running: boolean
}

const ItemMedia = (props: { ctx: ItemContext; item: EnhancementItemStatus; round: number | null; overlay: ComponentChildren }) => {
  const { ctx, item, round } = props
  const ref = useRef<HTMLDivElement>(null)
  const near = useNearViewport(ref)
  const ready = near && item.versions.length > 0
  const params = { sessionId: ctx.sessionId, jobId: ctx.jobId, fileId: item.fileId }
  const before = useSignedUrl(ctx.urls, ready ? `${item.fileId}/before` : null, () => call((api) => api.enhancement.beforeUrl({ params })))
  const after = useSignedUrl(ctx.urls, ready && round !== null ? `${item.fileId}/${round}/preview` : null, () =>
    call((api) => api.enhancement.previewUrl({ params: { ...params, round: String(round) } }))
  )
  const error = before.error ?? after.error
  return (
    <div ref={ref} class="enhance-media">
      {!ready ? (
        <div class="media-placeholder">
          {item.status === "failed" ? (
            <span>No version to show</span>
          ) : (
            <>
              <span class="spinner" aria-hidden="true" /> {item.status === "processing" ? "Enhancing…" : "Waiting…"}
            </>
          )}
        </div>
      ) : item.kind === "photo" ? (
        <CompareSlider
          label={item.name}
          before={{ url: before.media?.url ?? null, onLoad: before.onLoad, onError: before.onError }}
          after={{ url: after.media?.url ?? null, onLoad: after.onLoad, onError: after.onError }}
          overlay={props.overlay}
        />
      ) : (
        <SyncedPlayers
          label={item.name}
          before={{ url: before.media?.url ?? null, onLoad: before.onLoad, onError: before.onError }}
          after={{ url: after.media?.url ?? null, onLoad: after.onLoad, onError: after.onError }}
          overlay={props.overlay}
        />
      )}
      {error !== null ? (
        <p class="item-error" role="alert">
          {error}{" "}
          <button
            type="button"
            class="btn btn-small"
            onClick={() => {
              before.retry()
              after.retry()
            }}
          >
            Try again
          </button>
        </p>
      ) : null}
    </div>
  )
}

const ItemCard = (props: {
  ctx: ItemContext
  item: EnhancementItemStatus
  round: number | null
  onSelect: (round: number) => void
  onFeedback: (text: string) => Promise<boolean>
  onOpen: (round: number) => void
  sending: boolean
  error: string | null
}) => {
  const { ctx, item, round } = props
  const [text, setText] = useState("")
  const version = item.versions.find((v) => v.round === round) ?? null
  const processing = item.status === "processing"
  const canSend = !ctx.accepted && !ctx.running && !processing && !props.sending && item.versions.length > 0
  const send = async (words: string) => {
    const trimmed = words.trim()
    if (trimmed.length === 0) return
    if (await props.onFeedback(trimmed)) setText("")
  }
  const overlay =
    processing && item.versions.length > 0 ? (
      <span class="busy-chip" data-testid="item-busy">
        <span class="spinner" aria-hidden="true" /> {item.pendingFeedback ? `Applying “${item.pendingFeedback}”…` : "Enhancing…"}
      </span>
    ) : null
  const groupName = `version-${item.fileId}`

  return (
    <article
      class={`enhance-item enhance-${item.status}`}
      data-testid="enhance-item"
      data-file-id={item.fileId}
      data-kind={item.kind}
      data-status={item.status}
      data-round={round ?? ""}
      data-current-round={item.currentRound}
      aria-labelledby={`title-${item.fileId}`}
    >
      <header class="enhance-head">
        <span class="kind-icon" aria-hidden="true">
          {item.kind === "video" ? "VID" : "IMG"}
        </span>
        <h3 id={`title-${item.fileId}`} class="file-name" title={item.name}>
          {item.name}
        </h3>
        <span class="bar-cell">
          <ProgressBar
            value={item.status === "pending" ? 0 : processing ? 0.5 : 1}
            label={`${item.name}: ${LABEL[item.status]}`}
            tone={item.status === "failed" ? "failed" : item.status === "done" ? "done" : "normal"}
          />
        </span>
        <span class={`badge badge-${item.status}`} data-testid="item-status">
          {processing && item.pendingFeedback ? `Applying “${item.pendingFeedback}”` : LABEL[item.status]}
        </span>
        {item.accepted !== null ? (
          <span class="badge badge-complete" data-testid="item-accepted">
            Kept: {versionLabel(item.versions.find((v) => v.round === item.accepted) ?? { round: item.accepted, feedback: null })}
          </span>
        ) : null}
      </header>
      {item.status === "failed" && item.reason !== null ? (
        <p class="item-error" data-testid="item-reason">
          <strong>{item.reason.tag}</strong> {item.reason.message}
          {item.versions.length > 0 ? " Earlier versions are kept." : ""}
        </p>
      ) : null}

      <div class="enhance-body">
        <ItemMedia ctx={ctx} item={item} round={round} overlay={overlay} />
        <div class="enhance-side">
          {item.versions.length > 0 ? (
            <fieldset class="versions">
              <legend>Version</legend>
              {item.versions.map((v) => (
                <label key={v.round} class={`version${v.round === round ? " on" : ""}`} data-testid="version" data-round={v.round}>
                  <input type="radio" name={groupName} value={v.round} checked={v.round === round} onChange={() => props.onSelect(v.round)} />
                  <span class="version-round">{v.round}</span>
                  <span class="version-label">{versionLabel(v)}</span>
                </label>
              ))}
            </fieldset>
          ) : null}
          {version !== null ? (
            <p class="params muted small" data-testid="params" title="The adjustments of this version">
              {summarizeParams(item.kind, version.params)}
            </p>
          ) : null}
          {version !== null ? (
            <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onOpen(version.round)}>
              Open full size
            </button>
          ) : null}

          <form
            class="feedback"
            onSubmit={(e) => {
              e.preventDefault()
              void send(text)
            }}
          >
            <label class="visually-hidden" for={`fb-${item.fileId}`}>
              What should change in {item.name}?
            </label>
            <div class="feedback-row">
              <input
                id={`fb-${item.fileId}`}
                type="text"
                data-testid="feedback-input"
                placeholder={
                  ctx.accepted ? "Accepted: feedback is closed" : ctx.running ? "Feedback opens when every item is enhanced" : "What should change? e.g. brighter, warmer"
                }
                maxLength={FEEDBACK_MAX_LENGTH}
                value={text}
                disabled={!canSend}
                onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
              />
              <button type="submit" class="btn" data-testid="feedback-send" disabled={!canSend || text.trim().length === 0}>
                {props.sending ? <span class="spinner" aria-hidden="true" /> : null}
                Send
              </button>
            </div>
            <div class="chips" role="group" aria-label={`Quick feedback for ${item.name}`}>
              {FEEDBACK_SUGGESTIONS.map((word) => (
                <button key={word} type="button" class="chip-btn" data-testid="feedback-chip" data-word={word} disabled={!canSend} onClick={() => void send(word)}>
                  {word}
                </button>
              ))}
            </div>
          </form>
          {props.error !== null ? (
            <p class="item-error" role="alert" data-testid="item-error">
              {props.error}
            </p>
          ) : null}
        </div>
      </div>
    </article>
  )
}

export const EnhanceStep = (props: { sessionId: string; jobId: string; navigate: Navigate }) => {
  const { sessionId, jobId, navigate } = props
  const [selection, setSelection] = useState<Selection>(new Map())
  const [sending, setSending] = useState<ReadonlySet<string>>(new Set())
  const [itemErrors, setItemErrors] = useState<ReadonlyMap<string, string>>(new Map())
  const [accepting, setAccepting] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const [retrying, setRetrying] = useState(false)
  const [viewer, setViewer] = useState<ViewerItem | null>(null)
  const urls = useMemo(() => new SignedUrlCache(), [sessionId, jobId])
  // The job's status, polled with backoff while anything moves (usePoll; a 404 stops it).
  const poll = usePoll(
    `${sessionId}/${jobId}`,
    (signal) => call((api) => api.enhancement.status({ params: { sessionId, jobId } }), signal),
    keepPolling,
    statusSignature,
    enhancementPolicy
  )
  const { data: status, error: pollError, gaveUp } = poll
  // The round each item shows follows the status (EnhanceModel `reconcileSelection`).
  const latest = useRef<EnhancementStatus | null>(null)
  useEffect(() => {
    if (status === null) return
    const previous = latest.current?.items ?? null
    latest.current = status
    setSelection((sel) => reconcileSelection(sel, previous, status.items))
  }, [status])

  const items = status?.items ?? []
  const choices = useMemo(() => buildChoices(items, selection), [items, selection])

  if (status === null) {
    return pollError === null ? (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the enhancement…
      </div>
    ) : (
      <div class="center">
        <h1>This enhancement could not be opened</h1>
        <p class="muted">{pollError}</p>
        <a class="btn btn-primary" href="/">
          Start a new trip
        </a>
      </div>
    )
  }

  const ctx: ItemContext = { sessionId, jobId, urls, accepted: status.acceptedAt !== null, running: status.status === "running" }
  const { counts } = status
  const finished = counts.done + counts.failed
  const fraction = counts.total === 0 ? 0 : finished / counts.total
  const moving = keepPolling(status)
  const acceptedNow = status.acceptedAt !== null && acceptedMatches(items, choices)

  const feedback = async (item: EnhancementItemStatus, words: string): Promise<boolean> => {
    setSending((s) => new Set(s).add(item.fileId))
    setItemErrors((m) => {
      const n = new Map(m)
      n.delete(item.fileId)
      return n
    })
    try {
      const next = await call((api) =>
        api.enhancement.feedback({ params: { sessionId, jobId, fileId: item.fileId }, payload: { feedback: words } })
      )
      // A poll answered before this round began must not overwrite it: `show` stops it, shows the item, polls anew.
      const shown = latest.current
      if (shown !== null) poll.show(withItem(shown, next))
      else poll.wake()
      return true
    } catch (e) {
      setItemErrors((m) => new Map(m).set(item.fileId, `“${words}” was not sent: ${failureText(e)}`))
      return false
    } finally {
      setSending((s) => {
        const n = new Set(s)
        n.delete(item.fileId)
        return n
      })
    }
  }

  const accept = async () => {
    setAccepting(true)
    setActionError(null)
    try {
      poll.show(await call((api) => api.enhancement.accept({ params: { sessionId, jobId }, payload: { choices } })))
    } catch (e) {
      setActionError(`The versions were not accepted: ${failureText(e)}`)
    } finally {
      setAccepting(false)
    }
  }

  const retry = async () => {
    setRetrying(true)
    setActionError(null)
    try {
      const started = await call((api) => api.enhancement.start({ params: { sessionId }, payload: { selectionJobId: status.selectionJobId } }))
      navigate({ step: "enhance", sessionId, jobId: started.jobId })
    } catch (e) {
      setActionError(failureText(e))
    } finally {
      setRetrying(false)
    }
  }

  const open = async (item: EnhancementItemStatus, round: number) => {
    try {
      const media: MediaUrl = await call((api) =>
        api.enhancement.outputUrl({ params: { sessionId, jobId, fileId: item.fileId, round: String(round) } })
      )
      const v = item.versions.find((x) => x.round === round)
      setViewer({ kind: item.kind, url: media.url, title: item.name, caption: `Version ${round}: ${v ? versionLabel(v) : ""}` })
    } catch (e) {
      setItemErrors((m) => new Map(m).set(item.fileId, `The full-size version could not be opened: ${failureText(e)}`))
    }
  }

  const title =
    status.status === "failed"
      ? "The enhancement stopped"
      : status.status === "running"
        ? `Enhancing ${counts.total} item${counts.total === 1 ? "" : "s"}…`
        : status.acceptedAt !== null
          ? "Your enhanced items"
          : "Compare and refine"

  return (
    <>
      <div class="page-head">
        <div>
          <h1>{title}</h1>
          <p class="muted">
            Every kept photo and video is enhanced at once. Compare each with its original, ask for changes in your own words, then accept the
            versions you like. You can leave this page and come back with its link.
          </p>
        </div>
        <a
          class="btn btn-ghost"
          href={`/s/${sessionId}/review/${status.selectionJobId}`}
          onClick={(e) => {
            e.preventDefault()
            navigate({ step: "review", sessionId, jobId: status.selectionJobId })
          }}
        >
          ← Review
        </a>
      </div>

      {status.status === "failed" ? (
        <div class="notice notice-bad" role="alert" data-testid="job-error">
          <div>
            <strong>{status.error?.tag ?? "Enhancement failed"}</strong>
            {status.error?.message ?? "The job ended without finishing."}
          </div>
          <button type="button" class="btn btn-primary" onClick={() => void retry()} disabled={retrying} data-testid="retry">
            {retrying ? <span class="spinner" aria-hidden="true" /> : null}
            Retry with a new job
          </button>
        </div>
      ) : null}

      {gaveUp && moving ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Still running.</strong> This page stopped checking after a long while.
          </div>
          <button type="button" class="btn" onClick={poll.wake}>
            Check again
          </button>
        </div>
      ) : null}

      {pollError !== null ? (
        <div class="notice notice-warn" role="status">
          <div>
            <strong>Connection trouble{moving ? ", still trying" : ""}.</strong> {pollError}
          </div>
        </div>
      ) : null}

      {status.acceptedAt !== null ? (
        <div class="notice notice-ok" role="status" data-testid="accepted">
          <div>
            <strong>
              Accepted on {new Date(status.acceptedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}.
            </strong>
            The chosen version of each item is kept.
          </div>
        </div>
      ) : null}

      <section class="card" aria-labelledby="progress-title">
        <div class="card-head">
          <h2 id="progress-title">
            {finished} of {counts.total} items enhanced
          </h2>
          <span class={`badge badge-${status.status}`} data-testid="job-status">
            {status.status === "running" ? "Running" : status.status === "complete" ? "Complete" : "Failed"}
          </span>
        </div>
        <ProgressBar
          value={fraction}
          label="Items enhanced"
          size="large"
          tone={status.status === "failed" ? "failed" : finished === counts.total && counts.total > 0 ? "done" : "normal"}
        />
        <div class="counts" style="margin-top:14px" aria-live="polite" data-testid="enhance-counts">
          <div>
            <strong data-testid="count-done">{counts.done}</strong>
            <span class="muted small">done</span>
          </div>
          <div>
            <strong data-testid="count-processing">{counts.processing}</strong>
            <span class="muted small">enhancing</span>
          </div>
          <div>
            <strong data-testid="count-pending">{counts.pending}</strong>
            <span class="muted small">waiting</span>
          </div>
          <div>
            <strong data-testid="count-failed" style={counts.failed > 0 ? "color:var(--bad)" : undefined}>
              {counts.failed}
            </strong>
            <span class="muted small">failed</span>
          </div>
        </div>
      </section>

      {actionError !== null ? (
        <div class="notice notice-bad" role="alert" data-testid="action-error">
          <div>{actionError}</div>
        </div>
      ) : null}

      <section class="enhance-list" aria-label="Items" data-testid="enhance-list">
        {items.map((item) => (
          <ItemCard
            key={item.fileId}
            ctx={ctx}
            item={item}
            round={selection.get(item.fileId) ?? null}
            onSelect={(round) => setSelection((sel) => new Map(sel).set(item.fileId, round))}
            onFeedback={(words) => feedback(item, words)}
            onOpen={(round) => void open(item, round)}
            sending={sending.has(item.fileId)}
            error={itemErrors.get(item.fileId) ?? null}
          />
        ))}
      </section>

      <div class="sticky-actions">
        <span aria-live="polite">
          {moving ? (
            <>
              <span class="spinner" aria-hidden="true" /> Waiting for {counts.processing + counts.pending} item
              {counts.processing + counts.pending === 1 ? "" : "s"}…
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
          disabled={moving || accepting || choices.length === 0 || acceptedNow || sending.size > 0}
          onClick={() => void accept()}
        >
          {accepting ? <span class="spinner" aria-hidden="true" /> : null}
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

      {viewer !== null ? <Viewer item={viewer} onClose={() => setViewer(null)} /> : null}
    </>
  )
}
