/**
 * One item of the Enhance step: name, bar and status (the feedback being
 * applied), the kept version once accepted, the failure reason, its media
 * (ItemMedia), the version picker (round 0 "Auto", then each feedback's
 * words), the version's parameters in one line, "Open full size", and the
 * feedback box with suggestion chips (open once the first pass ended, closed
 * on acceptance).
 */
import type { EnhancementItemStatus } from "@curator/contracts"
import { FEEDBACK_MAX_LENGTH } from "@curator/contracts"
import { useState } from "preact/hooks"
import { itemFraction, itemTone } from "../../shared/Jobs.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { Spinner } from "../../shared/StepFrame.js"
import { FEEDBACK_SUGGESTIONS, summarizeParams, versionLabel } from "./EnhanceModel.js"
import { type ItemContext, ItemMedia } from "./ItemMedia.js"

const LABEL = { pending: "Waiting", processing: "Enhancing", done: "Done", failed: "Failed" } as const

export const ItemCard = (props: {
  ctx: ItemContext
  item: EnhancementItemStatus
  round: number | null
  onSelect: (round: number) => void
  /** Sends feedback; resolves true once it was accepted (then the box empties). */
  onFeedback: (text: string) => Promise<boolean | undefined>
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
        <Spinner /> {item.pendingFeedback ? `Applying “${item.pendingFeedback}”…` : "Enhancing…"}
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
          <ProgressBar value={itemFraction(item.status)} label={`${item.name}: ${LABEL[item.status]}`} tone={itemTone(item.status)} />
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
                {props.sending ? <Spinner /> : null}
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
