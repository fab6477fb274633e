/**
 * The caption editor: the text with its length against the limit, the
 * hashtags as removable chips with an input that adds (cleaned) tags, the
 * location tag, and "Copy", "Save edit", "Undo changes". Locked while a round
 * runs, the caption is out of date, or a request is under way.
 */
import type { CaptionVersion } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { captionLengthLabel } from "./CaptionModel.js"
import type { Caption } from "./useCaption.js"

export const CaptionEditor = ({ c, shown }: { c: Caption; shown: CaptionVersion }) => (
  <div class="caption-editor">
    <label class="field">
      <span>Caption</span>
      <textarea
        rows={6}
        value={c.draft.caption}
        disabled={c.locked}
        data-testid="caption-text"
        onInput={(e) => {
          const caption = (e.currentTarget as HTMLTextAreaElement).value
          c.setDraft((d) => ({ ...d, caption }))
        }}
      />
      <span class={`hint${c.tooLong ? " too-long" : ""}`} data-testid="caption-length">
        {captionLengthLabel(c.draft.caption)}
      </span>
    </label>
    <div class="field">
      <span id="tags-label">Hashtags</span>
      <ul class="tag-chips" aria-labelledby="tags-label" data-testid="hashtags">
        {c.draft.hashtags.map((tag) => (
          <li key={tag} class="tag-chip" data-testid="hashtag" data-tag={tag}>
            #{tag}
            <button
              type="button"
              class="tag-remove"
              aria-label={`Remove #${tag}`}
              disabled={c.locked}
              onClick={() => c.setDraft((d) => ({ ...d, hashtags: d.hashtags.filter((t) => t !== tag) }))}
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
          value={c.tagInput}
          disabled={c.locked || c.draft.hashtags.length >= PostLimits.hashtags}
          data-testid="hashtag-input"
          onInput={(e) => c.setTagInput((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault()
              c.addTags()
            }
          }}
        />
        <button type="button" class="btn" disabled={c.locked || c.tagInput.trim() === ""} onClick={c.addTags} data-testid="hashtag-add">
          Add
        </button>
      </div>
      <span class="hint">
        {c.draft.hashtags.length} / {PostLimits.hashtags}
      </span>
    </div>
    <label class="field">
      <span>Location tag</span>
      <input
        type="text"
        value={c.draft.locationTag ?? ""}
        placeholder="No place (the items have no location)"
        disabled={c.locked}
        data-testid="location-tag"
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value
          c.setDraft((d) => ({ ...d, locationTag: v.trim() === "" ? null : v }))
        }}
      />
    </label>
    <div class="actions">
      <button type="button" class="btn" onClick={() => void c.copy()} data-testid="copy">
        Copy
      </button>
      <button type="button" class="btn" disabled={c.locked || !c.dirty || c.tooLong} onClick={() => void c.saveEdit()} data-testid="save-edit">
        Save edit
      </button>
      {c.dirty ? (
        <button type="button" class="btn btn-ghost" disabled={c.locked} onClick={() => c.setDraft(shown.draft)}>
          Undo changes
        </button>
      ) : null}
      <span class="muted small" role="status" data-testid="copied">
        {c.copied ?? ""}
      </span>
    </div>
  </div>
)
