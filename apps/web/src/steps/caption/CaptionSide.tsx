/** Next to the editor: feedback ("Shorter", "More casual", or free words) as a new round, and the version history (pick an earlier one). */
import type { CaptionState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { CAPTION_FEEDBACK, captionVersionLabel } from "./CaptionModel.js"
import type { Caption } from "./useCaption.js"

export const CaptionSide = ({ c, job }: { c: Caption; job: CaptionState | null }) => (
  <div class="caption-side">
    <form
      class="feedback"
      onSubmit={(e) => {
        e.preventDefault()
        void c.feedback(c.feedbackText)
      }}
    >
      <span class="field-title">Ask for a change</span>
      <div class="chips" role="group" aria-label="Quick feedback">
        {CAPTION_FEEDBACK.map((f) => (
          <button key={f.words} type="button" class="chip-btn" disabled={c.locked} data-testid="caption-feedback-chip" data-words={f.words} onClick={() => void c.feedback(f.words)}>
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
          value={c.feedbackText}
          disabled={c.locked}
          data-testid="caption-feedback-input"
          onInput={(e) => c.setFeedbackText((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="btn" disabled={c.locked || c.feedbackText.trim() === ""} data-testid="caption-feedback-send">
          Send
        </button>
      </div>
    </form>

    <fieldset class="versions" data-testid="caption-versions">
      <legend>Versions</legend>
      {job?.versions.map((v) => (
        <label key={v.round} class={`version${v.round === c.picked ? " on" : ""}`} data-testid="caption-version" data-round={v.round} data-source={v.source}>
          <input type="radio" name={`caption-${job.jobId}`} checked={v.round === c.picked} disabled={c.running} onChange={() => c.setPicked(v.round)} />
          <span class="version-round">{v.round}</span>
          <span class="version-label">
            {captionVersionLabel(v)}
            {job.acceptedRound === v.round ? <span class="badge badge-complete"> accepted</span> : null}
          </span>
        </label>
      ))}
    </fieldset>
  </div>
)
